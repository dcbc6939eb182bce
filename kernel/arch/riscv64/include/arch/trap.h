// SPDX-License-Identifier: MIT
// The riscv64 trap frame: everything trap_entry (trap_entry.S) saves on the
// kernel stack, for traps from S-mode and (next) from U-mode alike.
//
// sscratch protocol: while the hart runs in the kernel sscratch is 0; while it
// runs in user mode sscratch holds the top of this hart's kernel stack, which
// trap_entry swaps into sp. trap_return sets it again when it returns to user
// mode (the frame then sits at the very top of the kernel stack).
//
//   sp + TF_SIZE  +-----------------+  (kernel stack top for user traps)
//                 | stval           |  TF_STVAL
//                 | scause          |  TF_SCAUSE
//                 | sstatus         |  TF_SSTATUS
//                 | sepc            |  TF_SEPC   resume address (may be changed)
//                 | x31 .. x1       |  TF_X(n)   x2 = sp before the trap
//   sp            | x0 slot (0)     |
//                 +-----------------+
#pragma once

#define TF_X(n)    ((n)*8)
#define TF_SEPC    256
#define TF_SSTATUS 264
#define TF_SCAUSE  272
#define TF_STVAL   280
#define TF_SIZE    288 // keeps sp 16-byte aligned

#ifndef __ASSEMBLER__
#include <kernel/types.h>

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

// The single trap vector (stvec, direct mode; entry.S installs it), and the
// path back: restores the frame at sp and executes sret. Both in trap_entry.S.
void trap_entry(void);
void trap_return(void);

// Called by trap_entry with the saved frame; may change tf->sepc.
void trap_handler(struct trap_frame *tf);

// Prints every register of the frame (for fatal traps).
void trap_dump(const struct trap_frame *tf);
#endif
