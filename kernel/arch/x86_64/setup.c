// SPDX-License-Identifier: MIT
// x86_entry: the C half of boot, called by entry.S on the boot stack. Sets up
// the CPU (GDT/TSS, IDT, NX, write protection, global pages), copies and
// checks the loader's boot_info, quiets the 8259s, starts the local APIC,
// measures the clocks and finds the other CPUs (reserving their start-up
// page), then hands over to kmain().
#include <arch/cpu.h>
#include <arch/lapic.h>
#include <arch/pc.h>
#include <arch/memlayout.h>
#include <arch/regs.h>
#include <arch/smp.h>
#include <arch/trap.h>
#include <kernel/arch.h>
#include <kernel/bootinfo.h>
#include <kernel/kprintf.h>

extern char __kernel_start[], __kernel_end[];

const char arch_name[] = "x86_64";

static struct boot_info boot_info;

NORETURN void x86_entry(paddr_t bi_phys);

// Reports a bad boot_info and exits with EXIT_BADBOOT.
static NORETURN void bad_boot_info(paddr_t pa, const char *why, uint64_t value)
{
        kprintf("BAD BOOT INPUT: boot_info at 0x%llx: %s (0x%llx)\n", (unsigned long long)pa, why,
                (unsigned long long)value);
        arch_exit(EXIT_BADBOOT);
}

// Copies the loader's record through the direct map (a fault there is caught
// by arch_copy_fixup) and checks what the kernel relies on.
static void bootinfo_load(paddr_t pa)
{
        uint64_t image = (uint64_t)(__kernel_end - __kernel_start);
        if (pa == 0 || !IS_ALIGNED(pa, sizeof(uint64_t)) ||
            pa + sizeof(boot_info) > DIRECT_MAP_SIZE)
                bad_boot_info(pa, "bad address", pa);
        if (arch_copy_fixup(&boot_info, phys_to_virt(pa), sizeof(boot_info)))
                bad_boot_info(pa, "not mapped by the loader", pa);
        struct boot_info *bi = &boot_info;
        if (bi->magic != BOOT_INFO_MAGIC)
                bad_boot_info(pa, "bad magic", bi->magic);
        if (bi->version != BOOT_INFO_VERSION)
                bad_boot_info(pa, "unsupported version", bi->version);
        if (bi->nmem == 0 || bi->nmem > BOOT_MAX_MEM)
                bad_boot_info(pa, "bad number of memory ranges", bi->nmem);
        if (bi->kernel_phys == 0 || !IS_ALIGNED(bi->kernel_phys, PAGE_SIZE))
                bad_boot_info(pa, "bad kernel_phys", bi->kernel_phys);
        if (bi->kernel_size < image)
                bad_boot_info(pa, "kernel_size smaller than the image", bi->kernel_size);
        bi->cmdline[BOOT_CMDLINE_MAX - 1] = '\0';
        x86_kernel_phys = bi->kernel_phys;
}

// EFER.NXE (NX is required: kvm.c maps data no-exec), CR0.WP (the kernel
// honours read-only pages), CR4.PGE (global kernel mappings), SMEP and SMAP
// when present; RDTSC allowed in user mode (CR4.TSD = 0: mk_counter()).
// CR0.TS|MP: FPU/SIMD state is not saved per thread, so any x87, MMX or SSE
// instruction raises #NM (user mode: an exception, never silent corruption).
static void cpu_features_init(void)
{
        uint32_t r[4];
        cpuid(X86_CPUID_EXT_MAX, 0, r);
        uint32_t ext_max = r[0];
        if (ext_max >= X86_CPUID_EXT_INFO)
                cpuid(X86_CPUID_EXT_INFO, 0, r);
        if (ext_max < X86_CPUID_EXT_INFO || !(r[3] & X86_CPUIDX1_EDX_NX))
                panic("x86_64: CPU has no NX bit (CPUID.80000001h:EDX.NX = 0)");
        wrmsr(X86_MSR_EFER, rdmsr(X86_MSR_EFER) | X86_EFER_NXE);
        write_cr0(read_cr0() | X86_CR0_WP | X86_CR0_TS | X86_CR0_MP);
        uint64_t cr4 = read_cr4() & ~X86_CR4_TSD;
        cpuid(X86_CPUID_FEATURES, 0, r);
        if (r[3] & X86_CPUID1_EDX_PGE)
                cr4 |= X86_CR4_PGE;
        cpuid(X86_CPUID_VENDOR, 0, r);
        if (r[0] >= X86_CPUID_EXT_FEATURES) {
                cpuid(X86_CPUID_EXT_FEATURES, 0, r);
                if (r[1] & X86_CPUID7_EBX_SMEP)
                        cr4 |= X86_CR4_SMEP;
                if (r[1] & X86_CPUID7_EBX_SMAP) {
                        cr4 |= X86_CR4_SMAP;
                        x86_smap_enabled = true;
                }
        }
        write_cr4(cr4);
        kprintf("x86_64: SMEP %s, SMAP %s\n", (cr4 & X86_CR4_SMEP) ? "on" : "absent",
                (cr4 & X86_CR4_SMAP) ? "on" : "absent");
}

void x86_entry(paddr_t bi_phys)
{
        x86_gdt_init(); // first: kprintf's lock asks this_cpu() (GS_BASE)
        x86_console_init();
        x86_idt_init();
        x86_syscall_init();
        cpu_features_init();
        bootinfo_load(bi_phys);
        kprintf("x86_64: boot_info at 0x%llx, %u memory ranges, kernel at 0x%llx (%llu KiB)\n",
                (unsigned long long)bi_phys, boot_info.nmem,
                (unsigned long long)boot_info.kernel_phys,
                (unsigned long long)(boot_info.kernel_size >> 10));
        x86_pic_disable();
        x86_lapic_init();
        x86_clock_calibrate();
        x86_smp_early(&boot_info);
        kmain(&boot_info);
}
