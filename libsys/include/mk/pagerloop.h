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
#define MKP_ACT_UPGRADE 4          // ACTION "upgrade": mkp_action values plus this one
#define MKP_NO_REGION   UINT32_MAX // REGION "-"
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
};
#define MKP_REC_LINE_MAX 512 // a formatted line fits
// Formats r as one line with its newline; returns buf.
char *mkp_rec_format(const struct mkp_rec *r, char *buf, size_t len);
// Prints r on the console (one line).
void mkp_rec_print(const struct mkp_rec *r);

struct mkp_server;
struct mkp_server_ops {
        // A fault the kernel sent, decoded (f->region NULL, f->offset 0):
        // fill a (given zeroed). Always answered.
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
        void *owner;        // the owner's state (its callbacks')
        bool stop;          // set by a callback: mkp_server_run returns
        bool record;        // print the record of each message
        struct mkp_rec rec; // the message in hand's record (type 0: none)
};

// One message in: dispatches it to the callbacks; true when a reply is due
// (in out). Portable: host tests drive the loop with it.
bool mkp_server_step(struct mkp_server *s, const struct mk_msg *in, struct mk_msg *out);
// The loop (target only): receives and steps until s->stop (0), or until a
// receive fails with no reply in flight (-EPIPE: no sender is left, 0; else
// the error).
int mkp_server_run(struct mkp_server *s);
