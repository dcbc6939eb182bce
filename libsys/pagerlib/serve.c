// SPDX-License-Identifier: MIT
// The library pager as the owner of the one receive loop (mk/pagerloop.h,
// server.c): the badge's region, the dirty-tracking upgrade, the handler call,
// fault-loop detection, and the library's requests (attach, detach, stats,
// shutdown). Portable: mkp_run (loop.c) drives it on the target,
// mkp_replay_file (replay.c) on the host, so a replay runs the very code a
// pager runs.
#include "pagerlib_int.h"
#include <stddef.h>

// The region of a decoded fault: the one its badge names, if the address is in it.
static void fault_region(struct mkp_pager *pg, const struct mk_msg *in, struct mkp_fault *f)
{
        // The client's mkp_attach chose badge = region id + 1.
        uint64_t b = in->badge;
        if (b < 1 || b > MKP_MAX_REGIONS)
                return;
        struct mkp_region *r = &pg->regions[b - 1];
        if (r->used && f->page >= r->start && f->page - r->start < r->len) {
                f->region = r;
                f->offset = f->page - r->start;
        }
}

// The library's own answer to a write on a page it mapped read-only although
// the handler allowed writing: the same frame, writable. False if not that case.
static bool upgrade(struct mkp_pager *pg, const struct mkp_fault *f, struct mkp_answer *a)
{
        if (f->access != FAULT_WRITE)
                return false;
        int i = mkp_map_lookup(pg, f->region->id, f->page);
        if (i < 0 || !(mkp_priv(pg)->state[i] & MKP_FS_MAYWRITE) ||
            (mkp_priv(pg)->state[i] & MKP_FS_WRITABLE))
                return false;
        mkp_answer_map(a, f->page, &mkp_priv(pg)->frames[i], MK_PERM_R | MK_PERM_W);
        a->upgraded = true;
        pg->upgrades++;
        return true;
}

const char *mkp_grant_problem(const struct mkp_pager *pg, const struct mkp_region *r,
                              const struct mk_grant *g)
{
        if (g->va & MKP_PAGE_MASK)
                return "the address is not page-aligned";
        if (!r || g->va < r->start || g->va - r->start >= r->len)
                return "the address is outside the faulting region";
        if (!(g->perms & MK_PERM_R))
                return "no MK_PERM_R (every mapping must be readable)";
        if (g->perms & ~(uint64_t)(MK_PERM_R | MK_PERM_W | MK_PERM_X))
                return "unknown permission bits";
        if ((g->perms & MK_PERM_W) && (g->perms & MK_PERM_X))
                return "writable and executable together";
        if (mkp_pool_index(pg, g->pa) < 0)
                return "the frame is not one of the pager's (mkp_frame_alloc gives them)";
        return NULL;
}

// Debug mode (pg->debug): frames mapped where they probably should not be.
static void debug_grant(struct mkp_pager *pg, const struct mkp_fault *f, const struct mkp_answer *a,
                        unsigned k)
{
        const struct mk_grant *g = &a->grants[k];
        int i = mkp_pool_index(pg, g->pa);
        if (i < 0)
                return;
        const char *why = NULL;
        if (!(mkp_priv(pg)->state[i] & MKP_FS_USED))
                why = "a frame that was freed back to the pool";
        else if ((mkp_priv(pg)->state[i] & MKP_FS_MAPPED) &&
                 (mkp_priv(pg)->mapped_region[i] != f->region->id ||
                  mkp_priv(pg)->mapped_va[i] != g->va))
                why = "a frame already mapped at another page";
        for (unsigned j = 0; !why && j < k; j++)
                if (a->grants[j].pa == g->pa)
                        why = "a frame granted twice in one answer";
        if (!why)
                return;
        pg->debug_warnings++;
        mk_printf("pagerlib: %s: debug: grant %u (va 0x%llx, pa 0x%llx) maps %s\n", pg->name, k,
                  (unsigned long long)g->va, (unsigned long long)g->pa, why);
}

// A grant the kernel would refuse fails the fault with "bad pager reply" and
// a message naming the grant and the rule.
static void grants_check(struct mkp_pager *pg, const struct mkp_fault *f, struct mkp_answer *a)
{
        for (unsigned k = 0; a->action == MKP_MAP && k < a->ngrants; k++) {
                const struct mk_grant *g = &a->grants[k];
                const char *why = mkp_grant_problem(pg, f->region, g);
                if (why) {
                        mk_printf(
                            "pagerlib: %s: grant %u of %u for the fault at 0x%llx (va 0x%llx, "
                            "pa 0x%llx, perms %s) refused: %s\n",
                            pg->name, k, a->ngrants, (unsigned long long)f->addr,
                            (unsigned long long)g->va, (unsigned long long)g->pa,
                            mkp_perms_name(g->perms), why);
                        mkp_answer_fail(a, MK_REASON_BAD_REPLY);
                        pg->bad_grants++;
                        break;
                }
                if (pg->debug)
                        debug_grant(pg, f, a, k);
        }
}

