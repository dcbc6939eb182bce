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
#include <common/types.h>

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
// Waits until an interrupt arrives and has been handled; returns with
// interrupts disabled (the kernel runs with them off).
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
// Frame pa is about to be mapped executable in user mode: the instruction
// fetches of every CPU see what was stored into it (aarch64: clean its data
// lines to the point of unification, invalidate the instruction caches;
// riscv64: fence.i here and on every other hart; x86_64: coherent, nothing).
void arch_icache_sync(paddr_t pa);
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

// ---------------------------------------------------------------------------
// User mode, threads and address spaces.
//
// Every thread has its own kernel stack (KSTACK_SIZE bytes). A trap from user
// mode saves the user registers in a struct trap_frame (<arch/trap.h>) at the
// top of the current thread's kernel stack, calls the generic handler, then
// calls trap_user_return(tf) and restores the frame. Interrupts are off while
// in the kernel, except inside arch_wait_for_interrupt().
struct trap_frame;
struct fault_info;
struct arch_context; // callee-saved kernel registers, <arch/thread.h>

#define KSTACK_SIZE (4 * PAGE_SIZE)

// Saves the callee-saved registers and stack pointer of the running kernel
// context into *from and resumes *to (which returns from its own arch_switch,
// or starts a new thread, see below).
void arch_switch(struct arch_context *from, struct arch_context *to);

// Prepares a new thread whose kernel stack ends at kstack_top: builds a user
// trap frame just below it (user mode, interrupts enabled, ip, sp, and arg in
// the first argument register, every other register 0) and sets *ctx so that
// the first arch_switch to it calls thread_first_run() and then returns to
// user mode through the normal trap-return path. Returns the frame.
struct trap_frame *arch_thread_init(struct arch_context *ctx, void *kstack_top, uint64_t ip,
                                    uint64_t sp, uint64_t arg);

// Makes kstack_top the stack the next trap from user mode lands on (x86_64:
// TSS.RSP0 and the per-CPU block; riscv64: the value trap return puts in
// sscratch; aarch64: SP_EL1 is the current stack at eret, nothing to do).
void arch_set_kernel_stack(void *kstack_top);

// A new user page-table root: x86_64 and riscv64 copy the kernel half of
// kernel_root's top-level entries into it (kvm.c creates every top-level entry
// the kernel will ever use before any user root exists); aarch64 does nothing.
void arch_user_root_init(paddr_t root);
// Activates a user root (CR3 / TTBR0_EL1 / satp) with its address-space id.
// asid 0 is never used for a user space. The kernel half stays mapped.
// root 0 (with asid 0) means "no user space": only the kernel half.
void arch_user_root_switch(paddr_t root, unsigned asid);
// Invalidates one user page of the given address space on this CPU.
void arch_tlb_flush_user_page(unsigned asid, vaddr_t va);
// Invalidates all translations of an address space (before its asid is reused).
void arch_tlb_flush_asid(unsigned asid);

// Allow / forbid kernel access to user pages around user copies (riscv64:
// sstatus.SUM; x86_64 SMAP stac/clac and aarch64 PAN when the CPU has them).
void arch_user_access_begin(void);
void arch_user_access_end(void);

// Generic handlers arch trap code calls for traps from user mode (kernel/core).
void syscall_entry(struct trap_frame *tf);                          // syscall
void user_fault_entry(struct trap_frame *tf, struct fault_info *f); // decoded page fault
// Any other exception from user mode: what names it, raw is the arch's cause
// word, reason the ending (MK_REASON_ILLEGAL, _TRAP, _ARITH, _BUS, _NOMAP:
// Linux's signal for it, docs/conformance.md).
void user_exception_entry(struct trap_frame *tf, const char *what, uint64_t raw, uint64_t reason);
void trap_user_return(struct trap_frame *tf); // last thing before restoring the frame
void thread_first_run(void);                  // first thing a new thread runs
