// SPDX-License-Identifier: MIT
// The fault path: a user fault (or a kernel copy touching user memory) becomes
// a MK_TAG_FAULT message to the process's pager (or to the external pager of
// the range, xpager.c); the pager's reply maps frames it owns (validated
// here), retries, or ends the process with a reason.
#include <arch/memlayout.h>
#include <arch/trap.h>
#include <kernel/acct.h>
#include <kernel/arch.h>
#include <common/string.h>
#include <kernel/kprintf.h>
#include <kernel/kvm.h>
#include <kernel/proc.h>
#include <kernel/tlb.h>
#include <kernel/pt.h>
#include <mk/errno.h>
#include <mk/layout.h>

// Checks one grant for process p from pager; 0 or a negative error.
static long grant_check(struct proc *pager, struct proc *p, const struct mk_grant *g)
{
        if ((g->va & PAGE_MASK) || g->va < MK_USER_BASE || g->va >= MK_USER_TOP)
                return -EINVAL;
        if ((g->pa & PAGE_MASK) || !(g->perms & MK_PERM_R) || (g->perms & ~(uint64_t)MK_PERM_ALL))
                return -EINVAL;
        if ((g->perms & MK_PERM_W) && (g->perms & MK_PERM_X) && !(p->flags & MK_PROC_ALLOW_WX))
                return -EACCES;
        // Owners are recorded only for frames handed out (and cleared when
        // they come back), so an owner match also means the frame is in use.
        if (frame_owner_get(g->pa) != pager->asid)
                return -EPERM;
        return 0;
}

__attribute__((noinline)) void fault_answers_stale(struct proc *p, uint64_t lo, uint64_t hi,
                                                   const struct thread *except)
{
        for (struct thread *t = p->threads; t; t = t->proc_next) {
                if (!t->in_fault || t == except)
                        continue;
                if (t->stale_lo >= t->stale_hi) {
                        t->stale_lo = lo;
                        t->stale_hi = hi;
                        continue;
                }
                if (lo < t->stale_lo)
                        t->stale_lo = lo;
                if (hi > t->stale_hi)
                        t->stale_hi = hi;
        }
}

// Whether an answer for t grants a page whose mappings changed since t faulted.
static __attribute__((noinline, cold)) bool answer_stale_slow(const struct thread *t,
                                                              const struct mk_grant *g, size_t n)
{
        for (size_t i = 0; i < n; i++)
                if (g[i].va >= t->stale_lo && g[i].va < t->stale_hi)
                        return true;
        return false;
}

// A stale answer is not installed; what is mapped at its pages may be older
// still than the pager's state (the change that made it stale may have been
// a protect that left an old frame mapped), so each of its pages that maps
// another frame than the answer names loses its mapping: the thread's next
// fault there gets an answer from the pager's state as it is now.
static __attribute__((noinline, cold)) void stale_unmap(struct proc *p, const struct mk_grant *g,
                                                        size_t n)
{
        for (size_t i = 0; i < n; i++) {
                paddr_t pa;
                int level;
                if ((g[i].va & PAGE_MASK) || g[i].va < MK_USER_BASE || g[i].va >= MK_USER_TOP ||
                    pt_translate(p->root, g[i].va, &pa, NULL, &level) || level != 0 ||
                    pa == g[i].pa)
                        continue;
                pt_unmap(p->root, g[i].va, NULL, NULL);
                tlb_shoot_page(p, g[i].va);
        }
}

long grant_install(struct proc *pager, struct proc *p, const struct mk_grant *g, size_t n,
                   const struct thread *answered)
{
        if (!p->alive)
                return -ESRCH;
        for (size_t i = 0; i < n; i++) {
                long r = grant_check(pager, p, &g[i]);
                if (r)
                        return r;
        }
        // Mappings of another pager's frames are removed when its frames go
        // back to the system pager (proc.c, release_frames): remember where.
        if (pager != p && pager->pid != MK_PID_SYSTEM_PAGER)
                pager->mapped_into[p->asid / 8] |= (uint8_t)(1u << (p->asid % 8));
        for (size_t i = 0; i < n; i++) {
                unsigned fl = PT_U | PT_R;
                fl |= (g[i].perms & MK_PERM_W) ? PT_W : 0;
                fl |= (g[i].perms & MK_PERM_X) ? PT_X : 0;
                if (g[i].perms & MK_PERM_X) // (before any CPU can fetch from it)
                        arch_icache_sync(g[i].pa);
                // A grant replaces whatever is mapped there (e.g. copy-on-write).
                acct_pt_begin(p); // new tables are charged to p's tree
                int r = pt_map_replace(p->root, g[i].va, g[i].pa, fl);
                acct_pt_end();
                if (r < 0)
                        return r; // -ENOMEM, no table frame (p's limit): earlier grants stay
                if (r)
                        tlb_shoot_page(p, g[i].va);
                if (p->nthreads > 1 || !answered) // (else only the answered one)
                        fault_answers_stale(p, g[i].va, g[i].va + PAGE_SIZE, answered);
        }
        return 0;
}

