// SPDX-License-Identifier: MIT
// x86_64 virtual address layout (4-level paging, 48-bit VAs).
//
//   0x0000_0000_0000_0000  +--------------------------+
//                          | user                     |  MK_USER_BASE.., same range on every arch
//   0x0000_0040_0000_0000  +--------------------------+  MK_USER_TOP (256 GiB)
//                          | unused (canonical hole ...)|
//   0xffff_8000_0000_0000  +--------------------------+  DIRECT_MAP_BASE: phys 0 ...
//                          | direct map of RAM (64 TiB)|
//   0xffff_c000_0000_0000  +--------------------------+  KSCRATCH_BASE: temporary
//                          | kernel scratch mappings   |  kernel mappings (tests)
//   0xffff_ffff_8000_0000  +--------------------------+  KERNEL_VBASE: kernel image
//                          | kernel image (-mcmodel=kernel), mapped to wherever
//                          | the UEFI loader put it (boot_info.kernel_phys)
#pragma once
#include <mk/layout.h>

// The user range is MK_USER_BASE..MK_USER_TOP (<mk/layout.h>, one range on
// every arch): the canonical lower half holds it.
#define DIRECT_MAP_BASE 0xffff800000000000ull
#define DIRECT_MAP_SIZE 0x0000400000000000ull
#define KSCRATCH_BASE   0xffffc00000000000ull
#define KSCRATCH_SIZE   0x0000000040000000ull
#define KERNEL_VBASE    0xffffffff80000000ull
// The kernel image is not inside the direct map: kvm.c maps it separately.
#define KERNEL_IN_DIRECT_MAP 0

#define phys_to_virt(pa) ((void *)((unsigned long)(pa) + DIRECT_MAP_BASE))
#define virt_to_phys(va) ((unsigned long)(va)-DIRECT_MAP_BASE) // direct-map addresses only

_Static_assert(MK_USER_BASE >= 4096 && MK_USER_BASE < MK_USER_TOP &&
                   MK_USER_TOP <= 0x0000800000000000ull,
               "the user range must fit the x86_64 user half");
