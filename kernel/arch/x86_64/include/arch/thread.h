// SPDX-License-Identifier: MIT
// The kernel context arch_switch() saves and restores (switch.S): the SysV
// callee-saved registers rbx, rbp, r12-r15, the kernel stack pointer, where
// the context resumes (rip) and RFLAGS. Everything else is caller-saved, so
// the C caller of arch_switch has already spilled it. RFLAGS travels with the
// context so a thread inside an arch_user_access_begin() window (RFLAGS.AC
// with SMAP) gets its window back; IF is always 0 there (interrupts are off in
// the kernel).
#pragma once

#define CTX_RBX    0
#define CTX_RBP    8
#define CTX_R12    16
#define CTX_R13    24
#define CTX_R14    32
#define CTX_R15    40
#define CTX_RSP    48
#define CTX_RIP    56
#define CTX_RFLAGS 64
#define CTX_SIZE   72

#ifndef __ASSEMBLER__
#include <common/types.h>

struct arch_context {
        uint64_t rbx, rbp, r12, r13, r14, r15;
        uint64_t rsp;    // kernel stack pointer
        uint64_t rip;    // where arch_switch "returns" in this context
        uint64_t rflags; // restored with POPFQ
};

_Static_assert(sizeof(struct arch_context) == CTX_SIZE, "arch_context layout (switch.S)");
_Static_assert(__builtin_offsetof(struct arch_context, rbp) == CTX_RBP, "CTX_RBP");
_Static_assert(__builtin_offsetof(struct arch_context, r15) == CTX_R15, "CTX_R15");
_Static_assert(__builtin_offsetof(struct arch_context, rsp) == CTX_RSP, "CTX_RSP");
_Static_assert(__builtin_offsetof(struct arch_context, rip) == CTX_RIP, "CTX_RIP");
_Static_assert(__builtin_offsetof(struct arch_context, rflags) == CTX_RFLAGS, "CTX_RFLAGS");

// Where a new thread's first arch_switch lands (switch.S): rsp points at its
// user trap frame; calls thread_first_run(), then returns to user mode.
extern char x86_thread_start[];
#endif
