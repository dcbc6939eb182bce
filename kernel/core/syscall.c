// SPDX-License-Identifier: MIT
// System calls: argument checking and dispatch. Every handle, pointer and
// number from user space is checked here or by the function it reaches; a
// bad one returns an error, never more.
#include <arch/memlayout.h>
#include <arch/trap.h>
#include <kernel/acct.h>
#include <kernel/arch.h>
#include <kernel/kalloc.h>
#include <common/string.h>
#include <kernel/kprintf.h>
#include <kernel/kvm.h>
#include <kernel/proc.h>
#include <kernel/spinlock.h>
#include <kernel/tlb.h>
#include <kernel/pt.h>
#include <mk/errno.h>

#include <kernel/init.h>
#include <kernel/timer.h>
#include <mk/layout.h>

#if defined(__x86_64__)
#define KERNEL_FAULT_ARCH FAULT_ARCH_X86_64
#elif defined(__aarch64__)
#define KERNEL_FAULT_ARCH FAULT_ARCH_AARCH64
#else
#define KERNEL_FAULT_ARCH FAULT_ARCH_RISCV64
#endif

static struct endpoint *ep_arg(long h, uint8_t rights, uint64_t *badge)
{
        struct handle *hd = handle_get(current->proc, h, OBJ_ENDPOINT, rights);
        if (!hd)
                return NULL;
        if (badge)
                *badge = hd->badge;
        return hd->obj;
}

// The process named by handle h of the caller, if the handle has `rights`:
// 0, -EBADF (no such process handle) or -EPERM (not those rights).
static long proc_get(long h, uint8_t rights, struct proc **out)
{
        struct handle *hd = handle_get(current->proc, h, OBJ_PROC, 0);
        if (!hd)
                return -EBADF;
        if ((hd->rights & rights) != rights)
                return -EPERM;
        *out = hd->obj;
        return 0;
}

// The same, where MK_SELF names the caller itself.
static long proc_get_self(long h, uint8_t rights, struct proc **out)
{
        if (h == MK_SELF) {
                *out = current->proc;
                return 0;
        }
        return proc_get(h, rights, out);
}

// The badge a holder of endpoint handle hd may attach to what it makes (a
// handle copy, a process's faults, an external region): any badge with
// MK_RIGHT_MINT; otherwise only its own (asked for as 0 or as itself), so a
// mere sender can never pose as another client of the receiver.
static long badge_for(const struct handle *hd, uint64_t want, uint64_t *out)
{
        if (hd->rights & MK_RIGHT_MINT) {
                *out = want;
                return 0;
        }
        if (want && want != hd->badge)
                return -EPERM;
        *out = hd->badge;
        return 0;
}

static long sys_debug_write(uint64_t ubuf, uint64_t len)
{
        char buf[257];
        if (len > 1u << 20)
                return -EINVAL;
        for (uint64_t off = 0; off < len; off += 256) {
                size_t n = MIN(256, len - off);
                if (copy_from_user(buf, ubuf + off, n))
                        return -EFAULT;
                buf[n] = '\0';
                for (size_t i = 0; i < n; i++)
                        if (buf[i] == '\0')
                                buf[i] = ' ';
                kputs(buf);
        }
        return (long)len;
}

static long sys_ep_create(void)
{
        struct endpoint *ep = ep_create();
        if (!ep)
                return -ENOMEM;
        int h = handle_install(current->proc, OBJ_ENDPOINT, MK_RIGHT_ALL, 0, ep);
        if (h < 0) {
                kfree(ep, sizeof(*ep));
                acct_ep_freed();
        }
        return h;
}

static long sys_handle_close(long h)
{
        if (h < 0 || h >= MAX_HANDLES || current->proc->handles[h].type == OBJ_NONE)
                return -EBADF;
        handle_close(current->proc, (int)h);
        return 0;
}

