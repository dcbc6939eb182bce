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

// The process a message's badge names (NULL: none of ours, or ended for memory).
static struct pproc *badge_proc(uint64_t b)
{
        return b && b < MAX_PROCS && procs[b].used && !procs[b].oom_killed ? &procs[b] : NULL;
}

// The loop's callbacks (mk/pagerloop.h): the loop tells the kernel's
// messages from requests, decodes faults and encodes the answers. Fault and
// exit messages count only when they name the process the badge stands for:
// a process created with a copy of another's pager handle carries that
// one's badge, but not its pid.
static void serve_fault(struct mkp_server *s, const struct mk_msg *in, struct mkp_fault *f,
                        struct mkp_answer *a)
{
        struct pproc *p = badge_proc(in->badge);
        if (p && f->pid == p->pid) {
                serving = p;
                handle_fault(p, f, a);
        } else {
                mk_printf("pager: fault of pid %u under badge %llu: failing it\n", f->pid,
                          (unsigned long long)in->badge);
                mkp_answer_fail(a, MK_REASON_NOMAP);
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

static void serve_event(struct mkp_server *s, const struct mk_msg *in)
{
        struct pproc *p = badge_proc(in->badge);
        if (rec_mode == REC_RECORD)
                record_exit(in);
        if (in->tag == MK_TAG_EXIT && p && in->w[MK_XW_PID] == p->pid)
                proc_exit(p, in->w[MK_XW_STATUS], in->w[MK_XW_REASON]);
}

static bool request(const struct mk_msg *in, struct mk_msg *out)
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
        handle_request(p, in, out);
        return true;
}

static bool serve_request(struct mkp_server *s, const struct mk_msg *in, struct mk_msg *out)
{
        bool replied = request(in, out);
        if (__builtin_expect(rec_mode == REC_RECORD, 0))
                record_request(in, out, replied);
        return replied;
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
static struct mkp_server server = {.ops = &serve_ops};

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

bool pager_serve(struct mk_msg *in, struct mk_msg *out)
{
        return step(&server, in, out);
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
                server.record = true;
                memcpy(server.name, rec_name, sizeof(server.name));
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
        server.ep = pager_ep;
}

int main(int argc, char **argv, char **envp)
{
        static struct mk_msg in, out;
        pager_start();
        for (;;) // returns only when a receive fails
                mkp_server_run_with(&server, &serve_ops, step, &in, &out);
}
