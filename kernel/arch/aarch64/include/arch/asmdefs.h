// SPDX-License-Identifier: MIT
// Generic constants that assembly needs, from headers that are not asm-safe.
// boot.c checks each against its original with _Static_assert.
#pragma once

#define ASM_EFAULT       14 // mk/errno.h EFAULT
#define ASM_EXIT_BADBOOT 3  // kernel/kprintf.h EXIT_BADBOOT