// Copies handle h into the process named by handle ph (MK_SELF: the caller;
// another process needs MK_RIGHT_GIVE on it) with rights reduced to
// `rights` (0: the same). An endpoint copy carries `badge` only when h may
// mint (badge_for). h == MK_SELF: a handle to the caller itself.
static long sys_handle_give(long h, long ph, uint64_t badge, uint64_t rights)
{
        struct proc *target;
        long e = proc_get_self(ph, MK_RIGHT_GIVE, &target);
        if (e)
                return e;
        if (rights > MK_RIGHT_ALL)
                return -EINVAL;
        if (h == MK_SELF) // a handle to the caller itself (for its pagers)
                return target->alive ? handle_install(target, OBJ_PROC,
                                                      rights ? (uint8_t)rights : MK_RIGHT_ALL, 0,
                                                      current->proc)
                                     : -ESRCH;
        if (h < 0 || h >= MAX_HANDLES)
                return -EBADF;
        struct handle *hd = &current->proc->handles[h];
        if (hd->type == OBJ_NONE)
                return -EBADF;
        if (!target->alive)
                return -ESRCH;
        if (rights & ~(uint64_t)hd->rights)
                return -EPERM;
        if (hd->type == OBJ_REPLY)
                return -EINVAL; // one use, by the process that kept the call
        uint8_t r = rights ? (uint8_t)rights : hd->rights;
        if (hd->type != OBJ_ENDPOINT)
                return handle_install(target, hd->type, r, 0, hd->obj);
        uint64_t b;
        if ((e = badge_for(hd, badge, &b)))
                return e;
        return handle_install(target, OBJ_ENDPOINT, r, b, hd->obj);
}

static long sys_proc_create(long pager_h, uint64_t badge, uint64_t flags, long acct_h)
{
        struct endpoint *ep = NULL;
        struct proc *acct = current->proc;
        long e, err;
        if (flags & ~(uint64_t)MK_PROC_ALLOW_WX)
                return -EINVAL;
        if (pager_h != -1) {
                struct handle *hd = handle_get(current->proc, pager_h, OBJ_ENDPOINT, MK_RIGHT_SEND);
                if (!hd)
                        return -EBADF;
                if ((e = badge_for(hd, badge, &badge)))
                        return e;
                ep = hd->obj;
        } else {
                badge = 0;
        }
        if (acct_h != -1 && (e = proc_get(acct_h, MK_RIGHT_CONTROL, &acct)))
                return e;
        if (!acct->alive)
                return -ESRCH;
        struct proc *p = proc_create(ep, badge, (uint32_t)flags, acct, &err);
        if (!p)
                return err;
        int h = handle_install(current->proc, OBJ_PROC, MK_RIGHT_ALL, 0, p);
        if (h < 0)
                proc_kill(p, MK_REASON_KILLED, 0, NULL);
        return h;
}

static long sys_thread_start(long ph, uint64_t ip, uint64_t sp, uint64_t arg)
{
        struct proc *p;
        long e = proc_get(ph, MK_RIGHT_CONTROL, &p);
        if (e)
                return e;
        if (!p->alive)
                return -ESRCH;
        if (ip >= MK_USER_TOP || sp > MK_USER_TOP)
                return -EINVAL;
        long err;
        struct thread *t = thread_create(p, ip, sp, arg, &err);
        return t ? (long)t->tid : err;
}

static long sys_map(long ph, uint64_t va, uint64_t pa, uint64_t perms)
{
        struct proc *p;
        long e = proc_get(ph, MK_RIGHT_CONTROL, &p);
        if (e)
                return e;
        struct mk_grant g = {va, pa, perms};
        return grant_install(current->proc, p, &g, 1, NULL);
}

