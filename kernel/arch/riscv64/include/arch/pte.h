// SPDX-License-Identifier: MIT
// Sv39 page-table entries behind the generic walker (kernel/include/kernel/pt.h).
// Host-compilable: no inline asm, no kernel headers but types.h and pt.h. The
// bit constants are also used by the boot assembly (early page table).
//
//   63  62-61 60-54 53                   10 9-8 7 6 5 4 3 2 1 0
//   +--+-----+-----+-----------------------+---+-+-+-+-+-+-+-+-+
//   |N | PBMT| 0   | PPN (44 bits)         |RSW|D|A|G|U|X|W|R|V|
//   +--+-----+-----+-----------------------+---+-+-+-+-+-+-+-+-+
//
// A valid entry with any of R/W/X is a leaf (4 KiB, 2 MiB or 1 GiB page);
// with none it points to the next table. W without R is reserved.
#pragma once

#define PT_LEVELS 3

#define PTE_V 0x001 // valid
#define PTE_R 0x002 // readable
#define PTE_W 0x004 // writable
#define PTE_X 0x008 // executable
#define PTE_U 0x010 // user accessible
#define PTE_G 0x020 // global
#define PTE_A 0x040 // accessed
#define PTE_D 0x080 // dirty

#define PTE_PPN_SHIFT 10

#ifndef __ASSEMBLER__
#include <common/types.h>
#include <kernel/pt.h>

#define PTE_LEAF_MASK (PTE_R | PTE_W | PTE_X)
#define PTE_PPN_MASK  (((uint64_t)1 << 44) - 1)

// Whether the entry is valid.
static inline bool pte_present(pte_t e)
{
        return (e & PTE_V) != 0;
}

// A valid entry without R/W/X points to a table; level-0 entries never do.
static inline bool pte_is_table(pte_t e, int level)
{
        return level > 0 && (e & PTE_V) && !(e & PTE_LEAF_MASK);
}

// Sv39 allows leaves at every level: 4 KiB, 2 MiB and 1 GiB pages.
static inline bool pte_leaf_allowed(int level)
{
        return level >= 0 && level < PT_LEVELS;
}

// The physical address the entry points to (table or page).
static inline paddr_t pte_paddr(pte_t e)
{
        return ((e >> PTE_PPN_SHIFT) & PTE_PPN_MASK) << PAGE_SHIFT;
}

// Entry pointing to a next-level table at pa.
static inline pte_t pte_make_table(paddr_t pa)
{
        return ((pa >> PAGE_SHIFT) << PTE_PPN_SHIFT) | PTE_V;
}

// Leaf entry for pa with PT_* flags. Every leaf is readable (as on the other
// arches: a mapping can always be read), A and D are preset so the hardware
// never faults to set them, user leaves are never global. PT_DEVICE has no
// Sv39 encoding without Svpbmt and is ignored.
static inline pte_t pte_make_leaf(paddr_t pa, unsigned flags, int level)
{
        pte_t e = ((pa >> PAGE_SHIFT) << PTE_PPN_SHIFT) | PTE_V | PTE_R | PTE_A | PTE_D;

        (void)level;
        if (flags & PT_W)
                e |= PTE_W;
        if (flags & PT_X)
                e |= PTE_X;
        if (flags & PT_U)
                e |= PTE_U;
        else if (flags & PT_G)
                e |= PTE_G;
        return e;
}

// PT_* flags of a leaf entry.
static inline unsigned pte_flags(pte_t e, int level)
{
        unsigned f = 0;

        (void)level;
        if (e & PTE_R)
                f |= PT_R;
        if (e & PTE_W)
                f |= PT_W | PT_R;
        if (e & PTE_X)
                f |= PT_X;
        if (e & PTE_U)
                f |= PT_U;
        if (e & PTE_G)
                f |= PT_G;
        return f;
}
#endif