// The handler's answer made safe to send: an empty one fails, and a MAP
// that makes no progress too often in a row is a fault loop (mkp_loop_answer).
static void answer_check(struct mkp_pager *pg, const struct mkp_fault *f, struct mkp_answer *a)
{
        if (!a->action || (a->action == MKP_MAP && !a->ngrants)) {
                mk_printf("pagerlib: %s: the handler gave no answer for 0x%llx: failing it\n",
                          pg->name, (unsigned long long)f->addr);
                mkp_answer_fail(a, MK_REASON_NOMAP);
        }
        if (a->action != MKP_MAP) {
                mkp_loop_reset(&mkp_priv(pg)->loop);
                return;
        }
        mkp_loop_fault(&mkp_priv(pg)->loop, mkp_loop_key(f->page, f->access, f->tid));
        if (mkp_loop_answer(&mkp_priv(pg)->loop, mkp_answer_perms(a, f->page))) {
                mk_printf("pagerlib: %s: fault loop at 0x%llx (%s): failing it\n", pg->name,
                          (unsigned long long)f->addr, fault_access_name(f->access));
                mkp_answer_fail(a, MK_REASON_LOOP);
        }
}

// Dirty tracking (pg->track_dirty): every grant of a pool frame goes in
// read-only unless it is the page a write faulted on; pending remembers what
// the handler allowed.
static void pending_set(struct mkp_pager *pg, const struct mkp_fault *f, struct mkp_answer *a,
                        bool by_handler)
{
        struct mkp_pending *p = &mkp_priv(pg)->pending;
        p->action = a->action;
        p->by_handler = by_handler;
        p->ngrants = a->action == MKP_MAP ? a->ngrants : 0;
        p->region = f->region ? f->region->id : MKP_NO_REGION;
        for (unsigned k = 0; k < p->ngrants; k++) {
                struct mk_grant *g = &a->grants[k];
                bool written = g->va == f->page && f->access == FAULT_WRITE;
                p->maywrite[k] = 0;
                if (pg->track_dirty && (g->perms & MK_PERM_W) && !written &&
                    mkp_pool_index(pg, g->pa) >= 0) {
                        g->perms &= ~(uint64_t)MK_PERM_W;
                        p->maywrite[k] = 1;
                }
                p->grants[k] = *g;
        }
}

void mkp_fault_decode(struct mkp_pager *pg, const struct mk_msg *in, struct mkp_fault *f)
{
        mkp_fault_from_msg(in, f);
        fault_region(pg, in, f);
}

