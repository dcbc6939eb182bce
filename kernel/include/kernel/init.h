// SPDX-License-Identifier: MIT
// Starting the first user process (kernel/core/init.c).
#pragma once
#include <kernel/bootinfo.h>

extern char kernel_cmdline[BOOT_CMDLINE_MAX];
extern uint64_t kernel_bootimg_size;

// Loads and starts the pager from the boot image; ends the boot with a
// bad-boot message if it is missing or malformed.
void init_start(const struct boot_info *bi);
