// SPDX-License-Identifier: MIT
// Kernel object memory. Small objects: power-of-two size classes from 32 bytes
// to a page, each a free list refilled one frame at a time (objects live in
// the direct map). Kernel stacks: slots in the scratch area, each
// KSTACK_SIZE of mapped frames above an unmapped guard page.
#include <arch/memlayout.h>
#include <kernel/arch.h>
#include <kernel/kalloc.h>
#include <kernel/tlb.h>
#include <common/string.h>
#include <kernel/kvm.h>
#include <kernel/pt.h>

#define MIN_SHIFT 5
#define NCLASSES  (PAGE_SHIFT - MIN_SHIFT + 1)

struct free_obj {
        struct free_obj *next;
};

static struct free_obj *free_lists[NCLASSES];

static int size_class(size_t size)
{
        int c = 0;
        while (((size_t)1 << (c + MIN_SHIFT)) < size)
                c++;
        return c;
}

void *kalloc(size_t size)
{
        if (size == 0 || size > PAGE_SIZE)
                return NULL;
        int c = size_class(size);
        size_t osz = (size_t)1 << (c + MIN_SHIFT);
        if (!free_lists[c]) {
                paddr_t pa = frame_alloc(&kframes);
                if (pa == FRAME_NONE)
                        return NULL;
                uint8_t *page = phys_to_virt(pa);
                for (size_t off = 0; off < PAGE_SIZE; off += osz) {
                        struct free_obj *o = (struct free_obj *)(page + off);
                        o->next = free_lists[c];
                        free_lists[c] = o;
                }
        }
        struct free_obj *o = free_lists[c];
        free_lists[c] = o->next;
        memset(o, 0, osz);
        return o;
}

void kfree(void *p, size_t size)
{
        if (!p)
                return;
        int c = size_class(size);
        struct free_obj *o = p;
        o->next = free_lists[c];
        free_lists[c] = o;
}

// Kernel stacks live in the upper half of the scratch area.
#define KSTACK_AREA (KSCRATCH_BASE + KSCRATCH_SIZE / 2)
#define KSTACK_SLOT (KSTACK_SIZE + PAGE_SIZE)

static uint8_t slot_used[KSTACK_SLOTS];

void *kstack_alloc(void)
{
        for (unsigned s = 0; s < KSTACK_SLOTS; s++) {
                if (slot_used[s])
                        continue;
                vaddr_t base = KSTACK_AREA + (vaddr_t)s * KSTACK_SLOT + PAGE_SIZE;
                for (vaddr_t va = base; va < base + KSTACK_SIZE; va += PAGE_SIZE) {
                        paddr_t pa = frame_alloc(&kframes);
                        if (pa == FRAME_NONE ||
                            pt_map(kernel_root, va, pa, 0, PT_R | PT_W | PT_G)) {
                                if (pa != FRAME_NONE)
                                        frame_free(&kframes, pa);
                                for (vaddr_t v = base; v < va; v += PAGE_SIZE) {
                                        paddr_t old;
                                        if (pt_unmap(kernel_root, v, &old, NULL) == 0)
                                                frame_free(&kframes, old);
                                        arch_tlb_flush_page(v);
                                }
                                return NULL;
                        }
                }
                slot_used[s] = 1;
                return (void *)(base + KSTACK_SIZE);
        }
        return NULL;
}

void kstack_free(void *top)
{
        vaddr_t base = (vaddr_t)top - KSTACK_SIZE;
        unsigned s = (base - PAGE_SIZE - KSTACK_AREA) / KSTACK_SLOT;
        for (vaddr_t va = base; va < base + KSTACK_SIZE; va += PAGE_SIZE) {
                paddr_t pa;
                if (pt_unmap(kernel_root, va, &pa, NULL) == 0)
                        frame_free(&kframes, pa);
        }
        tlb_shoot_kernel(base, KSTACK_SIZE / PAGE_SIZE);
        if (s < KSTACK_SLOTS)
                slot_used[s] = 0;
}
