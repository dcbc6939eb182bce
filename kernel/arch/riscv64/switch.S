// SPDX-License-Identifier: MIT
// Kernel context switch and the first code of a new thread. See arch/thread.h
// for struct arch_context.
#include <arch/regs.h>
#include <arch/thread.h>

	.text
	.balign	4
// arch_switch(from = a0, to = a1): saves ra, sp, s0-s11 and sstatus in *from,
// loads them from *to (restoring only sstatus.SUM) and returns into *to:
// either out of its own arch_switch call or, for a new thread, to thread_start.
	.globl	arch_switch
arch_switch:
	sd	ra, CTX_RA(a0)
	sd	sp, CTX_SP(a0)
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
	sd	s\n, CTX_S(\n)(a0)
	.endr
	csrr	t0, sstatus
	sd	t0, CTX_SSTATUS(a0)

	ld	ra, CTX_RA(a1)
	ld	sp, CTX_SP(a1)
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
	ld	s\n, CTX_S(\n)(a1)
	.endr
	ld	t0, CTX_SSTATUS(a1)
	li	t1, SSTATUS_SUM
	and	t0, t0, t1
	csrc	sstatus, t1
	csrs	sstatus, t0
	ret

// A new thread (arch_thread_init): sp points at its user trap frame at the top
// of its kernel stack. Runs thread_first_run(), then the normal way out of a
// trap from user mode (trap_user_return, restore, sret).
	.globl	thread_start
thread_start:
	li	s0, 0			// end of the frame-pointer chain
	call	thread_first_run
	j	trap_exit
