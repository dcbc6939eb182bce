// SPDX-License-Identifier: MIT
// aarch64 user side of the syscall ABI (mk/syscall.h): svc #0 with the number
// in x8 and arguments in x0-x5; the result comes back in x0. The kernel
// restores every other register, but a handler may rewrite x1-x5 too
// (tf_set_arg), so they are all in-out operands.
#pragma once
#include <stdint.h>
#include <mk/syscall.h>

// Syscall nr with six arguments; returns x0 (negative: -errno).
static inline long mk_syscall6(long nr, long a0, long a1, long a2, long a3, long a4, long a5)
{
        register long r0 __asm__("x0") = a0;
        register long r1 __asm__("x1") = a1;
        register long r2 __asm__("x2") = a2;
        register long r3 __asm__("x3") = a3;
        register long r4 __asm__("x4") = a4;
        register long r5 __asm__("x5") = a5;
        register long r8 __asm__("x8") = nr;

        __asm__ volatile("svc #0"
                         : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3), "+r"(r4), "+r"(r5)
                         : "r"(r8)
                         : "memory");
        return r0;
}

// The benchmark counter: the PMU cycle counter PMCCNTR_EL0, which QEMU
// advances at 1 GHz of virtual time (under -icount shift=0: one per guest
// instruction). The kernel enables EL0 reads (PMUSERENR_EL0.CR). The isb
// keeps the read from being hoisted above earlier instructions.
static inline uint64_t mk_counter(void)
{
        uint64_t v;

        __asm__ volatile("isb\n\tmrs %0, pmccntr_el0" : "=r"(v) : : "memory");
        return v;
}
