// SPDX-License-Identifier: MIT
// The system pager's start and its loop. The kernel starts it first, with the
// boot image mapped and every free frame in its window; it starts the VFS
// server, then the first program (init_start), and then serves faults, exits
// and requests forever.
#include "pager.h"

struct pgr_stats ended_stats;
long pager_ep;
long vfs_ep_handle = -1;
uint32_t vfs_idx;
uint16_t pager_machine;
struct mk_region bootimg;
bool trace_on;
uint64_t zero_page;

// The first program: `init=NAME` on the kernel command line names it (a
// program of the boot image), INIT_DEFAULT without. It holds the shutdown
// right, reads the command line itself (MK_INFO_CMDLINE), and its end ends
// the run: the machine shuts down with its exit status (1 if it did not exit).
#define INIT_DEFAULT "init"
static uint32_t init_idx;

static void init_start(void)
{
        static char cmdline[256], name[32];
        const char *err;
        mk_info(MK_INFO_CMDLINE, cmdline);
        memcpy(name, INIT_DEFAULT, sizeof(INIT_DEFAULT));
        for (const char *w = cmdline; (w = strstr(w, "init=")); w += 5)
                if (w == cmdline || w[-1] == ' ') {
                        size_t n = 0;
                        for (w += 5; w[n] && w[n] != ' ' && n < sizeof(name) - 1; n++)
                                name[n] = w[n];
                        name[n] = '\0';
                        break;
                }
        const char *argv[] = {name, NULL};
        struct pproc *p = pproc_new(name, NULL);
        if (!p) {
                mk_printf("pager: no slot for the first program %s\n", name);
                mk_shutdown(1);
        }
        p->can_shutdown = true;
        int r = pproc_load(p, name, argv, NULL, NULL, true, &err);
        if (r) {
                mk_printf("pager: cannot start the first program %s: %s\n", name, err);
                mk_shutdown(1);
        }
        init_idx = p->idx;
}

// Fails the fault in hand with reason (the reply in out).
static void fail_reply(struct mk_msg *out, uint64_t reason)
{
        struct mkp_answer a;
        mkp_answer_fail(&a, reason);
        mkp_answer_encode(&a, out);
}

static void proc_exit(struct pproc *p, uint64_t status, uint64_t reason)
{
        if (p->is_vfs) {
                mk_printf("pager: the VFS server ended (%s)\n", mk_reason_name(reason));
                vfs_idx = 0;
        }
        // Children spawned tied to it (its own pagers) end with it, and so do
        // children it spawned suspended and never started.
        for (uint32_t i = 1; i < MAX_PROCS; i++) {
                struct pproc *c = &procs[i];
                if (c->used && c->parent == p->idx && (c->tied || c->suspended) && !c->oom_killed &&
                    c->proc >= 0)
                        SYSREC("proc_kill", mk_proc_kill(c->proc, MK_REASON_KILLED));
        }
        if (p->idx == init_idx && init_idx) {
                mk_printf("pager: the first program %s ended (%s, status %lld)\n", p->name,
                          mk_reason_name(reason), (long long)status);
                mk_shutdown(reason == MK_REASON_EXIT ? (long)status : 1);
        }
        pproc_release(p);
}

// Records the ends of the processes oom_kill ended while serving a message.
static void oom_finish(void)
{
        oom_pending = 0;
        for (uint32_t i = 1; i < MAX_PROCS; i++)
                if (procs[i].used && procs[i].oom_killed)
                        proc_exit(&procs[i], 0, MK_REASON_OOM);
}

// The loop's callbacks (mk/pagerloop.h): the loop tells the kernel's
// messages from requests, decodes faults and encodes the answers. Fault and
// exit messages count only when they name the process the badge stands for:
// a process created with a copy of another's pager handle carries that
// one's badge, but not its pid.
// A thread's server (one per thread when the pager serves with several,
// lock.h): the loop's callbacks get &w->s.
struct worker {
        struct mkp_server s;
        bool shared;          // this message is served holding pg_world shared
        bool retry;           // the fault needs pg_world exclusively: serve it again
        struct pproc *locked; // the process lock held (shared holders)
        uint64_t unref;       // a frame whose reference goes once the answer is sent
};

// A fault whose badge and pid do not name one process of ours.
static void fault_not_ours(const struct mk_msg *in, const struct mkp_fault *f, struct mkp_answer *a)
{
        mk_printf("pager: fault of pid %u under badge %llu: failing it\n", f->pid,
                  (unsigned long long)in->badge);
        mkp_answer_fail(a, MK_REASON_NOMAP);
}

