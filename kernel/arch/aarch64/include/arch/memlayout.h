// SPDX-License-Identifier: MIT
// aarch64 virtual address layout (4 KiB granule, 48-bit VAs, TTBR0 = user,
// TTBR1 = kernel).
//
//   0x0000_0000_0000_0000  +--------------------------+  TTBR0
//                          | user (USER_BASE..USER_TOP)|  same range on every arch
//   0x0000_0040_0000_0000  +--------------------------+  USER_TOP (256 GiB)
//   0xffff_0000_0000_0000  +--------------------------+  TTBR1, DIRECT_MAP_BASE
//                          | direct map of RAM and the |  QEMU virt RAM starts at
//                          | device window              |  phys 0x4000_0000; the kernel
//                          |                            |  image lives here, linked at
//                          |                            |  DIRECT_MAP_BASE + 0x4008_0000
//   0xffff_c000_0000_0000  +--------------------------+  KSCRATCH_BASE
#pragma once

#define USER_BASE       0x0000000000010000ull
#define USER_TOP        0x0000004000000000ull
#define DIRECT_MAP_BASE 0xffff000000000000ull
#define DIRECT_MAP_SIZE 0x0000400000000000ull
#define KSCRATCH_BASE   0xffffc00000000000ull
#define KSCRATCH_SIZE   0x0000000040000000ull
#define KERNEL_IN_DIRECT_MAP 1

#define phys_to_virt(pa) ((void *)((unsigned long)(pa) + DIRECT_MAP_BASE))
#define virt_to_phys(va) ((unsigned long)(va)-DIRECT_MAP_BASE)
