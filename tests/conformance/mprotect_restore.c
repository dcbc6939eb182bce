// SPDX-License-Identifier: MIT
// mprotect round trips: read-write -> read-only -> read-write, and
// read-write -> PROT_NONE -> read-write, keep the pages' contents (also a
// page never touched before), and writes work again afterwards.
#include "conf.h"

int main(void)
{
        uint8_t *p =
            mmap(NULL, 3 * CONF_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        CHECK(p != MAP_FAILED);
        conf_stop_if_failed();
        conf_write64(p, 0x300);
        conf_write64(p + CONF_PAGE, 0x301);
        CHECK_EQ(mprotect(p, 3 * CONF_PAGE, PROT_READ), 0);
        CHECK_EQ(conf_read64(p), 0x300);
        CHECK_EQ(mprotect(p, 3 * CONF_PAGE, PROT_READ | PROT_WRITE), 0);
        conf_write64(p + 8, 0x302);
        CHECK_EQ(conf_read64(p), 0x300);
        CHECK_EQ(conf_read64(p + 8), 0x302);
        CHECK_EQ(mprotect(p, 3 * CONF_PAGE, PROT_NONE), 0);
        CHECK_EQ(mprotect(p, 3 * CONF_PAGE, PROT_READ | PROT_WRITE), 0);
        CHECK_EQ(conf_read64(p), 0x300);
        CHECK_EQ(conf_read64(p + 8), 0x302);
        CHECK_EQ(conf_read64(p + CONF_PAGE), 0x301);
        CHECK(conf_is_zero(p + 2 * CONF_PAGE, CONF_PAGE));
        conf_write64(p + 2 * CONF_PAGE, 0x303);
        CHECK_EQ(conf_read64(p + 2 * CONF_PAGE), 0x303);
        return conf_done();
}
