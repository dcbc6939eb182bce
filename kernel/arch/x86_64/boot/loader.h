// SPDX-License-Identifier: MIT
// The x86_64 UEFI loader (BOOTX64.EFI), a PE image built with GNU-EFI headers
// only (no libefi). Its contract with the kernel:
//  - it reads \kernel.elf, \bootimg.cpio and optionally \cmdline.txt from
//    the ESP it was loaded from, validates kernel.elf fully and stops with a
//    message and guest status LOADER_EXIT_FAIL on any problem;
//  - the PT_LOAD span [min vaddr, max end) (page-rounded, at or above
//    KERNEL_VBASE) goes to contiguous LoaderData pages at kernel_phys;
//  - struct boot_info (kernel/bootinfo.h), the boot image and the early page
//    tables (paging.c) live in LoaderData pages, mem[] is the translated UEFI
//    map plus MEM_KERNEL and MEM_BOOTIMG;
//  - after ExitBootServices it loads CR3 with the early tables and calls the
//    ELF entry (virtual) with RDI = boot_info (physical), interrupts off, on
//    its own identity-mapped stack.
#pragma once
#include <efi.h>
#include <stddef.h>
#include <stdint.h>
#include <common/string.h>
#include <kernel/bootinfo.h>

#define LOADER_PAGE_SIZE 4096ull
#define LOADER_PAGES(n)  (((n) + LOADER_PAGE_SIZE - 1) / LOADER_PAGE_SIZE)

// Guest status reported through QEMU_EXIT_PORT when the loader gives up
// (QEMU exits with (3 << 1) | 1 = 7): "bad boot input", as in the kernel.
#define LOADER_EXIT_FAIL 3

#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))

// Set once by efi_main.
extern EFI_HANDLE loader_image;
extern EFI_SYSTEM_TABLE *loader_st;
extern EFI_BOOT_SERVICES *loader_bs;

// console.c: printf-style output (%s %c %d %u %x, l/ll/z, width, '0') to the
// firmware console, or to COM1 once con_boot_services_gone() was called.
void con_printf(const char *fmt, ...) PRINTF_LIKE(1, 2);
void con_boot_services_gone(void);
// Both print a message, make QEMU exit with LOADER_EXIT_FAIL and, without the
// exit device, return EFI_LOAD_ERROR to the firmware. loader_fail is for
// firmware trouble ("loader: error: <message>"); loader_bad_input for a bad
// kernel.elf or boot image ("loader: BAD BOOT INPUT: <what>: <message>", the
// kernel's own wording for bad boot input, which also ends with status 3).
__attribute__((noreturn)) void loader_fail(const char *fmt, ...) PRINTF_LIKE(1, 2);
__attribute__((noreturn)) void loader_bad_input(const char *what, const char *fmt, ...)
    PRINTF_LIKE(2, 3);

// lib.c: GUID comparison.
int guid_eq(const EFI_GUID *a, const EFI_GUID *b);

// file.c: the root directory of the volume the loader was loaded from.
EFI_FILE_HANDLE esp_open_root(void);
// Reads the whole file `name` into fresh pages of memory type `type`. Returns
// EFI_SUCCESS with *buf (NULL if the file is empty) and *size, EFI_NOT_FOUND
// if there is no such file, or another error.
EFI_STATUS esp_read_file(EFI_FILE_HANDLE root, const CHAR16 *name, EFI_MEMORY_TYPE type, void **buf,
                         uint64_t *size);

// lib.c: `size` bytes (at least a page) of zeroed pages of memory type
// `type`, or loader_fail naming `what`.
void *alloc_pages(uint64_t size, EFI_MEMORY_TYPE type, const char *what);

// paging.c: builds the early page tables (identity and direct map of
// [0, phys_top), kernel span at kernel_virt -> kernel_phys) in LoaderData
// pages; returns the PML4's physical address.
uint64_t paging_build(uint64_t phys_top, uint64_t kernel_virt, uint64_t kernel_phys,
                      uint64_t kernel_size);

// efimap.c: end (exclusive) of the highest range in the UEFI memory map.
uint64_t efimap_top(void);
// Translates the final UEFI memory map into bi->mem[], appends the kernel and
// boot image ranges and exits boot services. Prints nothing on success.
void efimap_exit_boot_services(struct boot_info *bi);
