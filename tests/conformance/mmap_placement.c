// SPDX-License-Identifier: MIT
// Free-range search: mmaps without a hint do not overlap each other (also
// after an munmap frees a range), lie between the heap and the stack, and
// are page-aligned.
#include "conf.h"

#define N 8

static int overlaps(uintptr_t a, uintptr_t alen, uintptr_t b, uintptr_t blen)
{
        return a < b + blen && b < a + alen;
}

int main(void)
{
        uintptr_t at[N], len[N];
        int on_stack = 0;
        uintptr_t heap = (uintptr_t)sbrk(0), stack = (uintptr_t)&on_stack;
        for (int i = 0; i < N; i++) {
                len[i] = (uintptr_t)(i + 1) * CONF_PAGE * (i == 3 ? 1024 : 1);
                void *p =
                    mmap(NULL, len[i], PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                CHECK(p != MAP_FAILED);
                conf_stop_if_failed();
                at[i] = (uintptr_t)p;
                CHECK_EQ(at[i] % CONF_PAGE, 0);
                CHECK(at[i] > heap && at[i] + len[i] <= stack);
                conf_write8(p, (uint8_t)i);
                conf_write8((uint8_t *)p + len[i] - 1, (uint8_t)i);
                if (i == 5) { // free one in the middle; the next ones may reuse it
                        CHECK_EQ(munmap((void *)at[2], len[2]), 0);
                        len[2] = 0;
                }
        }
        for (int i = 0; i < N; i++)
                for (int j = 0; j < i; j++)
                        if (len[i] && len[j] && overlaps(at[i], len[i], at[j], len[j]))
                                conf_fail(__LINE__, "mappings %d and %d overlap", j, i);
        for (int i = 0; i < N; i++)
                if (len[i]) {
                        CHECK_EQ(conf_read8((void *)at[i]), i);
                        CHECK_EQ(conf_read8((void *)(at[i] + len[i] - 1)), i);
                }
        return conf_done();
}
