// SPDX-License-Identifier: MIT
// The library pager on the target: its set-up (frames, the `record` word of
// the kernel command line) and mkp_run, which runs the one receive loop
// (server.c) with the library as its owner (serve.c).
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

int mkp_run(struct mkp_pager *pg)
{
        struct mkp_server s;
        mkp_lib_server(pg, &s);
        // Every instance apart in a recording: NAME@PID.
        mkp_rec_instance(s.name, pg->name, mk_info(MK_INFO_PID, 0));
        memcpy(mkp_priv(pg)->rec_name, s.name, sizeof(s.name));
        if (mkp_priv(pg)->record) {
                s.rec = (struct mkp_rec){.type = MKP_REC_INIT, .offset = mkp_priv(pg)->budget};
                memcpy(s.rec.name, s.name, sizeof(s.rec.name));
                mkp_rec_print(&s.rec);
        }
        int r = mkp_server_run(&s);
        if (r == -EPIPE) {
                mk_printf("pagerlib: %s: no client left, ending\n", pg->name);
                return 0;
        }
        if (r < 0)
                mk_printf("pagerlib: %s: receive failed (%s)\n", pg->name, err_name(r));
        return r;
}