// The library's fault callback: the loop decoded the fault (fp) and encodes
// the answer (ap).
static void lib_fault(struct mkp_server *s, const struct mk_msg *in, struct mkp_fault *fp,
                      struct mkp_answer *ap)
{
        struct mkp_pager *pg = s->owner;
        struct mkp_rec *rec = &s->rec;
        struct mkp_fault f = *fp;
        struct mkp_answer a;
        int act;
        bool by_handler = false;
        memset(&a, 0, sizeof(a));
        fault_region(pg, in, &f);
        pg->faults++;
        // Only the kernel's fault messages, and only from the client the
        // region's badge names, are served (a process created with a copy of
        // the client's handle carries its badge, not its pid).
        if (f.region && (!(in->flags & MK_MSG_KERNEL) || f.pid != f.region->pid)) {
                mk_printf("pagerlib: %s: fault of pid %u under the badge of pid %u: failing it\n",
                          pg->name, f.pid, f.region->pid);
                f.region = NULL;
        }
        if (!f.region) {
                mkp_answer_fail(&a, MK_REASON_NOMAP);
                act = MKP_FAIL;
        } else if (mkp_priv(pg)->prefault && mkp_priv(pg)->prefault(pg, &f, &a)) {
                answer_check(pg, &f, &a);
                grants_check(pg, &f, &a);
                act = a.action;
        } else if (upgrade(pg, &f, &a)) {
                act = MKP_ACT_UPGRADE;
        } else {
                mkp_priv(pg)->handler(pg, &f, &a);
                by_handler = true;
                if (a.action == MKP_DEFER) {
                        // Kept (mkp_defer): answered later by mkp_complete.
                        *rec = (struct mkp_rec){.type = MKP_REC_FAULT,
                                                .region = f.region->id,
                                                .offset = f.offset,
                                                .access = f.access,
                                                .kind = f.kind,
                                                .action = MKP_DEFER,
                                                .arg = (uint64_t)mkp_priv(pg)->kept_last};
                        memcpy(rec->name, pg->name, sizeof(rec->name));
                        mkp_priv(pg)->pending.action = 0;
                        *ap = a;
                        return;
                }
                answer_check(pg, &f, &a);
                if (mkp_priv(pg)->postfault && a.action == MKP_MAP) {
                        mkp_priv(pg)->postfault(pg, &f, &a);
                        if (!a.ngrants)
                                mkp_answer_fail(&a, MK_REASON_ACCESS);
                }
                grants_check(pg, &f, &a);
                act = a.action;
        }
        if (a.action == MKP_MAP)
                pg->maps++;
        else if (a.action == MKP_FAIL)
                pg->fails++;
        pending_set(pg, &f, &a, by_handler);
        if (pg->observe)
                pg->observe(pg, &f, &a);
        *rec = (struct mkp_rec){.type = MKP_REC_FAULT,
                                .region = f.region ? f.region->id : MKP_NO_REGION,
                                .offset = f.region ? f.offset : f.page,
                                .access = f.access,
                                .kind = f.kind,
                                .action = act,
                                .arg = a.action == MKP_MAP    ? a.ngrants
                                       : a.action == MKP_FAIL ? a.reason
                                                              : 0};
        // The full answer as sent (the grants after dirty tracking's changes).
        for (unsigned k = 0; f.region && a.action == MKP_MAP && k < a.ngrants; k++)
                rec->grants[rec->ngrants++] = (struct mkp_rec_grant){
                    a.grants[k].va - f.region->start, (uint32_t)a.grants[k].perms};
        memcpy(rec->name, pg->name, sizeof(rec->name));
        *ap = a;
}

int mkp_defer(struct mkp_pager *pg, const struct mkp_fault *f, struct mkp_answer *a)
{
        struct mkp_private *pv = mkp_priv(pg);
        int k = 0;
        while (k < MKP_MAX_KEPT && pv->kept[k].used)
                k++;
        if (k == MKP_MAX_KEPT || !f->region)
                return -ENOSPC;
        long h = mkp_sys_reply_save();
        if (h < 0)
                return (int)h;
        pv->kept[k] = (struct mkp_kept){.used = true, .reply = h, .fault = *f};
        pv->kept_last = k;
        a->action = MKP_DEFER;
        a->reason = 0;
        a->ngrants = 0;
        return k;
}

const struct mkp_fault *mkp_kept_fault(const struct mkp_pager *pg, int token)
{
        if (token < 0 || token >= MKP_MAX_KEPT || !mkp_priv(pg)->kept[token].used)
                return NULL;
        return &mkp_priv(pg)->kept[token].fault;
}

long mkp_request_keep(struct mkp_pager *pg)
{
        return mkp_sys_reply_save();
}

static void refused_print(const struct mkp_pager *pg, long err);

int mkp_complete(struct mkp_pager *pg, int token, struct mkp_answer *a)
{
        struct mkp_private *pv = mkp_priv(pg);
        if (token < 0 || token >= MKP_MAX_KEPT || !pv->kept[token].used)
                return -EINVAL;
        struct mkp_kept k = pv->kept[token];
        struct mkp_fault f = k.fault;
        pv->kept[token].used = false;
        if (a->action == MKP_DEFER) // not an answer
                a->action = 0;
        answer_check(pg, &f, a);
        if (pv->postfault && a->action == MKP_MAP) {
                pv->postfault(pg, &f, a);
                if (!a->ngrants)
                        mkp_answer_fail(a, MK_REASON_ACCESS);
        }
        grants_check(pg, &f, a);
        if (a->action == MKP_MAP)
                pg->maps++;
        else if (a->action == MKP_FAIL)
                pg->fails++;
        pending_set(pg, &f, a, true);
        if (pg->observe)
                pg->observe(pg, &f, a);
        if (pv->record) {
                char g[MK_MAX_GRANTS * 24] = "";
                size_t n = 0;
                for (unsigned i = 0; a->action == MKP_MAP && i < a->ngrants && n < sizeof(g); i++)
                        n += (size_t)mk_snprintf(
                            g + n, sizeof(g) - n, " 0x%llx:%s",
                            (unsigned long long)(a->grants[i].va - f.region->start),
                            mkp_perms_name(a->grants[i].perms));
                mkp_rec_printf(pv->rec_name[0] ? pv->rec_name : pg->name,
                               "complete %d %u 0x%llx %s %llu%s\n", token, f.region->id,
                               (unsigned long long)f.offset, mkp_action_name(a->action),
                               (unsigned long long)(a->action == MKP_MAP    ? a->ngrants
                                                    : a->action == MKP_FAIL ? a->reason
                                                                            : 0),
                               g);
        }
        struct mk_msg out;
        mkp_answer_encode(a, &out);
        long r = mkp_sys_reply_to(k.reply, &out);
        if (r == 0) {
                mkp_commit(pg);
                return 0;
        }
        if (r == -ESRCH || r == -EBADF) { // the thread no longer waits: the handle is spent
                mkp_discard(pg, &out);
                return -ESRCH;
        }
        // The kernel refused the answer (a grant): the fault fails instead.
        refused_print(pg, r);
        mkp_discard(pg, &out);
        if (mkp_sys_reply_to(k.reply, &out))
                mkp_sys_close(k.reply);
        return (int)r;
}

