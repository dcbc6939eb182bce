// SPDX-License-Identifier: MIT
// TLB shootdown (kernel/core/tlb.c, docs/smp.md "TLB shootdown"). After a
// mapping of p is removed or its rights reduced, these make sure no CPU can
// use the old translation once they return: the calling CPU flushes at once,
// and every other CPU that may cache p's translations (p->tlb_cpus) is
// asked by a cross-call and has flushed before the call returns. Arches
// whose flush instructions reach every CPU (aarch64's TLBI ...IS) send none.
// Call with the kernel lock held.
#pragma once
#include <common/types.h>

struct proc;

#define TLB_BATCH_MAX 16 // pages named one by one; more flush the whole ASID

struct tlb_batch {
        struct proc *p;
        unsigned n;
        bool all;
        vaddr_t va[TLB_BATCH_MAX];
};

static inline void tlb_batch_init(struct tlb_batch *b, struct proc *p)
{
        b->p = p;
        b->n = 0;
        b->all = false;
}
// One page of b->p changed: flushed here now, elsewhere by tlb_batch_finish.
void tlb_batch_add(struct tlb_batch *b, vaddr_t va);
void tlb_batch_finish(struct tlb_batch *b);

void tlb_shoot_page(struct proc *p, vaddr_t va);
void tlb_shoot_asid(struct proc *p); // every translation of p
// Kernel mappings [va, va + n pages) changed: every CPU flushes them.
void tlb_shoot_kernel(vaddr_t va, unsigned n);
