// SPDX-License-Identifier: MIT
// xtest_pattern: starts the pattern pager, attaches PAGES pages to it, checks
// every word of the pattern, writes one word per page and reads everything
// back, checks the pager's counters (fault-around: one fault per 1 + AROUND
// pages; no fault for the writes: pages are mapped writable), detaches and shuts the pager
// down. Prints "example ok pattern" or "example not ok pattern: WHY"; exits 0
// on success.
#include "pattern.h"
#include <mk/pagerlib.h>

#define PAGES         64
#define WORDS         (MK_PAGE_SIZE / sizeof(uint64_t))
#define AROUND        3 // as pattern.c
#define STAT_FAULTS   0
#define STAT_UPGRADES 4

static int fail(const char *why, long long v)
{
        mk_printf("example not ok pattern: %s (%lld)\n", why, v);
        return 1;
}

// What word i of the region must hold once page p's word (p % WORDS) was written.
static uint64_t expected(uint64_t i, bool written)
{
        uint64_t p = i / WORDS;
        if (written && i % WORDS == p % WORDS)
                return ~pattern_word(i * sizeof(uint64_t)) ^ p;
        return pattern_word(i * sizeof(uint64_t));
}

// Every word of the region against expected(); the first bad index or -1.
static long long check(volatile uint64_t *m, bool written)
{
        for (uint64_t i = 0; i < PAGES * WORDS; i++)
                if (m[i] != expected(i, written))
                        return (long long)i;
        return -1;
}

int main(int argc, char **argv, char **envp)
{
        long ep, proc;
        uint64_t va, st[6];
        uint32_t id;
        struct mk_exit_info info;
        long r = mkp_spawn_pager("pattern", &ep, &proc);
        if (r)
                return fail("cannot start the pager", r);
        // Lengths are whole pages: never rounded silently.
        if ((r = mkp_attach(ep, proc, PAGES * MK_PAGE_SIZE + 1, &va, &id)) != -EINVAL)
                return fail("attach of a length that is not whole pages, expected -EINVAL", r);
        if ((r = mkp_attach(ep, proc, 0, &va, &id)) != -EINVAL)
                return fail("attach of length 0, expected -EINVAL", r);
        r = mkp_attach(ep, proc, PAGES * MK_PAGE_SIZE, &va, &id);
        if (r)
                return fail("attach failed", r);
        volatile uint64_t *m = (volatile uint64_t *)va;
        long long bad = check(m, false);
        if (bad >= 0)
                return fail("wrong pattern at word", bad);
        if (mkp_stats(ep, st) || st[STAT_FAULTS] != PAGES / (1 + AROUND) || st[STAT_UPGRADES])
                return fail("faults after reading, expected 16", (long long)st[STAT_FAULTS]);
        for (uint64_t p = 0; p < PAGES; p++) {
                uint64_t i = p * WORDS + p % WORDS;
                m[i] = expected(i, true);
        }
        if ((bad = check(m, true)) >= 0)
                return fail("wrong word after writing at", bad);
        if (mkp_stats(ep, st) || st[STAT_UPGRADES] || st[STAT_FAULTS] != PAGES / (1 + AROUND))
                return fail("faults after writing, expected 16 (no upgrades)",
                            (long long)st[STAT_FAULTS]);
        if ((r = mkp_detach(ep, va, id)))
                return fail("detach failed", r);
        if ((r = mkp_shutdown(ep)))
                return fail("shutdown failed", r);
        if ((r = mk_proc_wait(proc, &info, 0)) || info.reason != MK_REASON_EXIT || info.status)
                return fail("the pager did not exit cleanly, reason", (long long)info.reason);
        mk_printf("example ok pattern\n");
        return 0;
}
