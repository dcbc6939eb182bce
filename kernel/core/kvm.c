// SPDX-License-Identifier: MIT
// The kernel address space, built with the generic walker (kernel/pt.h):
//   direct map   DIRECT_MAP_BASE + pa  for every RAM range, RW, no exec
//   kernel image text RX, rodata R, data+bss RW (its own addresses)
//   devices      DIRECT_MAP_BASE + pa  for arch_mmio_ranges(), device memory
#include <arch/memlayout.h>
#include <kernel/acct.h>
#include <kernel/arch.h>
#include <common/string.h>
#include <kernel/kprintf.h>
#include <kernel/kvm.h>
#include <kernel/pt.h>
#include <mk/errno.h>

extern char __kernel_start[], __text_end[], __data_start[], __kernel_end[];

struct frame_alloc kframes;
paddr_t kernel_root;

paddr_t pt_table_alloc(void)
{
        if (!acct_pt_charge()) // over the kernel-memory limit of a grant's target
                return 0;
        paddr_t pa = frame_alloc(&kframes);
        if (pa == FRAME_NONE) {
                acct_pt_uncharge();
                return 0;
        }
        memset(phys_to_virt(pa), 0, PAGE_SIZE);
        return pa;
}

void pt_table_free(paddr_t pa)
{
        frame_free(&kframes, pa);
}

pte_t *(pt_table_virt)(paddr_t pa)
{
        return phys_to_virt(pa);
}

void kmem_init(const struct memmap *m)
{
        uint64_t bytes = ALIGN_UP(frame_bitmap_bytes(m), PAGE_SIZE);
        for (size_t i = 0; i < m->n; i++) {
                const struct mem_range *r = &m->r[i];
                if (r->type != MEM_USABLE || r->size < bytes || r->base == 0)
                        continue;
                frame_init(&kframes, m, phys_to_virt(r->base));
                frame_reserve(&kframes, r->base, bytes);
                return;
        }
        panic("kmem: no usable range can hold the %llu-byte frame bitmap",
              (unsigned long long)bytes);
}

static void map_or_panic(vaddr_t va, paddr_t pa, uint64_t len, unsigned flags, const char *what)
{
        int r = pt_map_range(kernel_root, va, pa, len, flags);
        if (r)
                panic("kvm: mapping %s [0x%llx, +0x%llx) failed: %s", what, (unsigned long long)pa,
                      (unsigned long long)len, err_name(r));
}

// Maps a span of RAM into the direct map, leaving out the kernel image when
// the image lives in the direct map (it gets its own permissions).
static void map_ram_span(paddr_t lo, paddr_t hi, paddr_t klo, paddr_t khi)
{
        const unsigned rw = PT_R | PT_W | PT_G;
        if (KERNEL_IN_DIRECT_MAP && klo < hi && khi > lo) {
                if (lo < klo)
                        map_or_panic((vaddr_t)phys_to_virt(lo), lo, klo - lo, rw, "RAM");
                if (khi < hi)
                        map_or_panic((vaddr_t)phys_to_virt(khi), khi, hi - khi, rw, "RAM");
                return;
        }
        map_or_panic((vaddr_t)phys_to_virt(lo), lo, hi - lo, rw, "RAM");
}

static void map_image_part(char *start, char *end, unsigned flags, const char *what)
{
        vaddr_t s = ALIGN_DOWN((vaddr_t)start, PAGE_SIZE), e = ALIGN_UP((vaddr_t)end, PAGE_SIZE);
        if (e > s)
                map_or_panic(s, arch_kimage_to_phys(s), e - s, flags, what);
}

void kvm_init(const struct memmap *m)
{
        kernel_root = pt_table_alloc();
        if (!kernel_root)
                panic("kvm: no frame for the kernel root table");
        paddr_t klo = arch_kimage_to_phys(ALIGN_DOWN((vaddr_t)__kernel_start, PAGE_SIZE));
        paddr_t khi = arch_kimage_to_phys(ALIGN_UP((vaddr_t)__kernel_end, PAGE_SIZE) - 1) + 1;

        // Coalesce RAM ranges rounded out to pages, then map each span.
        paddr_t lo = 0, hi = 0;
        for (size_t i = 0; i < m->n; i++) {
                const struct mem_range *r = &m->r[i];
                if (!mem_type_is_ram(r->type))
                        continue;
                paddr_t b = ALIGN_DOWN(r->base, PAGE_SIZE);
                paddr_t e = ALIGN_UP(r->base + r->size, PAGE_SIZE);
                if (hi && b <= hi) {
                        hi = MAX(hi, e);
                        continue;
                }
                if (hi)
                        map_ram_span(lo, hi, klo, khi);
                lo = b;
                hi = e;
        }
        if (hi)
                map_ram_span(lo, hi, klo, khi);

        map_image_part(__kernel_start, __text_end, PT_R | PT_X | PT_G, "kernel text");
        map_image_part(__text_end, __data_start, PT_R | PT_G, "kernel rodata");
        map_image_part(__data_start, __kernel_end, PT_R | PT_W | PT_G, "kernel data");

        size_t n;
        const struct mem_range *dev = arch_mmio_ranges(&n);
        for (size_t i = 0; i < n; i++) {
                paddr_t b = ALIGN_DOWN(dev[i].base, PAGE_SIZE);
                paddr_t e = ALIGN_UP(dev[i].base + dev[i].size, PAGE_SIZE);
                map_or_panic((vaddr_t)phys_to_virt(b), b, e - b, PT_R | PT_W | PT_G | PT_DEVICE,
                             "device");
        }
        // Create the scratch area's top-level entry now: user roots copy the
        // kernel half's top-level entries when they are made.
        paddr_t probe = pt_table_alloc();
        if (!probe ||
            pt_map(kernel_root, KSCRATCH_BASE + KSCRATCH_SIZE - PAGE_SIZE, probe, 0, PT_R | PT_G) ||
            pt_unmap(kernel_root, KSCRATCH_BASE + KSCRATCH_SIZE - PAGE_SIZE, NULL, NULL))
                panic("kvm: cannot create the scratch area tables");
        pt_table_free(probe);
        arch_mmu_set_kernel_root(kernel_root);
}
