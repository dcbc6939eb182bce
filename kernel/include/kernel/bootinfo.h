// SPDX-License-Identifier: MIT
// The boot-info record: what the boot path knows about the machine when the
// generic kernel (kmain) starts. On x86_64 the UEFI loader fills it in and
// passes its physical address; on aarch64 and riscv64 the arch entry fills the
// kernel range and the DTB address and kmain parses the DTB for the rest.
// This header is shared with the UEFI loader: plain C, fixed-size fields only.
#pragma once
#include <stdint.h>

#define BOOT_INFO_MAGIC   0x4f464e49544f4f42ull // "BOOTINFO"
#define BOOT_INFO_VERSION 1
#define BOOT_MAX_MEM      256
#define BOOT_CMDLINE_MAX  256

// Memory range types, in increasing order of precedence: where two ranges
// overlap, the one with the higher type wins (reserved beats usable).
enum mem_type {
        MEM_USABLE = 1,       // free RAM, handed to the frame allocator
        MEM_BOOT_RECLAIM = 2, // firmware boot-services memory (free after boot)
        MEM_ACPI_RECLAIM = 3, // ACPI tables
        MEM_ACPI_NVS = 4,     // ACPI non-volatile storage
        MEM_RESERVED = 5,     // firmware or platform reserved RAM
        MEM_LOADER = 6,       // loader data (boot info, early page tables)
        MEM_BOOTIMG = 7,      // the boot image (cpio archive)
        MEM_DTB = 8,          // the device tree blob
        MEM_KERNEL = 9,       // the kernel image
        MEM_MMIO = 10,        // device memory, never RAM
        MEM_BAD = 11,         // unusable
        MEM_TYPE_MAX = 11,
};

struct mem_range {
        uint64_t base;
        uint64_t size;
        uint32_t type; // enum mem_type
        uint32_t reserved;
};

struct boot_info {
        uint64_t magic;   // BOOT_INFO_MAGIC
        uint32_t version; // BOOT_INFO_VERSION
        uint32_t nmem;    // entries used in mem[]
        struct mem_range mem[BOOT_MAX_MEM];
        uint64_t bootimg_phys; // boot image (cpio newc), 0 if none
        uint64_t bootimg_size;
        uint64_t dtb_phys;    // flattened device tree, 0 if none
        uint64_t rsdp_phys;   // ACPI RSDP, 0 if none
        uint64_t kernel_phys; // physical range of the loaded kernel image
        uint64_t kernel_size;
        char cmdline[BOOT_CMDLINE_MAX]; // NUL-terminated kernel command line
};
