// SPDX-License-Identifier: MIT
// riscv64 user side of the syscall ABI (mk/syscall.h): ecall with the number
// in a7 and arguments in a0-a5; the result comes back in a0. The kernel
// restores every other register, but a handler may rewrite a1-a5 too
// (tf_set_arg), so they are all in-out operands.
#pragma once
#include <stdint.h>
#include <mk/syscall.h>

// Syscall nr with six arguments; returns a0 (negative: -errno).
static inline long mk_syscall6(long nr, long a0, long a1, long a2, long a3, long a4, long a5)
{
        register long r0 __asm__("a0") = a0;
        register long r1 __asm__("a1") = a1;
        register long r2 __asm__("a2") = a2;
        register long r3 __asm__("a3") = a3;
        register long r4 __asm__("a4") = a4;
        register long r5 __asm__("a5") = a5;
        register long r7 __asm__("a7") = nr;

        __asm__ volatile("ecall"
                         : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3), "+r"(r4), "+r"(r5)
                         : "r"(r7)
                         : "memory");
        return r0;
}

// The benchmark counter: retired instructions (instret; under QEMU -icount
// one per guest instruction). The kernel enables U-mode reads (scounteren).
static inline uint64_t mk_counter(void)
{
        uint64_t v;

        __asm__ volatile("rdinstret %0" : "=r"(v));
        return v;
}
