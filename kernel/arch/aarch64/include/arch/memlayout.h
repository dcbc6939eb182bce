// SPDX-License-Identifier: MIT
// aarch64 virtual address layout (4 KiB granule, 48-bit VAs, TTBR0 = user,
// TTBR1 = kernel).
//
//   0x0000_0000_0000_0000  +--------------------------+  TTBR0
//                          | user                     |  MK_USER_BASE.., same range on every arch
//   0x0000_0040_0000_0000  +--------------------------+  MK_USER_TOP (256 GiB)
//   0xffff_0000_0000_0000  +--------------------------+  TTBR1, DIRECT_MAP_BASE
//                          | direct map of RAM and the |  QEMU virt RAM starts at
//                          | device window              |  phys 0x4000_0000; the kernel
//                          |                            |  image lives here, linked at
//                          |                            |  DIRECT_MAP_BASE + 0x4008_0000
//   0xffff_c000_0000_0000  +--------------------------+  KSCRATCH_BASE
#pragma once
#include <mk/layout.h>

// The user range is MK_USER_BASE..MK_USER_TOP (<mk/layout.h>, one range on
// every arch): TTBR0's 48-bit half holds it.
#define DIRECT_MAP_BASE 0xffff000000000000ull
#define DIRECT_MAP_SIZE 0x0000400000000000ull
#define KSCRATCH_BASE   0xffffc00000000000ull
#define KSCRATCH_SIZE   0x0000000040000000ull
#define KERNEL_IN_DIRECT_MAP 1

#define phys_to_virt(pa) ((void *)((unsigned long)(pa) + DIRECT_MAP_BASE))
#define virt_to_phys(va) ((unsigned long)(va)-DIRECT_MAP_BASE)

_Static_assert(MK_USER_BASE >= 4096 && MK_USER_BASE < MK_USER_TOP && MK_USER_TOP <= (1ull << 48),
               "the user range must fit the aarch64 user half");
