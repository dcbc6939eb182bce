// SPDX-License-Identifier: MIT
// The periodic tick. The scheduler (next issue) hangs off timer_tick().
#include <kernel/proc.h>
#include <kernel/timer.h>

static volatile uint64_t ticks;

void timer_tick(void)
{
        klock_enter(); // (released on the way back to user mode, or kept by the idle loop)
        ticks = ticks + 1;
        ext_fault_timeouts(ticks);
        sched_tick(); // time slice over: yield on the way back to user mode
}

uint64_t timer_ticks(void)
{
        return ticks;
}
