// SPDX-License-Identifier: MIT
// riscv64 virtual address layout (Sv39: 39-bit VAs, 3 levels).
//
//   0x0000_0000_0000_0000  +--------------------------+
//                          | user (USER_BASE..USER_TOP)|  same range on every arch
//   0x0000_0040_0000_0000  +--------------------------+  USER_TOP (256 GiB, Sv39 limit)
//   0xffff_ffc0_0000_0000  +--------------------------+  DIRECT_MAP_BASE
//                          | direct map (128 GiB)       |  the kernel image lives here,
//                          |                            |  linked at DIRECT_MAP_BASE +
//                          |                            |  0x8020_0000 (OpenSBI's next stage)
//   0xffff_ffe0_0000_0000  +--------------------------+  KSCRATCH_BASE
#pragma once

#define USER_BASE       0x0000000000010000ull
#define USER_TOP        0x0000004000000000ull
#define DIRECT_MAP_BASE 0xffffffc000000000ull
#define DIRECT_MAP_SIZE 0x0000002000000000ull
#define KSCRATCH_BASE   0xffffffe000000000ull
#define KSCRATCH_SIZE   0x0000000040000000ull
#define KERNEL_IN_DIRECT_MAP 1

#define phys_to_virt(pa) ((void *)((unsigned long)(pa) + DIRECT_MAP_BASE))
#define virt_to_phys(va) ((unsigned long)(va)-DIRECT_MAP_BASE)
