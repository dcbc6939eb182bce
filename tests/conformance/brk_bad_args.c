// SPDX-License-Identifier: MIT
// brk and sbrk at the edges, as on Linux (glibc): brk below the start of the
// heap does not move the break (and returns 0: glibc only fails when the
// new break is below the one asked for); sbrk below address 0 -> ENOMEM;
// brk far beyond the limit -> ENOMEM. The break never moves.
#include "conf.h"

static uint64_t data_word = 1;

int main(void)
{
        char *b0 = sbrk(0);
        CHECK(b0 != (char *)-1);
        CHECK_EQ(brk(&data_word), 0);
        CHECK(sbrk(0) == b0);
        CHECK_EQ(brk(NULL), 0);
        CHECK(sbrk(0) == b0);
        CHECK_ERR(sbrk(-(long)b0 - (long)CONF_PAGE), ENOMEM);
        CHECK(sbrk(0) == b0);
        CHECK_ERR(brk(b0 + (1ul << 36)), ENOMEM);
        CHECK(sbrk(0) == b0);
        CHECK_EQ(data_word, 1);
        return conf_done();
}
