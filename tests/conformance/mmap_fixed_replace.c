// SPDX-License-Identifier: MIT
// MAP_FIXED replaces what is there: a fixed mapping over the middle page of
// a written mapping reads as zero and the pages around it keep their
// contents; a fixed mapping into a hole left by munmap works too.
#include "conf.h"

int main(void)
{
        uint8_t *p =
            mmap(NULL, 4 * CONF_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        CHECK(p != MAP_FAILED);
        conf_stop_if_failed();
        memset(p, 0x5a, 4 * CONF_PAGE);
        uint8_t *q = mmap(p + CONF_PAGE, CONF_PAGE, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        CHECK(q == p + CONF_PAGE);
        conf_stop_if_failed();
        CHECK(conf_is_zero(q, CONF_PAGE));
        CHECK_EQ(conf_read8(p + CONF_PAGE - 1), 0x5a);
        CHECK_EQ(conf_read8(p + 2 * CONF_PAGE), 0x5a);
        conf_write8(q, 1);
        CHECK_EQ(conf_read8(q), 1);
        CHECK_EQ(munmap(p + 3 * CONF_PAGE, CONF_PAGE), 0);
        uint8_t *r = mmap(p + 3 * CONF_PAGE, CONF_PAGE, PROT_READ,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        CHECK(r == p + 3 * CONF_PAGE);
        conf_stop_if_failed();
        CHECK(conf_is_zero(r, CONF_PAGE));
        CHECK_EQ(conf_read8(p + 2 * CONF_PAGE + 5), 0x5a);
        return conf_done();
}
