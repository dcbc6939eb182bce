// SPDX-License-Identifier: MIT
// The Arm generic timer, driven through the EL1 virtual timer (CNTV_*, PPI
// 27): it needs no EL2 set-up and counts CNTVCT_EL0, the counter that
// arch_counter() reads.
#pragma once

// Timer interrupt handler: re-arms the next deadline, then timer_tick().
void gtimer_irq(void);
