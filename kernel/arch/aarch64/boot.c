// SPDX-License-Identifier: MIT
// C side of the boot path: console, per-CPU state, interrupt controller,
// then the boot_info record for kmain (kmain parses the DTB for the rest).
#include <arch/asmdefs.h>
#include <arch/boot.h>
#include <arch/cpu.h>
#include <arch/gic.h>
#include <arch/memlayout.h>
#include <arch/platform.h>
#include <arch/regs.h>
#include <kernel/arch.h>
#include <kernel/kprintf.h>
#include <mk/errno.h>

_Static_assert(ASM_EFAULT == EFAULT, "arch/asmdefs.h");
_Static_assert(ASM_EXIT_BADBOOT == EXIT_BADBOOT, "arch/asmdefs.h");

static struct boot_info boot_info;

NORETURN void arch_entry(uint64_t dtb_phys, uint64_t entry_el)
{
        console_init();
        cpu_init((uint64_t)boot_stack_top);
        serror_enable();
        if ((uint64_t)__kernel_start != (uint64_t)phys_to_virt(KERNEL_PHYS))
                panic("kernel.ld link address 0x%llx != DIRECT_MAP_BASE + KERNEL_PHYS",
                      (unsigned long long)(uint64_t)__kernel_start);
        gic_init();
        counters_init();
        kprintf("aarch64: entered at EL%llu%s, DTB at 0x%llx\n", (unsigned long long)entry_el,
                entry_el == CURRENTEL_EL2 ? " (dropped to EL1)" : "", (unsigned long long)dtb_phys);

        struct boot_info *bi = &boot_info;
        bi->magic = BOOT_INFO_MAGIC;
        bi->version = BOOT_INFO_VERSION;
        bi->nmem = 0; // kmain takes the memory map from the DTB
        bi->dtb_phys = dtb_phys;
        bi->kernel_phys = arch_kimage_to_phys((vaddr_t)__kernel_start);
        bi->kernel_size = (uint64_t)(__kernel_end - __kernel_start);
        kmain(bi);
}
