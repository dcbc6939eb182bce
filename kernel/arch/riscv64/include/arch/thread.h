// SPDX-License-Identifier: MIT
// A thread's saved kernel context: what arch_switch (switch.S) keeps across a
// switch. Only the callee-saved registers of the psABI, the return address and
// the stack pointer; everything else is dead at a call. sstatus.SUM (kernel
// access to user pages) belongs to the thread that set it, so it is switched
// too. Also included from assembly for the offsets.
#pragma once

#define CTX_RA      0
#define CTX_SP      8
#define CTX_S(n)    (16 + (n)*8) // s0 .. s11
#define CTX_SSTATUS 112
#define CTX_SIZE    120

#ifndef __ASSEMBLER__
#include <common/types.h>

struct arch_context {
        uint64_t ra;      // where arch_switch returns (thread_start for a new thread)
        uint64_t sp;      // kernel stack pointer
        uint64_t s[12];   // s0 .. s11
        uint64_t sstatus; // only SSTATUS_SUM is restored
};

_Static_assert(__builtin_offsetof(struct arch_context, sp) == CTX_SP, "CTX_SP");
_Static_assert(__builtin_offsetof(struct arch_context, s[11]) == CTX_S(11), "CTX_S");
_Static_assert(__builtin_offsetof(struct arch_context, sstatus) == CTX_SSTATUS, "CTX_SSTATUS");
_Static_assert(sizeof(struct arch_context) == CTX_SIZE, "CTX_SIZE");

// First code of a new thread (switch.S): calls thread_first_run(), then leaves
// for user mode through trap_exit with the frame arch_thread_init built.
void thread_start(void);
#endif
