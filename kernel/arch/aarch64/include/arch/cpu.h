// SPDX-License-Identifier: MIT
// Per-CPU state: TPIDR_EL1 holds the running CPU's struct cpu (kernel/smp.h),
// whose arch[] words (ACPU_*, arch/smp.h) are this arch's. Only EL1 can read
// or write TPIDR_EL1, and no trap path or context switch touches it.
#pragma once
#include <common/types.h>
#include <arch/regs.h>
#include <arch/smp.h>

// Points TPIDR_EL1 at the boot CPU's struct cpu (cpus[0]); its kernel-stack
// record = the boot stack. Before anything else in arch_entry.
void cpu_init(uint64_t kstack_top);

// This CPU's arch[] words (struct cpu.arch, the first at CPU_OFF_ARCH).
static inline uint64_t *arch_cpu_words(void)
{
        return (uint64_t *)(read_tpidr_el1() + CPU_OFF_ARCH);
}
