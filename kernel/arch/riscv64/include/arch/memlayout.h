// SPDX-License-Identifier: MIT
// riscv64 virtual address layout (Sv39: 39-bit VAs, 3 levels).
//
//   0x0000_0000_0000_0000  +--------------------------+
//                          | user                     |  MK_USER_BASE.., same range on every arch
//   0x0000_0040_0000_0000  +--------------------------+  MK_USER_TOP (256 GiB, Sv39 limit)
//   0xffff_ffc0_0000_0000  +--------------------------+  DIRECT_MAP_BASE
//                          | direct map (128 GiB)       |  the kernel image lives here,
//                          |                            |  linked at DIRECT_MAP_BASE +
//                          |                            |  0x8020_0000 (OpenSBI's next stage)
//   0xffff_ffe0_0000_0000  +--------------------------+  KSCRATCH_BASE
//
// Also included from assembly (boot code), hence the MEMLAYOUT_UL() suffixes.
#pragma once
#include <mk/layout.h>

#ifdef __ASSEMBLER__
#define MEMLAYOUT_UL(x) x
#else
#define MEMLAYOUT_UL(x) x##ull
#endif

// The user range is MK_USER_BASE..MK_USER_TOP (<mk/layout.h>, one range on
// every arch): Sv39's lower half holds it.
#define DIRECT_MAP_BASE      MEMLAYOUT_UL(0xffffffc000000000)
#define DIRECT_MAP_SIZE      MEMLAYOUT_UL(0x0000002000000000)
#define KSCRATCH_BASE        MEMLAYOUT_UL(0xffffffe000000000)
#define KSCRATCH_SIZE        MEMLAYOUT_UL(0x0000000040000000)
#define KERNEL_IN_DIRECT_MAP 1

#ifndef __ASSEMBLER__
_Static_assert(MK_USER_BASE >= 4096 && MK_USER_BASE < MK_USER_TOP && MK_USER_TOP <= (1ull << 38),
               "the user range must fit the riscv64 user half");
#define phys_to_virt(pa) ((void *)((unsigned long)(pa) + DIRECT_MAP_BASE))
#define virt_to_phys(va) ((unsigned long)(va)-DIRECT_MAP_BASE)
#endif
