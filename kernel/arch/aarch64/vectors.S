// SPDX-License-Identifier: MIT
// The VBAR_EL1 vector table: 16 slots of 0x80 bytes. Every slot pushes a
// struct trap_frame (arch/trap.h) on SP_EL1 and calls
// trap_dispatch(frame, slot); trap_exit calls trap_user_return() for frames
// from EL0, then trap_return restores the (possibly modified) frame and
// erets. The same path serves kernel traps, interrupts, user traps and
// syscalls: from EL0 the CPU switches to SP_EL1, which is the top of the
// running thread's kernel stack (see arch/trap.h).
#include <arch/sysreg.h>
#include <arch/trap.h>

// One vector slot: make room for the frame, free two registers, go to the
// common path with the slot number in x0.
.macro VECTOR slot
        .balign 0x80
        sub     sp, sp, #TF_SIZE
        stp     x0, x1, [sp, #TF_X(0)]
        mov     x0, #\slot
        b       trap_entry
.endm

        .section .text.vectors, "ax"
        .balign 2048
        .globl  exception_vectors
exception_vectors:
        VECTOR  VEC_EL1T_SYNC
        VECTOR  VEC_EL1T_IRQ
        VECTOR  VEC_EL1T_FIQ
        VECTOR  VEC_EL1T_SERROR
        VECTOR  VEC_EL1H_SYNC
        VECTOR  VEC_EL1H_IRQ
        VECTOR  VEC_EL1H_FIQ
        VECTOR  VEC_EL1H_SERROR
        VECTOR  VEC_EL0_SYNC
        VECTOR  VEC_EL0_IRQ
        VECTOR  VEC_EL0_FIQ
        VECTOR  VEC_EL0_SERROR
        VECTOR  VEC_EL0_32_SYNC
        VECTOR  VEC_EL0_32_IRQ
        VECTOR  VEC_EL0_32_FIQ
        VECTOR  VEC_EL0_32_SERROR

// Saves x2-x30, sp_el0, elr, spsr, esr and far (x0/x1 are already saved),
// calls trap_dispatch(sp, slot) and falls into trap_return.
trap_entry:
        stp     x2, x3, [sp, #TF_X(2)]
        stp     x4, x5, [sp, #TF_X(4)]
        stp     x6, x7, [sp, #TF_X(6)]
        stp     x8, x9, [sp, #TF_X(8)]
        stp     x10, x11, [sp, #TF_X(10)]
        stp     x12, x13, [sp, #TF_X(12)]
        stp     x14, x15, [sp, #TF_X(14)]
        stp     x16, x17, [sp, #TF_X(16)]
        stp     x18, x19, [sp, #TF_X(18)]
        stp     x20, x21, [sp, #TF_X(20)]
        stp     x22, x23, [sp, #TF_X(22)]
        stp     x24, x25, [sp, #TF_X(24)]
        stp     x26, x27, [sp, #TF_X(26)]
        stp     x28, x29, [sp, #TF_X(28)]
        mrs     x1, sp_el0
        stp     x30, x1, [sp, #TF_X(30)]
        mrs     x1, elr_el1
        mrs     x2, spsr_el1
        stp     x1, x2, [sp, #TF_ELR]
        mrs     x1, esr_el1
        mrs     x2, far_el1
        stp     x1, x2, [sp, #TF_ESR]

        // A frame record linking the trap to the interrupted code, so a
        // backtrace walks through the exception.
        mov     x1, x0
        mov     x0, sp
        ldr     x2, [sp, #TF_ELR]
        stp     x29, x2, [sp, #-16]!
        mov     x29, sp
        bl      trap_dispatch
        add     sp, sp, #16
        // fall through

// The common exit, with sp at the frame: a frame going back to EL0 first
// passes through trap_user_return(frame) (rescheduling, a pending kill),
// which may switch threads and come back later on this same stack.
        .globl  trap_exit
trap_exit:
        ldr     x1, [sp, #TF_SPSR]
        and     x1, x1, #SPSR_MODE_MASK
        cmp     x1, #SPSR_MODE_EL0T
        b.ne    trap_return
        mov     x0, sp
        bl      trap_user_return
        // fall through

// Restores the frame at sp and returns from the exception to frame.elr.
        .globl  trap_return
trap_return:
        ldp     x1, x2, [sp, #TF_ELR]
        msr     elr_el1, x1
        msr     spsr_el1, x2
        ldr     x1, [sp, #TF_SP_EL0]
        msr     sp_el0, x1
        ldp     x0, x1, [sp, #TF_X(0)]
        ldp     x2, x3, [sp, #TF_X(2)]
        ldp     x4, x5, [sp, #TF_X(4)]
        ldp     x6, x7, [sp, #TF_X(6)]
        ldp     x8, x9, [sp, #TF_X(8)]
        ldp     x10, x11, [sp, #TF_X(10)]
        ldp     x12, x13, [sp, #TF_X(12)]
        ldp     x14, x15, [sp, #TF_X(14)]
        ldp     x16, x17, [sp, #TF_X(16)]
        ldp     x18, x19, [sp, #TF_X(18)]
        ldp     x20, x21, [sp, #TF_X(20)]
        ldp     x22, x23, [sp, #TF_X(22)]
        ldp     x24, x25, [sp, #TF_X(24)]
        ldp     x26, x27, [sp, #TF_X(26)]
        ldp     x28, x29, [sp, #TF_X(28)]
        ldr     x30, [sp, #TF_X(30)]
        add     sp, sp, #TF_SIZE
        eret
