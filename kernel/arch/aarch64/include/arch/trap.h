// SPDX-License-Identifier: MIT
// The trap frame: the full register state saved by vectors.S on the kernel
// stack (SP_EL1) for every exception, from EL1 or EL0, and restored on return.
// A thread returns to EL0 by restoring the frame at the top of its kernel
// stack, which leaves SP_EL1 = that top: its next trap from EL0 lands in the
// same place. trap_return restores a frame and erets, so a new thread starts
// by pointing sp at a crafted frame (arch_thread_init) and branching to
// trap_exit. Changing elr in the frame changes where execution resumes.
//
//   sp -> +0    x0 .. x30      (31 x 8 bytes)
//         +248  sp_el0         user stack pointer
//         +256  elr            return address (the faulting/next instruction)
//         +264  spsr           saved PSTATE
//         +272  esr            syndrome (meaningful for synchronous traps)
//         +280  far            fault address (aborts, alignment faults)
//         +288  end (16-byte multiple; the interrupted EL1 sp is tf + 1)
#pragma once

#define TF_X(n)   ((n)*8)
#define TF_SP_EL0 248
#define TF_ELR    256
#define TF_SPSR   264
#define TF_ESR    272
#define TF_FAR    280
#define TF_SIZE   288

// Vector table slots (VBAR_EL1 + 0x80 * slot), passed to trap_dispatch():
// slot = VEC_KINDS * origin + kind.
#define VEC_KIND_SYNC     0
#define VEC_KIND_IRQ      1
#define VEC_KIND_FIQ      2
#define VEC_KIND_SERROR   3
#define VEC_KINDS         4
#define VEC_EL1T_SYNC     0 // current EL with SP_EL0: never used by this kernel
#define VEC_EL1T_IRQ      1
#define VEC_EL1T_FIQ      2
#define VEC_EL1T_SERROR   3
#define VEC_EL1H_SYNC     4 // current EL with SP_EL1: kernel traps
#define VEC_EL1H_IRQ      5
#define VEC_EL1H_FIQ      6
#define VEC_EL1H_SERROR   7
#define VEC_EL0_SYNC      8 // lower EL, AArch64: user traps and syscalls
#define VEC_EL0_IRQ       9
#define VEC_EL0_FIQ       10
#define VEC_EL0_SERROR    11
#define VEC_EL0_32_SYNC   12 // lower EL, AArch32: not supported
#define VEC_EL0_32_IRQ    13
#define VEC_EL0_32_FIQ    14
#define VEC_EL0_32_SERROR 15
#define VEC_COUNT         16

#ifndef __ASSEMBLER__
#include <common/types.h>
#include <arch/sysreg.h>

struct trap_frame {
        uint64_t x[31];
        uint64_t sp_el0;
        uint64_t elr;
        uint64_t spsr;
        uint64_t esr;
        uint64_t far;
};

_Static_assert(sizeof(struct trap_frame) == TF_SIZE, "trap_frame layout (vectors.S)");
_Static_assert(__builtin_offsetof(struct trap_frame, sp_el0) == TF_SP_EL0, "TF_SP_EL0");
_Static_assert(__builtin_offsetof(struct trap_frame, elr) == TF_ELR, "TF_ELR");
_Static_assert(__builtin_offsetof(struct trap_frame, spsr) == TF_SPSR, "TF_SPSR");
_Static_assert(__builtin_offsetof(struct trap_frame, esr) == TF_ESR, "TF_ESR");
_Static_assert(__builtin_offsetof(struct trap_frame, far) == TF_FAR, "TF_FAR");

// Called by vectors.S with the saved frame and the vector slot (VEC_*).
void trap_dispatch(struct trap_frame *tf, unsigned long vec);
// Restores *tf (on the current stack) and returns from the exception.
NORETURN void trap_return(void);
// Prints every register of a frame.
void trap_dump(const struct trap_frame *tf);
// Whether the frame was saved on entry from EL0.
static inline bool trap_from_user(const struct trap_frame *tf)
{
        return (tf->spsr & SPSR_MODE_MASK) == SPSR_MODE_EL0T;
}

// Generic accessors (kernel/include/kernel/arch.h). The syscall convention
// of mk/syscall.h: number in x8, arguments in x0-x5, result in x0.
#define TF_SYSNO_REG 8
#define TF_NARGS     6

static inline uint64_t tf_sysno(const struct trap_frame *tf)
{
        return tf->x[TF_SYSNO_REG];
}

// Argument n (0..5) of a syscall: x<n>.
static inline uint64_t tf_arg(const struct trap_frame *tf, int n)
{
        return tf->x[n];
}

static inline void tf_set_arg(struct trap_frame *tf, int n, uint64_t v)
{
        tf->x[n] = v;
}

// The syscall result register, x0 (overwrites argument 0).
static inline void tf_set_ret(struct trap_frame *tf, uint64_t v)
{
        tf->x[0] = v;
}

// Where execution resumes: after an SVC, the next instruction; after an
// abort or undefined instruction, the faulting one.
static inline uint64_t tf_ip(const struct trap_frame *tf)
{
        return tf->elr;
}

// The interrupted stack pointer: SP_EL0 for user frames, the EL1 stack just
// above the frame for kernel frames.
static inline uint64_t tf_sp(const struct trap_frame *tf)
{
        return trap_from_user(tf) ? tf->sp_el0 : (uint64_t)(tf + 1);
}

static inline bool tf_from_user(const struct trap_frame *tf)
{
        return trap_from_user(tf);
}
#endif
