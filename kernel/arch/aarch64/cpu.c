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

// WFI wakes on a pending interrupt even while it is masked; unmasking for an
// instant then takes it here. So this works (and cannot miss a wake-up) with
// interrupts on or off, and leaves the mask as it found it.
void arch_wait_for_interrupt(void)
{
        uint64_t daif = read_daif();
        wfi();
        irq_enable();
        isb();
        write_daif(daif);
}
