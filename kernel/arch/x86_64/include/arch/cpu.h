// SPDX-License-Identifier: MIT
// x86_64 CPU state: segment selectors, the TSS and the per-CPU block that GS
// points at in kernel mode (one per CPU, each with its own GDT and TSS). The
// GDT is laid out for SYSCALL/SYSRET:
//
//   0x00 null
//   0x08 kernel code (64-bit)  SYSCALL CS = STAR[47:32], SS = that + 8
//   0x10 kernel data
//   0x18 user code (32-bit)    SYSRET base = STAR[63:48]: unused placeholder
//   0x20 user data             SYSRET SS = base + 8  (| RPL 3)
//   0x28 user code (64-bit)    SYSRET CS = base + 16 (| RPL 3)
//   0x30 TSS (16 bytes, two slots)
#pragma once

#define X86_SEL_KCODE    0x08
#define X86_SEL_KDATA    0x10
#define X86_SEL_UCODE32  0x18
#define X86_SEL_UDATA    0x20
#define X86_SEL_UCODE    0x28
#define X86_SEL_TSS      0x30
#define X86_SEL_RPL_USER 3
#define X86_GDT_ENTRIES  8

// struct x86_cpu offsets, for assembly (syscall entry uses %gs:offset).
#define X86_CPU_SELF       0
#define X86_CPU_KERNEL_RSP 8
#define X86_CPU_USER_RSP   16

#ifndef __ASSEMBLER__
#include <common/types.h>

// SYSRET derives user SS and CS from one base (STAR[63:48]).
_Static_assert(X86_SEL_UDATA == X86_SEL_UCODE32 + 8, "SYSRET SS");
_Static_assert(X86_SEL_UCODE == X86_SEL_UCODE32 + 16, "SYSRET CS");

// 64-bit task-state segment (SDM 8.7): only the stack pointers matter.
struct x86_tss {
        uint32_t reserved0;
        uint64_t rsp[3]; // stack for a trap from ring 3 to ring 0 is rsp[0]
        uint64_t reserved1;
        uint64_t ist[7]; // IST1..IST7
        uint64_t reserved2;
        uint16_t reserved3;
        uint16_t iomap_base; // past the limit: no I/O bitmap
} __attribute__((packed));

_Static_assert(sizeof(struct x86_tss) == 104, "TSS size");

struct cpu;

// Per-CPU block; GS_BASE points at it in the kernel (KERNEL_GS_BASE holds the
// user value while in the kernel; SWAPGS exchanges them on user entry/exit).
struct x86_cpu {
        struct x86_cpu *self; // %gs:0
        uint64_t kernel_rsp;  // top of the current thread's kernel stack (= tss.rsp[0])
        uint64_t user_rsp;    // scratch for the SYSCALL entry
        struct cpu *cpu;      // the generic struct (arch_this_cpu), set by arch_cpu_init
        uint32_t id;
        uint32_t asid;      // address space whose root is in CR3 (0: none)
        struct thread *cur; // = cpu->cur: `current` in one %gs load (arch/percpu.h)
        struct x86_tss tss;
};

_Static_assert(__builtin_offsetof(struct x86_cpu, self) == X86_CPU_SELF, "cpu");
_Static_assert(__builtin_offsetof(struct x86_cpu, kernel_rsp) == X86_CPU_KERNEL_RSP, "cpu");
_Static_assert(__builtin_offsetof(struct x86_cpu, user_rsp) == X86_CPU_USER_RSP, "cpu");

// The running CPU's block, addressed through GS (clang's GS address space):
// X86_THIS_CPU->field is one %gs:offset operand, as cheap as a global.
// Valid in the kernel only (GS_BASE is the user's value in user mode).
#define X86_THIS_CPU ((__seg_gs struct x86_cpu *)0)

// Blocks of CPUs 0 .. MAX_CPUS-1 (kernel/smp.h), by logical number.
extern struct x86_cpu x86_cpus[];

// Loads a GDT and TSS of CPU `id`'s own (IST stacks at ist_top[], RSP0 =
// kstack_top), the segment registers, GS_BASE -> x86_cpus[id] and STAR.
void x86_cpu_setup(unsigned id, const uint64_t *ist_top, uint64_t kstack_top);
// x86_cpu_setup for the boot CPU (CPU 0, static IST stacks, the boot stack).
void x86_gdt_init(void);
// Builds and loads the IDT (all 256 vectors; IST stacks for #DF, NMI, #MC).
void x86_idt_init(void);
// Loads the IDT x86_idt_init built (a secondary CPU).
void x86_idt_load(void);
// Sets the stack a trap from user mode lands on (TSS.RSP0) on the boot CPU,
// the only one that runs threads yet.
void x86_cpu_set_kernel_stack(uint64_t top);

// Whether CR4.SMAP is on: arch_user_access_begin/end then run STAC/CLAC.
extern bool x86_smap_enabled;

// Physical address of the loaded kernel image (boot_info.kernel_phys).
extern paddr_t x86_kernel_phys;

// Boot stack: [x86_boot_stack, x86_boot_stack_top), guard page below it.
extern char x86_boot_stack[], x86_boot_stack_top[], x86_boot_stack_guard[];
#endif