// Removes the mapping at va of proc; returns the frame when the caller owns
// it (a physical address is never shown to anyone else), else 0.
static long sys_unmap(long ph, uint64_t va)
{
        struct proc *p;
        paddr_t pa;
        long e = proc_get(ph, MK_RIGHT_CONTROL, &p);
        if (e)
                return e;
        if (!p->alive)
                return -ESRCH;
        if ((va & PAGE_MASK) || va < MK_USER_BASE || va >= MK_USER_TOP)
                return -EINVAL;
        // (Also when nothing is mapped: an answer on its way may map it.)
        fault_answers_stale(p, va, va + PAGE_SIZE, NULL);
        if (pt_unmap(p->root, va, &pa, NULL))
                return -ENOENT;
        tlb_shoot_page(p, va);
        return frame_owner_get(pa) == current->proc->asid ? (long)pa : 0;
}

static long sys_proc_wait(long ph, uint64_t uinfo, uint64_t flags)
{
        struct proc *p;
        long e = proc_get(ph, MK_RIGHT_WAIT, &p);
        if (e)
                return e;
        if (p == current->proc || (flags & ~(uint64_t)MK_WAIT_NOHANG))
                return -EINVAL;
        // Ended, its pager not done with its end: wait for that, unless we
        // are (a thread of) that pager.
        bool done = p->reaped || (!p->alive && proc_may_receive(current->proc, p->exit_ep));
        if (!done && (flags & MK_WAIT_NOHANG))
                return -EAGAIN;
        // Our reference keeps p (and its exit record) while we wait and copy,
        // whoever closes the handle meanwhile.
        p->refs++;
        p->wait_refs++;
        current->wait_for = p;
        if (!done) {
                current->state = T_WAIT;
                current->next = p->waiters;
                p->waiters = current;
                sched_block();
        }
        struct mk_exit_info info = p->exit;
        current->wait_for = NULL;
        p->wait_refs--;
        proc_put(p);
        return uinfo ? copy_to_user(uinfo, &info, sizeof(info)) : 0;
}

// fork: a new thread in proc resuming where the thread whose call we are
// handling made it, with MK_FORK_CHILD as the call's result.
static long sys_thread_fork(long ph)
{
        struct proc *p;
        struct thread *src = current->caller;
        long e = proc_get(ph, MK_RIGHT_CONTROL, &p);
        if (e)
                return e;
        if (!p->alive)
                return -ESRCH;
        if (!src || src->in_fault)
                return -ESRCH;
        long err;
        struct thread *t = thread_create(p, 0, 0, 0, &err);
        if (!t)
                return err;
        *t->tf = *src->tf;
        t->affinity = src->affinity; // (fork keeps the CPUs, as on Linux)
        if (t->in_runq && !(t->affinity & (1u << t->rq_cpu))) {
                sched_unqueue(t);
                sched_ready(t); // queued where it may run
        }
        tf_set_ret(t->tf, MK_FORK_CHILD);
        return (long)t->tid;
}

// Changes the permissions of the mapped pages of [va, va+len) in proc; the
// caller must own every frame it changes. Returns how many pages changed.
static long sys_protect(long ph, uint64_t va, uint64_t len, uint64_t perms)
{
        struct proc *p;
        long e = proc_get(ph, MK_RIGHT_CONTROL, &p);
        if (e)
                return e;
        if (!p->alive)
                return -ESRCH;
        if ((va | len) & PAGE_MASK || va < MK_USER_BASE || va >= MK_USER_TOP ||
            len > MK_USER_TOP - va || len > GiB(1))
                return -EINVAL;
        if (perms && (!(perms & MK_PERM_R) || (perms & ~(uint64_t)MK_PERM_ALL)))
                return -EINVAL;
        if ((perms & MK_PERM_W) && (perms & MK_PERM_X) && !(p->flags & MK_PROC_ALLOW_WX))
                return -EACCES;
        unsigned fl =
            PT_U | PT_R | ((perms & MK_PERM_W) ? PT_W : 0) | ((perms & MK_PERM_X) ? PT_X : 0);
        long n = 0;
        bool denied = false;
        struct tlb_batch b;
        fault_answers_stale(p, va, va + len, NULL);
        tlb_batch_init(&b, p);
        for (uint64_t a = va; a < va + len; a += PAGE_SIZE) {
                paddr_t pa;
                int level;
                if (pt_translate(p->root, a, &pa, NULL, &level) || level != 0)
                        continue;
                if (frame_owner_get(pa) != current->proc->asid) {
                        denied = true;
                        break;
                }
                if (perms)
                        pt_map_replace(p->root, a, pa, fl);
                else
                        pt_unmap(p->root, a, NULL, NULL);
                tlb_batch_add(&b, a);
                n++;
        }
        tlb_batch_finish(&b);
        return denied && !n ? -EPERM : n;
}

