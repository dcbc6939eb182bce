// SPDX-License-Identifier: MIT
// MMU glue: CR3, TLB flushes, user roots, the kernel image's physical address
// and the device ranges kvm.c maps. The kernel root is built by
// kernel/core/kvm.c; until arch_mmu_set_kernel_root() the loader's tables are
// live.
//
// No PCID: every CR3 load drops all non-global translations, so only the
// address space in CR3 ever has TLB entries and the asid only serves to skip
// reloading CR3 when nothing changes (per CPU: X86_THIS_CPU->asid). So a
// CPU that switched away from an address space holds none of its
// translations: TLB shootdown asks only the CPUs that have it loaded
// (ARCH_TLB_SWITCH_FLUSHES, kernel/core/tlb.c).
#include <arch/cpu.h>
#include <arch/lapic.h>
#include <arch/memlayout.h>
#include <arch/pte.h>
#include <arch/regs.h>
#include <kernel/arch.h>
#include <kernel/bootinfo.h>
#include <kernel/kvm.h>
#include <mk/layout.h>

// PML4 entries of the kernel half (DIRECT_MAP_BASE and up), shared by every
// user root.
#define PML4_KERNEL_FIRST PT_INDEX(DIRECT_MAP_BASE, PT_LEVELS - 1)
_Static_assert(PT_INDEX(MK_USER_TOP - 1, PT_LEVELS - 1) < PML4_KERNEL_FIRST,
               "user range and kernel half share a PML4 entry");

extern char __kernel_start[];

paddr_t x86_kernel_phys;

// Loads CR3 with the kernel root and drops every TLB entry, global ones too.
// x86_64 shares the kernel half: user roots copy PML4 entries 256..511 of
// this root, so kernel mappings must stay below PML4 entries it already owns.
void arch_mmu_set_kernel_root(paddr_t root)
{
        write_cr3(root & X86_CR3_ADDR_MASK);
        X86_THIS_CPU->asid = 0;
        arch_tlb_flush_all();
}

void arch_tlb_flush_page(vaddr_t va)
{
        invlpg(va);
}

void arch_icache_sync(paddr_t pa)
{
        (void)pa; // x86 keeps instruction fetches coherent with stores
}

// Toggling CR4.PGE flushes all entries including global ones; without PGE a
// CR3 reload does.
void arch_tlb_flush_all(void)
{
        uint64_t cr4 = read_cr4();
        if (cr4 & X86_CR4_PGE) {
                write_cr4(cr4 & ~X86_CR4_PGE);
                write_cr4(cr4);
        } else {
                write_cr3(read_cr3());
        }
}

// Copies the kernel half of the kernel root's PML4 into a new (zeroed) root.
void arch_user_root_init(paddr_t root)
{
        const pte_t *k = phys_to_virt(kernel_root);
        pte_t *u = phys_to_virt(root);
        for (unsigned i = PML4_KERNEL_FIRST; i < PT_ENTRIES; i++)
                u[i] = k[i];
}

// Loads CR3 unless it already holds this address space. Root 0 means no user
// space (the loaded one is dying): the kernel root, which maps no user pages.
void arch_user_root_switch(paddr_t root, unsigned asid)
{
        if (root == 0) {
                root = kernel_root;
                asid = 0;
        }
        if ((read_cr3() & X86_CR3_ADDR_MASK) == root && X86_THIS_CPU->asid == asid)
                return;
        write_cr3(root & X86_CR3_ADDR_MASK);
        X86_THIS_CPU->asid = asid;
}

// Only the live address space has TLB entries (see above): if asid is not the
// live one, INVLPG drops at most a translation that is reloaded on demand.
void arch_tlb_flush_user_page(unsigned asid, vaddr_t va)
{
        (void)asid;
        invlpg(va);
}

// Reloading CR3 drops every non-global translation (the asid's, if live).
void arch_tlb_flush_asid(unsigned asid)
{
        (void)asid;
        write_cr3(read_cr3());
}

// With SMAP, kernel accesses to user pages fault unless RFLAGS.AC is set.
void arch_user_access_begin(void)
{
        if (x86_smap_enabled)
                stac();
}

void arch_user_access_end(void)
{
        if (x86_smap_enabled)
                clac();
}

// The loader maps the image contiguously: __kernel_start (KERNEL_VBASE, the
// lowest PT_LOAD address) is at boot_info.kernel_phys.
paddr_t arch_kimage_to_phys(vaddr_t va)
{
        return x86_kernel_phys + (va - (vaddr_t)__kernel_start);
}

// The local APIC page; the console and exit device are I/O ports.
const struct mem_range *arch_mmio_ranges(size_t *count)
{
        static struct mem_range r[1];
        r[0] = (struct mem_range){x86_lapic_phys(), PAGE_SIZE, MEM_MMIO, 0};
        *count = ARRAY_SIZE(r);
        return r;
}
