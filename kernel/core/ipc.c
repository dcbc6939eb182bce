// SPDX-License-Identifier: MIT
// Synchronous IPC over endpoints. A message moves sender -> kernel copy in
// the receiving thread (struct kmsg) -> receiver's user buffer, so a sender
// never waits for the receiver's address space. A call leaves the caller in
// T_REPLY with the receiver as its replier; the reply lands in the caller's
// kmsg. Kernel-originated fault messages use the same path (ipc_fault_call),
// and kernel events (process exits) queue on the endpoint without blocking.
#include <kernel/arch.h>
#include <common/string.h>
#include <kernel/kalloc.h>
#include <kernel/kprintf.h>
#include <kernel/proc.h>
#include <mk/errno.h>

static void q_push(struct thread **head, struct thread **tail, struct thread *t)
{
        t->next = NULL;
        if (*tail)
                (*tail)->next = t;
        else
                *head = t;
        *tail = t;
}

static struct thread *q_pop(struct thread **head, struct thread **tail)
{
        struct thread *t = *head;
        if (t) {
                *head = t->next;
                if (!*head)
                        *tail = NULL;
                t->next = NULL;
        }
        return t;
}

static bool q_remove(struct thread **head, struct thread **tail, struct thread *t)
{
        struct thread *prev = NULL;
        for (struct thread **pp = head; *pp; prev = *pp, pp = &(*pp)->next) {
                if (*pp == t) {
                        *pp = t->next;
                        if (*tail == t)
                                *tail = prev;
                        t->next = NULL;
                        return true;
                }
        }
        return false;
}

static size_t msg_bytes(const struct kmsg *m)
{
        return KMSG_HDR + MIN(m->len, MK_MSG_BUF);
}

// Copies a message from user memory into m: the header, then len bytes.
static long msg_in(struct kmsg *m, uint64_t umsg)
{
        long r = copy_from_user(m, umsg, KMSG_HDR);
        if (r)
                return r;
        m->flags = 0; // only the kernel marks messages (MK_MSG_KERNEL)
        if (m->len > MK_MSG_BUF)
                return -E2BIG;
        return m->len ? copy_from_user(m->buf, umsg + KMSG_HDR, m->len) : 0;
}

static long msg_out(uint64_t umsg, const struct kmsg *m)
{
        return copy_to_user(umsg, m, msg_bytes(m));
}

// Hands message m to receiver r. Only the kernel's own messages (faults)
// carry MK_MSG_KERNEL: whatever a sender put in flags is overwritten.
static void deliver(struct thread *r, const struct kmsg *m, uint64_t badge, bool kernel)
{
        memcpy(&r->msg, m, msg_bytes(m));
        r->msg.badge = badge;
        r->msg.flags = kernel ? MK_MSG_KERNEL : 0;
        r->ipc_ret = 0;
}

// Caller c's call will not be answered by the thread that received it (it
// received another call): c learns it now. A fault is simply taken again.
static void call_abandoned(struct thread *c)
{
        c->replier = NULL;
        if (c->in_fault) {
                c->fault_retried = true;
                c->ipc_ret = 0;
        } else {
                c->ipc_ret = -ECONNABORTED;
        }
        sched_ready(c);
}

// Makes r the replier of caller c. A thread answers only the last call it
// received: an earlier call it left unanswered ends with -ECONNABORTED.
static void link_call(struct thread *r, struct thread *c)
{
        if (r->caller)
                call_abandoned(r->caller);
        r->caller = c;
        c->replier = r;
        c->state = T_REPLY;
}

// Copies the message just received (current->msg) to the user's buffer. If
// that fails the message stays: the thread's next receive returns it.
static long recv_out(uint64_t umsg)
{
        long r = msg_out(umsg, &current->msg);
        current->msg_pending = r != 0;
        return r;
}

long ipc_send(struct endpoint *ep, uint64_t badge, uint64_t umsg, bool call)
{
        struct thread *self = current;
        if (self->msg_pending)
                return -EBUSY; // msg holds a received message not yet stored
        long r = msg_in(&self->msg, umsg);
        if (r)
                return r;
        if (self->msg.tag < MK_TAG_USER)
                return -EINVAL; // the kernel's tags are the kernel's alone
        if (ep->recv_handles == 0)
                return -EPIPE;
        self->is_call = call;
        struct thread *rcv = q_pop(&ep->receivers, &ep->receivers_tail);
        if (rcv) {
                deliver(rcv, &self->msg, badge, false);
                if (call) {
                        link_call(rcv, self);
                        sched_switch_to(rcv);
                } else {
                        sched_ready(rcv);
                        return 0;
                }
        } else {
                self->state = T_SEND;
                self->ep = ep;
                self->send_badge = badge;
                q_push(&ep->senders, &ep->senders_tail, self);
                sched_block();
        }
        // Woken: by a receiver (send done) or, for a call, by the reply.
        if (self->ipc_ret < 0 || !call)
                return self->ipc_ret;
        r = msg_out(umsg, &self->msg);
        return r ? r : self->ipc_ret;
}

