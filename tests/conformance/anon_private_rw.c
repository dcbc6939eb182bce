// SPDX-License-Identifier: MIT
// Anonymous private mapping: every page reads as zero on first read; some
// pages are first touched by a write; writes stick and stay in their page.
#include "conf.h"

#define PAGES 16

int main(void)
{
        uint8_t *p = mmap(NULL, PAGES * CONF_PAGE, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        CHECK(p != MAP_FAILED);
        CHECK((uintptr_t)p % CONF_PAGE == 0);
        conf_stop_if_failed();
        for (int i = 0; i < PAGES; i += 2)
                CHECK(conf_is_zero(p + i * CONF_PAGE, CONF_PAGE));
        for (int i = 0; i < PAGES; i++)
                conf_write64(p + i * CONF_PAGE + 64, 0x1000 + i);
        for (int i = 0; i < PAGES; i++) {
                CHECK_EQ(conf_read64(p + i * CONF_PAGE + 64), 0x1000 + i);
                CHECK(conf_is_zero(p + i * CONF_PAGE, 64));
                CHECK(conf_is_zero(p + i * CONF_PAGE + 72, CONF_PAGE - 72));
        }
        CHECK_EQ(munmap(p, PAGES * CONF_PAGE), 0);
        return conf_done();
}