// The frames of the pending answer that nothing maps go back to the pool.
static void pending_release(struct mkp_pager *pg)
{
        struct mkp_pending *p = &mkp_priv(pg)->pending;
        for (unsigned k = 0; p->action == MKP_MAP && k < p->ngrants; k++) {
                int i = mkp_pool_index(pg, p->grants[k].pa);
                if (i >= 0 && (mkp_priv(pg)->state[i] & MKP_FS_USED) &&
                    !(mkp_priv(pg)->state[i] & MKP_FS_MAPPED))
                        mkp_pool_release(pg, i);
        }
}

void mkp_commit(struct mkp_pager *pg)
{
        struct mkp_pending *p = &mkp_priv(pg)->pending;
        // The region is gone: its client ended and, the pool running dry while
        // its fault was served, it was reaped. Nothing may be recorded as
        // mapped in it (the next attach gets its id).
        if (p->action == MKP_MAP && p->region != MKP_NO_REGION && !pg->regions[p->region].used) {
                pending_release(pg);
                p->action = 0;
                return;
        }
        for (unsigned k = 0; p->action == MKP_MAP && k < p->ngrants; k++) {
                const struct mk_grant *g = &p->grants[k];
                int i = mkp_pool_index(pg, g->pa);
                if (i < 0 || p->region == MKP_NO_REGION)
                        continue;
                mkp_map_set(pg, i, p->region, g->va);
                // The rights the handler gave this page; the library's own
                // answers (upgrades, frames given back after mprotect) keep them.
                if (p->by_handler)
                        mkp_priv(pg)->granted[i] =
                            (uint8_t)((g->perms | (p->maywrite[k] ? MK_PERM_W : 0)) &
                                      (MK_PERM_R | MK_PERM_W | MK_PERM_X));
                mkp_priv(pg)->state[i] &=
                    (uint8_t) ~(MKP_FS_WRITABLE | MKP_FS_MAYWRITE | MKP_FS_HELD);
                if (g->perms & MK_PERM_W) {
                        mkp_priv(pg)->state[i] |= MKP_FS_WRITABLE;
                        mkp_priv(pg)->dirty[i] = 1;
                } else if (p->maywrite[k]) {
                        mkp_priv(pg)->state[i] |= MKP_FS_MAYWRITE;
                }
        }
        p->action = 0;
}

void mkp_discard(struct mkp_pager *pg, struct mk_msg *out)
{
        struct mkp_pending *p = &mkp_priv(pg)->pending;
        pending_release(pg);
        if (p->action == MKP_MAP) {
                pg->maps--;
                pg->fails++;
        }
        p->action = 0;
        struct mkp_answer a = {0};
        mkp_answer_fail(&a, MK_REASON_BAD_REPLY);
        mkp_answer_encode(&a, out);
}

