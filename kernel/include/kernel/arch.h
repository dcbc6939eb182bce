// SPDX-License-Identifier: MIT
// The interface every architecture implements (kernel/arch/<arch>/). Generic
// code includes only this header and <arch/...> headers with the same names on
// every arch: arch/memlayout.h (address-space layout constants) and
// arch/pte.h (page-table entry format, see kernel/include/kernel/pt.h).
//
// Boot contract: the arch entry code sets up a stack, an early MMU state in
// which the direct map (DIRECT_MAP_BASE + phys) covers RAM and the devices the
// console and exit use, clears BSS, calls arch_early_init(), fills what it
// knows of a struct boot_info and calls kmain().
#pragma once
#include <kernel/bootinfo.h>
#include <kernel/types.h>

struct mem_range;

// Generic entry point, in kernel/core/main.c.
NORETURN void kmain(struct boot_info *bi);

// Console: write one byte to the serial console (polled, usable at any time).
void arch_console_putc(char c);

// Ends the run: makes QEMU exit with `status` (0 = success) as seen by
// tools/run, whatever encoding the platform's exit device needs.
NORETURN void arch_exit(int status);

// Interrupts on the current CPU.
void arch_irq_enable(void);
void arch_irq_disable(void);
// Waits until an interrupt arrives (interrupts must be enabled).
void arch_wait_for_interrupt(void);

// Starts the periodic timer at `hz` ticks per second. Each tick calls
// timer_tick() (kernel/core/timer.c) in interrupt context.
void arch_timer_start(unsigned hz);

// A free-running counter of the arch's cycle/time source, and its frequency in
// Hz (0 if unknown). Deterministic under QEMU -icount.
uint64_t arch_counter(void);
uint64_t arch_counter_hz(void);

// Device ranges (physical) that the kernel must map as device memory in the
// direct map: the console, timer and interrupt controller, the exit device.
const struct mem_range *arch_mmio_ranges(size_t *count);

// MMU. The kernel page-table root is built by generic code (kernel/core/kvm.c)
// through pt.h and installed with arch_mmu_set_kernel_root(): it replaces the
// early boot tables. x86_64 and riscv64 share the upper half of every root;
// aarch64 keeps it in TTBR1.
void arch_mmu_set_kernel_root(paddr_t root);
void arch_tlb_flush_page(vaddr_t va);
void arch_tlb_flush_all(void);
// Physical address of a kernel-image virtual address (text, data, bss).
paddr_t arch_kimage_to_phys(vaddr_t va);

// Copies n bytes; a page fault on either side does not panic: the copy stops
// and -EFAULT is returned (the decoded fault is left in kfault_last). Returns 0
// when all bytes were copied. Implemented in assembly with exception-table
// entries; it is the base of copy-from/to-user.
long arch_copy_fixup(void *dst, const void *src, size_t n);

// Name of the architecture ("x86_64", "aarch64", "riscv64").
extern const char arch_name[];
