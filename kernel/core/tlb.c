// SPDX-License-Identifier: MIT
// TLB shootdown (kernel/tlb.h, docs/smp.md "TLB shootdown"). The request
// lives on the caller's stack: smp_call waits until the target has run it
// (or cancels it, so it never runs after the caller has gone).
#include <kernel/arch.h>
#include <kernel/proc.h>
#include <kernel/smp.h>
#include <kernel/tlb.h>

struct tlb_req {
        unsigned asid;
        bool all, kernel;
        unsigned n;
        const vaddr_t *va; // kernel: first page; else the pages
};

static void tlb_call(void *arg)
{
        const struct tlb_req *r = arg;
        if (r->kernel) {
                for (unsigned i = 0; i < r->n; i++)
                        arch_tlb_flush_page(r->va[0] + (vaddr_t)i * PAGE_SIZE);
        } else if (r->all) {
                arch_tlb_flush_asid(r->asid);
        } else {
                for (unsigned i = 0; i < r->n; i++)
                        arch_tlb_flush_user_page(r->asid, r->va[i]);
        }
}

// The CPUs but this one that may cache p's translations: where an arch
// drops them on every switch of root, those with p's root loaded now; else
// those that ever loaded it (switch_to keeps the mask).
static uint32_t others(const struct proc *p)
{
        uint32_t me = 1u << this_cpu()->id;
#if ARCH_TLB_SWITCH_FLUSHES
        uint32_t m = 0;
        if (ncpus > 1)
                for (unsigned i = 0; i < ncpus; i++)
                        if (cpus[i].active == p)
                                m |= 1u << i;
        return m & ~me;
#else
        return p->tlb_cpus & ~me;
#endif
}

// Runs r on every CPU of mask but this one.
static void send(uint32_t mask, struct tlb_req *r)
{
        struct cpu *me = this_cpu();
        mask &= ~(1u << me->id);
        for (unsigned i = 0; mask && i < ncpus; i++) {
                if (!(mask & (1u << i)) || cpus[i].state != CPU_UP)
                        continue;
                // A CPU that does not answer within 1 s is marked failed by
                // smp_call (it runs nothing any more).
                smp_call(&cpus[i], tlb_call, r);
                me->tlb_calls++;
        }
}

void tlb_batch_add(struct tlb_batch *b, vaddr_t va)
{
        arch_tlb_flush_user_page(b->p->asid, va);
        if (b->n < TLB_BATCH_MAX)
                b->va[b->n++] = va;
        else
                b->all = true;
}

void tlb_batch_finish(struct tlb_batch *b)
{
        uint32_t m;
        if (ARCH_TLB_BROADCAST || !b->n || !(m = others(b->p)))
                return;
        struct tlb_req r = {b->p->asid, b->all, false, b->n, b->va};
        send(m, &r);
        b->n = 0;
        b->all = false;
}

void tlb_shoot_page(struct proc *p, vaddr_t va)
{
        arch_tlb_flush_user_page(p->asid, va);
        uint32_t m;
        if (ARCH_TLB_BROADCAST || !(m = others(p)))
                return;
        struct tlb_req r = {p->asid, false, false, 1, &va};
        send(m, &r);
}

void tlb_shoot_asid(struct proc *p)
{
        arch_tlb_flush_asid(p->asid);
        uint32_t m;
        if (ARCH_TLB_BROADCAST || !(m = others(p)))
                return;
        struct tlb_req r = {p->asid, true, false, 0, NULL};
        send(m, &r);
}

void tlb_shoot_kernel(vaddr_t va, unsigned n)
{
        for (unsigned i = 0; i < n; i++)
                arch_tlb_flush_page(va + (vaddr_t)i * PAGE_SIZE);
        if (ARCH_TLB_BROADCAST || ncpus == 1)
                return;
        struct tlb_req r = {0, false, true, n, &va};
        send(~0u, &r);
}
