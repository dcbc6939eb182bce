// SPDX-License-Identifier: MIT
// The one receive loop of every pager: the pager library's (mkp_run,
// mk/pagerlib.h) and the system pager's (servers/pager/main.c). It receives,
// tells the kernel's messages (MK_MSG_KERNEL: faults, exit events) from
// requests, decodes a fault with the one decoder (mkp_fault_from_msg), calls
// the owner's fault, event or request callback, encodes the answer
// (mkp_answer_encode), replies (or not: events, requests answered later),
// and prints the record the callbacks made of the message ("mkp-rec" lines,
// the one recording format: mk/pagerlib.h has the grammar) when recording.
// The owner keeps only its policy. Implementation: libsys/pagerlib/loop.c
// (the target loop) and serve.c (one message, portable: host tests and
// replays drive it with mkp_server_step).
#pragma once
#include <mk/pagerlib.h>

// One recorded event: a "mkp-rec" line (the grammar is at the top of
// mk/pagerlib.h). The owner's callbacks fill the server's record for the
// message in hand; the loop prints it.
enum mkp_rec_type { MKP_REC_INIT = 1, MKP_REC_ATTACH, MKP_REC_DETACH, MKP_REC_FAULT };
#define MKP_ACT_UPGRADE 4 // ACTION "upgrade": mkp_action values plus this one
_Static_assert(MKP_DEFER == MKP_ACT_UPGRADE + 1, "ACTION words: map fail retry upgrade defer");
#define MKP_NO_REGION UINT32_MAX // REGION "-"
struct mkp_rec {
        int type; // 0: nothing to record
        char name[MKP_NAME_MAX];
        uint32_t region; // MKP_NO_REGION: "-" (OFFSET is then the address)
        uint64_t offset; // fault: page offset; attach: LEN; init: NFRAMES
        unsigned access, kind;
        int action;   // MKP_MAP, MKP_FAIL, MKP_RETRY, MKP_ACT_UPGRADE
        uint64_t arg; // grants, reason, or 0
        // The grants as sent (map, upgrade): page offset in the region and
        // rights. ngrants 0 with arg > 0: a line without them (older format).
        unsigned ngrants;
        struct mkp_rec_grant {
                uint64_t offset;
                uint32_t perms;
        } grants[MK_MAX_GRANTS];
        // The system pager's faults also say who faulted and how (the
        // attributes tid=, pid=, flags= after the grants).
        bool ids;
        uint32_t tid, pid, flags;
};
#define MKP_REC_LINE_MAX 512 // a formatted line fits
// Formats r as one line with its newline; returns buf.
char *mkp_rec_format(const struct mkp_rec *r, char *buf, size_t len);
// ACTION words: "map", "fail", "retry", "upgrade"; parse gives -1 for others.
const char *mkp_action_name(int action);
int mkp_action_parse(const char *s);
// Parses a line (text before "mkp-rec" and a trailing CR allowed); 0, or -1
// if it is not a well-formed mkp-rec line (host only: libsys/pagerlib/parse.c).
int mkp_rec_parse(const char *line, struct mkp_rec *r);
// Prints r on the console (one line).
void mkp_rec_print(const struct mkp_rec *r);
// Prints the line "mkp-rec NAME " + the formatted rest (the system pager's
// other line types: mk/pagerlib.h has the grammar). Keep it under 256 bytes.
void mkp_rec_printf(const char *name, const char *fmt, ...);
// The name of this instance in recordings: NAME@PID (NAME cut to fit).
void mkp_rec_instance(char out[MKP_NAME_MAX], const char *name, long pid);

struct mkp_server;
struct mkp_server_ops {
        // A fault the kernel sent, decoded (f->region NULL, f->offset 0):
        // fill a (given zeroed). Answered now, unless a is MKP_DEFER (the
        // callback kept the call with mk_reply_save to answer it later).
        void (*fault)(struct mkp_server *s, const struct mk_msg *in, struct mkp_fault *f,
                      struct mkp_answer *a);
        // Another message the kernel sent (MK_TAG_EXIT): never answered. NULL: ignored.
        void (*event)(struct mkp_server *s, const struct mk_msg *in);
        // Anything else (a process's message, whatever its tag): true when a
        // reply is due now (in out); false for none (a send, an unknown
        // sender, an answer given later).
        bool (*request)(struct mkp_server *s, const struct mk_msg *in, struct mk_msg *out);
        // After each message (may be NULL).
        void (*after)(struct mkp_server *s);
        // The reply went through (may be NULL).
        void (*sent)(struct mkp_server *s);
        // The kernel refused the reply with err (the caller still waits):
        // true and the replacement in out to send it instead, false to send
        // nothing.
        bool (*refused)(struct mkp_server *s, long err, struct mk_msg *out);
};

