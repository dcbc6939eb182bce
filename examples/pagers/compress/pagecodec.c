// SPDX-License-Identifier: MIT
// Page encoding for the compress pager (pagecodec.h).
#include "pagecodec.h"
#if __STDC_HOSTED__
#include <string.h>
#else
#include <mk/sys.h> // memcpy, memset, memcmp: libsys
#endif

bool page_is_zero(const uint8_t *page)
{
        const uint64_t *w = (const uint64_t *)page;
        for (size_t i = 0; i < PAGE_BYTES / sizeof(*w); i++)
                if (w[i])
                        return false;
        return true;
}

enum page_code page_encode(struct lz_work *w, const uint8_t *page, uint8_t *out, size_t *len)
{
        if (page_is_zero(page)) {
                *len = 0;
                return PAGE_ZERO;
        }
        // Compressed output must be smaller than the page to be worth keeping.
        size_t n = lz_compress(w, page, PAGE_BYTES, out, PAGE_BYTES - 1);
        if (n) {
                *len = n;
                return PAGE_LZ;
        }
        memcpy(out, page, PAGE_BYTES);
        *len = PAGE_BYTES;
        return PAGE_RAW;
}

int page_decode(enum page_code code, const uint8_t *data, size_t len, uint8_t *page)
{
        switch (code) {
        case PAGE_ZERO:
                memset(page, 0, PAGE_BYTES);
                return 0;
        case PAGE_LZ:
                if (lz_decompress(data, len, page, PAGE_BYTES) == PAGE_BYTES)
                        return 0;
                break;
        case PAGE_RAW:
                if (len == PAGE_BYTES) {
                        memcpy(page, data, PAGE_BYTES);
                        return 0;
                }
                break;
        }
        memset(page, 0, PAGE_BYTES);
        return -1;
}
