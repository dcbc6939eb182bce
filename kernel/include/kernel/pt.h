// SPDX-License-Identifier: MIT
// Generic page-table walker. Every supported MMU format is a radix tree of
// 4 KiB tables holding 512 64-bit entries, 9 VA bits per level:
//
//   level:      3 (x86_64, aarch64 only)  2            1            0
//   VA bits:    47..39                    38..30       29..21       20..12   11..0
//   leaf size:  -                         1 GiB        2 MiB        4 KiB    offset
//
// The entry format lives behind <arch/pte.h>, which each arch provides as
// static inline functions (so the walker builds for the host too, once per
// format, and is tested there):
//
//   PT_LEVELS                     number of levels (4, or 3 for Sv39)
//   pte_present(e)                entry is valid
//   pte_is_table(e, level)        valid entry pointing to a next-level table
//   pte_leaf_allowed(level)       a leaf (page/block) may sit at this level
//   pte_paddr(e)                  physical address in the entry
//   pte_make_table(pa)            entry pointing to a table at pa
//   pte_make_leaf(pa, flags, lvl) leaf entry with PT_* flags
//   pte_flags(e, level)           PT_* flags of a leaf entry
//
// The walker never flushes TLBs: callers do (arch_tlb_flush_page).
#pragma once
#include <common/types.h>

typedef uint64_t pte_t;

// Portable permission and attribute flags of a mapping.
#define PT_R      (1u << 0) // readable
#define PT_W      (1u << 1) // writable (implies readable)
#define PT_X      (1u << 2) // executable
#define PT_U      (1u << 3) // user accessible
#define PT_G      (1u << 4) // global (not flushed on address-space switch)
#define PT_DEVICE (1u << 5) // device memory (uncached, strongly ordered)

#define PT_ENTRIES        512
#define PT_LEVEL_SHIFT(l) (PAGE_SHIFT + 9 * (l))
#define PT_LEVEL_SIZE(l)  ((uint64_t)1 << PT_LEVEL_SHIFT(l))
#define PT_INDEX(va, l)   (((va) >> PT_LEVEL_SHIFT(l)) & (PT_ENTRIES - 1))

// Provided by the user of the walker (the kernel, or a host test):
// a zeroed 4 KiB table frame (0 if none left), freeing one, and access to a
// table through its physical address.
paddr_t pt_table_alloc(void);
void pt_table_free(paddr_t pa);
pte_t *pt_table_virt(paddr_t pa);

// Maps one page of size PT_LEVEL_SIZE(level) at va -> pa. Fails with -EINVAL
// on misalignment or a level that cannot hold a leaf, -EEXIST if something is
// mapped there already, -ENOMEM if a table cannot be allocated.
int pt_map(paddr_t root, vaddr_t va, paddr_t pa, int level, unsigned flags);

// Maps one 4 KiB page at va -> pa, replacing whatever 4 KiB page was mapped
// there (one walk). Returns 1 if a page was replaced (the caller flushes the
// TLB), 0 if none was, or -ENOMEM / -EEXIST (a larger page covers va).
int pt_map_replace(paddr_t root, vaddr_t va, paddr_t pa, unsigned flags);

// Maps [va, va+len) -> [pa, pa+len) using the largest pages alignment allows.
// On failure nothing stays mapped of what this call mapped.
int pt_map_range(paddr_t root, vaddr_t va, paddr_t pa, uint64_t len, unsigned flags);

// Unmaps the leaf covering va, which must start at va. Stores the old physical
// address and level if asked. -ENOENT if nothing is mapped there, -EINVAL if a
// larger page covers va but does not start at it.
int pt_unmap(paddr_t root, vaddr_t va, paddr_t *pa_out, int *level_out);

// Unmaps every 4 KiB leaf in [lo, hi) (lower half), skipping absent tables;
// calls cb with each leaf's va and frame (cb may be NULL). Returns the count.
// Larger leaves in the range are left alone.
uint64_t pt_unmap_range(paddr_t root, vaddr_t lo, vaddr_t hi,
                        void (*cb)(void *ctx, vaddr_t va, paddr_t pa), void *ctx);

// Unmaps every 4 KiB leaf in [lo, hi) whose frame `match` accepts; returns
// the count (the caller flushes the TLB).
uint64_t pt_unmap_matching(paddr_t root, vaddr_t lo, vaddr_t hi,
                           bool (*match)(void *ctx, paddr_t pa), void *ctx);

// Translates va. Returns 0 and the physical address (with the page offset),
// the leaf's flags and level, or -ENOENT if va is not mapped.
int pt_translate(paddr_t root, vaddr_t va, paddr_t *pa_out, unsigned *flags_out, int *level_out);

// Frees every table below root in the VA range [lo, hi) (not the leaves'
// frames, not root). Used when an address space dies.
void pt_free_tables(paddr_t root, vaddr_t lo, vaddr_t hi);
