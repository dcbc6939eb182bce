// SPDX-License-Identifier: MIT
// failures_pager: a zero-fill pager built on the pager library that
// misbehaves when its client asks it to (FAIL_REQ_MODE): it stops answering
// (loops without receiving until its client is gone), or answers with a grant
// outside the region (the library reports the refused reply and fails the
// fault with "bad pager reply"). Plain serving otherwise.
#include "failures.h"

static struct mkp_pager pg;
static enum fail_mode mode = FAIL_MODE_SERVE;
static unsigned nfaults;

// Never answers again: loops (yielding) until the client has ended, which
// the kernel does within its external-pager timeout, then exits.
static __attribute__((noreturn)) void go_mute(const struct mkp_region *r)
{
        struct mk_exit_info info;
        uint64_t spins = 0;
        while (mk_proc_wait(r->proc, &info, MK_WAIT_NOHANG) == -EAGAIN)
                spins++, mk_yield();
        mk_printf("failures_pager: mute: client ended (%s) after %llu yields\n",
                  mk_reason_name(info.reason), (unsigned long long)spins);
        mk_exit(0);
}

static void handler(struct mkp_pager *p, const struct mkp_fault *f, struct mkp_answer *a)
{
        struct mkp_frame fr;
        nfaults++;
        if (nfaults >= 2 && mode == FAIL_MODE_MUTE)
                go_mute(f->region);
        if (mkp_frame_alloc(p, &fr)) {
                mkp_answer_fail(a, MK_REASON_OOM);
                return;
        }
        mkp_fill_zero(&fr);
        uint64_t va = f->page;
        if (nfaults >= 2 && mode == FAIL_MODE_BADGRANT)
                va = f->region->start + f->region->len; // the page just past the region
        mkp_answer_map(a, va, &fr, MK_PERM_R | MK_PERM_W);
}

static long request(struct mkp_pager *p, const struct mk_msg *in, struct mk_msg *out)
{
        if (in->tag != FAIL_REQ_MODE || in->w[0] < FAIL_MODE_SERVE || in->w[0] > FAIL_MODE_BADGRANT)
                return -EINVAL;
        mode = (enum fail_mode)in->w[0];
        return 0;
}

int main(int argc, char **argv, char **envp)
{
        int r = mkp_init(&pg, MKP_SERVE_HANDLE, FAIL_REGION_PAGES, handler, NULL);
        if (r) {
                mk_printf("failures_pager: mkp_init: %d\n", r);
                return 1;
        }
        memcpy(pg.name, "failures", sizeof("failures"));
        pg.request = request;
        return mkp_run(&pg);
}