// Names proc (console messages, debuggers): printable ASCII only, the rest
// becomes '?'; at most MK_PROC_NAME_MAX - 1 bytes are kept.
static long sys_proc_name(long ph, uint64_t uname, uint64_t len)
{
        struct proc *p;
        char name[MK_PROC_NAME_MAX];
        long e = proc_get_self(ph, MK_RIGHT_CONTROL, &p);
        if (e)
                return e;
        if (len >= MK_PROC_NAME_MAX)
                len = MK_PROC_NAME_MAX - 1;
        if (copy_from_user(name, uname, len))
                return -EFAULT;
        for (size_t i = 0; i < len; i++)
                if (name[i] < 0x20 || name[i] > 0x7e)
                        name[i] = '?';
        memset(p->name, 0, sizeof(p->name));
        memcpy(p->name, name, len);
        return 0;
}

// Routes faults of a range of proc (MK_SELF: the caller) to endpoint ep.
static long sys_region_pager(long ph, uint64_t start, uint64_t len, long eph, uint64_t badge)
{
        struct proc *p;
        long e = proc_get_self(ph, MK_RIGHT_CONTROL, &p);
        if (e)
                return e;
        if (!p->alive)
                return -ESRCH;
        struct endpoint *ep = NULL;
        if (len) {
                struct handle *hd = handle_get(current->proc, eph, OBJ_ENDPOINT, MK_RIGHT_SEND);
                if (!hd)
                        return -EBADF;
                if ((e = badge_for(hd, badge, &badge)))
                        return e;
                ep = hd->obj;
        }
        return ext_region_set(p, start, len, ep, badge);
}

// Gives frames the caller owns to proc (an external pager it serves).
static long sys_frame_give(long ph, uint64_t pa, uint64_t count)
{
        struct proc *p;
        long e = proc_get(ph, MK_RIGHT_CONTROL, &p);
        if (e)
                return e;
        if (!p->alive)
                return -ESRCH;
        if (pa & PAGE_MASK || count == 0 || count > 65536)
                return -EINVAL;
        for (uint64_t i = 0; i < count; i++)
                if (frame_owner_get(pa + i * PAGE_SIZE) != current->proc->asid)
                        return -EPERM;
        for (uint64_t i = 0; i < count; i++)
                frame_owner_set(pa + i * PAGE_SIZE, p->asid);
        // Where the giver mapped its frames, the new owner's frames may be
        // mapped: they go when the new owner's frames go back.
        for (unsigned i = 0; i < sizeof(p->mapped_into); i++)
                p->mapped_into[i] |= current->proc->mapped_into[i];
        return 0;
}

static long sys_proc_kill(long ph, uint64_t reason)
{
        struct proc *p;
        long e = proc_get(ph, MK_RIGHT_KILL, &p);
        if (e)
                return e;
        if (reason == MK_REASON_EXIT || reason > MK_REASON_MAX)
                return -EINVAL;
        if (!p->alive)
                return -ESRCH;
        proc_kill(p, reason, 0, NULL);
        return 0;
}

