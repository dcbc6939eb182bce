// SPDX-License-Identifier: MIT
// Local APIC (lapic.c), xAPIC registers through the direct map, and the clock
// calibration that measures its timer (clock.c).
#pragma once
#include <common/types.h>

// Enables the LAPIC with the spurious vector set and every local interrupt
// masked. Panics if there is none or it is in x2APIC mode.
void x86_lapic_init(void);
// The same on a secondary CPU: NULL, or why its local APIC cannot be used
// (x2APIC mode, another address than the boot CPU's).
const char *x86_lapic_init_secondary(void);
// This CPU's APIC id (the ID register).
uint32_t x86_lapic_id(void);
// Sends the IPI `icr` (ICR low word: delivery mode, level, vector) to APIC id
// `apic_id` and waits until it is delivered: 0, or -ETIMEDOUT.
#define X86_ICR_INIT         (5u << 8)  // delivery mode INIT
#define X86_ICR_STARTUP      (6u << 8)  // delivery mode start-up (vector = page)
#define X86_ICR_LEVEL_ASSERT (1u << 14) // level: assert (INIT and SIPI need it)
int x86_lapic_send_ipi(uint32_t apic_id, uint32_t icr);
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
