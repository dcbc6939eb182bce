// SPDX-License-Identifier: MIT
// adv_pager (adv_pager.h): started by the C6 tests' client with
// mkp_spawn_pager; it never ends on its own within a test's time (the mute
// mode spins for up to a minute), so that what ends it is the system's doing.
#include "adv_pager.h"

static struct mkp_pager pg;
static uint64_t mode = ADV_PGR_SERVE;
static unsigned nfaults;

static void handler(struct mkp_pager *p, const struct mkp_fault *f, struct mkp_answer *a)
{
        struct mkp_frame fr;
        nfaults++;
        if (mode == ADV_PGR_RETRY) {
                mkp_answer_retry(a);
                return;
        }
        if (mode == ADV_PGR_MUTE && nfaults >= 2) {
                uint64_t end = (uint64_t)mk_info(MK_INFO_UPTIME_MS, 0) + 60000;
                while ((uint64_t)mk_info(MK_INFO_UPTIME_MS, 0) < end)
                        mk_yield();
                mk_exit(0);
        }
        if (mkp_frame_alloc(p, &fr)) {
                mkp_answer_fail(a, MK_REASON_OOM);
                return;
        }
        mkp_fill_zero(&fr);
        mkp_answer_map(a, f->page, &fr, MK_PERM_R | MK_PERM_W);
}

static long request(struct mkp_pager *p, const struct mk_msg *in, struct mk_msg *out)
{
        if (in->tag != ADV_PGR_MODE || in->w[0] < ADV_PGR_SERVE || in->w[0] > ADV_PGR_RETRY)
                return -EINVAL;
        mode = in->w[0];
        return 0;
}

int main(int argc, char **argv, char **envp)
{
        int r = mkp_init(&pg, MKP_SERVE_HANDLE, ADV_PGR_PAGES, handler, NULL);
        if (r) {
                mk_printf("adv_pager: mkp_init: %d\n", r);
                return 1;
        }
        memcpy(pg.name, "adv_pager", sizeof("adv_pager"));
        pg.request = request;
        return mkp_run(&pg);
}
