// SPDX-License-Identifier: MIT
// Per-CPU state, reached through TPIDR_EL1. One CPU for now.
#pragma once
#include <common/types.h>
#include <arch/regs.h>

struct arch_cpu {
        uint64_t kstack_top; // SP_EL1 to hold while this CPU runs user code
        unsigned id;
};

// Points TPIDR_EL1 at the boot CPU's record; kstack_top = the boot stack.
void cpu_init(uint64_t kstack_top);

static inline struct arch_cpu *this_cpu(void)
{
        return (struct arch_cpu *)read_tpidr_el1();
}
