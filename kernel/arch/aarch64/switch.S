// SPDX-License-Identifier: MIT
// Kernel context switch and the first steps of a new thread.
//
// void arch_switch(struct arch_context *from, struct arch_context *to)
// Saves the callee-saved registers, fp, lr and sp of the caller into *from,
// loads *to and returns into it: to the instruction after its own
// arch_switch call, or, for a context made by arch_thread_init(), to
// thread_start with sp at the new thread's user trap frame.
#include <arch/thread.h>

        .text
        .globl  arch_switch
        .type   arch_switch, %function
arch_switch:
        stp     x19, x20, [x0, #CTX_X19 + 0]
        stp     x21, x22, [x0, #CTX_X19 + 16]
        stp     x23, x24, [x0, #CTX_X19 + 32]
        stp     x25, x26, [x0, #CTX_X19 + 48]
        stp     x27, x28, [x0, #CTX_X19 + 64]
        stp     x29, x30, [x0, #CTX_X29]
        mov     x9, sp
        str     x9, [x0, #CTX_SP]

        ldp     x19, x20, [x1, #CTX_X19 + 0]
        ldp     x21, x22, [x1, #CTX_X19 + 16]
        ldp     x23, x24, [x1, #CTX_X19 + 32]
        ldp     x25, x26, [x1, #CTX_X19 + 48]
        ldp     x27, x28, [x1, #CTX_X19 + 64]
        ldp     x29, x30, [x1, #CTX_X29]
        ldr     x9, [x1, #CTX_SP]
        mov     sp, x9
        ret
        .size   arch_switch, . - arch_switch

// A new thread's first code (ctx->lr), with sp at its user trap frame:
// thread_first_run(), then the common exit of a trap from user mode, which
// calls trap_user_return(frame) and restores the frame (vectors.S).
        .globl  thread_start
        .type   thread_start, %function
thread_start:
        bl      thread_first_run
        b       trap_exit
        .size   thread_start, . - thread_start