static long sys_info(uint64_t what, uint64_t uout)
{
        struct proc *p = current->proc;
        switch (what) {
        case MK_INFO_PHYS_WINDOW:
                return copy_to_user(uout, &p->phys, sizeof(p->phys));
        case MK_INFO_BOOTIMG: {
                if (p->pid != MK_PID_SYSTEM_PAGER)
                        return -EPERM;
                struct mk_region r = {MK_BOOTIMG_VA, kernel_bootimg_size};
                return copy_to_user(uout, &r, sizeof(r));
        }
        case MK_INFO_CMDLINE:
                return copy_to_user(uout, kernel_cmdline, BOOT_CMDLINE_MAX);
        case MK_INFO_ARCH:
                return KERNEL_FAULT_ARCH;
        case MK_INFO_PID:
                return p->pid;
        case MK_INFO_KSTATS:
                sched_reap(); // (threads of ended processes another CPU ran last)
                return acct_kstats(uout);
        case MK_INFO_UPTIME_MS:
                return (long)(timer_ticks() * 1000 / TIMER_HZ);
        case MK_INFO_CPU:
                return this_cpu()->id;
        case MK_INFO_NCPUS: {
                long n = 0;
                for (unsigned i = 0; i < ncpus; i++)
                        n += cpus[i].sched_on && cpus[i].state == CPU_UP;
                return n;
        }
        case MK_INFO_CPU_STATS: {
                struct mk_cpu_stats s = {0};
                for (unsigned i = 0; i < ncpus; i++) {
                        s.klock_takes += cpus[i].klock_takes;
                        s.klock_spins += cpus[i].klock_spins;
                        s.tlb_calls += cpus[i].tlb_calls;
                        s.switches += cpus[i].switches;
                        s.ipis += cpus[i].ipis;
                }
                return copy_to_user(uout, &s, sizeof(s));
        }
        case MK_INFO_PROC_PID: {
                struct proc *q;
                long e = proc_get((long)uout, MK_RIGHT_WAIT, &q);
                return e ? e : (long)q->pid;
        }
        default:
                return -EINVAL;
        }
}

// Calls that need no kernel lock: they read only the clock and the calling
// CPU's own state (a spinning program's calls must not contend for it).
static bool syscall_lockless(struct trap_frame *tf)
{
        uint64_t n = tf_sysno(tf), a0 = tf_arg(tf, 0);
        if (current->dying)
                return false;
        if (n == SYS_YIELD && !sched_wants_yield()) {
                // Nothing else to run here: yield the CPU itself (the pause
                // hint lets a hypervisor, or QEMU running its CPUs in turn
                // under -icount, run another one).
                arch_cpu_relax();
                tf_set_ret(tf, 0);
                return true;
        }
        if (n == SYS_INFO && (a0 == MK_INFO_UPTIME_MS || a0 == MK_INFO_CPU)) {
                tf_set_ret(tf, a0 == MK_INFO_CPU ? (long)this_cpu()->id
                                                 : (long)(timer_ticks() * 1000 / TIMER_HZ));
                return true;
        }
        return false;
}

