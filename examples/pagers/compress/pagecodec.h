// SPDX-License-Identifier: MIT
// How the compress pager keeps an evicted page (portable, host-tested): a
// page of zeros takes no bytes, a page the compressor shrinks is kept as LZ
// (lz.h), any other page raw. Pages are PAGE_BYTES long.
#pragma once
#include "lz.h"
#include <stdbool.h>

#define PAGE_BYTES 4096

enum page_code {
        PAGE_ZERO = 1, // all zero: nothing stored
        PAGE_LZ,       // lz_compress output
        PAGE_RAW,      // the page as it is (incompressible)
};

// Whether the page is all zero.
bool page_is_zero(const uint8_t *page);

// Encodes a page into out (PAGE_BYTES bytes of room): returns its code and
// sets *len to the bytes used in out (0 for PAGE_ZERO, PAGE_BYTES for raw).
enum page_code page_encode(struct lz_work *w, const uint8_t *page, uint8_t *out, size_t *len);

// Decodes what page_encode produced back into page. 0, or -1 if the data is
// malformed (page then holds zeros).
int page_decode(enum page_code code, const uint8_t *data, size_t len, uint8_t *page);
