// SPDX-License-Identifier: MIT
// riscv64 per-CPU state (struct cpu, kernel/smp.h). While a hart runs in the
// kernel, tp holds its struct cpu; user mode owns tp (TLS). trap_entry.S
// saves the user's tp in the trap frame and loads the kernel's from the
// frame's x0 slot, where trap_return stored it on the way out to user mode
// (the frame is at the top of the kernel stack both times, trap_return checks
// it; user mode cannot write kernel memory). Also included from assembly for
// the offsets.
#pragma once

// TLB shootdown (kernel/core/tlb.c): whether loading another root drops
// every user translation (then only the CPUs with an address space loaded
// may cache it), and whether the flush instructions reach every CPU (then
// no IPI is needed).
#define ARCH_TLB_SWITCH_FLUSHES 0
#define ARCH_TLB_BROADCAST      0

#define CPU_STACK_TOP 24                 // struct cpu stack_top: a secondary's boot stack
#define CPU_ARCH      32                 // struct cpu arch[]
#define CPU_KSTACK    (CPU_ARCH + 0 * 8) // arch[0]: the kernel stack top of the next user trap
#define CPU_SATP      (CPU_ARCH + 1 * 8) // arch[1]: satp for the secondary entry (kernel_root)

#ifndef __ASSEMBLER__
struct cpu; // kernel/smp.h (which checks CPU_STACK_TOP and CPU_ARCH: riscv64 smp.c)

enum { RISCV_CPU_KSTACK = 0, RISCV_CPU_SATP = 1 }; // indices in struct cpu arch[]

// This hart's struct cpu (tp). Volatile: a thread that one day moves to
// another hart must not keep an old value across a switch.
static inline struct cpu *riscv_cpu(void)
{
        struct cpu *c;
        __asm__ volatile("mv %0, tp" : "=r"(c));
        return c;
}

static inline struct cpu *arch_cpu_fast(void)
{
        return riscv_cpu();
}
#endif
