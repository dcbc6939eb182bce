// SPDX-License-Identifier: MIT
// BOOTX64.EFI entry: loads the kernel, boot image and command line from the
// ESP, fills struct boot_info, builds the early page tables, exits boot
// services and enters the kernel (the contract is in loader.h).
#include <arch/memlayout.h>
#include "elf_check.h"
#include "loader.h"

EFI_HANDLE loader_image;
EFI_SYSTEM_TABLE *loader_st;
EFI_BOOT_SERVICES *loader_bs;

// Reads and validates \kernel.elf, copies its segments into LoaderData pages
// and records the placement in bi and *img (entry, virtual span).
static void load_kernel(EFI_FILE_HANDLE root, struct boot_info *bi, struct kernel_image *img)
{
        uint64_t size;
        void *file;
        EFI_STATUS st = esp_read_file(root, L"\\kernel.elf", EfiBootServicesData, &file, &size);
        if (st == EFI_NOT_FOUND)
                loader_bad_input("kernel.elf", "missing (no \\kernel.elf on the boot volume)");
        if (EFI_ERROR(st))
                loader_fail("cannot read kernel.elf (status 0x%llx)", st);
        const char *err = elf_check(file, size, KERNEL_VBASE, img);
        if (err)
                loader_bad_input("kernel.elf", "%s (file %llu bytes)", err, size);
        void *dst = alloc_pages(img->span_size, EfiLoaderData, "the kernel");
        elf_load(img, dst);
        if (file)
                loader_bs->FreePages((EFI_PHYSICAL_ADDRESS)(uintptr_t)file, LOADER_PAGES(size));
        bi->kernel_phys = (uint64_t)(uintptr_t)dst;
        bi->kernel_size = img->span_size;
        con_printf("loader: kernel.elf %llu bytes, entry 0x%llx, span 0x%llx+0x%llx at phys "
                   "0x%llx\n",
                   size, img->elf.entry, img->span_base, img->span_size, bi->kernel_phys);
}

// Reads \bootimg.cpio into LoaderData pages (it must exist and be non-empty).
static void load_bootimg(EFI_FILE_HANDLE root, struct boot_info *bi)
{
        void *buf;
        uint64_t size;
        EFI_STATUS st = esp_read_file(root, L"\\bootimg.cpio", EfiLoaderData, &buf, &size);
        if (st == EFI_NOT_FOUND || (!EFI_ERROR(st) && size == 0))
                loader_bad_input("boot image",
                                 "boot image missing (\\bootimg.cpio absent or empty)");
        if (EFI_ERROR(st))
                loader_fail("cannot read bootimg.cpio (status 0x%llx)", st);
        bi->bootimg_phys = (uint64_t)(uintptr_t)buf;
        bi->bootimg_size = size;
        con_printf("loader: bootimg.cpio %llu bytes at phys 0x%llx\n", size, bi->bootimg_phys);
}

// Copies the optional \cmdline.txt into bi->cmdline (truncated, NUL-ended,
// trailing line breaks dropped); empty when absent.
static void load_cmdline(EFI_FILE_HANDLE root, struct boot_info *bi)
{
        char *buf;
        uint64_t size, n = 0;
        EFI_STATUS st =
            esp_read_file(root, L"\\cmdline.txt", EfiBootServicesData, (void **)&buf, &size);
        if (EFI_ERROR(st) && st != EFI_NOT_FOUND)
                loader_fail("cannot read cmdline.txt (status 0x%llx)", st);
        if (!EFI_ERROR(st) && buf) {
                n = size < BOOT_CMDLINE_MAX - 1 ? size : BOOT_CMDLINE_MAX - 1;
                memcpy(bi->cmdline, buf, n);
                loader_bs->FreePages((EFI_PHYSICAL_ADDRESS)(uintptr_t)buf, LOADER_PAGES(size));
        }
        while (n && (bi->cmdline[n - 1] == '\n' || bi->cmdline[n - 1] == '\r'))
                n--;
        bi->cmdline[n] = 0;
        con_printf("loader: cmdline '%s'%s\n", bi->cmdline,
                   size > BOOT_CMDLINE_MAX - 1 ? " (truncated)" : "");
}

// Finds the ACPI RSDP in the configuration table (2.0 preferred, else 1.0).
static void find_rsdp(struct boot_info *bi)
{
        EFI_GUID acpi20 = ACPI_20_TABLE_GUID, acpi10 = ACPI_TABLE_GUID;
        uint64_t rsdp1 = 0;
        for (UINTN i = 0; i < loader_st->NumberOfTableEntries; i++) {
                EFI_CONFIGURATION_TABLE *t = &loader_st->ConfigurationTable[i];
                if (guid_eq(&t->VendorGuid, &acpi20)) {
                        bi->rsdp_phys = (uint64_t)(uintptr_t)t->VendorTable;
                        con_printf("loader: ACPI 2.0 RSDP at 0x%llx\n", bi->rsdp_phys);
                        return;
                }
                if (guid_eq(&t->VendorGuid, &acpi10))
                        rsdp1 = (uint64_t)(uintptr_t)t->VendorTable;
        }
        bi->rsdp_phys = rsdp1;
        if (rsdp1)
                con_printf("loader: ACPI 1.0 RSDP at 0x%llx\n", rsdp1);
        else
                con_printf("loader: no ACPI RSDP\n");
}

// Switches to the loader's page tables and calls the kernel entry with
// RDI = boot_info (physical) on the current, identity-mapped stack, aligned
// as at a SysV call. The kernel never returns; if it does, halt.
static __attribute__((noreturn)) void enter_kernel(uint64_t pml4, uint64_t entry, uint64_t bi)
{
        __asm__ volatile("cli\n\t"
                         "mov %0, %%cr3\n\t"
                         "and $-16, %%rsp\n\t"
                         "call *%1\n\t"
                         "1: hlt\n\t"
                         "jmp 1b"
                         :
                         : "r"(pml4), "r"(entry), "D"(bi)
                         : "memory");
        __builtin_unreachable();
}

// The UEFI entry point: runs every step in order. Never returns: failures
// end in loader_fail/loader_bad_input, success in the kernel.
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
        loader_image = image;
        loader_st = st;
        loader_bs = st->BootServices;
        con_printf("\nloader: mk x86_64 UEFI loader\n");

        struct boot_info *bi = alloc_pages(sizeof(*bi), EfiLoaderData, "boot_info");
        bi->magic = BOOT_INFO_MAGIC;
        bi->version = BOOT_INFO_VERSION;
        bi->dtb_phys = 0;

        struct kernel_image kimg;
        EFI_FILE_HANDLE root = esp_open_root();
        load_kernel(root, bi, &kimg);
        load_bootimg(root, bi);
        load_cmdline(root, bi);
        root->Close(root);
        find_rsdp(bi);

        uint64_t pml4 =
            paging_build(efimap_top(), kimg.span_base, bi->kernel_phys, bi->kernel_size);
        con_printf("loader: exiting boot services, entering the kernel\n");
        efimap_exit_boot_services(bi);
        con_printf("loader: %u memory ranges, boot_info at 0x%llx\n", bi->nmem,
                   (uint64_t)(uintptr_t)bi);
        enter_kernel(pml4, kimg.elf.entry, (uint64_t)(uintptr_t)bi);
}
