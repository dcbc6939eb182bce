// SPDX-License-Identifier: MIT
// Turning what the boot path handed over into one validated physical memory
// map (kernel/lib/boot.c). Portable: the host tests feed it corrupt inputs.
#pragma once
#include <kernel/bootinfo.h>
#include <kernel/memmap.h>

// Largest DTB accepted (Linux uses the same bound).
#define DTB_MAX_SIZE MiB(2)

// Validates bi (magic, version, entry count, ranges), parses the DTB at
// dtb_virt when bi->dtb_phys is set (memory, reservations, initrd, bootargs
// fill bi's fields that are still empty), adds the kernel, boot image and DTB
// as reserved, and normalises the result into m. Returns 0, or a negative
// error with *err naming what is wrong.
int boot_collect(struct boot_info *bi, const void *dtb_virt, struct memmap *m, const char **err);
