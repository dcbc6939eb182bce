// SPDX-License-Identifier: MIT
// Stack growth: a recursion 6 MiB deep (within the 8 MiB limit) grows the
// stack page by page; every frame keeps its values until it returns.
#include "conf.h"

#define FRAME 1000
#define DEPTH 6000 // about 6 MiB with the call overhead

__attribute__((noinline)) static unsigned long dive(unsigned long depth)
{
        volatile uint8_t frame[FRAME];
        frame[0] = (uint8_t)depth;
        frame[FRAME - 1] = (uint8_t)(depth >> 8);
        unsigned long sum = depth ? dive(depth - 1) : 0;
        if (frame[0] != (uint8_t)depth || frame[FRAME - 1] != (uint8_t)(depth >> 8))
                CHECK_EQ(frame[0], (uint8_t)depth);
        return sum + frame[0];
}

int main(void)
{
        unsigned long want = 0;
        for (unsigned long d = 0; d <= DEPTH; d++)
                want += (uint8_t)d;
        CHECK_EQ(dive(DEPTH), want);
        return conf_done();
}