static long serve_request(struct mkp_pager *pg, const struct mk_msg *in, struct mk_msg *out,
                          struct mkp_rec *rec)
{
        long r, h;
        switch (in->tag) {
        case MKP_REQ_ATTACH:
                r = mkp_region_add(pg, in->w[0], in->w[1], (long)in->w[2]);
                if (r < 0)
                        return r;
                // The client routes the region's faults to us through a handle
                // whose badge we mint (region id + 1): it cannot name another's.
                h = mkp_sys_mint(pg, (long)in->w[2], (uint64_t)r + 1);
                if (h < 0) {
                        mkp_region_drop(pg, &pg->regions[r]);
                        return h;
                }
                out->w[1] = (uint64_t)h;
                *rec = (struct mkp_rec){
                    .type = MKP_REC_ATTACH, .region = (uint32_t)r, .offset = in->w[1]};
                return r;
        case MKP_REQ_DETACH:
                if (in->w[0] >= MKP_MAX_REGIONS || !pg->regions[in->w[0]].used)
                        return -EINVAL;
                // Only the region's client, through the handle we minted for
                // it, may end it: no other client can detach it.
                if (in->badge != in->w[0] + 1)
                        return -EPERM;
                out->w[1] = pg->regions[in->w[0]].len;
                mkp_region_drop(pg, &pg->regions[in->w[0]]);
                *rec = (struct mkp_rec){.type = MKP_REC_DETACH, .region = (uint32_t)in->w[0]};
                return 0;
        case MKP_REQ_SHUTDOWN:
                mkp_priv(pg)->stop = true;
                return 0;
        case MKP_REQ_STATS:
                out->w[1] = pg->maps;
                out->w[2] = pg->fails;
                out->w[3] = pg->evictions;
                out->w[4] = pg->upgrades;
                out->w[5] = mkp_priv(pg)->nfree;
                return (long)pg->faults;
        default:
                r = mkp_priv(pg)->layer_request ? mkp_priv(pg)->layer_request(pg, in, out)
                                                : -ENOSYS;
                if (r == -ENOSYS && in->tag >= MKP_REQ_USER && pg->request)
                        r = pg->request(pg, in, out);
                return r;
        }
}

// The library's requests callback: a process's message.
static bool lib_request(struct mkp_server *s, const struct mk_msg *in, struct mk_msg *out)
{
        struct mkp_pager *pg = s->owner;
        if (in->tag == MK_TAG_EXIT)
                return false; // an event, not a call: nothing to answer
        memset(out, 0, offsetof(struct mk_msg, buf));
        if (in->tag == MK_TAG_FAULT) {
                // Not from the kernel: a process's call with a kernel tag.
                out->w[0] = (uint64_t)-EINVAL;
                return true;
        }
        mkp_priv(pg)->pending.action = 0;
        long r = serve_request(pg, in, out, &s->rec);
        memcpy(s->rec.name, pg->name, sizeof(s->rec.name));
        if (r == MKP_NO_REPLY)
                return false; // kept (mkp_request_keep): answered later
        out->w[0] = (uint64_t)r;
        return true;
}

static void lib_after(struct mkp_server *s)
{
        s->stop = mkp_priv((struct mkp_pager *)s->owner)->stop;
}

static void lib_sent(struct mkp_server *s)
{
        mkp_commit(s->owner);
}

// What the kernel's refusal of the answer in flight means, with its grants.
static void refused_print(const struct mkp_pager *pg, long err)
{
        const struct mkp_pending *p = &mkp_priv(pg)->pending;
        const char *why = err == -EACCES   ? "writable and executable together, which the client "
                                             "does not allow"
                          : err == -EPERM  ? "a frame this pager does not hold, or a page outside "
                                             "the region"
                          : err == -ENOMEM ? "the client's page tables are at its limit"
                          : err == -ESRCH  ? "the client has ended"
                                           : "a malformed reply";
        mk_printf("pagerlib: %s: the kernel refused the reply (%s: %s): failing the fault\n",
                  pg->name, err_name(err), why);
        for (unsigned k = 0; p->action == MKP_MAP && k < p->ngrants; k++)
                mk_printf("pagerlib: %s:   grant %u: va 0x%llx pa 0x%llx perms %s\n", pg->name, k,
                          (unsigned long long)p->grants[k].va, (unsigned long long)p->grants[k].pa,
                          mkp_perms_name(p->grants[k].perms));
}

static bool lib_refused(struct mkp_server *s, long err, struct mk_msg *out)
{
        refused_print(s->owner, err);
        mkp_discard(s->owner, out);
        return true;
}

static const struct mkp_server_ops lib_ops = {
    .fault = lib_fault,
    .request = lib_request,
    .after = lib_after,
    .sent = lib_sent,
    .refused = lib_refused,
};

void mkp_lib_server(struct mkp_pager *pg, struct mkp_server *s)
{
        s->ep = mkp_priv(pg)->ep;
        s->ops = &lib_ops;
        s->owner = pg;
        s->stop = mkp_priv(pg)->stop;
        s->record = mkp_priv(pg)->record;
        s->name[0] = '\0';
        s->rec.type = 0;
}

bool mkp_serve(struct mkp_pager *pg, const struct mk_msg *in, struct mk_msg *out,
               struct mkp_rec *rec)
{
        struct mkp_server s;
        mkp_lib_server(pg, &s);
        s.record = false;
        bool reply = mkp_server_step(&s, in, out);
        *rec = s.rec;
        return reply;
}
