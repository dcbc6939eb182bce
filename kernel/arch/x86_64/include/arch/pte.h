// SPDX-License-Identifier: MIT
// x86_64 4-level page-table entries (Intel SDM vol. 3, 4.5), for the generic
// walker in kernel/lib/pt.c. Host-compilable: no inline asm, no kernel headers.
//
//   63  62..52  51 ............ 12  11..9  8  7   6  5  4   3   2  1  0
//   NX  avail   physical address     avail  G  PS  D  A  PCD PWT US RW P
//
// Levels: 3 = PML4, 2 = PDPT, 1 = PD, 0 = PT. PS at level 2 or 1 makes the
// entry a 1 GiB or 2 MiB leaf; at level 0 bit 7 is PAT (never set here).
// Table entries are present + writable + user: the leaf decides the rights.
//
// Leaf sizes: pte_is_table()/pte_flags() understand 1 GiB leaves (so tables
// made by others decode correctly), but pte_leaf_allowed() only offers 4 KiB
// and 2 MiB: 1 GiB leaves need CPUID.80000001h:EDX.Page1GB, which QEMU's
// default CPU model (qemu64) does not enumerate, and this header cannot ask
// the CPU (it also builds for the host).
//
// The kernel half (PML4 entries 256..511, from DIRECT_MAP_BASE up) is shared
// with every user root, which copies those PML4 entries from the kernel root:
// kernel mappings must only ever be added below PML4 entries the kernel root
// already owns, never by installing new PML4 entries after user roots exist.
#pragma once
#include <kernel/pt.h>
#include <common/types.h>

#define PT_LEVELS 4

#define X86_PTE_P    (1ull << 0)  // present
#define X86_PTE_RW   (1ull << 1)  // writable
#define X86_PTE_US   (1ull << 2)  // user accessible
#define X86_PTE_PWT  (1ull << 3)  // write-through
#define X86_PTE_PCD  (1ull << 4)  // cache disable
#define X86_PTE_A    (1ull << 5)  // accessed
#define X86_PTE_D    (1ull << 6)  // dirty (leaves)
#define X86_PTE_PS   (1ull << 7)  // page size: leaf at level 1 or 2
#define X86_PTE_G    (1ull << 8)  // global (leaves, with CR4.PGE)
#define X86_PTE_NX   (1ull << 63) // no execute (with EFER.NXE)
#define X86_PTE_ADDR 0x000ffffffffff000ull

// Present entry.
static inline bool pte_present(pte_t e)
{
        return (e & X86_PTE_P) != 0;
}

// A present entry pointing to a next-level table: PML4 entries always, PDPT
// and PD entries without PS; PT entries never.
static inline bool pte_is_table(pte_t e, int level)
{
        if (!pte_present(e) || level == 0)
                return false;
        return level == 3 || !(e & X86_PTE_PS);
}

// Levels at which pt_map may place a leaf: 4 KiB and 2 MiB (see above).
static inline bool pte_leaf_allowed(int level)
{
        return level == 0 || level == 1;
}

// Physical address of a table or 4 KiB/2 MiB/1 GiB leaf (the PAT bit of large
// leaves, bit 12, is never set by pte_make_leaf).
static inline paddr_t pte_paddr(pte_t e)
{
        return e & X86_PTE_ADDR;
}

static inline pte_t pte_make_table(paddr_t pa)
{
        return (pa & X86_PTE_ADDR) | X86_PTE_P | X86_PTE_RW | X86_PTE_US;
}

// Leaf with PT_* flags. Every present x86 page is readable; PT_W -> RW, no
// PT_X -> NX, PT_U -> US (and never global), PT_G -> G for kernel leaves,
// PT_DEVICE -> PCD|PWT (uncached). A and D are preset so the CPU never has
// to write them back.
static inline pte_t pte_make_leaf(paddr_t pa, unsigned flags, int level)
{
        pte_t e = (pa & X86_PTE_ADDR) | X86_PTE_P | X86_PTE_A | X86_PTE_D;
        if (flags & PT_W)
                e |= X86_PTE_RW;
        if (!(flags & PT_X))
                e |= X86_PTE_NX;
        if (flags & PT_U)
                e |= X86_PTE_US;
        else if (flags & PT_G)
                e |= X86_PTE_G;
        if (flags & PT_DEVICE)
                e |= X86_PTE_PCD | X86_PTE_PWT;
        if (level > 0)
                e |= X86_PTE_PS;
        return e;
}

// PT_* flags of a leaf entry.
static inline unsigned pte_flags(pte_t e, int level)
{
        (void)level;
        unsigned f = PT_R;
        if (e & X86_PTE_RW)
                f |= PT_W;
        if (!(e & X86_PTE_NX))
                f |= PT_X;
        if (e & X86_PTE_US)
                f |= PT_U;
        if (e & X86_PTE_G)
                f |= PT_G;
        if (e & X86_PTE_PCD)
                f |= PT_DEVICE;
        return f;
}
