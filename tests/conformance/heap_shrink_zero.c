// SPDX-License-Identifier: MIT
// Heap shrink: pages given back with a negative sbrk are gone; growing
// again gives zero pages, not the old contents.
#include "conf.h"

#define GROW (64ul << 10)

int main(void)
{
        char *b0 = sbrk(0);
        char *p = sbrk(GROW);
        CHECK(p == b0);
        conf_stop_if_failed();
        memset(p, 0xaa, GROW);
        CHECK(sbrk(-(long)GROW) == b0 + GROW);
        CHECK(sbrk(0) == b0);
        p = sbrk(GROW);
        CHECK(p == b0);
        conf_stop_if_failed();
        CHECK(conf_is_zero(p, GROW));
        return conf_done();
}
