// SPDX-License-Identifier: MIT
// arch_copy_fixup(dst, src, n): a byte copy whose every load and store has an
// exception-table entry, so a page fault on either side ends the copy with
// -EFAULT instead of a panic (the trap handler sets sepc to copy_fault).
#include <mk/errno.h>
#include <arch/asm.h>

	.text
	.balign	4
	.globl	arch_copy_fixup
arch_copy_fixup:
	/* 8 bytes at a time while both pointers are 8-byte aligned, then bytes. */
	or	t1, a0, a1
	andi	t1, t1, 7
	bnez	t1, 3f
	li	t2, 8
4:	bltu	a2, t2, 3f
copy_load8:
	ld	t0, 0(a1)
copy_store8:
	sd	t0, 0(a0)
	addi	a0, a0, 8
	addi	a1, a1, 8
	addi	a2, a2, -8
	j	4b
3:	beqz	a2, 2f
1:
copy_load:
	lbu	t0, 0(a1)
copy_store:
	sb	t0, 0(a0)
	addi	a0, a0, 1
	addi	a1, a1, 1
	addi	a2, a2, -1
	bnez	a2, 1b
2:	li	a0, 0
	ret
copy_fault:
	li	a0, -EFAULT
	ret

	EXTABLE(copy_load8, copy_fault)
	EXTABLE(copy_store8, copy_fault)
	EXTABLE(copy_load, copy_fault)
	EXTABLE(copy_store, copy_fault)
