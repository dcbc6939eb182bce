// SPDX-License-Identifier: MIT
// The trap vector (stvec, direct mode) and the return path. Saves the full
// register state in a struct trap_frame (arch/trap.h) on the kernel stack,
// calls trap_handler(frame) and restores the frame, including a changed sepc.
//
// sscratch is 0 while the hart is in the kernel and holds the kernel stack top
// while it is in user mode, so one csrrw tells the two apart and, for user
// traps, switches to the kernel stack.
//
// tp is the hart's struct cpu in the kernel (arch/percpu.h) and the user's in
// user mode. A user trap saves the user's tp with the other registers and
// loads the kernel's from the frame's x0 slot, where trap_return left it on
// the way out (same frame address both times: the top of the kernel stack).
#include <arch/percpu.h>
#include <arch/regs.h>
#include <arch/trap.h>

// Stores / loads x1 and x3..x31; sp (x2) is handled by the callers.
.macro SAVE_GPRS
	sd	x1, TF_X(1)(sp)
	.irp	n, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	sd	x\n, TF_X(\n)(sp)
	.endr
.endm

.macro RESTORE_GPRS
	ld	x1, TF_X(1)(sp)
	.irp	n, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	ld	x\n, TF_X(\n)(sp)
	.endr
.endm

	.text
	.balign	4
	.globl	trap_entry
trap_entry:
	csrrw	sp, sscratch, sp	// sp = kernel stack top (user) or 0 (kernel)
	bnez	sp, trap_from_user

	// From the kernel: take sp back, sscratch stays 0. A kernel sp outside
	// the kernel half would fault again on every store below, forever.
	csrrw	sp, sscratch, sp
	bgez	sp, trap_bad_kernel_sp
	addi	sp, sp, -TF_SIZE
	SAVE_GPRS
	addi	t0, sp, TF_SIZE
	sd	t0, TF_X(2)(sp)
	j	trap_save_csrs

// Corrupt kernel sp: save the frame on the emergency stack, keeping the bad sp
// for the report (the handler finds no fixup and panics).
trap_bad_kernel_sp:
	csrw	sscratch, sp
	lla	sp, trap_emergency_stack_top
	addi	sp, sp, -TF_SIZE
	SAVE_GPRS
	csrrw	t0, sscratch, zero
	sd	t0, TF_X(2)(sp)
	j	trap_save_csrs

trap_from_user:
	// sp = top of the kernel stack, sscratch = user sp.
	addi	sp, sp, -TF_SIZE
	SAVE_GPRS
	ld	tp, TF_X(0)(sp)		// this hart's struct cpu (trap_return put it there)
	csrrw	t0, sscratch, zero	// now in the kernel: sscratch = 0
	sd	t0, TF_X(2)(sp)

trap_save_csrs:
	sd	zero, TF_X(0)(sp)
	csrr	t0, sepc
	sd	t0, TF_SEPC(sp)
	csrr	t0, sstatus
	sd	t0, TF_SSTATUS(sp)
	csrr	t0, scause
	sd	t0, TF_SCAUSE(sp)
	csrr	t0, stval
	sd	t0, TF_STVAL(sp)
	mv	a0, sp
	li	s0, 0			// no frame-pointer chain across the trap
	call	trap_handler

// Leaves a trap with the frame at sp: a user frame first goes through
// trap_user_return(frame) (which may switch threads and come back). A new
// thread's first run (thread_start) also enters here.
	.globl	trap_exit
trap_exit:
	ld	t0, TF_SSTATUS(sp)
	andi	t0, t0, SSTATUS_SPP
	bnez	t0, trap_return
	mv	a0, sp
	call	trap_user_return

// Restores the frame at sp and returns from the trap. Interrupts stay off
// until sret (SIE <- SPIE). A user frame must sit at the top of the kernel
// stack set with arch_set_kernel_stack (this hart's struct cpu), which goes to
// sscratch for the next trap from user mode; the kernel's tp goes to the
// frame's x0 slot, where that trap finds it (the handler sees 0 there:
// trap_save_csrs clears it).
	.globl	trap_return
trap_return:
	ld	t0, TF_SSTATUS(sp)
	csrw	sstatus, t0
	andi	t0, t0, SSTATUS_SPP
	bnez	t0, 1f
	ld	t0, CPU_KSTACK(tp)
	addi	t1, sp, TF_SIZE
	bne	t0, t1, 2f
	csrw	sscratch, t0
	sd	tp, TF_X(0)(sp)
1:	ld	t0, TF_SEPC(sp)
	csrw	sepc, t0
	RESTORE_GPRS
	ld	sp, TF_X(2)(sp)
	sret

2:	mv	a0, sp			// frame not at the kernel stack top
	mv	a1, t0
	call	trap_bad_kstack

#define TRAP_EMERGENCY_STACK_SIZE 0x2000

	.section .bss.trap, "aw", @nobits
	.balign	16
trap_emergency_stack:
	.space	TRAP_EMERGENCY_STACK_SIZE
trap_emergency_stack_top:
