// SPDX-License-Identifier: MIT
// Sv39 MMU control: installing the kernel root, TLB maintenance, and the
// physical layout facts generic kvm.c needs (kernel image, device ranges).
#include <kernel/arch.h>
#include <kernel/memmap.h>
#include <arch/boot.h>
#include <arch/memlayout.h>
#include <arch/platform.h>
#include <arch/regs.h>
#include <arch/sbi.h>
#include <kernel/smp.h>

static const struct mem_range mmio_ranges[] = {
    {.base = SIFIVE_TEST_PHYS, .size = SIFIVE_TEST_SIZE, .type = MEM_MMIO},
    {.base = PLIC_PHYS, .size = PLIC_SIZE, .type = MEM_MMIO},
    {.base = UART0_PHYS, .size = UART0_SIZE, .type = MEM_MMIO},
};

// satp value for a root table at `root`, ASID 0.
static uint64_t satp_for(paddr_t root)
{
        return SATP_MODE_SV39 | ((root >> PAGE_SHIFT) & SATP_PPN_MASK);
}

// Switches satp to root (Sv39, ASID 0); the fences order the table writes
// before the switch and drop every old translation after it.
void arch_mmu_set_kernel_root(paddr_t root)
{
        sfence_vma_all(); // table writes visible to the walker
        csr_write(satp, satp_for(root));
        sfence_vma_all();
}

// Physical address of the root table in satp.
paddr_t mmu_current_root(void)
{
        return (csr_read(satp) & SATP_PPN_MASK) << PAGE_SHIFT;
}

// Drops this hart's cached translations of va (every ASID).
void arch_tlb_flush_page(vaddr_t va)
{
        sfence_vma_addr(va);
}

void arch_icache_sync(paddr_t pa)
{
        (void)pa;
        __asm__ volatile("fence.i" ::: "memory");
        if (ncpus > 1)
                sbi_remote_fence_i_all();
}

// Drops all of this hart's cached translations.
void arch_tlb_flush_all(void)
{
        sfence_vma_all();
}

// Kernel-image virtual address to physical: the image is linked in the direct
// map, so this is virt_to_phys.
paddr_t arch_kimage_to_phys(vaddr_t va)
{
        return virt_to_phys(va); // the kernel is linked in the direct map
}

// The devices kvm.c maps in the direct map: exit device, PLIC, UART.
const struct mem_range *arch_mmio_ranges(size_t *count)
{
        *count = ARRAY_SIZE(mmio_ranges);
        return mmio_ranges;
}
