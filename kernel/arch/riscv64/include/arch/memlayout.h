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
//
// Also included from assembly (boot code), hence the MEMLAYOUT_UL() suffixes.
#pragma once

#ifdef __ASSEMBLER__
#define MEMLAYOUT_UL(x) x
#else
#define MEMLAYOUT_UL(x) x##ull
#endif

#define USER_BASE            MEMLAYOUT_UL(0x0000000000010000)
#define USER_TOP             MEMLAYOUT_UL(0x0000004000000000)
#define DIRECT_MAP_BASE      MEMLAYOUT_UL(0xffffffc000000000)
#define DIRECT_MAP_SIZE      MEMLAYOUT_UL(0x0000002000000000)
#define KSCRATCH_BASE        MEMLAYOUT_UL(0xffffffe000000000)
#define KSCRATCH_SIZE        MEMLAYOUT_UL(0x0000000040000000)
#define KERNEL_IN_DIRECT_MAP 1

#ifndef __ASSEMBLER__
#define phys_to_virt(pa) ((void *)((unsigned long)(pa) + DIRECT_MAP_BASE))
#define virt_to_phys(va) ((unsigned long)(va)-DIRECT_MAP_BASE)
#endif
