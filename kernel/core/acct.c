// SPDX-License-Identifier: MIT
// Kernel resource accounting, the kernel's side (kernel/include/kernel/acct.h):
// per-process nodes, what each kernel object costs, the default limits of
// top-level trees, SYS_PROC_LIMIT / SYS_PROC_USAGE, MK_INFO_KSTATS, and the
// deferred end of processes nobody can name any more.
#include <kernel/acct.h>
#include <kernel/arch.h>
#include <kernel/kalloc.h>
#include <kernel/kvm.h>
#include <kernel/proc.h>
#include <mk/errno.h>

static struct mk_kstats kstats;
static uint64_t kreserve; // kernel frames free once the first process had its memory

void acct_boot_done(void)
{
        kreserve = kframes.nfree;
}

static void node_free(struct acct *a)
{
        kfree(a, sizeof(*a));
}

// A top-level tree (charged to the first process, the root) may use at most
// half of each kernel resource, so that it cannot deny the others service.
static void top_level_limits(struct acct *a)
{
        a->limit[MK_RES_PROCS] = (MAX_PROCS - 1) / 2;
        a->limit[MK_RES_THREADS] = KSTACK_SLOTS / 2;
        a->limit[MK_RES_KMEM] = kreserve / 2;
}

long acct_proc_new(struct proc *p, struct proc *acct)
{
        struct acct *parent = acct ? acct->acct : NULL;
        struct acct *a = kalloc(sizeof(*a));
        if (!a)
                return -ENOMEM;
        acct_init(a, parent);
        if (parent && !parent->parent)
                top_level_limits(a);
        long r = acct_charge(a, MK_RES_PROCS, 1);
        if (!r && (r = acct_charge(a, MK_RES_KMEM, ACCT_KMEM_PROC)))
                acct_uncharge(a, MK_RES_PROCS, 1);
        if (r) {
                acct_put(a, node_free);
                return r;
        }
        p->acct = a;
        kstats.procs++;
        return 0;
}

void acct_proc_ended(struct proc *p)
{
        struct acct *a = p->acct;
        acct_uncharge(a, MK_RES_THREADS, a->self[MK_RES_THREADS]);
        // What stays until the object goes: the object itself (its page-table
        // root has just been freed).
        if (a->self[MK_RES_KMEM] > 1)
                acct_uncharge(a, MK_RES_KMEM, a->self[MK_RES_KMEM] - 1);
}

void acct_proc_freed(struct proc *p)
{
        struct acct *a = p->acct;
        if (!a)
                return;
        for (unsigned r = 0; r < MK_RES_N; r++)
                acct_uncharge(a, r, a->self[r]);
        p->acct = NULL;
        acct_put(a, node_free);
        kstats.procs--;
}

long acct_thread_new(struct proc *p)
{
        if (p->nthreads >= MAX_THREADS)
                return -EAGAIN;
        long r = acct_charge(p->acct, MK_RES_THREADS, 1);
        if (r)
                return r;
        if ((r = acct_charge(p->acct, MK_RES_KMEM, ACCT_KMEM_THREAD))) {
                acct_uncharge(p->acct, MK_RES_THREADS, 1);
                return r;
        }
        kstats.threads++;
        return 0;
}

void acct_thread_undo(struct proc *p)
{
        acct_uncharge(p->acct, MK_RES_THREADS, 1);
        acct_uncharge(p->acct, MK_RES_KMEM, ACCT_KMEM_THREAD);
        kstats.threads--;
}

void acct_thread_freed(void)
{
        kstats.threads--;
}

static struct acct *pt_target;

void acct_pt_begin(struct proc *p)
{
        pt_target = p->acct;
}

void acct_pt_end(void)
{
        pt_target = NULL;
}

bool acct_pt_charge(void)
{
        return !pt_target || acct_charge(pt_target, MK_RES_KMEM, 1) == 0;
}

