// SPDX-License-Identifier: MIT
// User address spaces: a user root lives in TTBR0_EL1 with its ASID in bits
// [63:48] (TCR_EL1.A1 = 0); the kernel stays in TTBR1_EL1, so a user root
// holds user mappings only. User leaves are non-global (pte.h), tagged with
// the ASID in the TLB, so switching needs no flush.
#include <arch/boot.h>
#include <arch/memlayout.h>
#include <arch/regs.h>
#include <kernel/arch.h>
#include <kernel/kprintf.h>

// Number of ASIDs the MMU was set up with (head.S sets TCR.AS when it can).
static unsigned asid_count(void)
{
        return (read_tcr_el1() & TCR_AS) ? 1u << ASID_BITS_MAX : 1u << (ASID_BITS_MAX / 2);
}

// The kernel half is TTBR1's: nothing to copy into a user root.
void arch_user_root_init(paddr_t root)
{
        (void)root;
}

// Installs root with its ASID in TTBR0. root 0 (with any asid) installs the
// empty table under ASID 0: no user space, e.g. before a dead root is freed.
void arch_user_root_switch(paddr_t root, unsigned asid)
{
        if (!root) {
                root = virt_to_phys(boot_empty);
                asid = 0;
        } else if (asid == 0 || asid >= asid_count()) {
                panic("arch_user_root_switch: asid %u outside 1..%u", asid, asid_count() - 1);
        }
        write_ttbr0_el1(root | ((uint64_t)asid << TTBR_ASID_SHIFT));
        isb(); // the kernel may touch user memory before the eret
}

void arch_tlb_flush_user_page(unsigned asid, vaddr_t va)
{
        dsb_ishst(); // the page-table update is visible to the walker
        tlbi_vae1is(asid, va);
        dsb_ish();
        isb();
}

void arch_tlb_flush_asid(unsigned asid)
{
        dsb_ishst();
        tlbi_aside1is(asid);
        dsb_ish();
        isb();
}

// The Cortex-A72 (ARMv8.0) has no PAN: the kernel reaches user pages
// whenever TTBR0 holds the user root. Nothing to open or close.
void arch_user_access_begin(void) {}

void arch_user_access_end(void) {}
