// SPDX-License-Identifier: MIT
// Replays against the pattern pager's own handler (its source is included):
// a recording made with `tools/run x86_64 --record pattern.rec --
// example=pattern` (identical on the three arches; the full answers, every
// grant's page and rights, compared) must give no mismatch;
// hand-written lines must give exactly the one mismatch they contain, and it
// must be reported; a changed policy shows up as mismatches.
#include "harness.h"
#include "replay_capture.h"
#define main pattern_main
#include "pattern/pattern.c"
#undef main

// The pattern policy without fault-around: what a careless change does.
static void handle_no_around(struct mkp_pager *p, const struct mkp_fault *f, struct mkp_answer *a)
{
        handle(p, f, a);
        if (a->action == MKP_MAP)
                a->ngrants = 1;
}

static void recorded_stream(void)
{
        EXPECT_EQ(mkp_replay_file(FIXTURES "/pattern.rec", handle, NULL, 1), 0);
}

static void hand_written_mismatch(void)
{
        char out[4096];
        int r = replay_captured(FIXTURES "/pattern_hand.rec", handle, NULL, out, sizeof(out));
        EXPECT_EQ(r, 1);
        EXPECT(strstr(out, "pattern_hand.rec:11: pattern fault at offset 0x8000 (read "
                           "not-present): recorded map 2, replayed map 4"));
}

// The replay compares the full answer: a grant with other rights than
// recorded is a mismatch, though the action and the number of grants agree.
static void grant_rights_compared(void)
{
        char out[4096];
        int r =
            replay_captured(FIXTURES "/pattern_grants_hand.rec", handle, NULL, out, sizeof(out));
        EXPECT_EQ(r, 1);
        EXPECT(strstr(out, "pattern_grants_hand.rec:6: pattern fault at offset 0x4000 (read "
                           "not-present): grant 2 recorded 0x6000:r--, replayed 0x6000:rw-"));
}

static void policy_change_detected(void)
{
        char out[16384];
        // The 16 read faults mapped 4 pages each, now 1: 16 mismatches (the
        // writes after them made no faults: the pages were mapped writable).
        int r = replay_captured(FIXTURES "/pattern.rec", handle_no_around, NULL, out, sizeof(out));
        EXPECT_EQ(r, 16);
        EXPECT(strstr(out, "recorded map 4, replayed map 1"));
}

// A whole boot's recording: the system pager's lines are skipped, and every
// instance (NAME@PID) is one stream: the first pattern pager replays clean,
// the second (a grant's rights hand-edited) gives exactly that mismatch.
static void instances_apart(void)
{
        char out[4096];
        EXPECT_EQ(mkp_replay_file(FIXTURES "/pattern_instances.rec", handle, NULL, 1), 0);
        EXPECT_EQ(
            mkp_replay_named(FIXTURES "/pattern_instances.rec", "pattern", handle, NULL, NULL, 1),
            0);
        int r = replay_captured_named(FIXTURES "/pattern_instances.rec", "pattern@9", handle, out,
                                      sizeof(out));
        EXPECT_EQ(r, 1);
        EXPECT(strstr(out, "pattern_instances.rec:8: pattern@9 fault at offset 0x0 (read "
                           "not-present): grant 2 recorded 0x2000:r--, replayed 0x2000:rw-"));
}

static void missing_file(void)
{
        EXPECT_EQ(mkp_replay_file(FIXTURES "/no-such.rec", handle, NULL, 0), -1);
}

int main(int argc, char **argv, char **envp)
{
        h_suite = "pagerlib.replay_pattern";
        RUN(recorded_stream);
        RUN(hand_written_mismatch);
        RUN(grant_rights_compared);
        RUN(policy_change_detected);
        RUN(instances_apart);
        RUN(missing_file);
        return DONE();
}
