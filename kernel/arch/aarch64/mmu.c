// SPDX-License-Identifier: MIT
// Kernel address-space switching and TLB maintenance. The kernel half lives
// in TTBR1; TTBR0 (user) holds boot_empty until user address spaces exist.
#include <arch/boot.h>
#include <arch/memlayout.h>
#include <arch/platform.h>
#include <arch/regs.h>
#include <kernel/arch.h>
#include <kernel/memmap.h>

// Installs root (built by kvm.c) in TTBR1 in place of the boot tables and
// invalidates every cached translation. Both map the running kernel at the
// same addresses, so execution continues across the switch. TTBR0 already
// holds boot_empty (head.S dropped the identity map). Strict break-before-make
// between the boot blocks and the new pages would need a trampoline outside
// TTBR1; QEMU does not model TLB conflicts.
void arch_mmu_set_kernel_root(paddr_t root)
{
        dsb_ishst(); // the new tables are visible to the walker
        write_ttbr1_el1(root);
        isb();
        tlbi_vmalle1is();
        dsb_ish();
        isb();
}

void arch_tlb_flush_page(vaddr_t va)
{
        dsb_ishst();
        tlbi_vaae1is(va);
        dsb_ish();
        isb();
}

void arch_icache_sync(paddr_t pa)
{
        uint64_t ctr;
        __asm__ volatile("mrs %0, ctr_el0" : "=r"(ctr));
        uint64_t line = 4ull << ((ctr >> 16) & 0xf); // DminLine: words, log2
        uint64_t va = (uint64_t)phys_to_virt(pa);
        for (uint64_t a = va; a < va + PAGE_SIZE; a += line)
                __asm__ volatile("dc cvau, %0" : : "r"(a) : "memory");
        // (All of the instruction caches, inner shareable: no alias of the
        // user's address can keep old instructions.)
        __asm__ volatile("dsb ish\n\tic ialluis\n\tdsb ish\n\tisb" ::: "memory");
}

void arch_tlb_flush_all(void)
{
        dsb_ishst();
        tlbi_vmalle1is();
        dsb_ish();
        isb();
}

// The image is linked in the direct map (KERNEL_IN_DIRECT_MAP).
paddr_t arch_kimage_to_phys(vaddr_t va)
{
        return virt_to_phys(va);
}

static const struct mem_range mmio_ranges[] = {
    {VIRT_GICD_PHYS, VIRT_GICD_SIZE, MEM_MMIO, 0},
    {VIRT_GICC_PHYS, VIRT_GICC_SIZE, MEM_MMIO, 0},
    {VIRT_UART_PHYS, VIRT_UART_SIZE, MEM_MMIO, 0},
};

// Devices kvm.c maps in the direct map: GIC and UART (the exit is semihosting).
const struct mem_range *arch_mmio_ranges(size_t *count)
{
        *count = ARRAY_SIZE(mmio_ranges);
        return mmio_ranges;
}
