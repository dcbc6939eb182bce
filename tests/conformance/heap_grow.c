// SPDX-License-Identifier: MIT
// Heap: sbrk and brk move the break; new heap pages read as zero on first
// read, hold what is written, and some are first touched by a write.
#include "conf.h"

#define GROW (1ul << 20)

int main(void)
{
        char *b0 = sbrk(0);
        CHECK(b0 != (char *)-1);
        char *p = sbrk(GROW);
        CHECK(p == b0);
        CHECK(sbrk(0) == b0 + GROW);
        conf_stop_if_failed();
        for (unsigned long i = 0; i < GROW; i += 2 * CONF_PAGE)
                CHECK(conf_is_zero(p + i, CONF_PAGE));
        for (unsigned long i = 0; i < GROW; i += CONF_PAGE)
                conf_write64(p + i + 8, i | 1);
        for (unsigned long i = 0; i < GROW; i += CONF_PAGE) {
                CHECK_EQ(conf_read64(p + i + 8), i | 1);
                CHECK_EQ(conf_read64(p + i), 0);
        }
        // brk to an absolute address grows it further.
        CHECK_EQ(brk(b0 + 2 * GROW), 0);
        CHECK(sbrk(0) == b0 + 2 * GROW);
        CHECK(conf_is_zero(b0 + GROW, CONF_PAGE));
        conf_write8(b0 + 2 * GROW - 1, 5);
        CHECK_EQ(conf_read8(b0 + 2 * GROW - 1), 5);
        CHECK_EQ(conf_read64(p + 8), 1);
        return conf_done();
}
