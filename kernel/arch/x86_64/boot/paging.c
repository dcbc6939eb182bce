// SPDX-License-Identifier: MIT
// The loader's early page tables (4-level paging). The kernel replaces them
// with its own as soon as it can; until then they provide:
//
//   PML4[0 ..]    identity map of [0, phys_top)      } one shared set of PDPTs,
//   PML4[256 ..]  DIRECT_MAP_BASE + [0, phys_top)    } 1 GiB or 2 MiB leaves
//   PML4[511]     KERNEL_VBASE.. -> kernel_phys      4 KiB leaves
//
// Every entry is present, writable, executable and write-back cacheable (the
// MTRRs still make MMIO uncached). All tables come from one LoaderData pool.
#include <arch/memlayout.h>
#include "cpu.h"
#include "loader.h"

#define X86_PTE_P    (1ull << 0) // present
#define X86_PTE_W    (1ull << 1) // writable
#define X86_PTE_PS   (1ull << 7) // in a PDPT or PD entry: a 1 GiB or 2 MiB leaf
#define X86_PTE_ADDR 0x000ffffffffff000ull

#define X86_PT_ENTRIES          512
#define X86_PT_SHIFT            12 // virtual-address shift of each level's index
#define X86_PD_SHIFT            21
#define X86_PDPT_SHIFT          30
#define X86_PML4_SHIFT          39
#define X86_PT_INDEX(va, shift) (((va) >> (shift)) & (X86_PT_ENTRIES - 1))

#define SIZE_2M (1ull << X86_PD_SHIFT)
#define SIZE_1G (1ull << X86_PDPT_SHIFT)

#define DIRECT_MAP_PML4 X86_PT_INDEX(DIRECT_MAP_BASE, X86_PML4_SHIFT)

typedef uint64_t pte_t;

static pte_t *pool; // table pages, handed out in order
static uint64_t pool_used, pool_pages;

// Returns a fresh zeroed table from the pool (sized by paging_build).
static pte_t *table_alloc(void)
{
        if (pool_used == pool_pages)
                loader_fail("page-table pool exhausted (%llu pages)", pool_pages);
        return pool + X86_PT_ENTRIES * pool_used++;
}

// Returns the table that entry `i` of `t` points to, creating it if absent.
static pte_t *table_next(pte_t *t, unsigned i)
{
        if (!(t[i] & X86_PTE_P))
                t[i] = (uint64_t)(uintptr_t)table_alloc() | X86_PTE_P | X86_PTE_W;
        return (pte_t *)(uintptr_t)(t[i] & X86_PTE_ADDR);
}

// Number of aligned 2^shift blocks that [va, va + size) touches (size > 0).
static uint64_t blocks(uint64_t va, uint64_t size, unsigned shift)
{
        return ((va + (size - 1)) >> shift) - (va >> shift) + 1;
}

// Whether the CPU supports 1 GiB pages.
static int cpu_has_1g_pages(void)
{
        uint32_t r[4];
        if (cpuid_max_ext() < CPUID_EXT_FEATURES)
                return 0;
        cpuid(CPUID_EXT_FEATURES, r);
        return (r[3] & CPUID_EXT_EDX_PAGE1G) != 0;
}

// Maps [0, top) (a multiple of 1 GiB) under PML4 entries 0.. with large
// leaves and points the direct-map PML4 entries at the same PDPTs.
static void map_low(pte_t *pml4, uint64_t top, int big)
{
        for (uint64_t pa = 0; pa < top; pa += big ? SIZE_1G : SIZE_2M) {
                pte_t *pdpt = table_next(pml4, X86_PT_INDEX(pa, X86_PML4_SHIFT));
                pte_t leaf = pa | X86_PTE_P | X86_PTE_W | X86_PTE_PS;
                if (big) {
                        pdpt[X86_PT_INDEX(pa, X86_PDPT_SHIFT)] = leaf;
                        continue;
                }
                pte_t *pd = table_next(pdpt, X86_PT_INDEX(pa, X86_PDPT_SHIFT));
                pd[X86_PT_INDEX(pa, X86_PD_SHIFT)] = leaf;
        }
        for (uint64_t i = 0; i < blocks(0, top, X86_PML4_SHIFT); i++)
                pml4[DIRECT_MAP_PML4 + i] = pml4[i];
}

// Maps [va, va + size) to [pa, pa + size) with 4 KiB pages (all page-aligned).
static void map_4k(pte_t *pml4, uint64_t va, uint64_t pa, uint64_t size)
{
        for (uint64_t off = 0; off < size; off += LOADER_PAGE_SIZE) {
                uint64_t v = va + off;
                pte_t *pdpt = table_next(pml4, X86_PT_INDEX(v, X86_PML4_SHIFT));
                pte_t *pd = table_next(pdpt, X86_PT_INDEX(v, X86_PDPT_SHIFT));
                pte_t *pt = table_next(pd, X86_PT_INDEX(v, X86_PD_SHIFT));
                pt[X86_PT_INDEX(v, X86_PT_SHIFT)] = (pa + off) | X86_PTE_P | X86_PTE_W;
        }
}

// Builds the early page tables (see loader.h) and returns the PML4 address.
uint64_t paging_build(uint64_t phys_top, uint64_t kernel_virt, uint64_t kernel_phys,
                      uint64_t kernel_size)
{
        int big = cpu_has_1g_pages();
        uint64_t top;

        // CR4.LA57 cannot change while paging is on: 4-level tables only work
        // if the firmware runs 4-level paging.
        if (read_cr4() & X86_CR4_LA57)
                loader_fail("the firmware uses 5-level paging; the kernel needs 4-level");
        if (phys_top > DIRECT_MAP_SIZE)
                loader_fail("physical memory ends at 0x%llx, beyond the direct map", phys_top);
        top = (phys_top + SIZE_1G - 1) & ~(SIZE_1G - 1);
        if (top < 4 * SIZE_1G)
                top = 4 * SIZE_1G;
        // Worst case: PML4, PDPTs (+ PDs) of the low map, and one PDPT, PD
        // and PT per block touched by the kernel span.
        pool_pages = 1 + blocks(0, top, X86_PML4_SHIFT) + (big ? 0 : top / SIZE_1G) +
                     blocks(kernel_virt, kernel_size, X86_PML4_SHIFT) +
                     blocks(kernel_virt, kernel_size, X86_PDPT_SHIFT) +
                     blocks(kernel_virt, kernel_size, X86_PD_SHIFT);
        pool = alloc_pages(pool_pages * LOADER_PAGE_SIZE, EfiLoaderData, "page tables");
        pool_used = 0;

        pte_t *pml4 = table_alloc();
        map_low(pml4, top, big);
        map_4k(pml4, kernel_virt, kernel_phys, kernel_size);
        con_printf("loader: page tables: identity + direct map of %llu GiB (%s pages), "
                   "kernel 0x%llx -> 0x%llx, %llu table pages\n",
                   top / SIZE_1G, big ? "1 GiB" : "2 MiB", kernel_virt, kernel_phys, pool_used);
        return (uint64_t)(uintptr_t)pml4;
}
