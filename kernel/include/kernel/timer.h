// SPDX-License-Identifier: MIT
// The periodic tick (kernel/core/timer.c). Arch interrupt code calls
// timer_tick() once per timer interrupt.
#pragma once
#include <common/types.h>

#define TIMER_HZ 100

void timer_tick(void);
// Runs the tick's work that found the kernel lock busy (its next taker).
void timer_catch_up(void);
// Ticks since arch_timer_start().
uint64_t timer_ticks(void);