static void serve_fault(struct mkp_server *s, const struct mk_msg *in, struct mkp_fault *f,
                        struct mkp_answer *a)
{
        struct pproc *p = badge_proc(in->badge);
        if (p && f->pid == p->pid) {
                serving = p;
                handle_fault(p, f, a, false, NULL);
        } else {
                fault_not_ours(in, f, a);
        }
        if (__builtin_expect(rec_mode == REC_RECORD, 0)) {
                // Copies: the fault and the answer themselves never escape
                // (they stay in registers on the fault path), and the fault
                // is decoded again from the message, so that the fields only
                // a record reads are not kept across the fault's handling.
                struct mkp_fault fc;
                mkp_fault_from_msg(in, &fc);
                struct mkp_answer ac = *a;
                record_fault(s, in, &fc, &ac);
        }
}

// serve_fault of one of several threads (lock.h; never recording).
static void serve_fault_mt(struct mkp_server *s, const struct mk_msg *in, struct mkp_fault *f,
                           struct mkp_answer *a)
{
        struct worker *w = (struct worker *)s;
        struct pproc *p = badge_proc(in->badge);
        if (!p || f->pid != p->pid) {
                fault_not_ours(in, f, a);
        } else if (w->shared) {
                pg_spin_lock(&p->lock);
                w->locked = p;
                if (!handle_fault(p, f, a, true, &w->unref)) {
                        w->retry = true;
                        a->action = MKP_DEFER; // nothing sent: served again
                }
        } else {
                serving = p;
                handle_fault(p, f, a, false, &w->unref);
        }
}

static void serve_event(struct mkp_server *s, const struct mk_msg *in)
{
        struct pproc *p = badge_proc(in->badge);
        if (rec_mode == REC_RECORD)
                record_exit(in);
        if (in->tag == MK_TAG_EXIT && p && in->w[MK_XW_PID] == p->pid)
                proc_exit(p, in->w[MK_XW_STATUS], in->w[MK_XW_REASON]);
}

// The threads' way to handle_request (inlined here once, not into their step).
static __attribute__((noinline)) void handle_request_mt(struct pproc *p, const struct mk_msg *in,
                                                        struct mk_msg *out)
{
        handle_request(p, in, out);
}

static inline bool request(const struct mk_msg *in, struct mk_msg *out, bool mt)
{
        struct pproc *p = badge_proc(in->badge);
        if (!p)
                return false; // not from a process of ours
        if (in->tag < MK_TAG_USER) {
                // A kernel tag from a process: refuse it (no reply is
                // delivered if it was a send).
                out->tag = 0;
                out->len = 0;
                out->w[0] = (uint64_t)-EINVAL;
                return true;
        }
        serving = p;
        if (mt)
                handle_request_mt(p, in, out);
        else
                handle_request(p, in, out);
        return true;
}

static bool serve_request(struct mkp_server *s, const struct mk_msg *in, struct mk_msg *out)
{
        bool replied = request(in, out, false);
        if (__builtin_expect(rec_mode == REC_RECORD, 0))
                record_request(in, out, replied);
        return replied;
}

static bool serve_request_mt(struct mkp_server *s, const struct mk_msg *in, struct mk_msg *out)
{
        return request(in, out, true); // (never recording)
}

static void serve_after(struct mkp_server *s)
{
        serving = NULL;
        if (oom_pending)
                oom_finish();
        vfs_release_pending();
}

// Our reply was refused: end the faulting process cleanly (unless it has ended).
static bool serve_refused(struct mkp_server *s, long err, struct mk_msg *out)
{
        if (err == -ESRCH)
                return false;
        mk_printf("pager: reply refused (%s)\n", err_name(err));
        fail_reply(out, MK_REASON_BAD_REPLY);
        return true;
}

// The step's callbacks go to mkp_server_step_with directly (step, below), so
// that each has one caller and is inlined; the loop finds only the rare one
// in the table.
static const struct mkp_server_ops serve_ops = {
    .refused = serve_refused,
};
static struct worker server = {.s.ops = &serve_ops};

