// SPDX-License-Identifier: MIT
// Text: the first access to a text page is a read (the probe function
// starts a page and is only called after its bytes are read); the bytes read
// back the same, are not all zero, and the function then runs.
#include "conf.h"

__attribute__((noinline, aligned(4096))) static int probe(int x)
{
        return x * 3 + 1;
}

int main(void)
{
        const uint8_t *p = (const uint8_t *)(uintptr_t)&probe;
        uint8_t first[32];
        int nonzero = 0;
        for (int i = 0; i < 32; i++) {
                first[i] = conf_read8(p + i);
                nonzero |= first[i];
        }
        CHECK(nonzero);
        for (int i = 0; i < 32; i++)
                CHECK_EQ(conf_read8(p + i), first[i]);
        int (*volatile fn)(int) = probe;
        CHECK_EQ(fn(5), 16);
        return conf_done();
}
