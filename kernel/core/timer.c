// SPDX-License-Identifier: MIT
// The periodic tick. The scheduler (next issue) hangs off timer_tick().
#include <kernel/proc.h>
#include <kernel/smp.h>
#include <kernel/timer.h>

static volatile uint64_t ticks;

void timer_tick(void)
{
        ticks = ticks + 1;
        // The rest needs the kernel lock (released on the way back to user
        // mode, or kept by the idle loop). When it is busy, or this CPU was
        // waiting for it when the tick came, the timeouts wait for the next
        // tick that gets it; the time slice ends all the same.
        if (this_cpu()->nested_wait || !klock_try()) {
                this_cpu()->need_resched = true;
                return;
        }
        ext_fault_timeouts(ticks);
        sched_tick(); // time slice over: yield on the way back to user mode
}

uint64_t timer_ticks(void)
{
        return ticks;
}
