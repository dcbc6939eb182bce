// SPDX-License-Identifier: MIT
// Partial mprotect: making the middle page of three read-only splits the
// mapping; all pages keep their contents, the outer ones stay writable, and
// a write to the middle one is an access violation (Linux: SIGSEGV,
// SEGV_ACCERR).
#include "conf.h"

int main(void)
{
        uint8_t *p =
            mmap(NULL, 3 * CONF_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        CHECK(p != MAP_FAILED);
        conf_stop_if_failed();
        for (int i = 0; i < 3; i++)
                conf_write64(p + i * CONF_PAGE, 0x200 + i);
        CHECK_EQ(mprotect(p + CONF_PAGE, CONF_PAGE, PROT_READ), 0);
        for (int i = 0; i < 3; i++)
                CHECK_EQ(conf_read64(p + i * CONF_PAGE), 0x200 + i);
        conf_write64(p + 8, 1);
        conf_write64(p + 2 * CONF_PAGE + 8, 2);
        CHECK_EQ(conf_read64(p + 8), 1);
        CHECK_EQ(conf_read64(p + 2 * CONF_PAGE + 8), 2);
        conf_stop_if_failed();
        conf_write8(p + CONF_PAGE + 8, 3);
        conf_no_fault("write to the read-only middle page");
}
