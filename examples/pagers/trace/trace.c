// SPDX-License-Identifier: MIT
// trace: an external pager serving anonymous memory (a zeroed frame on the
// first touch of a page) that records every fault it sees: address, access,
// kind and decision, including the write faults the library answers itself
// (dirty tracking), through the library's observe hook. Its client can read
// the record (TRACE_REQ_SUMMARY, TRACE_REQ_ENTRY); on MKP_REQ_SHUTDOWN it
// prints a summary and exits.
#include "trace.h"

static struct mkp_pager pg;
static struct trace_summary sum;
static struct trace_entry log_[TRACE_LOG_MAX];

// Anonymous memory: the frame already there, or a new zeroed one.
static void handle(struct mkp_pager *p, const struct mkp_fault *f, struct mkp_answer *a)
{
        struct mkp_frame fr;
        if (f->access == FAULT_EXEC) {
                mkp_answer_fail(a, MK_REASON_ACCESS);
        } else if (mkp_mapped_at(p, f->region, f->page, &fr) == 0) {
                mkp_answer_map(a, f->page, &fr, MK_PERM_R | MK_PERM_W);
        } else if (mkp_frame_alloc(p, &fr)) {
                mkp_answer_fail(a, MK_REASON_OOM);
        } else {
                mkp_fill_zero(&fr);
                mkp_answer_map(a, f->page, &fr, MK_PERM_R | MK_PERM_W);
                sum.pages++;
        }
}

static enum trace_decision decision(struct mkp_pager *p, const struct mkp_fault *f,
                                    const struct mkp_answer *a)
{
        struct mkp_frame fr;
        if (a->action == MKP_FAIL)
                return TRACE_FAIL;
        if (a->action == MKP_RETRY)
                return TRACE_RETRY;
        if (a->upgraded)
                return TRACE_UPGRADE;
        // Called before the library records this answer: a frame already
        // there means a remap.
        return f->region && mkp_mapped_at(p, f->region, f->page, &fr) == 0 ? TRACE_REMAP
                                                                           : TRACE_ZERO;
}

// Every fault, with its final answer (observe hook).
static void observe(struct mkp_pager *p, const struct mkp_fault *f, const struct mkp_answer *a)
{
        enum trace_decision d = decision(p, f, a);
        if (sum.faults < TRACE_LOG_MAX)
                log_[sum.faults] =
                    (struct trace_entry){.addr = f->addr,
                                         .access = f->access,
                                         .kind = f->kind,
                                         .decision = d,
                                         .reason = a->action == MKP_FAIL ? (uint32_t)a->reason : 0,
                                         .pid = f->pid};
        if (!sum.faults)
                sum.first = f->addr;
        sum.last = f->addr;
        sum.faults++;
        if (f->access < TRACE_ACCESSES && f->kind < TRACE_KINDS)
                sum.count[f->access][f->kind]++;
        sum.decisions[d]++;
}

static long request(struct mkp_pager *p, const struct mk_msg *in, struct mk_msg *out)
{
        if (in->tag == TRACE_REQ_SUMMARY) {
                memcpy(out->buf, &sum, sizeof(sum));
                out->len = sizeof(sum);
                return 0;
        }
        if (in->tag == TRACE_REQ_ENTRY) {
                if (in->w[0] >= sum.faults || in->w[0] >= TRACE_LOG_MAX)
                        return -ENOENT;
                memcpy(out->buf, &log_[in->w[0]], sizeof(log_[0]));
                out->len = sizeof(log_[0]);
                return 0;
        }
        return -ENOSYS;
}

static void summary_print(void)
{
        static const char *const dnames[] = {"?", "zero", "remap", "upgrade", "fail", "retry"};
        mk_printf("trace: %llu faults, %llu pages, first 0x%llx, last 0x%llx\n",
                  (unsigned long long)sum.faults, (unsigned long long)sum.pages,
                  (unsigned long long)sum.first, (unsigned long long)sum.last);
        for (unsigned ac = 0; ac < TRACE_ACCESSES; ac++)
                for (unsigned k = 0; k < TRACE_KINDS; k++)
                        if (sum.count[ac][k])
                                mk_printf("trace:   %s %s: %llu\n", fault_access_name(ac),
                                          fault_kind_name(k), (unsigned long long)sum.count[ac][k]);
        for (unsigned d = TRACE_ZERO; d <= TRACE_RETRY; d++)
                if (sum.decisions[d])
                        mk_printf("trace:   decision %s: %llu\n", dnames[d],
                                  (unsigned long long)sum.decisions[d]);
}

// Started by a client (mkp_spawn_pager): serves MKP_SERVE_HANDLE until shutdown.
int main(int argc, char **argv, char **envp)
{
        if (mkp_init(&pg, MKP_SERVE_HANDLE, 0, handle, NULL))
                return 1;
        memcpy(pg.name, "trace", sizeof("trace"));
        pg.observe = observe;
        pg.request = request;
        pg.track_dirty = true; // its client sees the library's upgrades in the trace
        int r = mkp_run(&pg);
        summary_print();
        return r;
}
