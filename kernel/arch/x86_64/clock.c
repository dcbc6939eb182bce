// SPDX-License-Identifier: MIT
// Time: the TSC as arch_counter(), the LAPIC timer as the periodic tick.
//
// Both rates are measured once at boot against PIT channel 2. Why the PIT:
// every PC and QEMU machine (q35 included) has it at fixed ports with a fixed
// 1.193182 MHz input, it needs no ACPI table parsing (the HPET and the ACPI PM
// timer do), and it runs on QEMU's virtual clock, so under -icount the
// measured rates are deterministic too. CPUID 0x15 is not used: QEMU's
// default CPU model (qemu64) does not implement the leaf, and on models that
// do, it reports a host crystal clock, while QEMU's emulated LAPIC timer runs
// at its own fixed rate and TCG's TSC follows the host TSC or icount.
#include <arch/lapic.h>
#include <arch/pc.h>
#include <arch/regs.h>
#include <arch/trap.h>
#include <kernel/arch.h>
#include <kernel/kprintf.h>

#define CALIB_MS        50 // longest PIT count is 54.9 ms
#define CALIB_PIT_TICKS (X86_PIT_HZ * CALIB_MS / 1000)
_Static_assert(CALIB_PIT_TICKS <= X86_PIT_MAX_TICKS, "calibration window too long for the PIT");
// Polls of the PIT before giving up (several seconds even on a fast host).
#define CALIB_MAX_POLLS 100000000ull

static uint64_t tsc_hz;
static uint64_t lapic_timer_hz; // LAPIC timer ticks per second after the divider

// Busy-waits CALIB_MS of PIT time and scales the TSC and LAPIC timer deltas to
// Hz. Panics if the PIT never runs out (no PIT: nothing to measure against).
void x86_clock_calibrate(void)
{
        uint64_t polls = 0;
        x86_lapic_timer_oneshot_masked(UINT32_MAX);
        x86_pit_oneshot_start(CALIB_PIT_TICKS);
        uint32_t c0 = x86_lapic_timer_current();
        uint64_t t0 = rdtsc();
        while (!x86_pit_oneshot_done())
                if (++polls > CALIB_MAX_POLLS)
                        panic("x86_64: PIT channel 2 did not run out: cannot measure the "
                              "TSC and LAPIC timer");
        uint64_t t1 = rdtsc();
        uint32_t c1 = x86_lapic_timer_current();
        x86_lapic_timer_stop();
        tsc_hz = (t1 - t0) * X86_PIT_HZ / CALIB_PIT_TICKS;
        lapic_timer_hz = (uint64_t)(c0 - c1) * X86_PIT_HZ / CALIB_PIT_TICKS;
        if (!lapic_timer_hz)
                panic("x86_64: the LAPIC timer did not count during calibration");
        kprintf("x86_64: TSC %llu kHz, LAPIC timer %llu kHz (measured against the PIT)\n",
                (unsigned long long)(tsc_hz / 1000), (unsigned long long)(lapic_timer_hz / 1000));
}

void arch_timer_start(unsigned hz)
{
        uint64_t count = hz ? lapic_timer_hz / hz : 0;
        if (count == 0 || count > UINT32_MAX)
                panic("x86_64: timer rate %u Hz out of range (LAPIC timer %llu Hz)", hz,
                      (unsigned long long)lapic_timer_hz);
        x86_lapic_timer_periodic(X86_VEC_TIMER, (uint32_t)count);
}

uint64_t arch_counter(void)
{
        return rdtsc();
}

uint64_t arch_counter_hz(void)
{
        return tsc_hz;
}
