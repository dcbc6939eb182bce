// SPDX-License-Identifier: MIT
// Boot entry. OpenSBI jumps here in S-mode with the MMU off, a0 = hart id,
// a1 = DTB physical address. QEMU loads the ELF at its physical (AT) addresses
// and starts the next stage at the lowest one, so _start must be the first
// byte of the image (section .text.boot, first in kernel.ld). Until the jump
// to boot_high this code runs at physical addresses while linked in the direct
// map: it only uses PC-relative addressing (lla).
//
// Early Sv39 root (one 4 KiB table, gigapages, kernel RWX):
//   root[kernel GiB]          identity map of the GiB holding the kernel
//   root[DMAP_SLOT + 0..3]    DIRECT_MAP_BASE + GiB 0..3 (devices in GiB 0, RAM from 2)
#include <arch/memlayout.h>
#include <arch/platform.h>
#include <arch/pte.h>
#include <arch/regs.h>
#include <arch/asm.h>

#define BOOT_PAGE_SHIFT 12 // 4 KiB pages: satp and PTEs hold page numbers
#define PTE_SIZE_SHIFT  3  // 8-byte entries
#define PT_INDEX_MASK   511
#define GIB_SHIFT       30 // a level-2 (root) entry maps 1 GiB
#define GIB_PTE_SHIFT   (GIB_SHIFT - BOOT_PAGE_SHIFT + PTE_PPN_SHIFT) // GiB number -> PPN field
#define DMAP_SLOT       ((DIRECT_MAP_BASE >> GIB_SHIFT) & PT_INDEX_MASK)
#define BOOT_DMAP_GIB   4
#define BOOT_PTE_FLAGS  (PTE_V | PTE_R | PTE_W | PTE_X | PTE_G | PTE_A | PTE_D)
#define BOOT_STACK_SIZE 0x10000

	.section .text.boot, "ax", @progbits
	.globl	_start
_start:
	// No interrupts; FPU and vector off (their registers are never saved:
	// their instructions trap as illegal); SUM off (no user access).
	csrw	sie, zero
	li	t0, SSTATUS_SIE | SSTATUS_FS | SSTATUS_VS | SSTATUS_SUM
	csrc	sstatus, t0
	lla	t0, boot_early_trap
	csrw	stvec, t0

	// One hart boots; any other that gets here parks (the secondaries enter
	// at riscv_secondary_entry, smp_entry.S, when SBI HSM starts them).
	lla	t0, boot_hart_claim
	li	t1, 1
	amoswap.w.aq t1, t1, (t0)
	bnez	t1, boot_park
	mv	s0, a0
	mv	s1, a1

	// Clear BSS (it holds the stack and the early root).
	lla	t0, __bss_start
	lla	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:
	// Identity gigapage for the kernel's GiB.
	lla	t0, boot_root_pt
	li	t4, BOOT_PTE_FLAGS
	lla	t1, _start
	srli	t1, t1, GIB_SHIFT
	slli	t2, t1, PTE_SIZE_SHIFT
	add	t2, t0, t2
	slli	t3, t1, GIB_PTE_SHIFT
	or	t3, t3, t4
	sd	t3, 0(t2)

	// Direct map of GiB 0 .. BOOT_DMAP_GIB-1.
	li	t2, DMAP_SLOT << PTE_SIZE_SHIFT
	add	t2, t0, t2
	li	t1, 0
	li	t5, BOOT_DMAP_GIB
3:	slli	t3, t1, GIB_PTE_SHIFT
	or	t3, t3, t4
	sd	t3, 0(t2)
	addi	t2, t2, 8
	addi	t1, t1, 1
	bltu	t1, t5, 3b

	// MMU on: Sv39, ASID 0.
	srli	t0, t0, BOOT_PAGE_SHIFT
	li	t1, SATP_MODE_SV39
	or	t0, t0, t1
	sfence.vma
	csrw	satp, t0
	sfence.vma

	// Continue at the linked address in the direct map.
	lla	t0, boot_high
	li	t1, DIRECT_MAP_BASE
	add	t0, t0, t1
	jr	t0

boot_high:
	lla	t0, trap_entry
	csrw	stvec, t0		// direct mode: trap_entry is 4-byte aligned
	csrw	sscratch, zero		// running in the kernel
	lla	tp, cpus		// this hart's struct cpu (arch/percpu.h): cpus[0]
	lla	sp, boot_stack_top
	mv	a0, s0
	mv	a1, s1
	li	s0, 0			// end of the frame-pointer chain
	li	s1, 0
	call	riscv_boot
	j	boot_park

// A hart that is not the boot hart, or nothing left to do.
boot_park:
	csrw	sie, zero
1:	wfi
	j	1b

// Trap before boot_high (stvec holds this physical address, identity-mapped
// once the MMU is on): print a line and exit with EXIT_PANIC through
// sifive_test. Devices are at their physical addresses with the MMU off and in
// the early direct map with it on.
	.balign	4
boot_early_trap:
	li	t2, 0
	csrr	t0, satp
	beqz	t0, 1f
	li	t2, DIRECT_MAP_BASE
1:	li	t0, UART0_PHYS
	add	t0, t0, t2
	lla	t1, boot_early_trap_msg
2:	lbu	t3, 0(t1)
	beqz	t3, 4f
3:	lbu	t4, UART_LSR(t0)
	andi	t4, t4, UART_LSR_THRE
	beqz	t4, 3b
	sb	t3, UART_THR(t0)
	addi	t1, t1, 1
	j	2b
4:	li	t0, SIFIVE_TEST_PHYS
	add	t0, t0, t2
	li	t1, SIFIVE_TEST_FAIL | (ASM_EXIT_PANIC << SIFIVE_TEST_CODE_SHIFT)
	sw	t1, 0(t0)
	j	boot_park

	.section .rodata.boot, "a", @progbits
boot_early_trap_msg:
	.asciz	"\nriscv64: trap during early boot (before the C entry)\n"

	.section .data.boot, "aw", @progbits
	.balign	4
boot_hart_claim:
	.word	0

	.section .bss.boot, "aw", @nobits
	.balign	4096
boot_root_pt:
	.space	4096
	.balign	16
boot_stack:
	.space	BOOT_STACK_SIZE
	.globl	boot_stack_top
boot_stack_top:
