// SPDX-License-Identifier: MIT
// The pager's loop on the target: set-up (frames, the `record` word of the
// kernel command line), then receive, serve (serve.c), reply, and report a
// reply the kernel refused by failing the fault instead.
#include "pagerlib_int.h"
#include "posix_hook.h"

#define CMDLINE_MAX 256

// Whether the kernel command line has the word w.
static bool cmdline_has(const char *w)
{
        static char cmdline[CMDLINE_MAX];
        size_t n = strlen(w);
        if (mk_info(MK_INFO_CMDLINE, cmdline) < 0)
                return false;
        cmdline[CMDLINE_MAX - 1] = '\0';
        for (const char *p = cmdline; (p = strstr(p, w)); p += n)
                if ((p == cmdline || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
                        return true;
        return false;
}

int mkp_init(struct mkp_pager *pg, long ep, uint32_t nframes, mkp_handler_fn handler, void *user)
{
        memset(pg, 0, sizeof(*pg));
        mkp_priv(pg)->ep = ep;
        mkp_priv(pg)->handler = handler;
        pg->user = user;
        memcpy(pg->name, "pager", sizeof("pager"));
        mkp_priv(pg)->budget = nframes;
        mkp_priv(pg)->record = cmdline_has("record");
        pg->debug = cmdline_has("pagerdebug");
        mkp_posix_enable(pg); // POSIX mmaps of clients using posix_hook.h
        if (nframes > MKP_MAX_FRAMES)
                return -EINVAL;
        while (mkp_priv(pg)->nframes < nframes) {
                uint32_t want = nframes - mkp_priv(pg)->nframes;
                long got = mkp_sys_frames(pg, want < MKP_FRAMES_STEP ? want : MKP_FRAMES_STEP);
                if (got <= 0)
                        return got < 0 ? (int)got : -ENOMEM;
        }
        return 0;
}

void mkp_stop(struct mkp_pager *pg)
{
        mkp_priv(pg)->stop = true;
}

static void rec_print(const struct mkp_rec *r)
{
        char line[MKP_REC_LINE_MAX];
        mk_printf("%s", mkp_rec_format(r, line, sizeof(line)));
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

int mkp_run(struct mkp_pager *pg)
{
        struct mk_msg in, out;
        struct mkp_rec rec = {.type = MKP_REC_INIT, .offset = mkp_priv(pg)->budget};
        bool have_reply = false;
        memcpy(rec.name, pg->name, sizeof(rec.name));
        if (mkp_priv(pg)->record)
                rec_print(&rec);
        while (!mkp_priv(pg)->stop) {
                long rr = have_reply ? mk_reply_recv(mkp_priv(pg)->ep, &out, &in)
                                     : mk_recv(mkp_priv(pg)->ep, &in);
                if (rr == -EPIPE) {
                        // Not a refused reply: the receive says no process can
                        // send to our endpoint any more (our clients are gone).
                        if (have_reply)
                                mkp_commit(pg);
                        mk_printf("pagerlib: %s: no client left, ending\n", pg->name);
                        return 0;
                }
                if (rr < 0 && !have_reply) {
                        mk_printf("pagerlib: %s: receive failed (%s)\n", pg->name, err_name(rr));
                        return (int)rr;
                }
                if (rr < 0) {
                        // The kernel refused our reply: the thread still waits.
                        refused_print(pg, rr);
                        mkp_discard(pg, &out);
                        mk_reply(&out);
                        have_reply = false;
                        continue;
                }
                if (have_reply)
                        mkp_commit(pg);
                have_reply = mkp_serve(pg, &in, &out, &rec);
                if (mkp_priv(pg)->record && rec.type)
                        rec_print(&rec);
                if (have_reply && mkp_priv(pg)->stop) {
                        if (mk_reply(&out) == 0)
                                mkp_commit(pg);
                        else
                                mkp_priv(pg)->pending.action = 0;
                }
        }
        return 0;
}
