// SPDX-License-Identifier: MIT
// Periodic tick from the EL1 virtual timer (CNTV_*, GIC PPI 27). Chosen over
// the physical timer because it needs no EL2 set-up and uses the same
// counter (CNTVCT_EL0) as arch_counter(), which QEMU -icount makes
// deterministic. Deadlines advance by a fixed interval (no drift); if ticks
// were missed the next one is scheduled one interval from now.
#include <arch/gic.h>
#include <arch/gtimer.h>
#include <arch/regs.h>
#include <kernel/arch.h>
#include <kernel/timer.h>

static uint64_t tick_interval; // counter ticks per timer tick
static uint64_t next_deadline; // CNTVCT value of the next tick

void arch_timer_start(unsigned hz)
{
        uint64_t freq = read_cntfrq_el0();
        tick_interval = hz ? freq / hz : freq;
        if (!tick_interval)
                tick_interval = 1;
        next_deadline = arch_counter() + tick_interval;
        write_cntv_cval_el0(next_deadline);
        write_cntv_ctl_el0(CNT_CTL_ENABLE);
        isb();
        gic_enable_irq(GIC_PPI_CNTV);
}

void gtimer_irq(void)
{
        uint64_t now = arch_counter();
        next_deadline += tick_interval;
        if ((int64_t)(next_deadline - now) <= 0)
                next_deadline = now + tick_interval;
        write_cntv_cval_el0(next_deadline); // deasserts the level-triggered PPI
        isb();
        timer_tick();
}

uint64_t arch_counter(void)
{
        isb(); // no speculative read ahead of earlier instructions
        return read_cntvct_el0();
}

uint64_t arch_counter_hz(void)
{
        return read_cntfrq_el0();
}
