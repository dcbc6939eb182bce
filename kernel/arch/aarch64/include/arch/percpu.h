// SPDX-License-Identifier: MIT
// aarch64: this CPU's struct cpu (kernel/smp.h) is in TPIDR_EL1, which EL0
// can neither read nor write (arch_cpu_init; the boot CPU's is set by
// cpu_init, before kmain).
#pragma once

// TLB shootdown (kernel/core/tlb.c): whether loading another root drops
// every user translation (then only the CPUs with an address space loaded
// may cache it), and whether the flush instructions reach every CPU (then
// no IPI is needed).
#define ARCH_TLB_SWITCH_FLUSHES 0
#define ARCH_TLB_BROADCAST      1

struct cpu;

static inline struct cpu *arch_cpu_fast(void)
{
        struct cpu *c;
        __asm__ volatile("mrs %0, tpidr_el1" : "=r"(c));
        return c;
}
