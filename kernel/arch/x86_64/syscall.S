// SPDX-License-Identifier: MIT
// SYSCALL entry (IA32_LSTAR) and exit. SYSCALL leaves the user rip in rcx and
// RFLAGS in r11, masks RFLAGS with IA32_FMASK (IF, DF, TF, AC, NT: interrupts
// stay off in the kernel) and switches neither stack nor GS. The entry swaps
// GS, moves to the thread's kernel stack (x86_cpu.kernel_rsp) and builds the
// same struct trap_frame a trap from user mode has, at the same place (the
// top of the kernel stack), with vector X86_VEC_SYSCALL.
//
// Exit: SYSRETQ when it restores the frame exactly: rip == rcx and
// RFLAGS == r11 in the frame (SYSRET loads rip from rcx and RFLAGS from r11),
// flat user CS and SS, and a canonical rip (SYSRET with a non-canonical rcx
// raises #GP in ring 0, on the user stack, on Intel CPUs). Anything else
// returns through x86_trap_return (IRETQ), which restores every register.
#include <arch/cpu.h>
#include <arch/frame_asm.h>
#include <arch/trap.h>

#define USER_CS (X86_SEL_UCODE | X86_SEL_RPL_USER)
#define USER_SS (X86_SEL_UDATA | X86_SEL_RPL_USER)

        .section .text.x86_syscall, "ax"
        .globl x86_syscall_entry
        .type x86_syscall_entry, @function
x86_syscall_entry:
        swapgs
        movq %rsp, %gs:X86_CPU_USER_RSP
        movq %gs:X86_CPU_KERNEL_RSP, %rsp
        pushq $USER_SS
        pushq %gs:X86_CPU_USER_RSP
        pushq %r11                      // rflags
        pushq $USER_CS
        pushq %rcx                      // rip
        pushq $0                        // error
        pushq $X86_VEC_SYSCALL          // vector
        SAVE_GPRS
        movq %rsp, %rdi
        call x86_syscall_dispatch

// RSP points at a user trap frame: SYSRETQ to it if that restores it exactly,
// else IRETQ. Interrupts are off (FMASK) and stay off until user mode.
        .globl x86_syscall_return
x86_syscall_return:
        movq TF_RIP(%rsp), %rcx
        cmpq TF_RCX(%rsp), %rcx
        jne x86_trap_return
        movq TF_RFLAGS(%rsp), %r11
        cmpq TF_R11(%rsp), %r11
        jne x86_trap_return
        shrq $X86_USER_VA_BITS, %rcx
        jnz x86_trap_return
        cmpq $USER_CS, TF_CS(%rsp)
        jne x86_trap_return
        cmpq $USER_SS, TF_SS(%rsp)
        jne x86_trap_return
        RESTORE_GPRS
        movq (TF_RSP - TF_VECTOR)(%rsp), %rsp
        swapgs
        sysretq
        .size x86_syscall_entry, . - x86_syscall_entry
