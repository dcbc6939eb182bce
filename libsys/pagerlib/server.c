// SPDX-License-Identifier: MIT
// The one receive loop's step (mk/pagerloop.h), every pager's: the library's
// (serve.c is its owner) and the system pager's (servers/pager/main.c). It
// tells the kernel's messages from requests, decodes a fault with the one
// decoder, calls the owner's callbacks, encodes the answer with the one
// encoder and prints the record when recording; mkp_server_run receives and
// replies. Portable: the host tests and replays run this same code (on the
// host the receive fails at once).
#include <mk/pagerloop.h>

bool mkp_server_step(struct mkp_server *s, const struct mk_msg *in, struct mk_msg *out)
{
        bool reply = false;
        s->rec.type = 0;
        if ((in->flags & MK_MSG_KERNEL) && in->tag == MK_TAG_FAULT) {
                struct mkp_fault f;
                struct mkp_answer a;
                mkp_fault_from_msg(in, &f);
                a.action = 0;
                a.reason = 0;
                a.ngrants = 0;
                a.upgraded = false;
                s->ops->fault(s, in, &f, &a);
                mkp_answer_encode(&a, out);
                reply = true;
        } else if ((in->flags & MK_MSG_KERNEL) && in->tag == MK_TAG_EXIT) {
                if (s->ops->event)
                        s->ops->event(s, in);
        } else {
                reply = s->ops->request(s, in, out);
        }
        if (s->ops->after)
                s->ops->after(s);
        if (__builtin_expect(s->record, 0) && s->rec.type)
                mkp_rec_print(&s->rec);
        return reply;
}

int mkp_server_run(struct mkp_server *s)
{
        struct mk_msg in, out;
        bool have_reply = false;
        while (!s->stop) {
                long rr = have_reply ? mk_reply_recv(s->ep, &out, &in) : mk_recv(s->ep, &in);
                if (rr == -EPIPE) {
                        // Not a refused reply: the receive says no process can
                        // send to our endpoint any more (our clients are gone).
                        if (have_reply && s->ops->sent)
                                s->ops->sent(s);
                        return -EPIPE;
                }
                if (rr < 0 && !have_reply)
                        return (int)rr;
                if (rr < 0) {
                        // The kernel refused our reply: the caller still waits.
                        have_reply = false;
                        if (s->ops->refused && s->ops->refused(s, rr, &out))
                                mk_reply(&out);
                        continue;
                }
                if (have_reply && s->ops->sent)
                        s->ops->sent(s);
                have_reply = mkp_server_step(s, &in, &out);
        }
        // Stopped: the last reply still goes out.
        if (have_reply) {
                long r = mk_reply(&out);
                if (r == 0 && s->ops->sent)
                        s->ops->sent(s);
                else if (r < 0 && s->ops->refused && s->ops->refused(s, r, &out))
                        mk_reply(&out);
        }
        return 0;
}
