// SPDX-License-Identifier: MIT
// External pagers (SYS_REGION_PAGER): the ranges of a process whose faults go
// to another endpoint than its pager's, the deadline such a pager has to
// answer (a RETRY keeps the deadline of the fault it answered, so RETRY
// forever is bounded), the bound on its grants, and what happens when it can
// no longer answer. The interface is <kernel/xpager.h>.
#include <arch/memlayout.h>
#include <kernel/arch.h>
#include <kernel/proc.h>
#include <kernel/tlb.h>
#include <kernel/pt.h>
#include <kernel/timer.h>
#include <mk/errno.h>
#include <mk/layout.h>

// Threads waiting on an external pager with a deadline (fault_deadline).
static struct thread *fault_waiters;

const struct ext_region *xpager_route(const struct proc *p, uint64_t addr)
{
        for (int i = 0; i < MK_MAX_EXT_REGIONS; i++)
                if (p->ext[i].ep && addr >= p->ext[i].start && addr < p->ext[i].end)
                        return &p->ext[i];
        return NULL;
}

bool xpager_fault_begin(const struct ext_region *x, uint64_t addr, uint64_t *deadline)
{
        current->fault_range = x;
        current->fault_deadline = 0;
        current->fault_retried = false;
        *deadline = 0;
        if (!x)
                return true;
        // A fault on the page an external pager last answered with RETRY
        // keeps that answer's deadline.
        uint64_t now = timer_ticks(), page = addr & ~(uint64_t)PAGE_MASK;
        bool again = current->retry_deadline && current->retry_va == page;
        current->fault_deadline =
            again ? current->retry_deadline : now + EXT_PAGER_TIMEOUT_S * TIMER_HZ;
        if (again && now >= current->fault_deadline) {
                current->retry_deadline = 0;
                current->fault_range = NULL;
                current->fault_deadline = 0;
                return false;
        }
        *deadline = current->fault_deadline;
        return true;
}

void xpager_fault_end(const struct ext_region *x, uint64_t addr, uint64_t deadline, long r)
{
        current->fault_range = NULL;
        if (x && r == 0 && current->fault_retried) {
                current->retry_va = addr & ~(uint64_t)PAGE_MASK;
                current->retry_deadline = deadline;
        } else {
                current->retry_deadline = 0;
        }
}

bool xpager_grants_inside(const struct ext_region *x, const struct mk_grant *g, size_t n)
{
        for (size_t i = 0; x && i < n; i++)
                if (g[i].va < x->start || g[i].va >= x->end)
                        return false;
        return true;
}

long ext_region_set(struct proc *p, uint64_t start, uint64_t len, struct endpoint *ep,
                    uint64_t badge)
{
        if ((start | len) & PAGE_MASK || start < MK_USER_BASE || start >= MK_USER_TOP ||
            len > MK_USER_TOP - start)
                return -EINVAL;
        if (len == 0) {
                for (int i = 0; i < MK_MAX_EXT_REGIONS; i++) {
                        struct ext_region *x = &p->ext[i];
                        if (x->ep && x->start == start) {
                                fault_answers_stale(p, x->start, x->end, NULL);
                                pt_unmap_range(p->root, x->start, x->end, NULL, NULL);
                                tlb_shoot_asid(p);
                                ep_put(x->ep);
                                x->ep = NULL;
                                return 0;
                        }
                }
                return -ENOENT;
        }
        int free = -1;
        for (int i = 0; i < MK_MAX_EXT_REGIONS; i++) {
                const struct ext_region *x = &p->ext[i];
                if (!x->ep)
                        free = free < 0 ? i : free;
                else if (start < x->end && x->start < start + len)
                        return -EEXIST;
        }
        if (free < 0)
                return -ENOSPC;
        // What the default pager mapped there before is not the new pager's.
        fault_answers_stale(p, start, start + len, NULL);
        pt_unmap_range(p->root, start, start + len, NULL, NULL);
        tlb_shoot_asid(p);
        p->ext[free] = (struct ext_region){start, start + len, ep, badge};
        ep->refs++;
        return 0;
}

void ext_regions_release(struct proc *p)
{
        for (int i = 0; i < MK_MAX_EXT_REGIONS; i++) {
                if (p->ext[i].ep) {
                        ep_put(p->ext[i].ep);
                        p->ext[i].ep = NULL;
                }
        }
}

void ext_pager_gone(struct endpoint *ep)
{
        for (unsigned i = 1; i < MAX_PROCS; i++) {
                struct proc *p = proc_at(i);
                if (!p || !p->alive)
                        continue;
                for (int k = 0; k < MK_MAX_EXT_REGIONS; k++) {
                        const struct ext_region *x = &p->ext[k];
                        if (x->ep != ep)
                                continue;
                        fault_answers_stale(p, x->start, x->end, NULL);
                        if (pt_unmap_range(p->root, x->start, x->end, NULL, NULL))
                                tlb_shoot_asid(p);
                }
        }
}

void xpager_wait_add(struct thread *t)
{
        t->fault_wait_next = fault_waiters;
        fault_waiters = t;
}

void xpager_wait_remove(struct thread *t)
{
        for (struct thread **pp = &fault_waiters; *pp; pp = &(*pp)->fault_wait_next) {
                if (*pp == t) {
                        *pp = t->fault_wait_next;
                        return;
                }
        }
}

void ext_fault_timeouts(uint64_t now)
{
        for (struct thread **pp = &fault_waiters; *pp;) {
                struct thread *t = *pp;
                if (now < t->fault_deadline) {
                        pp = &t->fault_wait_next;
                        continue;
                }
                *pp = t->fault_wait_next;
                ipc_fault_timeout(t);
        }
}
