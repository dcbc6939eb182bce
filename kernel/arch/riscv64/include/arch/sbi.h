// SPDX-License-Identifier: MIT
// Supervisor Binary Interface calls into OpenSBI (ecall from S-mode):
// a7 = extension id, a6 = function id, a0.. = arguments; a0 = error, a1 = value.
#pragma once
#include <stdint.h>

#define SBI_EXT_TIME       0x54494d45 // "TIME"
#define SBI_TIME_SET_TIMER 0
#define SBI_SUCCESS        0

struct sbi_ret {
        long error;
        long value;
};

// One SBI call with up to three arguments.
static inline struct sbi_ret sbi_call(long ext, long fid, long arg0, long arg1, long arg2)
{
        register long a0 __asm__("a0") = arg0;
        register long a1 __asm__("a1") = arg1;
        register long a2 __asm__("a2") = arg2;
        register long a6 __asm__("a6") = fid;
        register long a7 __asm__("a7") = ext;

        __asm__ volatile("ecall" : "+r"(a0), "+r"(a1) : "r"(a2), "r"(a6), "r"(a7) : "memory");
        return (struct sbi_ret){.error = a0, .value = a1};
}

// Programs the next timer interrupt at absolute `time` value `when`; clears a
// pending supervisor timer interrupt.
static inline long sbi_set_timer(uint64_t when)
{
        return sbi_call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, (long)when, 0, 0).error;
}
