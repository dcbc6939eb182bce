// SPDX-License-Identifier: MIT
// Text: a write to a text page is an access violation (Linux: SIGSEGV,
// SEGV_ACCERR), also after the page was read and executed.
#include "conf.h"

__attribute__((noinline)) static int probe(int x)
{
        return x + 1;
}

int main(void)
{
        int (*volatile fn)(int) = probe;
        CHECK_EQ(fn(1), 2);
        uint8_t *p = (uint8_t *)(uintptr_t)fn;
        uint8_t b = conf_read8(p);
        conf_stop_if_failed();
        conf_write8(p, b);
        conf_no_fault("write to text");
}
