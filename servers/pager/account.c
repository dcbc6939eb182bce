// SPDX-License-Identifier: MIT
// Per-tree accounting (account.h).
#include "account.h"
#include <mk/errno.h>

int acct_add(struct acct *t, uint32_t n, uint32_t i, uint32_t parent, uint64_t frame_limit,
             uint32_t proc_limit)
{
        if (i == 0 || i >= n || t[i].used || parent >= n || (parent && !t[parent].used))
                return -EINVAL;
        for (uint32_t q = parent; q; q = t[q].parent)
                if (t[q].tree_procs >= t[q].proc_limit)
                        return -EAGAIN;
        for (uint32_t q = parent; q; q = t[q].parent)
                t[q].tree_procs++;
        t[i] = (struct acct){.used = true,
                             .live = true,
                             .parent = parent,
                             .frame_limit = frame_limit,
                             .tree_procs = 1,
                             .proc_limit = proc_limit};
        return 0;
}

uint32_t acct_collect(struct acct *t, uint32_t n, uint32_t i)
{
        uint32_t freed = 0;
        while (i && i < n && t[i].used && !t[i].live && t[i].tree_procs == 1 &&
               t[i].tree_frames == 0) {
                uint32_t parent = t[i].parent;
                for (uint32_t q = parent; q; q = t[q].parent)
                        t[q].tree_procs--;
                t[i] = (struct acct){0};
                freed++;
                i = parent;
        }
        return freed;
}

uint32_t acct_end(struct acct *t, uint32_t n, uint32_t i)
{
        if (i == 0 || i >= n || !t[i].used)
                return 0;
        t[i].live = false;
        t[i].exempt = false;
        return acct_collect(t, n, i);
}

void acct_charge(struct acct *t, uint32_t i, int64_t delta)
{
        if (!i)
                return;
        t[i].frames += (uint64_t)delta;
        for (uint32_t q = i; q; q = t[q].parent)
                t[q].tree_frames += (uint64_t)delta;
}

uint32_t acct_take(struct acct *t, uint32_t i)
{
        // One walk that checks and charges (this is every allocation's
        // path); a limit reached undoes what it charged. With one frame
        // more, "more > limit - tree_frames" is "tree_frames >= limit", and
        // ACCT_NO_LIMIT is never reached.
        for (uint32_t q = i; q; q = t[q].parent) {
                if (t[q].tree_frames >= t[q].frame_limit) {
                        for (uint32_t r = i; r != q; r = t[r].parent)
                                t[r].tree_frames--;
                        return q;
                }
                t[q].tree_frames++;
        }
        if (i)
                t[i].frames++;
        return 0;
}

uint32_t acct_limit_hit(const struct acct *t, uint32_t i, uint64_t more)
{
        for (uint32_t q = i; q; q = t[q].parent)
                if (t[q].frame_limit != ACCT_NO_LIMIT &&
                    (t[q].tree_frames > t[q].frame_limit ||
                     more > t[q].frame_limit - t[q].tree_frames))
                        return q;
        return 0;
}

bool acct_within(const struct acct *t, uint32_t a, uint32_t i)
{
        for (uint32_t q = i; q; q = t[q].parent)
                if (q == a)
                        return true;
        return false;
}

uint64_t acct_frame_limit(const struct acct *t, uint32_t i)
{
        uint64_t l = ACCT_NO_LIMIT;
        for (uint32_t q = i; q; q = t[q].parent)
                if (t[q].frame_limit < l)
                        l = t[q].frame_limit;
        return l;
}

// Whether a tree holding i is over its limit.
static bool over_limit(const struct acct *t, uint32_t i)
{
        for (uint32_t q = i; q; q = t[q].parent)
                if (t[q].frame_limit != ACCT_NO_LIMIT && t[q].tree_frames > t[q].frame_limit)
                        return true;
        return false;
}

uint32_t acct_victim(const struct acct *t, uint32_t n, uint32_t root)
{
        uint32_t best = 0, best_over = 0;
        for (uint32_t i = 1; i < n; i++) {
                if (!t[i].used || !t[i].live || t[i].exempt)
                        continue;
                if (root && !acct_within(t, root, i))
                        continue;
                if (!best || t[i].frames > t[best].frames)
                        best = i;
                if (!root && over_limit(t, i) && (!best_over || t[i].frames > t[best_over].frames))
                        best_over = i;
        }
        return best_over ? best_over : best;
}
