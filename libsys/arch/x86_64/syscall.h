// SPDX-License-Identifier: MIT
// x86_64 user side of the syscall ABI (mk/syscall.h): SYSCALL with the number
// in rax and arguments in rdi rsi rdx r10 r8 r9; the result comes back in rax.
// SYSCALL overwrites rcx (return rip) and r11 (RFLAGS). The kernel restores
// every other register, but a handler may rewrite arguments (tf_set_arg), so
// they are all in-out operands.
#pragma once
#include <stdint.h>
#include <mk/syscall.h>

// Syscall nr with six arguments; returns rax (negative: -errno).
static inline long mk_syscall6(long nr, long a0, long a1, long a2, long a3, long a4, long a5)
{
        register long rax __asm__("rax") = nr;
        register long rdi __asm__("rdi") = a0;
        register long rsi __asm__("rsi") = a1;
        register long rdx __asm__("rdx") = a2;
        register long r10 __asm__("r10") = a3;
        register long r8 __asm__("r8") = a4;
        register long r9 __asm__("r9") = a5;

        __asm__ volatile("syscall"
                         : "+r"(rax), "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r10), "+r"(r8), "+r"(r9)
                         :
                         : "rcx", "r11", "memory");
        return rax;
}

// The benchmark counter: the time-stamp counter (RDTSC; the kernel leaves
// CR4.TSD clear so user mode may read it). Under QEMU -icount it advances
// 2^shift per guest instruction, so it is deterministic.
static inline uint64_t mk_counter(void)
{
        uint32_t lo, hi;

        __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
        return ((uint64_t)hi << 32) | lo;
}
