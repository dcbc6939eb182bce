// SPDX-License-Identifier: MIT
// Stack guard gap: a recursion that passes the 8 MiB stack limit runs into
// the guard gap below the stack and ends with "guard page" (Linux: SIGSEGV,
// SEGV_MAPERR, the address is in no mapping).
#include "conf.h"

__attribute__((noinline)) static unsigned long dive(unsigned long depth)
{
        volatile uint8_t frame[1024];
        frame[0] = (uint8_t)depth;
        if (depth > (1ul << 40)) // never: keeps the compiler from calling this infinite
                return 0;
        return dive(depth + 1) + frame[0];
}

int main(void)
{
        dive(0);
        conf_no_fault("unbounded recursion");
}
