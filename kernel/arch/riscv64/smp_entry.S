// SPDX-License-Identifier: MIT
// Secondary hart entry (SBI HSM hart_start from smp.c). The hart arrives in
// S-mode with the MMU off, a0 = its hart id, a1 = opaque = the physical
// address of its struct cpu (arch/percpu.h): arch[RISCV_CPU_SATP] holds satp
// for kernel_root, stack_top its stack. Until satp is set this code runs at
// its physical address and only uses PC-relative addressing (lla).
//
// kernel_root maps the kernel only in the direct map, and nothing below
// MK_USER_TOP, where the physical addresses lie: the first fetch after the
// satp write faults. stvec points at the continuation's virtual address
// beforehand, so that fault (or, if none comes, the jump) lands there.
#include <arch/memlayout.h>
#include <arch/percpu.h>
#include <arch/regs.h>

	.text
	.balign	4
	.globl	riscv_secondary_entry
riscv_secondary_entry:
	// As at _start: no interrupts, FPU and vector off, SUM off.
	csrw	sie, zero
	li	t0, SSTATUS_SIE | SSTATUS_FS | SSTATUS_VS | SSTATUS_SUM
	csrc	sstatus, t0
	csrw	sscratch, zero		// in the kernel (trap_entry.S)
	li	t1, DIRECT_MAP_BASE
	add	s1, a1, t1		// struct cpu at its virtual address
	ld	t0, CPU_SATP(a1)
	lla	t2, secondary_high
	add	t2, t2, t1
	csrw	stvec, t2
	sfence.vma
	csrw	satp, t0
	jr	t2

	.balign	4			// stvec, direct mode
secondary_high:
	sfence.vma
	lla	t0, trap_entry
	csrw	stvec, t0
	mv	tp, s1			// this hart's struct cpu
	ld	sp, CPU_STACK_TOP(s1)
	mv	a0, s1
	li	s0, 0			// end of the frame-pointer chain
	li	s1, 0
	call	riscv_secondary_main
1:	csrw	sie, zero
	wfi
	j	1b
