// SPDX-License-Identifier: MIT
// Partial munmap: unmapping the middle page of three splits the mapping; the
// outer pages keep their contents and stay writable; reading the hole ends
// the process with "no mapping" (Linux: SIGSEGV, SEGV_MAPERR).
#include "conf.h"

int main(void)
{
        uint8_t *p =
            mmap(NULL, 3 * CONF_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        CHECK(p != MAP_FAILED);
        conf_stop_if_failed();
        for (int i = 0; i < 3; i++)
                conf_write64(p + i * CONF_PAGE, 0x100 + i);
        CHECK_EQ(munmap(p + CONF_PAGE, CONF_PAGE), 0);
        CHECK_EQ(conf_read64(p), 0x100);
        CHECK_EQ(conf_read64(p + 2 * CONF_PAGE), 0x102);
        conf_write64(p + 8, 1);
        conf_write64(p + 2 * CONF_PAGE + 8, 2);
        CHECK_EQ(conf_read64(p + 8), 1);
        CHECK_EQ(conf_read64(p + 2 * CONF_PAGE + 8), 2);
        conf_stop_if_failed();
        conf_read8(p + CONF_PAGE + 8);
        conf_no_fault("read the unmapped middle page");
}
