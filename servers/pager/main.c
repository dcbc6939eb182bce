// SPDX-License-Identifier: MIT
// The system pager's start and its loop. The kernel starts it first, with the
// boot image mapped and every free frame in its window; it starts the VFS
// server, then what the command line asks for (tests.c), and then serves
// faults, exits and requests forever.
#include "pager.h"

struct pgr_stats global_stats;
long pager_ep;
long vfs_ep_handle = -1;
uint32_t vfs_idx;
uint16_t pager_machine;
struct mk_region bootimg;
bool trace_on;
uint64_t zero_page;

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
                        mk_proc_kill(c->proc, MK_REASON_KILLED);
        }
        tests_proc_exit(p, status, reason);
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

bool pager_serve(struct mk_msg *in, struct mk_msg *out)
{
        bool have_reply = false;
        uint64_t b = in->badge;
        struct pproc *p =
            b && b < MAX_PROCS && procs[b].used && !procs[b].oom_killed ? &procs[b] : NULL;
        // Fault and exit messages count only when the kernel sent them
        // (MK_MSG_KERNEL) and name the process the badge stands for: a
        // process created with a copy of another's pager handle carries
        // that one's badge, but not its pid.
        bool kernel = in->flags & MK_MSG_KERNEL;
        if (in->tag == MK_TAG_FAULT && kernel) {
                struct mkp_fault f;
                struct mkp_answer a;
                mkp_fault_from_msg(in, &f);
                if (p && f.pid == p->pid) {
                        serving = p;
                        handle_fault(p, in, &f, &a);
                } else {
                        mk_printf("pager: fault of pid %u under badge %llu: failing it\n", f.pid,
                                  (unsigned long long)b);
                        mkp_answer_fail(&a, MK_REASON_NOMAP);
                }
                mkp_answer_encode(&a, out);
                have_reply = true;
        } else if (in->tag == MK_TAG_EXIT && kernel) {
                if (p && in->w[MK_XW_PID] == p->pid)
                        proc_exit(p, in->w[MK_XW_STATUS], in->w[MK_XW_REASON]);
        } else if (!p) {
                return false; // not from a process of ours
        } else if (in->tag < MK_TAG_USER) {
                // A kernel tag from a process: refuse it (no reply is
                // delivered if it was a send).
                out->tag = 0;
                out->len = 0;
                out->w[0] = (uint64_t)-EINVAL;
                have_reply = true;
        } else {
                serving = p;
                handle_request(p, in, out);
                have_reply = true;
        }
        serving = NULL;
        if (oom_pending)
                oom_finish();
        vfs_release_pending();
        return have_reply;
}

int main(int argc, char **argv, char **envp)
{
        static struct mk_msg in, out;
        long arch = mk_info(MK_INFO_ARCH, 0);
        pager_machine = (uint16_t)(arch == FAULT_ARCH_X86_64    ? ELF_EM_X86_64
                                   : arch == FAULT_ARCH_AARCH64 ? ELF_EM_AARCH64
                                                                : ELF_EM_RISCV);
        mk_proc_name(MK_SELF, "pager");
        frames_init();
        if (mk_info(MK_INFO_BOOTIMG, &bootimg) < 0)
                mk_shutdown(2);
        pager_ep = mk_ep_create();
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
        tests_start();
        bool have_reply = false;
        for (;;) {
                long rr = have_reply ? mk_reply_recv(pager_ep, &out, &in) : mk_recv(pager_ep, &in);
                if (rr < 0) {
                        if (have_reply && rr != -ESRCH) {
                                // Our reply was refused: end the faulting process cleanly.
                                mk_printf("pager: reply refused (%s)\n", err_name(rr));
                                fail_reply(&out, MK_REASON_BAD_REPLY);
                                mk_reply(&out);
                        }
                        have_reply = false;
                        continue;
                }
                have_reply = pager_serve(&in, &out);
        }
}