void fault_msg_build(struct kmsg_hdr *m, const struct fault_info *f)
{
        m->tag = MK_TAG_FAULT;
        fault_msg_encode(m->w, f, current->tid, current->proc->pid);
        m->len = 0;
        m->flags = MK_MSG_KERNEL;
}

long fault_resolve(struct fault_info *f, bool from_user)
{
        struct proc *p = current->proc;
        p->nfaults++;
        const struct ext_region *x = xpager_route(p, f->addr);
        struct endpoint *ep = x ? x->ep : p->pager;
        if (!ep) {
                if (from_user)
                        proc_kill(p, MK_REASON_NOMAP, 0, f);
                return -EFAULT;
        }
        uint64_t deadline;
        if (!xpager_fault_begin(x, f->addr, &deadline)) {
                if (from_user)
                        proc_kill(p, MK_REASON_PAGER_TIMEOUT, 0, f);
                return -EFAULT;
        }
        long r = ipc_fault_call(ep, x ? x->badge : p->pager_badge, f);
        xpager_fault_end(x, f->addr, deadline, r);
        if (r == 0)
                return 0;
        uint64_t reason = r == -EPIPE       ? MK_REASON_PAGER_GONE
                          : r == -ETIMEDOUT ? MK_REASON_PAGER_TIMEOUT
                                            : current->fault_reason;
        if (reason > MK_REASON_MAX || reason == MK_REASON_EXIT)
                reason = MK_REASON_NOMAP;
        if (from_user)
                proc_kill(p, reason, 0, f);
        return -EFAULT;
}

long fault_reply(struct thread *replier, struct thread *c, const struct kmsg *m)
{
        struct mk_grant g[MK_MAX_GRANTS];
        switch (m->tag) {
        case MK_FAULT_MAP: {
                size_t n = 1 + m->len / sizeof(struct mk_grant);
                if (m->len % sizeof(struct mk_grant))
                        return -EINVAL;
                g[0] = (struct mk_grant){m->w[0], m->w[1], m->w[2]};
                memcpy(&g[1], m->buf, m->len);
                // An external pager maps only inside the region it serves.
                if (!xpager_grants_inside(c->fault_range, g, n)) {
                        c->proc->bad_replies++;
                        return -EPERM;
                }
                // Built against state that changed since (the pager may
                // answer after releasing its own locks, and answers of one
                // process's threads may arrive out of order): not installed,
                // the thread faults again if it must.
                if (__builtin_expect(c->stale_lo < c->stale_hi, 0) && answer_stale_slow(c, g, n)) {
                        stale_unmap(c->proc, g, n);
                        c->fault_retried = true;
                        c->ipc_ret = 0;
                        return 0;
                }
                long r = grant_install(replier->proc, c->proc, g, n, c);
                if (r) {
                        c->proc->bad_replies++;
                        return r;
                }
                c->ipc_ret = 0;
                return 0;
        }
        case MK_FAULT_FAIL:
                c->fault_reason = m->w[0];
                c->ipc_ret = -EFAULT;
                return 0;
        case MK_FAULT_RETRY:
                c->fault_retried = true;
                c->ipc_ret = 0;
                return 0;
        default:
                c->proc->bad_replies++;
                return -EINVAL;
        }
}

void user_fault_entry(struct trap_frame *tf, struct fault_info *f)
{
        kernel_enter();
        fault_resolve(f, true);
}

void user_exception_entry(struct trap_frame *tf, const char *what, uint64_t raw, uint64_t reason)
{
        kernel_enter();
        struct fault_info f = {.addr = 0, .ip = tf_ip(tf), .raw0 = raw};
        kprintf("mk: process %u: %s (cause 0x%llx) at ip 0x%llx\n", current->proc->pid, what,
                (unsigned long long)raw, (unsigned long long)f.ip);
        proc_kill(current->proc, reason, 0, &f);
}
