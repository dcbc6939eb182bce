// SPDX-License-Identifier: MIT
// long arch_copy_fixup(void *dst, const void *src, size_t n)
// Copies 8 bytes at a time, then the tail byte by byte. Every load and store
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
        jz 2f
1:
.Lload8:
        movq (%rsi), %rax
.Lstore8:
        movq %rax, (%rdi)
        addq $8, %rsi
        addq $8, %rdi
        decq %rcx
        jnz 1b
2:      andq $7, %rdx
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
        .quad .Lload8, .Lcopy_fault
        .quad .Lstore8, .Lcopy_fault
        .quad .Lload1, .Lcopy_fault
        .quad .Lstore1, .Lcopy_fault