void syscall_entry(struct trap_frame *tf)
{
        if (ncpus > 1 && syscall_lockless(tf))
                return;
        kernel_enter();
        uint64_t a0 = tf_arg(tf, 0), a1 = tf_arg(tf, 1), a2 = tf_arg(tf, 2), a3 = tf_arg(tf, 3);
        long r;
        uint64_t badge;
        struct endpoint *ep;
        switch (tf_sysno(tf)) {
        case SYS_DEBUG_WRITE:
                r = sys_debug_write(a0, a1);
                break;
        case SYS_EXIT:
                proc_kill(current->proc, MK_REASON_EXIT, (int64_t)a0, NULL);
                r = 0; // not reached
                break;
        case SYS_THREAD_AFFINITY:
                r = sched_set_affinity(a0);
                break;
        case SYS_YIELD:
                sched_yield();
                r = 0;
                break;
        case SYS_EP_CREATE:
                r = sys_ep_create();
                break;
        case SYS_HANDLE_CLOSE:
                r = sys_handle_close((long)a0);
                break;
        case SYS_HANDLE_GIVE:
                r = sys_handle_give((long)a0, (long)a1, a2, a3);
                break;
        case SYS_SEND:
        case SYS_CALL:
                ep = ep_arg((long)a0, MK_RIGHT_SEND, &badge);
                r = ep ? ipc_send(ep, badge, a1, tf_sysno(tf) == SYS_CALL) : -EBADF;
                break;
        case SYS_RECV:
                ep = ep_arg((long)a0, MK_RIGHT_RECV, NULL);
                r = ep ? ipc_recv(ep, a1) : -EBADF;
                break;
        case SYS_REPLY:
                r = ipc_reply(a0);
                break;
        case SYS_REPLY_SAVE:
                r = ipc_reply_save();
                break;
        case SYS_REPLY_TO:
                r = ipc_reply_to((long)a0, a1);
                break;
        case SYS_REPLY_RECV:
                ep = ep_arg((long)a0, MK_RIGHT_RECV, NULL);
                if (!ep) {
                        r = -EBADF;
                        break;
                }
                r = ipc_reply_recv(ep, a1, a2);
                break;
        case SYS_PROC_CREATE:
                r = sys_proc_create((long)a0, a1, a2, (long)a3);
                break;
        case SYS_THREAD_START:
                r = sys_thread_start((long)a0, a1, a2, a3);
                break;
        case SYS_MAP:
                r = sys_map((long)a0, a1, a2, a3);
                break;
        case SYS_UNMAP:
                r = sys_unmap((long)a0, a1);
                break;
        case SYS_PROC_WAIT:
                r = sys_proc_wait((long)a0, a1, a2);
                break;
        case SYS_PROC_KILL:
                r = sys_proc_kill((long)a0, a1);
                break;
        case SYS_INFO:
                r = sys_info(a0, a1);
                break;
        case SYS_SHUTDOWN:
                if (!handle_get(current->proc, (long)a0, OBJ_SYSTEM, 0)) {
                        r = -EPERM;
                        break;
                }
                kprintf("mk: shutdown requested by process %u, status %lld\n", current->proc->pid,
                        (long long)a1);
                if (ncpus > 1)
                        for (unsigned i = 0; i < ncpus; i++)
                                kprintf("smp: cpu %u: %llu kernel-lock takes, %llu spins, %llu "
                                        "sleeps, %llu switches, %llu IPIs, %llu TLB calls\n",
                                        i, (unsigned long long)cpus[i].klock_takes,
                                        (unsigned long long)cpus[i].klock_spins,
                                        (unsigned long long)cpus[i].klock_sleeps,
                                        (unsigned long long)cpus[i].switches,
                                        (unsigned long long)cpus[i].ipis,
                                        (unsigned long long)cpus[i].tlb_calls);
                arch_exit((int)a1);
        case SYS_THREAD_FORK:
                r = sys_thread_fork((long)a0);
                break;
        case SYS_PROTECT:
                r = sys_protect((long)a0, a1, a2, a3);
                break;
        case SYS_REGION_PAGER:
                r = sys_region_pager((long)a0, a1, a2, (long)a3, tf_arg(tf, 4));
                break;
        case SYS_FRAME_GIVE:
                r = sys_frame_give((long)a0, a1, a2);
                break;
        case SYS_PROC_LIMIT:
                r = sys_proc_limit((long)a0, a1, a2); // kernel/core/acct.c
                break;
        case SYS_PROC_USAGE:
                r = sys_proc_usage((long)a0, a1);
                break;
        case SYS_PROC_NAME:
                r = sys_proc_name((long)a0, a1, a2);
                break;
        default:
                r = -ENOSYS;
        }
        tf_set_ret(tf, (uint64_t)r);
        proc_reap_drain(); // processes left unnamed by this call end now
}
