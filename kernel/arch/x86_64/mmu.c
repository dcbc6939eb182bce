// SPDX-License-Identifier: MIT
// MMU glue: CR3, TLB flushes, the kernel image's physical address and the
// device ranges kvm.c maps. The kernel root is built by kernel/core/kvm.c;
// until arch_mmu_set_kernel_root() the loader's tables are live.
#include <arch/cpu.h>
#include <arch/lapic.h>
#include <arch/regs.h>
#include <kernel/arch.h>
#include <kernel/bootinfo.h>

extern char __kernel_start[];

paddr_t x86_kernel_phys;

// Loads CR3 with the kernel root and drops every TLB entry, global ones too.
// x86_64 shares the kernel half: user roots copy PML4 entries 256..511 of
// this root, so kernel mappings must stay below PML4 entries it already owns.
void arch_mmu_set_kernel_root(paddr_t root)
{
        write_cr3(root & X86_CR3_ADDR_MASK);
        arch_tlb_flush_all();
}

void arch_tlb_flush_page(vaddr_t va)
{
        invlpg(va);
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