struct mkp_server {
        long ep; // the endpoint served (receive right)
        const struct mkp_server_ops *ops;
        void *owner;             // the owner's state (its callbacks')
        bool stop;               // set by a callback: mkp_server_run returns
        bool record;             // print the record of each message
        char name[MKP_NAME_MAX]; // the instance's name in records (empty: the owner's)
        struct mkp_rec rec;      // the message in hand's record (type 0: none; kept only
                                 // while record is set, and reset after each message)
};

// One message in: dispatches it to the callbacks (mkp_server_step: s->ops's);
// true when a reply is due (in out). Portable: host tests drive the loop
// with it. Inline, with the callbacks as arguments, so that an owner whose
// callbacks are known when it is compiled (the system pager) calls them
// directly and gets them inlined: this is every fault's path.
static inline __attribute__((always_inline)) bool
mkp_server_step_with(struct mkp_server *s, const struct mk_msg *in, struct mk_msg *out,
                     void (*fault)(struct mkp_server *, const struct mk_msg *, struct mkp_fault *,
                                   struct mkp_answer *),
                     void (*event)(struct mkp_server *, const struct mk_msg *),
                     bool (*request)(struct mkp_server *, const struct mk_msg *, struct mk_msg *),
                     void (*after)(struct mkp_server *))
{
        bool reply = false;
        if ((in->flags & MK_MSG_KERNEL) && in->tag == MK_TAG_FAULT) {
                struct mkp_fault f;
                struct mkp_answer a;
                mkp_fault_from_msg(in, &f);
                a.action = 0;
                a.reason = 0;
                a.ngrants = 0;
                a.upgraded = false;
                fault(s, in, &f, &a);
                // Kept to answer later (mkp_defer): nothing to send now.
                reply = a.action != MKP_DEFER;
                if (reply)
                        mkp_answer_encode(&a, out);
        } else if ((in->flags & MK_MSG_KERNEL) && in->tag == MK_TAG_EXIT) {
                if (event)
                        event(s, in);
        } else {
                reply = request(s, in, out);
        }
        if (after)
                after(s);
        if (__builtin_expect(s->record, 0)) {
                if (s->rec.type) {
                        if (s->name[0])
                                memcpy(s->rec.name, s->name, sizeof(s->rec.name));
                        mkp_rec_print(&s->rec);
                }
                s->rec.type = 0;
        }
        return reply;
}

// The loop: receives into in and replies from out (the owner's buffers),
// hands each message to step (mkp_server_step, or an owner's own function
// around mkp_server_step_with), until s->stop (0), or until a receive fails
// with no reply in flight (returns -EPIPE when no sender is left, else the
// error). ops gives the sent and refused callbacks (s->ops, or an owner's
// constant table, so that a callback it lacks costs nothing per message).
static inline __attribute__((always_inline)) int
mkp_server_run_with(struct mkp_server *s, const struct mkp_server_ops *ops,
                    bool (*step)(struct mkp_server *, const struct mk_msg *, struct mk_msg *),
                    struct mk_msg *in, struct mk_msg *out)
{
        bool have_reply = false;
        while (!s->stop) {
                long rr = have_reply ? mk_reply_recv(s->ep, out, in) : mk_recv(s->ep, in);
                if (__builtin_expect(rr < 0, 0)) {
                        if (rr == -EPIPE) {
                                // Not a refused reply: the receive says no
                                // process can send to our endpoint any more
                                // (our clients are gone).
                                if (have_reply && ops->sent)
                                        ops->sent(s);
                                return -EPIPE;
                        }
                        if (!have_reply)
                                return (int)rr;
                        // The kernel refused our reply: the caller still waits.
                        have_reply = false;
                        if (ops->refused && ops->refused(s, rr, out))
                                mk_reply(out);
                        continue;
                }
                if (have_reply && ops->sent)
                        ops->sent(s);
                have_reply = step(s, in, out);
        }
        // Stopped: the last reply still goes out.
        if (have_reply) {
                long r = mk_reply(out);
                if (r == 0 && ops->sent)
                        ops->sent(s);
                else if (r < 0 && ops->refused && ops->refused(s, r, out))
                        mk_reply(out);
        }
        return 0;
}

bool mkp_server_step(struct mkp_server *s, const struct mk_msg *in, struct mk_msg *out);
int mkp_server_run(struct mkp_server *s);
