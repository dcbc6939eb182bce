// SPDX-License-Identifier: MIT
// Assembler macros shared by vectors.S and syscall.S: push and pop the
// general-purpose registers in struct trap_frame order (arch/trap.h), rax
// highest, r15 lowest, so that after SAVE_GPRS the stack pointer is the frame.
#pragma once
// clang-format off
#ifdef __ASSEMBLER__

.macro SAVE_GPRS
        pushq %rax
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
.endm

// Leaves the stack pointer at the frame's vector slot.
.macro RESTORE_GPRS
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
.endm

#endif
