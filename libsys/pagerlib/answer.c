// SPDX-License-Identifier: MIT
// Building a MAP answer, and the rights an answer gives a page. The rest of
// the fault protocol that both pager stacks (this library and the system
// pager, servers/pager/) share is static inline in mk/pagerlib.h, as it is
// on every fault's path: the decoder (mkp_fault_from_msg), mkp_answer_fail
// and _retry, the encoder (mkp_answer_encode) and the loop detector
// (mkp_loop_fault, mkp_loop_answer).
#include <mk/pagerlib.h>
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

uint32_t mkp_answer_perms(const struct mkp_answer *a, uint64_t page)
{
        for (unsigned k = 0; a->action == MKP_MAP && k < a->ngrants; k++)
                if (a->grants[k].va == page)
                        return (uint32_t)a->grants[k].perms;
        return 0;
}
