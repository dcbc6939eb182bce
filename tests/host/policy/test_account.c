// SPDX-License-Identifier: MIT
// The pager's per-tree accounting (servers/pager/account.c): charges up the
// tree, limits, process slots, nodes that outlive their process, and the
// out-of-memory victim.
#include "account.h"
#include "harness.h"
#include <mk/errno.h>

#define N 16
static struct acct t[N];

static void reset(void)
{
        memset(t, 0, sizeof(t));
}

// A top-level process with the given limits, and helpers for children.
static void top(uint32_t i, uint64_t frames, uint32_t procs)
{
        if (acct_add(t, N, i, 0, frames, procs))
                abort();
}

static int child(uint32_t i, uint32_t parent)
{
        return acct_add(t, N, i, parent, ACCT_NO_LIMIT, UINT32_MAX);
}

static void charges_go_up_the_tree(void)
{
        reset();
        top(1, 100, 8);
        EXPECT_EQ(child(2, 1), 0);
        EXPECT_EQ(child(3, 2), 0);
        acct_charge(t, 3, 5);
        acct_charge(t, 2, 2);
        EXPECT_EQ(t[3].frames, 5);
        EXPECT_EQ(t[3].tree_frames, 5);
        EXPECT_EQ(t[2].tree_frames, 7);
        EXPECT_EQ(t[1].tree_frames, 7);
        EXPECT_EQ(t[1].frames, 0);
        acct_charge(t, 3, -5);
        EXPECT_EQ(t[1].tree_frames, 2);
        EXPECT_EQ(t[1].tree_procs, 3);
}

static void limits_bind_the_whole_tree(void)
{
        reset();
        top(1, 10, 8);
        EXPECT_EQ(child(2, 1), 0);
        EXPECT_EQ(child(3, 1), 0);
        acct_charge(t, 2, 6);
        EXPECT_EQ(acct_limit_hit(t, 3, 4), 0);
        EXPECT_EQ(acct_limit_hit(t, 3, 5), 1); // 6 + 5 > 10: the top's limit
        t[3].frame_limit = 2;                  // PGR_LIMIT on a child
        EXPECT_EQ(acct_limit_hit(t, 3, 3), 3); // its own, nearest first
        EXPECT_EQ(acct_frame_limit(t, 3), 2);
        EXPECT_EQ(acct_frame_limit(t, 2), 10);
        EXPECT_EQ(acct_limit_hit(t, 2, 4), 0);
        // A limit lowered below the usage: any more is refused.
        t[2].frame_limit = 3;
        EXPECT_EQ(acct_limit_hit(t, 2, 0), 2);
}

// acct_take is acct_limit_hit(t, i, 1) and acct_charge(t, i, 1) in one
// walk: a limit anywhere up the tree refuses and leaves nothing charged.
static void take_checks_and_charges_in_one_walk(void)
{
        reset();
        top(1, 4, 8);
        EXPECT_EQ(child(2, 1), 0);
        EXPECT_EQ(child(3, 2), 0);
        t[2].frame_limit = 3;
        EXPECT_EQ(acct_take(t, 3), 0);
        EXPECT_EQ(acct_take(t, 3), 0);
        EXPECT_EQ(acct_take(t, 2), 0);
        EXPECT_EQ(t[3].frames, 2);
        EXPECT_EQ(t[2].frames, 1);
        EXPECT_EQ(t[3].tree_frames, 2);
        EXPECT_EQ(t[2].tree_frames, 3);
        EXPECT_EQ(t[1].tree_frames, 3);
        // 2's own limit (3) is reached: refused by 2, 3's charge undone.
        EXPECT_EQ(acct_take(t, 3), 2);
        EXPECT_EQ(t[3].frames, 2);
        EXPECT_EQ(t[3].tree_frames, 2);
        EXPECT_EQ(t[2].tree_frames, 3);
        EXPECT_EQ(t[1].tree_frames, 3);
        // The top's limit (4) binds a child with none of its own.
        t[2].frame_limit = ACCT_NO_LIMIT;
        EXPECT_EQ(acct_take(t, 3), 0);
        EXPECT_EQ(acct_take(t, 3), 1);
        EXPECT_EQ(t[3].tree_frames, 3);
        EXPECT_EQ(t[2].tree_frames, 4);
        EXPECT_EQ(t[1].tree_frames, 4);
        // Agrees with the two-step form everywhere.
        for (uint32_t i = 1; i <= 3; i++) {
                uint32_t hit = acct_limit_hit(t, i, 1);
                EXPECT_EQ(acct_take(t, i), hit);
        }
        EXPECT_EQ(acct_take(t, 0), 0); // nobody: nothing charged
}

static void process_slots(void)
{
        reset();
        top(1, ACCT_NO_LIMIT, 3);
        EXPECT_EQ(child(2, 1), 0);
        EXPECT_EQ(child(3, 2), 0);
        EXPECT_EQ(child(4, 2), -EAGAIN); // the top's tree holds 3
        EXPECT_EQ(child(4, 1), -EAGAIN);
        top(5, ACCT_NO_LIMIT, 3); // another tree is not affected
        EXPECT_EQ(child(6, 5), 0);
        EXPECT_EQ(acct_end(t, N, 3), 1); // a leaf that ends goes at once
        EXPECT_EQ(child(4, 2), 0);
        EXPECT_EQ(acct_add(t, N, 4, 1, ACCT_NO_LIMIT, UINT32_MAX), -EINVAL); // taken
}

