// SPDX-License-Identifier: MIT
// Boot images for the host pager tests: appends one cpio newc entry
// (tools/mkcpio.py's layout) to buf, which holds *len bytes of cap; aborts
// when it does not fit. End an image with cpio_put(..., "TRAILER!!!", "", 0).
#pragma once
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline void cpio_append(uint8_t *buf, size_t cap, size_t *len, const char *name,
                               const void *data, size_t size)
{
        char h[128];
        size_t nl = strlen(name) + 1;
        if (*len + 120 + nl + size > cap)
                abort();
        snprintf(h, sizeof(h), "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", 1,
                 0100755, 0, 0, 1, 0, (unsigned)size, 0, 0, 0, 0, (unsigned)nl, 0);
        memcpy(buf + *len, h, 110);
        memcpy(buf + *len + 110, name, nl);
        *len = (*len + 110 + nl + 3) & ~(size_t)3;
        memcpy(buf + *len, data, size);
        *len = (*len + size + 3) & ~(size_t)3;
}