// A fault call of t whose external pager did not answer by its deadline
// (xpager.c): t leaves the pager's queue, or the pager's call is forgotten,
// and t wakes with -ETIMEDOUT.
void ipc_fault_timeout(struct thread *t)
{
        if (t->ep) {
                q_remove(&t->ep->senders, &t->ep->senders_tail, t);
                t->ep = NULL;
        }
        if (t->replier) {
                t->replier->caller = NULL;
                t->replier = NULL;
        }
        if (t->reply_obj) { // kept by the pager: its answer will find nobody
                t->reply_obj->caller = NULL;
                t->reply_obj = NULL;
        }
        t->fault_deadline = 0;
        t->ipc_ret = -ETIMEDOUT;
        sched_ready(t);
}

long ipc_fault_call(struct endpoint *ep, uint64_t badge, const struct fault_info *f)
{
        struct thread *self = current;
        if (!ep || ep->recv_handles == 0)
                return -EPIPE;
        self->is_call = true;
        self->in_fault = true;
        self->stale_lo = self->stale_hi = 0; // (none yet: answers built from now on)
        if (self->fault_deadline)
                xpager_wait_add(self);
        struct thread *rcv = q_pop(&ep->receivers, &ep->receivers_tail);
        if (rcv) {
                // The pager is waiting: build the message straight into it.
                fault_msg_build((struct kmsg_hdr *)&rcv->msg, f);
                rcv->msg.badge = badge;
                rcv->ipc_ret = 0;
                link_call(rcv, self);
                sched_switch_to(rcv);
        } else {
                fault_msg_build(&self->fmsg, f);
                self->state = T_SEND;
                self->ep = ep;
                self->send_badge = badge;
                q_push(&ep->senders, &ep->senders_tail, self);
                sched_block();
        }
        self->in_fault = false;
        if (self->fault_deadline) {
                xpager_wait_remove(self);
                self->fault_deadline = 0;
        }
        return self->ipc_ret;
}

// Blocks current as a receiver on ep, running `handoff` (a thread just
// replied to) right away if given, and delivers what arrives.
static long recv_wait(struct endpoint *ep, uint64_t umsg, struct thread *handoff)
{
        struct thread *self = current;
        self->state = T_RECV;
        self->ep = ep;
        q_push(&ep->receivers, &ep->receivers_tail, self);
        if (handoff)
                sched_switch_to(handoff);
        else
                sched_block();
        if (self->ipc_ret == -EAGAIN)
                return ipc_recv(ep, umsg); // an event was posted: take it
        if (self->ipc_ret < 0)
                return self->ipc_ret;
        return recv_out(umsg);
}

void ipc_event_release_slow(struct thread *t)
{
        struct kevent *ev = t->event_held;
        t->event_held = NULL;
        kevent_done(ev);
}

long ipc_recv(struct endpoint *ep, uint64_t umsg)
{
        struct thread *self = current;
        if (self->msg_pending)
                return recv_out(umsg);
        ipc_event_release(self);
        if (ep->events) {
                struct kevent *ev = ep->events;
                ep->events = ev->next;
                if (!ep->events)
                        ep->events_tail = NULL;
                memset(&self->msg, 0, KMSG_HDR);
                self->msg.tag = ev->tag;
                self->msg.badge = ev->badge;
                self->msg.flags = MK_MSG_KERNEL;
                memcpy(self->msg.w, ev->w, sizeof(ev->w));
                // Done when this thread receives or replies again (its
                // handling of the event is then over): waiters of the
                // process wake only then.
                self->event_held = ev;
                return recv_out(umsg);
        }
        struct thread *snd = q_pop(&ep->senders, &ep->senders_tail);
        if (!snd)
                return recv_wait(ep, umsg, NULL);
        // A faulting sender's message is its fault message, not its msg.
        deliver(self, snd->in_fault ? (const struct kmsg *)&snd->fmsg : &snd->msg, snd->send_badge,
                snd->in_fault);
        snd->ep = NULL;
        if (snd->is_call) {
                link_call(self, snd);
        } else {
                snd->ipc_ret = 0;
                sched_ready(snd);
        }
        return recv_out(umsg);
}

// The answer in user memory at umsg, from self to caller c: a fault answer
// installed (fault_reply), a call's reply copied to c. 0, or the error (c
// still waits then).
static inline __attribute__((always_inline)) long answer_in(struct thread *self, struct thread *c,
                                                            uint64_t umsg)
{
        long r = msg_in(&self->msg, umsg);
        if (!r && c->in_fault)
                return fault_reply(self, c, &self->msg);
        if (r)
                return r;
        if (!c->in_fault) {
                memcpy(&c->msg, &self->msg, msg_bytes(&self->msg));
                c->msg.badge = 0;
                c->msg.flags = 0;
                c->ipc_ret = 0;
        }
        return 0;
}

