// SPDX-License-Identifier: MIT
// Periodic tick from the SBI timer (the `time` CSR compared in M-mode), the
// time counter, and interrupt enable/disable.
#include <kernel/arch.h>
#include <kernel/boot.h>
#include <kernel/dtb.h>
#include <kernel/kprintf.h>
#include <kernel/timer.h>
#include <arch/boot.h>
#include <arch/memlayout.h>
#include <arch/regs.h>
#include <arch/sbi.h>

static uint64_t timebase_hz; // `time` ticks per second, 0 if unknown
static uint64_t tick_interval;
static uint64_t next_deadline;

// Reads /cpus timebase-frequency (one or two cells); leaves it 0 (unknown) if
// the DTB is missing or has none.
void timer_init(paddr_t dtb_phys)
{
        struct dtb d;
        const void *val;
        const char *err;
        uint32_t len;

        if (dtb_phys == 0)
                return;
        if (dtb_open(&d, phys_to_virt(dtb_phys), DTB_MAX_SIZE, &err) != 0)
                return; // kmain reports a bad DTB
        if (dtb_find_prop(&d, "/cpus", "timebase-frequency", &val, &len) != 0)
                return;
        if (len == sizeof(uint32_t))
                timebase_hz = dtb_be32(val);
        else if (len == sizeof(uint64_t))
                timebase_hz = ((uint64_t)dtb_be32(val) << 32) | dtb_be32((const uint8_t *)val + 4);
}

// The `time` CSR: timebase_hz ticks per second, deterministic under -icount.
uint64_t arch_counter(void)
{
        return rdtime();
}

// Frequency of arch_counter(), 0 if the DTB did not give one.
uint64_t arch_counter_hz(void)
{
        return timebase_hz;
}

// Arms the first deadline one period ahead and enables the timer interrupt
// (it is taken once sstatus.SIE is set). Panics without a time base.
void arch_timer_start(unsigned hz)
{
        if (timebase_hz == 0 || hz == 0)
                panic("riscv64: timer: no timebase-frequency in the DTB (or hz 0)");
        tick_interval = MAX(timebase_hz / hz, 1);
        next_deadline = rdtime() + tick_interval;
        if (sbi_set_timer(next_deadline) != SBI_SUCCESS)
                panic("riscv64: SBI set_timer failed");
        csr_set(sie, SIE_STIE);
}

// Called from trap_handler for each supervisor timer interrupt; the SBI call
// that sets the next deadline also clears the pending interrupt.
void timer_interrupt(void)
{
        uint64_t now = rdtime();

        // Stay on the tick grid; skip ticks that were missed entirely.
        next_deadline += tick_interval;
        if (next_deadline <= now)
                next_deadline = now + tick_interval;
        sbi_set_timer(next_deadline);
        timer_tick();
}

// Interrupts on for this hart (sstatus.SIE).
void arch_irq_enable(void)
{
        csr_set(sstatus, SSTATUS_SIE);
}

// Interrupts off for this hart.
void arch_irq_disable(void)
{
        csr_clear(sstatus, SSTATUS_SIE);
}

// Sleeps until an interrupt is pending (then taken if SIE is set).
void arch_wait_for_interrupt(void)
{
        wfi();
}

// U-mode may read cycle, time and instret (the benchmark counter, mk_counter,
// is instret: one per guest instruction under -icount). OpenSBI must have
// allowed S-mode (mcounteren): each is read once here, so if it has not, the
// boot stops at once with a decoded illegal-instruction report.
void counters_init(void)
{
        csr_write(scounteren, SCOUNTEREN_CY | SCOUNTEREN_TM | SCOUNTEREN_IR);
        (void)rdcycle();
        (void)rdinstret();
}
