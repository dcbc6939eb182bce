// SPDX-License-Identifier: MIT
// riscv64 per-CPU state (struct cpu, kernel/smp.h). While a hart runs in the
// kernel, tp holds its struct cpu; user mode owns tp (TLS). trap_entry.S
// saves the user's tp in the trap frame and loads the kernel's from the
// frame's x0 slot, where trap_return stored it on the way out to user mode
// (the frame is at the top of the kernel stack both times, trap_return checks
// it; user mode cannot write kernel memory). Also included from assembly for
// the offsets.
#pragma once

#define CPU_STACK_TOP 24                 // struct cpu stack_top: a secondary's boot stack
#define CPU_ARCH      32                 // struct cpu arch[]
#define CPU_KSTACK    (CPU_ARCH + 0 * 8) // arch[0]: the kernel stack top of the next user trap
#define CPU_SATP      (CPU_ARCH + 1 * 8) // arch[1]: satp for the secondary entry (kernel_root)

#ifndef __ASSEMBLER__
#include <kernel/smp.h>

_Static_assert(__builtin_offsetof(struct cpu, stack_top) == CPU_STACK_TOP, "CPU_STACK_TOP");
_Static_assert(__builtin_offsetof(struct cpu, arch) == CPU_ARCH, "CPU_ARCH");

enum { RISCV_CPU_KSTACK = 0, RISCV_CPU_SATP = 1 }; // indices in struct cpu arch[]

// This hart's struct cpu (tp). Volatile: a thread that one day moves to
// another hart must not keep an old value across a switch.
static inline struct cpu *riscv_cpu(void)
{
        struct cpu *c;
        __asm__ volatile("mv %0, tp" : "=r"(c));
        return c;
}
#endif