// The loop's step, with the callbacks inlined (this is every fault's path),
// and itself inlined into the loop (a call here cost 40-50 instructions per
// fault: the loop's and the handler's registers saved and restored) and
// into pager_serve (the host tests' and the replay's way in).
__attribute__((always_inline)) static inline bool step(struct mkp_server *s,
                                                       const struct mk_msg *in, struct mk_msg *out)
{
        return mkp_server_step_with(s, in, out, serve_fault, serve_event, serve_request,
                                    serve_after);
}

static void serve_after_mt(struct mkp_server *s)
{
        if (!((struct worker *)s)->shared)
                serve_after(s); // (a shared holder ended nothing, removed no region)
}

// The step of one of several threads (not inlined into the one-thread loop).
static __attribute__((noinline)) bool step_mt(struct mkp_server *s, const struct mk_msg *in,
                                              struct mk_msg *out)
{
        return mkp_server_step_with(s, in, out, serve_fault_mt, serve_event, serve_request_mt,
                                    serve_after_mt);
}

bool pager_serve(struct mk_msg *in, struct mk_msg *out)
{
        return step(&server.s, in, out);
}

// Whether the command line has the word w.
static bool cmdline_word(const char *cmdline, const char *w)
{
        size_t n = strlen(w);
        for (const char *p = cmdline; (p = strstr(p, w)); p += n)
                if ((p == cmdline || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
                        return true;
        return false;
}

void pager_start(void)
{
        static char cmdline[256];
        long arch = mk_info(MK_INFO_ARCH, 0);
        mk_info(MK_INFO_CMDLINE, cmdline);
        cmdline[sizeof(cmdline) - 1] = '\0';
        mkp_rec_instance(rec_name, "pager", mk_info(MK_INFO_PID, 0));
        if (rec_mode != REC_REPLAY && cmdline_word(cmdline, "record")) {
                rec_mode = REC_RECORD;
                server.s.record = true;
                memcpy(server.s.name, rec_name, sizeof(server.s.name));
        }
        pager_machine = (uint16_t)(arch == FAULT_ARCH_X86_64    ? ELF_EM_X86_64
                                   : arch == FAULT_ARCH_AARCH64 ? ELF_EM_AARCH64
                                                                : ELF_EM_RISCV);
        mk_proc_name(MK_SELF, "pager");
        frames_init();
        if (mk_info(MK_INFO_BOOTIMG, &bootimg) < 0)
                mk_shutdown(2);
        if (rec_mode == REC_RECORD)
                record_boot(arch, cmdline);
        pager_ep = SYSREC("ep_create", mk_ep_create());
        // A top-level tree may hold 3/4 of the frames, so the rest can still run.
        default_frame_limit = frames_free() / 4 * 3;
        zero_page = frame_get();
        page_zero(frame_ptr(zero_page));
        mk_printf("pager: pid %ld, %llu free frames, boot image %llu bytes\n",
                  mk_info(MK_INFO_PID, 0), (unsigned long long)frames_free(),
                  (unsigned long long)bootimg.size);
        int r = vfs_start();
        if (r && r != -ENOENT)
                mk_printf("pager: no VFS server (%s)\n", err_name(r));
        init_start();
        server.s.ep = pager_ep;
}

// --- Several threads (lock.h has the design) ---------------------------------

bool pg_threaded;
uint32_t pg_world, pg_mem;
#define MAX_THREADS  8
#define THREAD_STACK 0x10000ull // as the first thread's (MK_PAGER_STACK_SIZE)
static struct worker workers[MAX_THREADS - 1];

// One message under the locks it needs; true when an answer is due (in out),
// sent by the caller once the locks are released (an answer that raced
// with a later change is not installed: the kernel's stale-answer rule,
// docs/smp.md).
static bool serve_locked(struct worker *w, struct mk_msg *in, struct mk_msg *out)
{
        bool reply;
        w->retry = false;
        w->locked = NULL;
        if ((in->flags & MK_MSG_KERNEL) && in->tag == MK_TAG_FAULT) {
                pg_read_lock();
                w->shared = true;
                reply = step_mt(&w->s, in, out);
                if (w->retry) {
                        pg_spin_unlock(&w->locked->lock);
                        w->locked = NULL;
                        pg_read_unlock();
                        pg_write_lock();
                        w->shared = false;
                        reply = step_mt(&w->s, in, out);
                }
        } else {
                pg_write_lock();
                w->shared = false;
                reply = step_mt(&w->s, in, out);
        }
        if (w->locked)
                pg_spin_unlock(&w->locked->lock);
        if (w->shared)
                pg_read_unlock();
        else
                pg_write_unlock();
        return reply;
}

// The reference a copy-on-write answer left to drop, once that answer went.
static void unref_after_answer(struct worker *w)
{
        pg_read_lock();
        pg_spin_lock(&pg_mem);
        frame_unref(w->unref);
        pg_spin_unlock(&pg_mem);
        pg_read_unlock();
        w->unref = 0;
}

bool pager_serve_thread(unsigned i, struct mk_msg *in, struct mk_msg *out)
{
        struct worker *w = &workers[i % (MAX_THREADS - 1)];
        if (!w->s.ops)
                *w = server;
        bool reply = serve_locked(w, in, out);
        if (w->unref)
                unref_after_answer(w); // (as once the answer is sent)
        return reply;
}

// The loop of each thread: as mkp_server_run_with, with the locks.
static __attribute__((noreturn, noinline)) void serve_threaded(struct worker *w)
{
        struct mk_msg in, out;
        bool have_reply = false;
        for (;;) {
                if (have_reply && w->unref) {
                        // (Sent alone: the old frame's reference goes only
                        // once the answer replacing it is in.)
                        long r = mk_reply(&out);
                        if (r < 0 && serve_refused(&w->s, r, &out))
                                mk_reply(&out);
                        unref_after_answer(w);
                        have_reply = false;
                }
                long rr = have_reply ? mk_reply_recv(w->s.ep, &out, &in) : mk_recv(w->s.ep, &in);
                if (rr < 0) {
                        if (have_reply && rr != -EPIPE && serve_refused(&w->s, rr, &out))
                                mk_reply(&out); // (the caller still waits)
                        else if (!have_reply)
                                mk_yield(); // (a receive fails only while no client can send)
                        have_reply = false;
                        continue;
                }
                have_reply = serve_locked(w, &in, &out);
        }
}

static __attribute__((noreturn)) void worker_main(uint64_t arg)
{
        serve_threaded(&workers[arg]);
}

#ifdef __x86_64__
#define ENTRY_SP_BIAS 8 // as if called: the return address slot below 16-byte alignment
#else
#define ENTRY_SP_BIAS 0
#endif

// Threads beside this one, one per CPU but this one's (none with one CPU,
// or when recording: a recording is one sequence of messages). Returns how
// many serve in all.
static __attribute__((noinline)) unsigned threads_start(void)
{
        long ncpus = mk_info(MK_INFO_NCPUS, 0);
        unsigned n = ncpus > MAX_THREADS ? MAX_THREADS : ncpus < 1 ? 1 : (unsigned)ncpus;
        // `pager_threads=N` on the command line (1-8): N threads instead.
        static char cmdline[256];
        mk_info(MK_INFO_CMDLINE, cmdline);
        cmdline[sizeof(cmdline) - 1] = '\0';
        for (const char *w = cmdline; (w = strstr(w, "pager_threads=")); w += 14)
                if ((w == cmdline || w[-1] == ' ') && w[14] >= '1' && w[14] <= '8' &&
                    (w[15] == ' ' || w[15] == '\0'))
                        n = (unsigned)(w[14] - '0');
        if (n == 1 || rec_mode != REC_OFF)
                return 1;
        char *stacks = frames_private((n - 1) * THREAD_STACK);
        long self = mk_handle_give(MK_SELF, MK_SELF, 0, 0);
        if (!stacks || self < 0) {
                mk_printf("pager: one thread only (no memory or handle for more)\n");
                if (self >= 0)
                        mk_handle_close(self);
                return 1;
        }
        pg_threaded = true;
        unsigned started = 1;
        for (unsigned i = 0; i + 1 < n; i++) {
                workers[i] = server;
                uint64_t sp = (uint64_t)(stacks + (i + 1) * THREAD_STACK) - ENTRY_SP_BIAS;
                long t = mk_thread_start(self, (uint64_t)worker_main, sp, i);
                if (t < 0)
                        mk_printf("pager: thread %u: %s\n", i + 2, err_name(t));
                else
                        started++;
        }
        mk_handle_close(self);
        return started;
}

int main(int argc, char **argv, char **envp)
{
        static struct mk_msg in, out;
        pager_start();
        unsigned n = threads_start();
        if (n > 1) {
                mk_printf("pager: %u threads\n", n);
                serve_threaded(&server);
        }
        for (;;) // returns only when a receive fails
                mkp_server_run_with(&server.s, &serve_ops, step, &in, &out);
}
