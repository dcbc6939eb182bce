// SPDX-License-Identifier: MIT
// x86_64: this CPU's struct cpu (kernel/smp.h) is a field of its struct
// x86_cpu, which GS_BASE points at while in the kernel (arch/cpu.h). The
// boot CPU's is set by x86_gdt_init, before anything prints.
#pragma once

// TLB shootdown (kernel/core/tlb.c): whether loading another root drops
// every user translation (then only the CPUs with an address space loaded
// may cache it), and whether the flush instructions reach every CPU (then
// no IPI is needed).
#define ARCH_TLB_SWITCH_FLUSHES 1
#define ARCH_TLB_BROADCAST      0
#include <arch/cpu.h>

static inline struct cpu *arch_cpu_fast(void)
{
        return X86_THIS_CPU->cpu;
}

// The running thread, kept here too (sched.c sets both): one instruction.
#define ARCH_HAS_CURRENT 1
static inline struct thread *arch_current(void)
{
        return X86_THIS_CPU->cur;
}

static inline void arch_set_current(struct thread *t)
{
        X86_THIS_CPU->cur = t;
}
