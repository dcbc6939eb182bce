// SPDX-License-Identifier: MIT
// Stack: the first access to stack pages 2 MiB below the current frame is a
// read (a large local array, read before written): they read as zero, then
// hold what is written.
#include "conf.h"

#define BIG (2ul << 20)

__attribute__((noinline)) static void big_frame(void)
{
        volatile uint8_t a[BIG];
        volatile uint8_t *p = a;
        __asm__ volatile("" : "+r"(p)); // the compiler cannot know a is uninitialised
        for (unsigned long i = 0; i < BIG / 2; i += CONF_PAGE)
                CHECK_EQ(p[i], 0);
        for (unsigned long i = 0; i < BIG / 2; i += CONF_PAGE)
                p[i + 1] = (uint8_t)(i >> 12 | 1);
        for (unsigned long i = 0; i < BIG / 2; i += CONF_PAGE)
                CHECK_EQ(p[i + 1], (uint8_t)(i >> 12 | 1));
}

int main(void)
{
        big_frame();
        return conf_done();
}
