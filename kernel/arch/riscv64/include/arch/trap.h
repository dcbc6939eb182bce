// SPDX-License-Identifier: MIT
// The riscv64 trap frame: everything trap_entry (trap_entry.S) saves on the
// kernel stack, for traps from S-mode and U-mode alike.
//
// sscratch protocol: while the hart runs in the kernel sscratch is 0; while it
// runs in user mode sscratch holds the top of the current thread's kernel
// stack (arch_set_kernel_stack, kept per hart in struct cpu: arch/percpu.h),
// which trap_entry swaps into sp. trap_return sets it when it returns to user
// mode; the user frame always sits at the very top of that stack, and
// trap_return checks it does. tp: the hart's struct cpu in the kernel, the
// user's in user mode (saved as x4); while the hart is in user mode the x0
// slot of its user frame holds the kernel's tp for the next trap (the handler
// always sees 0 there).
//
//   sp + TF_SIZE  +-----------------+  (kernel stack top for user traps)
//                 | stval           |  TF_STVAL
//                 | scause          |  TF_SCAUSE
//                 | sstatus         |  TF_SSTATUS
//                 | sepc            |  TF_SEPC   resume address (may be changed)
//                 | x31 .. x1       |  TF_X(n)   x2 = sp before the trap
//   sp            | x0 slot (0)     |  kernel tp while in user mode
//                 +-----------------+
#pragma once

#define TF_X(n)    ((n)*8)
#define TF_SEPC    256
#define TF_SSTATUS 264
#define TF_SCAUSE  272
#define TF_STVAL   280
#define TF_SIZE    288 // keeps sp 16-byte aligned

#ifndef __ASSEMBLER__
#include <common/types.h>
#include <arch/regs.h>

struct trap_frame {
        union {
                uint64_t x[32]; // x[n] = register xn; x[0] is always 0
                struct {
                        uint64_t zero, ra, sp, gp, tp, t0, t1, t2, s0, s1;
                        uint64_t a0, a1, a2, a3, a4, a5, a6, a7;
                        uint64_t s2, s3, s4, s5, s6, s7, s8, s9, s10, s11;
                        uint64_t t3, t4, t5, t6;
                };
        };
        uint64_t sepc;    // where sret resumes
        uint64_t sstatus; // restored by sret (SPP, SPIE)
        uint64_t scause;
        uint64_t stval;
};

_Static_assert(__builtin_offsetof(struct trap_frame, sepc) == TF_SEPC, "TF_SEPC");
_Static_assert(__builtin_offsetof(struct trap_frame, sstatus) == TF_SSTATUS, "TF_SSTATUS");
_Static_assert(__builtin_offsetof(struct trap_frame, scause) == TF_SCAUSE, "TF_SCAUSE");
_Static_assert(__builtin_offsetof(struct trap_frame, stval) == TF_STVAL, "TF_STVAL");
_Static_assert(sizeof(struct trap_frame) == TF_SIZE, "TF_SIZE");

// Syscall ABI (mk/syscall.h): number in a7, arguments a0-a5 (x10-x15),
// result a0.
#define RV_REG_A0 10

// The syscall number.
static inline uint64_t tf_sysno(const struct trap_frame *tf)
{
        return tf->a7;
}

// Syscall argument n (0..5): a0..a5.
static inline uint64_t tf_arg(const struct trap_frame *tf, int n)
{
        return tf->x[RV_REG_A0 + n];
}

// Sets argument register n (0..5): a0..a5.
static inline void tf_set_arg(struct trap_frame *tf, int n, uint64_t v)
{
        tf->x[RV_REG_A0 + n] = v;
}

// Sets the syscall result (a0).
static inline void tf_set_ret(struct trap_frame *tf, uint64_t v)
{
        tf->a0 = v;
}

// Where the trapped code resumes (after a syscall: past the ecall).
static inline uint64_t tf_ip(const struct trap_frame *tf)
{
        return tf->sepc;
}

// The stack pointer of the trapped code.
static inline uint64_t tf_sp(const struct trap_frame *tf)
{
        return tf->sp;
}

// Whether the trap came from user mode (sstatus.SPP clear).
static inline bool tf_from_user(const struct trap_frame *tf)
{
        return !(tf->sstatus & SSTATUS_SPP);
}

// The single trap vector (stvec, direct mode; entry.S installs it), and the
// path back, both in trap_entry.S. trap_exit: for a user frame at sp calls
// trap_user_return(frame), then falls into trap_return, which restores the
// frame at sp and executes sret.
void trap_entry(void);
void trap_exit(void);
void trap_return(void);

// Called by trap_entry with the saved frame; may change the frame.
void trap_handler(struct trap_frame *tf);

// Called by trap_return when a user frame is not at the top of the kernel
// stack set with arch_set_kernel_stack: a generic-code bug. Panics.
NORETURN void trap_bad_kstack(const struct trap_frame *tf, uint64_t kstack_top);

// Prints every register of the frame (for fatal traps).
void trap_dump(const struct trap_frame *tf);
#endif
