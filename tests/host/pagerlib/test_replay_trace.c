// SPDX-License-Identifier: MIT
// Replays a recording of the trace pager (`tools/run x86_64 --record
// trace.rec -- example=trace`, identical on the three arches) against its own
// handler and hooks (its source is included): no mismatch, the library's
// dirty-tracking upgrade replayed as recorded, and the trace's own summary
// (fed by the observe hook during the replay) as the test program saw it.
#include "harness.h"
#define main trace_main
#include "trace/trace.c"
#undef main

static void trace_setup(struct mkp_pager *p)
{
        memset(&sum, 0, sizeof(sum));
        p->observe = observe;
        p->request = request;
        p->track_dirty = true; // as its main() does
}

static void recorded_stream(void)
{
        EXPECT_EQ(mkp_replay_named(FIXTURES "/trace.rec", "trace", handle, NULL, trace_setup, 1),
                  0);
        EXPECT_EQ(sum.faults, 6);
        EXPECT_EQ(sum.pages, 5);
        EXPECT_EQ(sum.count[FAULT_READ][FAULT_NOT_PRESENT], 3);
        EXPECT_EQ(sum.count[FAULT_WRITE][FAULT_PROTECTION], 1);
        EXPECT_EQ(sum.count[FAULT_WRITE][FAULT_NOT_PRESENT], 2);
        EXPECT_EQ(sum.decisions[TRACE_ZERO], 5);
        EXPECT_EQ(sum.decisions[TRACE_UPGRADE], 1);
        EXPECT_EQ(sum.last - sum.first, 0x6000);
}

static void other_pager_skipped(void)
{
        // Asking for a pager the file does not have replays nothing.
        memset(&sum, 0, sizeof(sum));
        EXPECT_EQ(mkp_replay_named(FIXTURES "/trace.rec", "pattern", handle, NULL, trace_setup, 1),
                  0);
        EXPECT_EQ(sum.faults, 0);
}

int main(int argc, char **argv, char **envp)
{
        h_suite = "pagerlib.replay_trace";
        RUN(recorded_stream);
        RUN(other_pager_skipped);
        return DONE();
}
