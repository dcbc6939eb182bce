// SPDX-License-Identifier: MIT
// Trap entry and exit. Each of the 256 vectors has a stub (its address is in
// x86_vector_table[vector]) that pushes a zero error code (unless the CPU
// pushed one) and the vector number, then jumps to x86_trap_common, which saves every GPR into a struct trap_frame
// (arch/trap.h), calls x86_trap_dispatch(frame) and returns through
// x86_trap_return, which restores the (possibly modified) frame and IRETQs.
// SWAPGS runs on entry from and exit to user mode (CS.RPL = 3).
//
// Known limit for the next issue: an NMI or #MC that hits between SWAPGS and
// IRETQ on the exit path sees a kernel CS with the user GS_BASE; the handlers
// do not use GS today.
#include <arch/trap.h>

#define FRAME_CS_FROM_VECTOR (TF_CS - TF_VECTOR) // CS seen from the vector slot

        .section .rodata.x86_vector_table, "a"
        .balign 8
        .globl x86_vector_table
x86_vector_table:
        .section .text.x86_vectors, "ax"
        .set vec, 0
        .rept X86_NUM_VECTORS
        .p2align 4
1:
        .if vec >= X86_NUM_EXCEPTIONS || !((X86_VEC_ERRCODE_MASK >> vec) & 1)
        pushq $0
        .endif
        pushq $vec
        jmp x86_trap_common
        .pushsection .rodata.x86_vector_table, "a"
        .quad 1b
        .popsection
        .set vec, vec + 1
        .endr

        .type x86_trap_common, @function
x86_trap_common:
        testb $3, FRAME_CS_FROM_VECTOR(%rsp)
        jz 1f
        swapgs
1:      pushq %rax
        pushq %rbx
        pushq %rcx
        pushq %rdx
        pushq %rsi
        pushq %rdi
        pushq %rbp
        pushq %r8
        pushq %r9
        pushq %r10
        pushq %r11
        pushq %r12
        pushq %r13
        pushq %r14
        pushq %r15
        cld
        movq %rsp, %rdi
        call x86_trap_dispatch

// RSP points at a struct trap_frame: restore it and return to it.
        .globl x86_trap_return
x86_trap_return:
        cli
        popq %r15
        popq %r14
        popq %r13
        popq %r12
        popq %r11
        popq %r10
        popq %r9
        popq %r8
        popq %rbp
        popq %rdi
        popq %rsi
        popq %rdx
        popq %rcx
        popq %rbx
        popq %rax
        testb $3, FRAME_CS_FROM_VECTOR(%rsp)
        jz 2f
        swapgs
2:      addq $16, %rsp // vector and error code
        iretq
        .size x86_trap_common, . - x86_trap_common
