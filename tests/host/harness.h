// SPDX-License-Identifier: MIT
// Minimal host test harness: each case prints "ok host SUITE.CASE" or
// "not ok host SUITE.CASE: FILE:LINE: WHAT"; main returns non-zero on failure.
#pragma once
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *h_suite, *h_case;
static int h_failed_now, h_npass, h_nfail;

#define EXPECT(cond)                                                                               \
        do {                                                                                       \
                if (!(cond)) {                                                                     \
                        printf("not ok host %s.%s: %s:%d: %s\n", h_suite, h_case, __FILE__,        \
                               __LINE__, #cond);                                                   \
                        h_failed_now = 1;                                                          \
                        return;                                                                    \
                }                                                                                  \
        } while (0)

#define EXPECT_EQ(a, b)                                                                            \
        do {                                                                                       \
                unsigned long long _a = (unsigned long long)(a), _b = (unsigned long long)(b);     \
                if (_a != _b) {                                                                    \
                        printf("not ok host %s.%s: %s:%d: %s == %s (0x%llx != 0x%llx)\n", h_suite, \
                               h_case, __FILE__, __LINE__, #a, #b, _a, _b);                        \
                        h_failed_now = 1;                                                          \
                        return;                                                                    \
                }                                                                                  \
        } while (0)

#define RUN(fn)                                                                                    \
        do {                                                                                       \
                h_case = #fn;                                                                      \
                h_failed_now = 0;                                                                  \
                fn();                                                                              \
                if (h_failed_now)                                                                  \
                        h_nfail++;                                                                 \
                else {                                                                             \
                        h_npass++;                                                                 \
                        printf("ok host %s.%s\n", h_suite, h_case);                                \
                }                                                                                  \
        } while (0)

#define DONE() (h_nfail ? 1 : 0)

// Deterministic pseudo-random numbers for randomized tests (xorshift64*).
static unsigned long long h_rng = 0x9e3779b97f4a7c15ull;
static inline unsigned long long h_rand(void)
{
        h_rng ^= h_rng >> 12;
        h_rng ^= h_rng << 25;
        h_rng ^= h_rng >> 27;
        return h_rng * 0x2545f4914f6cdd1dull;
}
