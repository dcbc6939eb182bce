// SPDX-License-Identifier: MIT
// AArch64 stage-1 translation table entries, 4 KiB granule, 48-bit VAs
// (see kernel/include/kernel/pt.h for the contract). pt.h level n is the
// Arm "level 3 - n": pt level 3 = Arm L0 (tables only), 2 = L1 (1 GiB
// blocks), 1 = L2 (2 MiB blocks), 0 = L3 (4 KiB pages).
//
//   63   55 54  53  52   51       48 47                   12 11 10  9 8  7 6  5  4   2  1  0
//  +-------+---+---+----+-----------+-----------------------+--+--+----+----+--+------+--+--+
//  |  sw   |UXN|PXN|Cont|    res0   |  output address [47:12]|nG|AF| SH | AP |NS|AttrIx|T |V |
//  +-------+---+---+----+-----------+-----------------------+--+--+----+----+--+------+--+--+
//  T/V: 0b11 = table (levels 3..1) or page (level 0); 0b01 = block (levels 2, 1).
//  AP[2:1]: bit 7 = read-only, bit 6 = EL0 accessible.
//
// Policy: every leaf is inner-shareable with AF set (no access-flag faults);
// user leaves are non-global and never executable at EL1 (PXN); kernel leaves
// are never executable at EL0 (UXN); PT_X clears the other XN bit. Device
// leaves are never executable. EL1 can always read a valid leaf, so pte_flags
// always reports PT_R; a user leaf is always non-global, whatever PT_G says.
//
// Host-compilable: the C part includes nothing but kernel/types.h and
// kernel/pt.h. The constants are also used by assembly (early boot tables).
#pragma once

#ifdef __ASSEMBLER__
#define PTE_BIT(n) (1 << (n))
#else
#define PTE_BIT(n) ((uint64_t)1 << (n))
#endif

#define PT_LEVELS 4

// MAIR_EL1 attribute indices (the attribute bytes are in arch/sysreg.h).
#define PTE_MAIR_NORMAL 0
#define PTE_MAIR_DEVICE 1

#define PTE_VALID          PTE_BIT(0)
#define PTE_DESC_MASK      3
#define PTE_DESC_BLOCK     1 // levels 2 and 1
#define PTE_DESC_TABLE     3 // levels 3..1
#define PTE_DESC_PAGE      3 // level 0
#define PTE_ATTRINDX_SHIFT 2
#define PTE_ATTRINDX_MASK  (7 << PTE_ATTRINDX_SHIFT)
#define PTE_ATTR_NORMAL    (PTE_MAIR_NORMAL << PTE_ATTRINDX_SHIFT)
#define PTE_ATTR_DEVICE    (PTE_MAIR_DEVICE << PTE_ATTRINDX_SHIFT)
#define PTE_AP_EL0         PTE_BIT(6) // AP[1]: accessible from EL0
#define PTE_AP_RO          PTE_BIT(7) // AP[2]: read-only
#define PTE_SH_INNER       (3 << 8)   // inner shareable
#define PTE_AF             PTE_BIT(10)
#define PTE_NG             PTE_BIT(11)
#define PTE_PXN            PTE_BIT(53)
#define PTE_UXN            PTE_BIT(54)

// Early boot blocks (head.S): kernel RWX normal memory and device memory.
#define PTE_BOOT_NORMAL_BLOCK (PTE_DESC_BLOCK | PTE_ATTR_NORMAL | PTE_SH_INNER | PTE_AF | PTE_UXN)
#define PTE_BOOT_DEVICE_BLOCK                                                                      \
        (PTE_DESC_BLOCK | PTE_ATTR_DEVICE | PTE_SH_INNER | PTE_AF | PTE_UXN | PTE_PXN)

#ifndef __ASSEMBLER__
#include <common/types.h>
#include <kernel/pt.h>

#define PTE_ADDR_MASK (((uint64_t)1 << 48) - PAGE_SIZE) // bits 47:12

// Whether the entry is valid.
static inline bool pte_present(pte_t e)
{
        return (e & PTE_VALID) != 0;
}

// Whether a valid entry at `level` points to a next-level table (at level 0
// the same encoding is a page).
static inline bool pte_is_table(pte_t e, int level)
{
        return level > 0 && (e & PTE_DESC_MASK) == PTE_DESC_TABLE;
}

// Leaves: pages at level 0, blocks at levels 1 (2 MiB) and 2 (1 GiB).
static inline bool pte_leaf_allowed(int level)
{
        return level >= 0 && level <= 2;
}

// Output address of a table, block or page entry.
static inline paddr_t pte_paddr(pte_t e)
{
        return e & PTE_ADDR_MASK;
}

// A table entry pointing at the table at pa (no hierarchical restrictions).
static inline pte_t pte_make_table(paddr_t pa)
{
        return (pa & PTE_ADDR_MASK) | PTE_DESC_TABLE;
}

// A page (level 0) or block (levels 1, 2) entry mapping pa with PT_* flags.
static inline pte_t pte_make_leaf(paddr_t pa, unsigned flags, int level)
{
        pte_t e = (pa & PTE_ADDR_MASK) | PTE_AF | PTE_SH_INNER;
        e |= level == 0 ? PTE_DESC_PAGE : PTE_DESC_BLOCK;
        e |= (flags & PT_DEVICE) ? PTE_ATTR_DEVICE : PTE_ATTR_NORMAL;
        if (!(flags & PT_W))
                e |= PTE_AP_RO;
        if (flags & PT_U) {
                e |= PTE_AP_EL0 | PTE_PXN | PTE_NG;
                if (!(flags & PT_X))
                        e |= PTE_UXN;
        } else {
                e |= PTE_UXN;
                if (!(flags & PT_X))
                        e |= PTE_PXN;
                if (!(flags & PT_G))
                        e |= PTE_NG;
        }
        if (flags & PT_DEVICE)
                e |= PTE_UXN | PTE_PXN;
        return e;
}

// PT_* flags of a leaf entry (see the policy above for what cannot round-trip).
static inline unsigned pte_flags(pte_t e, int level)
{
        (void)level;
        unsigned f = PT_R;
        if (!(e & PTE_AP_RO))
                f |= PT_W;
        if (e & PTE_AP_EL0) {
                f |= PT_U;
                if (!(e & PTE_UXN))
                        f |= PT_X;
        } else if (!(e & PTE_PXN)) {
                f |= PT_X;
        }
        if (!(e & PTE_NG))
                f |= PT_G;
        if ((e & PTE_ATTRINDX_MASK) == PTE_ATTR_DEVICE)
                f |= PT_DEVICE;
        return f;
}
#endif
