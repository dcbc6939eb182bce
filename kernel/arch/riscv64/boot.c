// SPDX-License-Identifier: MIT
// C side of the boot: fills the boot-info record from what OpenSBI passed and
// the linker symbols, then enters the generic kernel.
#include <kernel/arch.h>
#include <arch/boot.h>
#include <arch/memlayout.h>

extern char __kernel_start[], __kernel_end[];

const char arch_name[] = "riscv64";
uint64_t riscv_boot_hartid;

static struct boot_info boot_info;

// Fills boot_info (the DTB address and the kernel range; kmain parses the DTB
// for memory, initrd and bootargs) and enters kmain. Never returns.
NORETURN void riscv_boot(uint64_t hartid, paddr_t dtb_phys)
{
        struct boot_info *bi = &boot_info;

        riscv_boot_hartid = hartid;
        uart_init();
        timer_init(dtb_phys);
        uspace_init();
        counters_init();

        bi->magic = BOOT_INFO_MAGIC;
        bi->version = BOOT_INFO_VERSION;
        bi->nmem = 0; // kmain reads memory, initrd and bootargs from the DTB
        bi->dtb_phys = dtb_phys;
        bi->kernel_phys = arch_kimage_to_phys((vaddr_t)__kernel_start);
        bi->kernel_size = (uint64_t)(__kernel_end - __kernel_start);
        kmain(bi);
}
