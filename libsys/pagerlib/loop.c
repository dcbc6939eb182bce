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

// --- Several threads (mkp_run_threads) ----------------------------------------

void mkp_lock(struct mkp_pager *pg)
{
        struct mkp_private *pv = mkp_priv(pg);
        if (!pv->threaded)
                return;
        while (__atomic_exchange_n(&pv->lock, 1, __ATOMIC_ACQUIRE))
                mk_yield();
}

void mkp_unlock(struct mkp_pager *pg)
{
        struct mkp_private *pv = mkp_priv(pg);
        if (pv->threaded)
                __atomic_store_n(&pv->lock, 0, __ATOMIC_RELEASE);
}

// A stopping thread's call that wakes another (the main thread returns from
// mkp_run_threads when it gets one; a worker passes it on). Not a request
// of the library's protocol: anyone else gets -EINVAL.
#define MKP_WAKE     (MK_TAG_USER + 0x8f)
#define THREAD_STACK 16384
#ifdef __x86_64__
#define ENTRY_SP_BIAS 8 // as if called: the return address slot below 16-byte alignment
#else
#define ENTRY_SP_BIAS 0
#endif
static uint8_t thread_stacks[MKP_MAX_THREADS - 1][THREAD_STACK] __attribute__((aligned(16)));
static struct mkp_pager *threads_pg;

static __attribute__((noreturn)) void park(void)
{
        struct mk_msg m;
        long e = mk_ep_create();
        for (;;)
                if (e < 0 || mk_recv(e, &m) < 0)
                        mk_yield();
}

// One thread's loop: receive (unlocked), then handle and answer under the lock.
static int serve_thread(struct mkp_pager *pg, bool main_thread)
{
        struct mkp_private *pv = mkp_priv(pg);
        struct mkp_server s;
        struct mk_msg in, out;
        mkp_lib_server(pg, &s);
        memcpy(s.name, pv->rec_name, sizeof(s.name));
        for (;;) {
                long r = mk_recv(s.ep, &in);
                if (r < 0 && main_thread)
                        return r == -EPIPE ? 0 : (int)r;
                if (r < 0)
                        park();
                mkp_lock(pg);
                if (in.tag == MKP_WAKE && !(in.flags & MK_MSG_KERNEL)) {
                        bool stop = pv->stop;
                        mkp_unlock(pg);
                        memset(&out, 0, offsetof(struct mk_msg, buf));
                        out.w[0] = stop ? 0 : (uint64_t)-EINVAL;
                        mk_reply(&out);
                        if (stop)
                                break;
                        continue;
                }
                if (mkp_server_step(&s, &in, &out)) {
                        long rr = mk_reply(&out);
                        if (rr == 0 && s.ops->sent)
                                s.ops->sent(&s);
                        else if (rr < 0 && s.ops->refused && s.ops->refused(&s, rr, &out))
                                mk_reply(&out);
                }
                bool stop = pv->stop;
                mkp_unlock(pg);
                if (stop)
                        break;
        }
        if (main_thread)
                return 0;
        // The pager stops: wake a thread (the main one returns, a worker
        // passes it on), then wait for the process to end.
        // (A send handle to our own endpoint only now: while we serve, an
        // endpoint no client can send to any more still ends the pager.)
        struct mk_msg w;
        memset(&w, 0, sizeof(w));
        w.tag = MKP_WAKE;
        long wake = mk_handle_give(pv->ep, MK_SELF, 0, MK_RIGHT_SEND);
        if (wake >= 0)
                mk_call(wake, &w);
        park();
}

static __attribute__((noreturn)) void worker(uint64_t unused)
{
        serve_thread(threads_pg, false);
        park();
}

int mkp_run_threads(struct mkp_pager *pg, unsigned n)
{
        struct mkp_private *pv = mkp_priv(pg);
        if (n == 0 || n > MKP_MAX_THREADS || threads_pg)
                return -EINVAL;
        if (n == 1)
                return mkp_run(pg);
        mkp_rec_instance(pv->rec_name, pg->name, mk_info(MK_INFO_PID, 0));
        long self = mk_handle_give(MK_SELF, MK_SELF, 0, 0);
        if (self < 0)
                return (int)self;
        if (pv->record) {
                struct mkp_rec rec = {.type = MKP_REC_INIT, .offset = pv->budget};
                memcpy(rec.name, pv->rec_name, sizeof(rec.name));
                mkp_rec_print(&rec);
        }
        threads_pg = pg;
        pv->threaded = true;
        for (unsigned i = 0; i + 1 < n; i++) {
                uint64_t sp = (uint64_t)(thread_stacks[i] + THREAD_STACK) - ENTRY_SP_BIAS;
                long t = mk_thread_start(self, (uint64_t)worker, sp, 0);
                if (t < 0)
                        mk_printf("pagerlib: %s: thread %u of %u: %s\n", pg->name, i + 2, n,
                                  err_name(t));
        }
        mk_handle_close(self);
        int r = serve_thread(pg, true);
        if (r == 0 && !pv->stop)
                mk_printf("pagerlib: %s: no client left, ending\n", pg->name);
        if (r < 0)
                mk_printf("pagerlib: %s: receive failed (%s)\n", pg->name, err_name(r));
        return r;
}
