// SPDX-License-Identifier: MIT
// User address spaces: roots that share the kernel half, satp with an ASID,
// per-ASID TLB maintenance, and the SUM window for kernel access to user pages.
//
// The hart may implement fewer than 16 ASID bits (even none): uspace_init
// finds out. An asid the hart cannot hold runs as hardware ASID 0 with a full
// flush on every switch to it, so it is always correct, just slower.
#include <kernel/arch.h>
#include <kernel/kvm.h>
#include <kernel/pt.h>
#include <arch/boot.h>
#include <arch/memlayout.h>
#include <arch/pte.h>
#include <arch/regs.h>
#include <mk/layout.h>

static uint64_t asid_mask; // the ASID bits the hart implements

// First root entry of the kernel half (VA bit 38 set: DIRECT_MAP_BASE up).
#define KERNEL_ROOT_FIRST PT_INDEX(DIRECT_MAP_BASE, PT_LEVELS - 1)

// Finds the implemented ASID bits: writes all ones to satp.ASID (keeping the
// current root) and reads back what stuck. Called once at boot.
void uspace_init(void)
{
        uint64_t satp = csr_read(satp);

        csr_write(satp, satp | (SATP_ASID_MASK << SATP_ASID_SHIFT));
        asid_mask = (csr_read(satp) >> SATP_ASID_SHIFT) & SATP_ASID_MASK;
        csr_write(satp, satp);
        sfence_vma_all();
}

// Whether the hart can tag translations with this asid.
static bool asid_fits(unsigned asid)
{
        return (asid & asid_mask) == asid;
}

// Copies the kernel half of kernel_root's top-level entries into root (the
// user half is left as it is: a new root from pt_table_alloc is empty).
void arch_user_root_init(paddr_t root)
{
        pte_t *dst = pt_table_virt(root);
        const pte_t *src = pt_table_virt(kernel_root);

        for (unsigned i = KERNEL_ROOT_FIRST; i < PT_ENTRIES; i++)
                dst[i] = src[i];
}

// satp <- root with its asid. No flush: the pager protocol keeps each ASID's
// TLB entries current (arch_tlb_flush_user_page / arch_tlb_flush_asid), and
// the kernel half is global. An asid the hart cannot hold becomes ASID 0 and
// the TLB is flushed. root 0 (no user space, e.g. its process died) loads
// kernel_root, which maps nothing below MK_USER_TOP.
void arch_user_root_switch(paddr_t root, unsigned asid)
{
        bool fits = asid_fits(asid);
        uint64_t hw = fits ? asid : 0;

        if (root == 0) {
                root = kernel_root;
                hw = 0;
        }
        csr_write(satp, SATP_MODE_SV39 | (hw << SATP_ASID_SHIFT) |
                            ((root >> PAGE_SHIFT) & SATP_PPN_MASK));
        if (!fits)
                sfence_vma_all();
}

// Drops this hart's translation of one user page of asid.
void arch_tlb_flush_user_page(unsigned asid, vaddr_t va)
{
        if (asid_fits(asid))
                sfence_vma_addr_asid(va, asid);
        else
                sfence_vma_addr(va);
}

// Drops every translation of asid (before the asid is reused).
void arch_tlb_flush_asid(unsigned asid)
{
        if (asid_fits(asid))
                sfence_vma_asid(asid);
        else
                sfence_vma_all();
}

// Opens the window in which the kernel may touch U pages (sstatus.SUM).
void arch_user_access_begin(void)
{
        csr_set(sstatus, SSTATUS_SUM);
}

// Closes it again.
void arch_user_access_end(void)
{
        csr_clear(sstatus, SSTATUS_SUM);
}
