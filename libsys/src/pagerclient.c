// SPDX-License-Identifier: MIT
// Observability calls to the system pager: maps view, counters, fault trace.
#include <mk/pagerclient.h>
#include <mk/sys.h>

long mk_maps_print(uint64_t pid)
{
        static struct mk_msg m;
        uint64_t off = 0;
        for (;;) {
                m.tag = PGR_MAPS;
                m.w[0] = pid;
                m.w[1] = off;
                m.len = 0;
                long r = mk_call(mk_pager_ep, &m);
                if (r < 0 || (long)m.w[0] < 0)
                        return r < 0 ? r : (long)m.w[0];
                if (m.len == 0)
                        return 0;
                mk_debug_write(m.buf, m.len);
                off += m.len;
                if (off >= m.w[1])
                        return 0;
        }
}

long mk_stats(uint64_t pid, struct pgr_stats *out)
{
        static struct mk_msg m;
        m.tag = PGR_STATS;
        m.w[0] = pid;
        m.len = 0;
        long r = mk_call(mk_pager_ep, &m);
        if (r < 0 || (long)m.w[0] < 0)
                return r < 0 ? r : (long)m.w[0];
        memcpy(out, m.buf, sizeof(*out));
        return 0;
}

void mk_stats_print(const char *label, const struct pgr_stats *s)
{
        mk_printf(
            "%s: faults %llu, fills anon %llu file %llu stack %llu heap %llu, zero-page %llu, "
            "cow copies %llu reuses %llu, guard %llu, access %llu, no-mapping %llu, bus %llu, "
            "oom %llu, loops %llu, frames %llu\n",
            label, (unsigned long long)s->faults, (unsigned long long)s->fill_anon,
            (unsigned long long)s->fill_file, (unsigned long long)s->fill_stack,
            (unsigned long long)s->fill_heap, (unsigned long long)s->zero_maps,
            (unsigned long long)s->cow_copies, (unsigned long long)s->cow_reuses,
            (unsigned long long)s->guard_hits, (unsigned long long)s->access_violations,
            (unsigned long long)s->no_mapping, (unsigned long long)s->bus_errors,
            (unsigned long long)s->oom_kills, (unsigned long long)s->fault_loops,
            (unsigned long long)s->frames_used);
}

long mk_fault_trace(int on)
{
        struct mk_msg m = {.tag = PGR_TRACE, .w = {(uint64_t)(on != 0)}};
        long r = mk_call(mk_pager_ep, &m);
        return r < 0 ? r : (long)m.w[0];
}
