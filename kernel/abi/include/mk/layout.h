// SPDX-License-Identifier: MIT
// User address-space layout, identical on every arch (the user range is
// [MK_USER_BASE, MK_USER_TOP) everywhere: 256 GiB, the Sv39 limit).
#pragma once

#define MK_USER_BASE 0x0000000000010000ull // nothing maps below (null guard)
#define MK_USER_TOP  0x0000004000000000ull
#define MK_PAGE_SIZE 4096ull

// The first process, the system pager: its pid, and where the kernel puts things in it.
#define MK_PID_SYSTEM_PAGER 1
#define MK_PAGER_STACK_TOP  0x0000001e00000000ull // 64 KiB stack below this
#define MK_PAGER_STACK_SIZE 0x10000ull
#define MK_BOOTIMG_VA       0x0000001f00000000ull // the boot image, read-only
#define MK_PHYS_WINDOW      0x0000002000000000ull // pager frames at MK_PHYS_WINDOW + pa
#define MK_PHYS_WINDOW_MAX  0x0000002000000000ull // so pa < 128 GiB
