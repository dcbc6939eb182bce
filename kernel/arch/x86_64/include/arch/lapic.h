// SPDX-License-Identifier: MIT
// Local APIC (lapic.c), xAPIC registers through the direct map, and the clock
// calibration that measures its timer (clock.c).
#pragma once
#include <common/types.h>

// Enables the LAPIC with the spurious vector set and every local interrupt
// masked. Panics if there is none or it is in x2APIC mode.
void x86_lapic_init(void);
// Physical address of its register page (from IA32_APIC_BASE).
paddr_t x86_lapic_phys(void);
// Signals end of interrupt.
void x86_lapic_eoi(void);
// Starts the timer at the divided bus clock: masked one-shot from `count`
// (for measuring), or periodic interrupts on `vector` every `count` ticks.
void x86_lapic_timer_oneshot_masked(uint32_t count);
void x86_lapic_timer_periodic(unsigned vector, uint32_t count);
void x86_lapic_timer_stop(void);
// Current count of the timer.
uint32_t x86_lapic_timer_current(void);

// Measures the TSC and LAPIC timer rates against the PIT; prints them.
void x86_clock_calibrate(void);
