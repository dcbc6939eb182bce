// SPDX-License-Identifier: MIT
// Building a handler's answer (map, fail, retry, fault-around) and encoding
// it as the fault reply the kernel expects (docs/pager-protocol.md): the tag
// is the action, the first grant in w0..w2, further grants in buf.
#include "pagerlib_int.h"
#include <stddef.h>

void mkp_answer_map(struct mkp_answer *a, uint64_t va, const struct mkp_frame *f, uint32_t perms)
{
        if (a->action != MKP_MAP) {
                a->action = MKP_MAP;
                a->ngrants = 0;
                a->reason = 0;
        }
        if (a->ngrants >= MK_MAX_GRANTS)
                return;
        a->grants[a->ngrants++] = (struct mk_grant){va, f->pa, perms};
}

void mkp_answer_fail(struct mkp_answer *a, uint64_t reason)
{
        a->action = MKP_FAIL;
        a->reason = reason;
        a->ngrants = 0;
}

void mkp_answer_retry(struct mkp_answer *a)
{
        a->action = MKP_RETRY;
        a->reason = 0;
        a->ngrants = 0;
}

unsigned mkp_answer_around(struct mkp_pager *pg, const struct mkp_fault *f, struct mkp_answer *a,
                           unsigned n, uint32_t perms,
                           int (*fill)(struct mkp_pager *, struct mkp_region *, uint64_t va,
                                       struct mkp_frame *))
{
        struct mkp_region *r = f->region;
        unsigned added = 0;
        if (a->action != MKP_MAP || !r || !fill)
                return 0;
        uint64_t end = r->start + r->len;
        for (uint64_t va = f->page + MK_PAGE_SIZE; n && va < end && a->ngrants < MK_MAX_GRANTS;
             va += MK_PAGE_SIZE, n--) {
                if (mkp_map_lookup(pg, r->id, va) >= 0)
                        continue; // already there
                struct mkp_frame fr;
                if (fill(pg, r, va, &fr))
                        break;
                mkp_answer_map(a, va, &fr, perms);
                added++;
        }
        return added;
}

void mkp_answer_encode(const struct mkp_answer *a, struct mk_msg *out)
{
        memset(out, 0, offsetof(struct mk_msg, buf));
        out->tag = (uint64_t)a->action;
        if (a->action == MKP_FAIL) {
                out->w[0] = a->reason;
        } else if (a->action == MKP_MAP && a->ngrants) {
                out->w[0] = a->grants[0].va;
                out->w[1] = a->grants[0].pa;
                out->w[2] = a->grants[0].perms;
                out->len = (uint32_t)((a->ngrants - 1) * sizeof(struct mk_grant));
                memcpy(out->buf, &a->grants[1], out->len);
        }
}
