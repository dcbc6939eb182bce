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
        if (ARCH_TLB_BROADCAST || !(b->p->tlb_cpus & ~(1u << this_cpu()->id)) || !b->n)
                return;
        struct tlb_req r = {b->p->asid, b->all, false, b->n, b->va};
        send(b->p->tlb_cpus, &r);
        b->n = 0;
        b->all = false;
}

void tlb_shoot_page(struct proc *p, vaddr_t va)
{
        arch_tlb_flush_user_page(p->asid, va);
        if (ARCH_TLB_BROADCAST || !(p->tlb_cpus & ~(1u << this_cpu()->id)))
                return;
        struct tlb_req r = {p->asid, false, false, 1, &va};
        send(p->tlb_cpus, &r);
}

void tlb_shoot_asid(struct proc *p)
{
        arch_tlb_flush_asid(p->asid);
        if (ARCH_TLB_BROADCAST || !(p->tlb_cpus & ~(1u << this_cpu()->id)))
                return;
        struct tlb_req r = {p->asid, true, false, 0, NULL};
        send(p->tlb_cpus, &r);
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