void acct_pt_uncharge(void)
{
        if (pt_target)
                acct_uncharge(pt_target, MK_RES_KMEM, 1);
}

void acct_ep_created(void)
{
        kstats.endpoints++;
}

void acct_ep_freed(void)
{
        kstats.endpoints--;
}

void acct_handle_added(void)
{
        kstats.handles++;
}

void acct_handle_removed(void)
{
        kstats.handles--;
}

long acct_kstats(uint64_t uout)
{
        kstats.kframes_free = kframes.nfree;
        kstats.kframes_total = kreserve;
        return copy_to_user(uout, &kstats, sizeof(kstats));
}

// The process a handle names (MK_SELF: the caller); NULL if none. *rights
// gets the handle's rights (all for MK_SELF).
static struct proc *proc_handle(long ph, uint8_t *rights)
{
        if (ph == MK_SELF) {
                *rights = MK_RIGHT_ALL;
                return current->proc;
        }
        struct handle *hd = handle_get(current->proc, ph, OBJ_PROC, 0);
        if (!hd)
                return NULL;
        *rights = hd->rights;
        return hd->obj;
}

long sys_proc_limit(long ph, uint64_t res, uint64_t value)
{
        uint8_t rights;
        struct proc *p = proc_handle(ph, &rights);
        if (!p)
                return -EBADF;
        if (!(rights & MK_RIGHT_LIMIT))
                return -EPERM;
        if (res >= MK_RES_N)
                return -EINVAL;
        return acct_set_limit(current->proc->acct, p->acct, (unsigned)res, value);
}

long sys_proc_usage(long ph, uint64_t uout)
{
        uint8_t rights;
        struct proc *p = proc_handle(ph, &rights);
        if (!p)
                return -EBADF;
        struct mk_usage u;
        for (unsigned r = 0; r < MK_RES_N; r++) {
                u.used[r] = p->acct->used[r];
                u.limit[r] = acct_limit_effective(p->acct, r);
        }
        return copy_to_user(uout, &u, sizeof(u));
}

// Processes nobody names and no thread runs in, waiting to be ended. Each
// holds a reference while queued.
struct proc *proc_reap_list;
static bool draining;

static bool unreachable(const struct proc *p, uint32_t extra_refs)
{
        // Threads waiting for p (SYS_PROC_WAIT) hold references but do not name
        // it: they are woken when it ends.
        return p->alive && !p->threads && p->refs == 1 + p->wait_refs + extra_refs;
}

void proc_unnamed(struct proc *p)
{
        if (!unreachable(p, 0) || p->reap_queued || p->pid == MK_PID_SYSTEM_PAGER)
                return;
        p->reap_queued = true;
        p->refs++;
        p->reap_next = proc_reap_list;
        proc_reap_list = p;
}

// A thread-less process lost a handle but is still named: perhaps only by
// processes no thread can reach (proc_garbage) any more.
bool proc_gc_pending;

void proc_gc_due(void)
{
        proc_gc_pending = true;
}

void proc_reap_drain_list(void)
{
        static struct proc *garbage[MAX_PROCS];
        if (draining)
                return; // the outer drain goes on with what we queued
        draining = true;
        while (proc_reap_list || proc_gc_pending) {
                if (!proc_reap_list) {
                        // Ending these closes their handles, which may set the
                        // flag again: the next pass finds nothing more, or what
                        // they named.
                        proc_gc_pending = false;
                        unsigned n = proc_garbage(garbage);
                        for (unsigned i = 0; i < n; i++) {
                                proc_kill(garbage[i], MK_REASON_KILLED, 0, NULL);
                                proc_put(garbage[i]);
                        }
                        continue;
                }
                struct proc *p = proc_reap_list;
                proc_reap_list = p->reap_next;
                p->reap_queued = false;
                if (unreachable(p, 1))
                        proc_kill(p, MK_REASON_KILLED, 0, NULL);
                proc_put(p);
        }
        draining = false;
}
