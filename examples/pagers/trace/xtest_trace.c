// SPDX-License-Identifier: MIT
// xtest_trace: starts the trace pager, attaches PAGES pages, makes a known
// sequence of accesses (reads of untouched pages, a write to a page read
// before, writes to untouched pages) and checks what the pager recorded:
// every log entry (address, access, kind, decision), the summary counts, the
// library's counters; then shuts the pager down (it prints its summary) and
// checks that it exited cleanly. Prints "example ok trace" or
// "example not ok trace: WHY"; exits 0 on success.
#include "trace.h"

#define PAGES  16
#define P      MK_PAGE_SIZE
#define NSTEPS 6

// The accesses, in order, and what the pager must record for each.
static const struct step {
        uint64_t off;
        bool write;
        unsigned kind;
        enum trace_decision d;
} steps[NSTEPS] = {
    {0 * P + 0x10, false, FAULT_NOT_PRESENT, TRACE_ZERO},
    {1 * P + 0x18, false, FAULT_NOT_PRESENT, TRACE_ZERO},
    {2 * P + 0x00, false, FAULT_NOT_PRESENT, TRACE_ZERO},
    {1 * P + 0x08, true, FAULT_PROTECTION, TRACE_UPGRADE}, // read before: dirty tracking
    {5 * P + 0x20, true, FAULT_NOT_PRESENT, TRACE_ZERO},
    {6 * P + 0x28, true, FAULT_NOT_PRESENT, TRACE_ZERO},
};

static int fail(const char *why, long long v)
{
        mk_printf("example not ok trace: %s (%lld)\n", why, v);
        return 1;
}

// A call with the trace pager's own tag; the result (w0) or -errno, reply in m.
static long trace_call(long ep, uint64_t tag, uint64_t w0, struct mk_msg *m)
{
        memset(m, 0, sizeof(*m));
        m->tag = tag;
        m->w[0] = w0;
        long r = mk_call(ep, m);
        return r < 0 ? r : (long)m->w[0];
}

// Runs the steps and checks the values read and written.
static int touch(uint64_t va)
{
        for (unsigned i = 0; i < NSTEPS; i++) {
                volatile uint64_t *w = (volatile uint64_t *)(va + steps[i].off);
                if (steps[i].write)
                        *w = 0x7ace0000 + i;
                else if (*w != 0)
                        return fail("anonymous memory not zero at step", i);
        }
        // No faults from here: all mapped, the written pages writable.
        for (unsigned i = 0; i < NSTEPS; i++) {
                uint64_t v = *(volatile uint64_t *)(va + steps[i].off);
                if (v != (steps[i].write ? 0x7ace0000 + i : 0))
                        return fail("wrong value read back at step", i);
        }
        return 0;
}

// Checks the log entries and the summary against the steps.
static int check(long ep, uint64_t va)
{
        struct mk_msg m;
        struct trace_entry e;
        struct trace_summary s;
        uint64_t st[6];
        for (unsigned i = 0; i < NSTEPS; i++) {
                if (trace_call(ep, TRACE_REQ_ENTRY, i, &m) || m.len != sizeof(e))
                        return fail("no log entry", i);
                memcpy(&e, m.buf, sizeof(e));
                if (e.addr != va + steps[i].off || e.access != (steps[i].write ? 1u : 0u) ||
                    e.kind != steps[i].kind || e.decision != steps[i].d ||
                    e.pid != (uint32_t)mk_info(MK_INFO_PID, 0))
                        return fail("log entry differs from the access made, step", i);
        }
        if (trace_call(ep, TRACE_REQ_ENTRY, NSTEPS, &m) != -ENOENT)
                return fail("more faults logged than made", NSTEPS);
        if (trace_call(ep, TRACE_REQ_SUMMARY, 0, &m) || m.len != sizeof(s))
                return fail("no summary", 0);
        memcpy(&s, m.buf, sizeof(s));
        if (s.faults != NSTEPS || s.pages != 5 || s.first != va + steps[0].off ||
            s.last != va + steps[NSTEPS - 1].off)
                return fail("summary totals, faults", (long long)s.faults);
        if (s.count[FAULT_READ][FAULT_NOT_PRESENT] != 3 ||
            s.count[FAULT_WRITE][FAULT_PROTECTION] != 1 ||
            s.count[FAULT_WRITE][FAULT_NOT_PRESENT] != 2 || s.decisions[TRACE_ZERO] != 5 ||
            s.decisions[TRACE_UPGRADE] != 1)
                return fail("summary counts by access, kind, decision", 0);
        if (mkp_stats(ep, st) || st[0] != NSTEPS || st[1] != NSTEPS || st[2] || st[4] != 1)
                return fail("library counters (faults, maps, fails, upgrades)", (long long)st[0]);
        return 0;
}

int main(int argc, char **argv, char **envp)
{
        long ep, proc;
        uint64_t va;
        uint32_t id;
        struct mk_exit_info info;
        long r = mkp_spawn_pager("trace", &ep, &proc);
        if (r)
                return fail("cannot start the pager", r);
        if ((r = mkp_attach(ep, proc, PAGES * P, &va, &id)))
                return fail("attach failed", r);
        if (touch(va) || check(ep, va))
                return 1;
        if ((r = mkp_detach(ep, va, id)))
                return fail("detach failed", r);
        if ((r = mkp_shutdown(ep)))
                return fail("shutdown failed", r);
        if ((r = mk_proc_wait(proc, &info, 0)) || info.reason != MK_REASON_EXIT || info.status)
                return fail("the pager did not exit cleanly, reason", (long long)info.reason);
        mk_printf("example ok trace\n");
        return 0;
}
