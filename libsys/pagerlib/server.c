// SPDX-License-Identifier: MIT
// The one receive loop (mk/pagerloop.h has it, inline) for owners that give
// their callbacks at run time: the library pager (serve.c is its owner).
// Portable: the host tests and replays run this same code (on the host the
// receive fails at once).
#include <mk/pagerloop.h>

bool mkp_server_step(struct mkp_server *s, const struct mk_msg *in, struct mk_msg *out)
{
        const struct mkp_server_ops *o = s->ops;
        return mkp_server_step_with(s, in, out, o->fault, o->event, o->request, o->after);
}

int mkp_server_run(struct mkp_server *s)
{
        struct mk_msg in, out;
        return mkp_server_run_with(s, s->ops, mkp_server_step, &in, &out);
}
