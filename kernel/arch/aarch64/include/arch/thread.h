// SPDX-License-Identifier: MIT
// The kernel context arch_switch() saves and restores (switch.S): the
// AAPCS64 callee-saved registers x19-x28, the frame pointer x29, the link
// register x30 (where arch_switch returns to) and the kernel stack pointer.
// Everything else is caller-saved, so the C caller of arch_switch has
// already spilled it. Interrupt masks are not saved: the kernel always runs
// with IRQs masked outside arch_wait_for_interrupt().
#pragma once

#define CTX_X19  0
#define CTX_X29  80
#define CTX_LR   88
#define CTX_SP   96
#define CTX_SIZE 104

#ifndef __ASSEMBLER__
#include <common/types.h>

struct arch_context {
        uint64_t x19_x28[10];
        uint64_t fp; // x29
        uint64_t lr; // x30: where arch_switch "returns" in this context
        uint64_t sp;
};

_Static_assert(sizeof(struct arch_context) == CTX_SIZE, "arch_context layout (switch.S)");
_Static_assert(__builtin_offsetof(struct arch_context, fp) == CTX_X29, "CTX_X29");
_Static_assert(__builtin_offsetof(struct arch_context, lr) == CTX_LR, "CTX_LR");
_Static_assert(__builtin_offsetof(struct arch_context, sp) == CTX_SP, "CTX_SP");
#endif
