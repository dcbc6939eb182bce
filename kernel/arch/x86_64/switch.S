// SPDX-License-Identifier: MIT
// void arch_switch(struct arch_context *from, struct arch_context *to)
// Saves the callee-saved registers, RFLAGS, the stack pointer and the return
// address into *from, loads *to and jumps to its rip: either back into the
// arch_switch call that saved it, or, for a new thread, x86_thread_start.
#include <arch/thread.h>

        .section .text.arch_switch, "ax"
        .globl arch_switch
        .type arch_switch, @function
arch_switch:
        popq %rax                       // return address; rsp is now the caller's
        movq %rbx, CTX_RBX(%rdi)
        movq %rbp, CTX_RBP(%rdi)
        movq %r12, CTX_R12(%rdi)
        movq %r13, CTX_R13(%rdi)
        movq %r14, CTX_R14(%rdi)
        movq %r15, CTX_R15(%rdi)
        movq %rsp, CTX_RSP(%rdi)
        movq %rax, CTX_RIP(%rdi)
        pushfq
        popq CTX_RFLAGS(%rdi)

        movq CTX_RBX(%rsi), %rbx
        movq CTX_RBP(%rsi), %rbp
        movq CTX_R12(%rsi), %r12
        movq CTX_R13(%rsi), %r13
        movq CTX_R14(%rsi), %r14
        movq CTX_R15(%rsi), %r15
        movq CTX_RSP(%rsi), %rsp
        pushq CTX_RFLAGS(%rsi)
        popfq
        jmpq *CTX_RIP(%rsi)
        .size arch_switch, . - arch_switch

// A new thread's first run (arch_thread_init): rsp points at its user trap
// frame, at the top of its kernel stack (16-byte aligned).
        .globl x86_thread_start
        .type x86_thread_start, @function
x86_thread_start:
        call thread_first_run
        movq %rsp, %rdi
        call x86_user_return
        jmp x86_trap_return
        .size x86_thread_start, . - x86_thread_start