// Delivers the reply in user memory at umsg to the thread whose call current
// received; returns that thread (not yet runnable), or NULL with *err.
static struct thread *reply_deliver(uint64_t umsg, long *err)
{
        struct thread *self = current, *c = self->caller;
        if (!c) {
                *err = -ESRCH;
                return NULL;
        }
        if (self->msg_pending) {
                *err = -EBUSY; // receive the pending message first
                return NULL;
        }
        long r = answer_in(self, c, umsg); // a bad fault answer leaves c blocked
        if (r) {
                *err = r;
                return NULL;
        }
        self->caller = NULL;
        c->replier = NULL;
        return c;
}

long ipc_reply(uint64_t umsg)
{
        ipc_event_release(current);
        long err;
        struct thread *c = reply_deliver(umsg, &err);
        if (!c)
                return err;
        sched_ready(c);
        return 0;
}

long ipc_reply_recv(struct endpoint *ep, uint64_t ureply, uint64_t urecv)
{
        ipc_event_release(current);
        long err = 0;
        struct thread *c = current->caller ? reply_deliver(ureply, &err) : NULL;
        if (err)
                return err;
        // Nothing waiting for us: run the thread we answered straight away.
        if (c && !ep->events && !ep->senders)
                return recv_wait(ep, urecv, c);
        if (c)
                sched_ready(c);
        return ipc_recv(ep, urecv);
}

long ipc_reply_save(void)
{
        struct thread *self = current, *c = self->caller;
        if (!c)
                return -ESRCH;
        struct reply_obj *r = kalloc(sizeof(*r));
        if (!r)
                return -ENOMEM;
        long h = handle_install(self->proc, OBJ_REPLY, 0, 0, r);
        if (h < 0) {
                kfree(r, sizeof(*r)); // the call stays with the thread
                return h;
        }
        r->caller = c;
        c->replier = NULL;
        c->reply_obj = r;
        self->caller = NULL;
        return h;
}

long ipc_reply_to(long h, uint64_t umsg)
{
        struct thread *self = current;
        struct handle *hd = handle_get(self->proc, h, OBJ_REPLY, 0);
        if (!hd)
                return -EBADF;
        struct reply_obj *r = hd->obj;
        struct thread *c = r->caller;
        if (!c) { // the caller ended, or its fault timed out: the handle is spent
                handle_close(self->proc, (int)h);
                return -ESRCH;
        }
        if (self->msg_pending)
                return -EBUSY;             // receive the pending message first
        long e = answer_in(self, c, umsg); // a bad fault answer: the handle stays
        if (e)
                return e;
        c->reply_obj = NULL;
        r->caller = NULL;
        handle_close(self->proc, (int)h);
        sched_ready(c);
        return 0;
}

void ipc_reply_drop(struct reply_obj *r)
{
        struct thread *c = r->caller;
        if (c) { // closed unanswered (or its process ended): the call is abandoned
                c->reply_obj = NULL;
                call_abandoned(c);
        }
        kfree(r, sizeof(*r));
}

void ep_post_event(struct endpoint *ep, struct kevent *ev)
{
        if (ep->recv_handles == 0) {
                kevent_done(ev); // nobody can ever receive it
                return;
        }
        ev->next = NULL;
        if (ep->events_tail)
                ep->events_tail->next = ev;
        else
                ep->events = ev;
        ep->events_tail = ev;
        struct thread *rcv = q_pop(&ep->receivers, &ep->receivers_tail);
        if (rcv) {
                // Deliver through the normal receive path: the receiver retries.
                rcv->ipc_ret = -EAGAIN;
                sched_ready(rcv);
        }
}

void ep_abort_waiters(struct endpoint *ep)
{
        struct thread *t;
        while ((t = q_pop(&ep->senders, &ep->senders_tail))) {
                t->ep = NULL;
                t->ipc_ret = -EPIPE;
                sched_ready(t);
        }
}

void ipc_cancel(struct thread *t)
{
        ipc_event_release(t);
        if (t->fault_deadline) {
                xpager_wait_remove(t);
                t->fault_deadline = 0;
        }
        if (t->ep) {
                q_remove(&t->ep->senders, &t->ep->senders_tail, t) ||
                    q_remove(&t->ep->receivers, &t->ep->receivers_tail, t);
                t->ep = NULL;
        }
        // A thread whose call t received will never get t's reply.
        if (t->caller) {
                t->caller->replier = NULL;
                t->caller->ipc_ret = -EPIPE;
                sched_ready(t->caller);
                t->caller = NULL;
        }
        // t's own pending call: its replier must not reply to it.
        if (t->replier) {
                t->replier->caller = NULL;
                t->replier = NULL;
        }
        if (t->reply_obj) {
                t->reply_obj->caller = NULL;
                t->reply_obj = NULL;
        }
        sched_unqueue(t);
}
