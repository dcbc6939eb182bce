// SPDX-License-Identifier: MIT
// Per-CPU record and interrupt masking on the current CPU.
#include <arch/cpu.h>
#include <arch/regs.h>
#include <kernel/arch.h>

const char arch_name[] = "aarch64";

static struct arch_cpu boot_cpu;

void cpu_init(uint64_t kstack_top)
{
        boot_cpu.kstack_top = kstack_top;
        boot_cpu.id = 0;
        write_tpidr_el1((uint64_t)&boot_cpu);
}

void arch_irq_enable(void)
{
        irq_enable();
}

void arch_irq_disable(void)
{
        irq_disable();
}

void arch_wait_for_interrupt(void)
{
        wfi();
}
