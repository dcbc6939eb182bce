// SPDX-License-Identifier: MIT
// The periodic tick (CPU 0's timer): ends time slices on every CPU and
// drives the external-pager time bounds.
#include <kernel/proc.h>
#include <kernel/smp.h>
#include <kernel/timer.h>

static volatile uint64_t ticks;
static volatile bool timeouts_due; // a tick could not take the kernel lock

void timer_tick(void)
{
        ticks = ticks + 1;
        // Time slices need no lock (sched_tick: flags and IPIs).
        sched_tick();
        // The timeouts need the kernel lock (released on the way back to
        // user mode, or kept by the idle loop). When it is busy, or this CPU
        // was waiting for it when the tick came, the next CPU to take it
        // runs them (timer_catch_up).
        if (this_cpu()->nested_wait || !klock_try()) {
                timeouts_due = true;
                return;
        }
        timeouts_due = false;
        ext_fault_timeouts(ticks);
}

void timer_catch_up(void)
{
        if (__builtin_expect(timeouts_due, 0)) {
                timeouts_due = false;
                ext_fault_timeouts(ticks);
        }
}

uint64_t timer_ticks(void)
{
        return ticks;
}
