// SPDX-License-Identifier: MIT
// Explicit guard page after a buffer: writing along a read-write mapping
// runs into the PROT_NONE page placed right after it (MAP_FIXED) and ends
// the process with "guard page" (Linux: SIGSEGV, SEGV_ACCERR).
#include "conf.h"

#define BUF (4 * CONF_PAGE)

int main(void)
{
        uint8_t *p =
            mmap(NULL, BUF + CONF_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        CHECK(p != MAP_FAILED);
        conf_stop_if_failed();
        uint8_t *g =
            mmap(p + BUF, CONF_PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        CHECK(g == p + BUF);
        conf_stop_if_failed();
        for (unsigned long i = 0; i < BUF + CONF_PAGE; i += 64)
                conf_write8(p + i, 1);
        conf_no_fault("write past the buffer into its guard page");
}
