// SPDX-License-Identifier: MIT
// Per-tree accounting of the pager's processes (portable, no system calls:
// host-tested in tests/host/policy/test_account.c). Node i of a table
// describes pager process slot i (slot 0 is unused: parent 0 means "top
// level", started by the pager itself). Every user frame a process causes is
// charged to it and to every ancestor (fork/spawn parent), so a limit on a
// node bounds its whole tree; pager process slots are counted the same way.
// A node outlives its process while it has descendants (`live` false), so a
// tree cannot escape its limits by having its parents exit.
#pragma once
#include <stdbool.h>
#include <stdint.h>

#define ACCT_NO_LIMIT UINT64_MAX

struct acct {
        bool used;            // the slot is a process or a node kept for its descendants
        bool live;            // the process runs (has not ended)
        bool exempt;          // never an out-of-memory victim (the VFS, a child being built)
        uint32_t parent;      // 0: top level
        uint64_t frames;      // frames charged to this process
        uint64_t tree_frames; // charged to it and its descendants
        uint64_t frame_limit; // most tree_frames may reach (ACCT_NO_LIMIT: none of its own)
        uint32_t tree_procs;  // slots held by it and its descendants (itself included)
        uint32_t proc_limit;  // most tree_procs may reach
};

// Adds node i under parent (0: top level) with the limits given (a child
// gets ACCT_NO_LIMIT / UINT32_MAX: its ancestors' limits bound it). 0, or
// -EAGAIN when a process-slot limit of parent or an ancestor is reached.
int acct_add(struct acct *t, uint32_t n, uint32_t i, uint32_t parent, uint64_t frame_limit,
             uint32_t proc_limit);
// Process i ended: its node goes when nothing is left under it (and so do
// ancestors that had ended and are now empty). Returns how many nodes went.
// A node whose frames are still charged is kept until they are uncharged.
uint32_t acct_end(struct acct *t, uint32_t n, uint32_t i);
// Charges delta frames (negative: uncharges) to i and its ancestors.
void acct_charge(struct acct *t, uint32_t i, int64_t delta);
// Charges one frame to i and its ancestors unless that passes a frame
// limit: 0 when charged, else the node whose limit it would pass (nearest
// first; nothing is charged then). acct_limit_hit(t, i, 1) and
// acct_charge(t, i, 1) in one walk.
uint32_t acct_take(struct acct *t, uint32_t i);
// The node among i and its ancestors (nearest first) whose frame limit
// `more` further frames would pass; 0 if none.
uint32_t acct_limit_hit(const struct acct *t, uint32_t i, uint64_t more);
// Whether a is i or an ancestor of i.
bool acct_within(const struct acct *t, uint32_t a, uint32_t i);
// The lowest frame limit of i and its ancestors (ACCT_NO_LIMIT if none).
uint64_t acct_frame_limit(const struct acct *t, uint32_t i);
// The out-of-memory victim: with root != 0, the live, non-exempt process
// of root's tree with the most frames; with root 0, first such a process of
// a tree over its limit (the largest of them), else the largest of all.
// Ties go to the lower slot. 0 if there is none.
uint32_t acct_victim(const struct acct *t, uint32_t n, uint32_t root);
// Removes a node that has ended and holds nothing (no frames, nothing
// under it): used by acct_end and after late uncharges. Returns nodes freed.
uint32_t acct_collect(struct acct *t, uint32_t n, uint32_t i);
