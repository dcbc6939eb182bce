// SPDX-License-Identifier: MIT
// riscv64-private boot interfaces between entry.S and the C files.
#pragma once
#include <common/types.h>

// C entry, called by entry.S on the boot stack with the MMU on (early table),
// running at the linked address, BSS cleared. a0/a1 as OpenSBI passed them.
NORETURN void riscv_boot(uint64_t hartid, paddr_t dtb_phys);

// The hart that booted (the others are parked in entry.S).
extern uint64_t riscv_boot_hartid;

// Quiets the UART's interrupts; the console works without it on QEMU.
void uart_init(void);

// Reads the time base (/cpus timebase-frequency) from the DTB at dtb_phys.
void timer_init(paddr_t dtb_phys);

// Supervisor timer interrupt: re-arms the timer and calls timer_tick().
void timer_interrupt(void);

// Supervisor software interrupt (the kernel's IPI, smp.c): clears sip.SSIP
// and calls smp_ipi_handler().
void riscv_ipi(void);

// Root page table currently installed in satp (physical address).
paddr_t mmu_current_root(void);

// Finds how many ASID bits the hart implements (uspace.c).
void uspace_init(void);

// Lets U-mode read the cycle, time and instret counters (scounteren).
void counters_init(void);
