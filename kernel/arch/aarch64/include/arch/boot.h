// SPDX-License-Identifier: MIT
// Arch-internal boot interfaces between head.S and the C side.
#pragma once
#include <common/types.h>

// Linker-script and head.S symbols.
extern char __kernel_start[], __kernel_end[];
extern char boot_stack_top[];
extern char boot_empty[]; // an all-invalid table: TTBR0 when no user space runs

// C entry from head.S: MMU on (early tables), on the boot stack, BSS clear.
// dtb_phys is what the loader passed in x0; entry_el the EL the kernel was
// entered at (2 if head.S dropped from EL2).
NORETURN void arch_entry(uint64_t dtb_phys, uint64_t entry_el);

// PL011 console set-up (enables the transmitter if firmware did not).
void console_init(void);

// Lets user code read the PMU cycle counter and the virtual counter.
void counters_init(void);
