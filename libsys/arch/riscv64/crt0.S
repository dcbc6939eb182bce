// SPDX-License-Identifier: MIT
// riscv64 process entry. The kernel starts a thread at _start with sp set
// and the start argument in a0 (arch_thread_init). Ends the frame-pointer and
// return-address chains, aligns sp to 16 (psABI) and calls mk_start(arg0),
// which never returns; if it did, the illegal instruction after the call
// ends the process.

	.text
	.balign	4
	.globl	_start
	.type	_start, @function
_start:
	li	s0, 0
	li	ra, 0
	andi	sp, sp, -16
	call	mk_start
	unimp
	.size	_start, . - _start
