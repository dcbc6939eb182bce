// SPDX-License-Identifier: MIT
// Per-CPU record and interrupt masking on the current CPU.
#include <arch/cpu.h>
#include <arch/regs.h>
#include <kernel/arch.h>
#include <kernel/smp.h>

const char arch_name[] = "aarch64";

void cpu_init(uint64_t kstack_top)
{
        cpus[0].arch[ACPU_KSTACK_TOP] = kstack_top;
        arch_cpu_init(&cpus[0]);
}

// TPIDR_EL1 = c, on c: user code can neither read nor write it (EL0 has only
// TPIDR_EL0 and TPIDRRO_EL0), and the kernel writes it only here, so it says
// which CPU runs whatever registers user code left behind.
void arch_cpu_init(struct cpu *c)
{
        write_tpidr_el1((uint64_t)c);
}

struct cpu *arch_this_cpu(void)
{
        return (struct cpu *)read_tpidr_el1();
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
