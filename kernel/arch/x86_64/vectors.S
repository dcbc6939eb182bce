// SPDX-License-Identifier: MIT
// Trap entry and exit. Each of the 256 vectors has a stub (its address is in
// x86_vector_table[vector]) that pushes a zero error code (unless the CPU
// pushed one) and the vector number, then jumps to x86_trap_common, which
// saves every GPR into a struct trap_frame (arch/trap.h), calls
// x86_trap_dispatch(frame) and returns through x86_trap_return, which
// restores the (possibly modified) frame and IRETQs. SWAPGS runs on entry
// from and exit to user mode (CS.RPL = 3). syscall.S and switch.S reuse
// x86_trap_return to enter user mode.
//
// Known limit: an NMI or #MC that hits between SWAPGS and IRETQ on the exit
// path sees a kernel CS with the user GS_BASE; their handlers never use GS
// (they only report and panic).
#include <arch/frame_asm.h>
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
        testb $X86_CS_RPL_MASK, FRAME_CS_FROM_VECTOR(%rsp)
        jz 1f
        swapgs
1:      SAVE_GPRS
        cld
        movq %rsp, %rdi
        call x86_trap_dispatch

// RSP points at a struct trap_frame: restore it and return to it.
        .globl x86_trap_return
x86_trap_return:
        cli
        RESTORE_GPRS
        testb $X86_CS_RPL_MASK, FRAME_CS_FROM_VECTOR(%rsp)
        jz 2f
        swapgs
2:      addq $(TF_RIP - TF_VECTOR), %rsp // vector and error code
        iretq
        .size x86_trap_common, . - x86_trap_common
