// SPDX-License-Identifier: MIT
// long arch_copy_fixup(void *dst, const void *src, size_t n)
// Copies 8 bytes at a time (rep movsq), then the tail byte by byte. Every load and store
// has an __extable entry: a page fault on either side resumes at
// .Lcopy_fault, which returns -EFAULT (trap.c has recorded the fault in
// kfault_last through extable_fixup). Returns 0 when all n bytes are copied.
#include <arch/trap.h>

        .section .text.arch_copy_fixup, "ax"
        .globl arch_copy_fixup
        .type arch_copy_fixup, @function
arch_copy_fixup:
        movq %rdx, %rcx
        shrq $3, %rcx
        // rep movsq: one instruction for all the words. A fault stops it with
        // rcx/rsi/rdi advanced; the fixup only needs to return -EFAULT.
.Lmovsq:
        rep movsq
        andq $7, %rdx
        jz 4f
3:
.Lload1:
        movb (%rsi), %al
.Lstore1:
        movb %al, (%rdi)
        incq %rsi
        incq %rdi
        decq %rdx
        jnz 3b
4:      xorl %eax, %eax
        ret
.Lcopy_fault:
        movq $-X86_EFAULT, %rax
        ret
        .size arch_copy_fixup, . - arch_copy_fixup

        .section __extable, "a"
        .balign 8
        .quad .Lmovsq, .Lcopy_fault
        .quad .Lload1, .Lcopy_fault
        .quad .Lstore1, .Lcopy_fault