// A fork bomb whose parents exit cannot escape its tree's limit: an ended
// parent stays as a node while it has descendants, and counts.
static void ended_parents_still_count(void)
{
        reset();
        top(1, ACCT_NO_LIMIT, 4);
        EXPECT_EQ(child(2, 1), 0);
        EXPECT_EQ(child(3, 2), 0);
        EXPECT_EQ(acct_end(t, N, 2), 0); // 3 still lives under it
        EXPECT(t[2].used && !t[2].live);
        EXPECT_EQ(child(4, 3), 0);
        EXPECT_EQ(child(5, 4), -EAGAIN); // 1, 2 (ended), 3, 4
        EXPECT_EQ(acct_end(t, N, 4), 1);
        EXPECT_EQ(acct_end(t, N, 3), 2); // 3, then the empty 2
        EXPECT(!t[2].used && !t[3].used);
        EXPECT_EQ(t[1].tree_procs, 1);
        // A node with frames still charged stays until they are uncharged.
        EXPECT_EQ(child(2, 1), 0);
        acct_charge(t, 2, 3);
        EXPECT_EQ(acct_end(t, N, 2), 0);
        EXPECT(t[2].used);
        acct_charge(t, 2, -3);
        EXPECT_EQ(acct_collect(t, N, 2), 1);
        EXPECT_EQ(t[1].tree_procs, 1);
        EXPECT_EQ(t[1].tree_frames, 0);
}

static void victim_is_the_largest(void)
{
        reset();
        top(1, 1000, 8);
        top(2, 1000, 8);
        EXPECT_EQ(child(3, 1), 0);
        acct_charge(t, 1, 10);
        acct_charge(t, 2, 50);
        acct_charge(t, 3, 40);
        EXPECT_EQ(acct_victim(t, N, 0), 2); // the largest process, not tree
        EXPECT_EQ(acct_victim(t, N, 1), 3); // within tree 1
        t[2].exempt = true;                 // (the VFS)
        EXPECT_EQ(acct_victim(t, N, 0), 3);
        t[2].exempt = false;
        // A tree over its limit gives the victim, even if not the largest.
        t[3].frame_limit = 20;
        EXPECT_EQ(acct_victim(t, N, 0), 3);
        t[3].frame_limit = ACCT_NO_LIMIT;
        t[1].frame_limit = 30; // 10 + 40 > 30: 3 is its largest
        EXPECT_EQ(acct_victim(t, N, 0), 3);
        // Ended processes are never victims.
        acct_end(t, N, 3);
        EXPECT_EQ(acct_victim(t, N, 1), 1);
        reset();
        EXPECT_EQ(acct_victim(t, N, 0), 0);
}

// Random charges, ends and adds: the tree sums always match the leaves.
static void random_consistency(void)
{
        reset();
        for (int step = 0; step < 200000; step++) {
                uint32_t i = 1 + (uint32_t)(h_rand() % (N - 1));
                unsigned op = (unsigned)(h_rand() % 4);
                if (op == 0 && !t[i].used) {
                        uint32_t p = (uint32_t)(h_rand() % N);
                        if (p && (!t[p].used || !t[p].live))
                                p = 0;
                        acct_add(t, N, i, p, p ? ACCT_NO_LIMIT : 1000, p ? UINT32_MAX : 6);
                } else if (op == 1 && t[i].used && t[i].live && h_rand() % 2) {
                        acct_charge(t, i, (int64_t)(h_rand() % 5));
                } else if (op == 1 && t[i].used && t[i].live) {
                        uint32_t hit = acct_limit_hit(t, i, 1);
                        EXPECT_EQ(acct_take(t, i), hit);
                } else if (op == 2 && t[i].used && t[i].frames) {
                        acct_charge(t, i, -1);
                        acct_collect(t, N, i);
                } else if (op == 3 && t[i].used && t[i].live) {
                        acct_end(t, N, i);
                }
                if (step % 97)
                        continue;
                for (uint32_t a = 1; a < N; a++) {
                        if (!t[a].used)
                                continue;
                        uint64_t frames = 0, procs = 0;
                        for (uint32_t b = 1; b < N; b++)
                                if (t[b].used && acct_within(t, a, b))
                                        frames += t[b].frames, procs++;
                        EXPECT_EQ(t[a].tree_frames, frames);
                        EXPECT_EQ(t[a].tree_procs, procs);
                        EXPECT(t[a].parent == 0 || t[t[a].parent].used);
                        EXPECT(t[a].live || t[a].tree_procs > 1 || t[a].frames);
                }
        }
}

int main(void)
{
        h_suite = "account";
        RUN(charges_go_up_the_tree);
        RUN(limits_bind_the_whole_tree);
        RUN(take_checks_and_charges_in_one_walk);
        RUN(process_slots);
        RUN(ended_parents_still_count);
        RUN(victim_is_the_largest);
        RUN(random_consistency);
        return DONE();
}
