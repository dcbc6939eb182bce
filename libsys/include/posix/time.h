// SPDX-License-Identifier: MIT
// Time for programs on mk (libsys/src/posix_libc.c). mk has no real-time
// clock: both clocks count from boot (CLOCK_REALTIME too; docs/conformance.md),
// at the kernel timer's resolution.
#pragma once
#include <sys/types.h>

typedef long time_t;
typedef int clockid_t;
struct timespec {
        time_t tv_sec;
        long tv_nsec;
};
#define CLOCK_REALTIME  0
#define CLOCK_MONOTONIC 1

int clock_gettime(clockid_t clk, struct timespec *ts);
time_t time(time_t *t);
