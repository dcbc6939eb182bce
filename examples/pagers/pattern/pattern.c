// SPDX-License-Identifier: MIT
// pattern: a minimal external pager. Every page of a region it serves starts
// filled with pattern_word() of each word's offset in the region; the faulting
// page comes with up to AROUND following pages (fault-around). Clients may
// write (pages are mapped read-write). Executing the pattern is refused.
#include "pattern.h"
#include <mk/pagerlib.h>

#define AROUND 3 // pages mapped after the faulting one

static struct mkp_pager pg;

// A new frame holding the pattern of the page at va of region r; 0 or -1.
static int fill(struct mkp_pager *p, struct mkp_region *r, uint64_t va, struct mkp_frame *fr)
{
        if (mkp_frame_alloc(p, fr))
                return -1;
        uint64_t *w = fr->va;
        for (uint64_t i = 0; i < MK_PAGE_SIZE / sizeof(*w); i++)
                w[i] = pattern_word(va - r->start + i * sizeof(*w));
        return 0;
}

// The policy: map the pattern (read-write) or refuse execution.
static void handle(struct mkp_pager *p, const struct mkp_fault *f, struct mkp_answer *a)
{
        struct mkp_frame fr;
        if (f->access == FAULT_EXEC) {
                mkp_answer_fail(a, MK_REASON_ACCESS);
        } else if (fill(p, f->region, f->page, &fr)) {
                mkp_answer_fail(a, MK_REASON_OOM);
        } else {
                mkp_answer_map(a, f->page, &fr, MK_PERM_R | MK_PERM_W);
                mkp_answer_around(p, f, a, AROUND, MK_PERM_R | MK_PERM_W, fill);
        }
}

// Started by a client (mkp_spawn_pager): serves MKP_SERVE_HANDLE until shutdown.
int main(int argc, char **argv, char **envp)
{
        if (mkp_init(&pg, MKP_SERVE_HANDLE, 0, handle, NULL))
                return 1;
        memcpy(pg.name, "pattern", sizeof("pattern"));
        return mkp_run(&pg);
}
