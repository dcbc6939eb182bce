// SPDX-License-Identifier: MIT
// long arch_copy_fixup(void *dst, const void *src, size_t n)
// Word, then byte copy whose every load and store has an __extable entry: a fault on
// either side resumes at copy_fault, which returns -EFAULT; 0 when all n
// bytes were copied. The base of copy-from/to-user.
#include <arch/asmdefs.h>

// An __extable entry {insn, fixup} (kernel/include/kernel/extable.h).
.macro EXTABLE insn, fixup
        .pushsection __extable, "a"
        .balign 8
        .quad   \insn, \fixup
        .popsection
.endm

        .section .text.arch_copy_fixup, "ax"
        .globl  arch_copy_fixup
        .type   arch_copy_fixup, %function
arch_copy_fixup:
        // 16, then 8 bytes at a time while both pointers are 8-byte aligned
        // (message headers and page-sized copies are), then bytes.
        orr     x4, x0, x1
        tst     x4, #7
        b.ne    3f
5:      cmp     x2, #16
        b.lo    4f
14:     ldp     x3, x4, [x1], #16
        EXTABLE 14b, copy_fault
15:     stp     x3, x4, [x0], #16
        EXTABLE 15b, copy_fault
        sub     x2, x2, #16
        b       5b
4:      cmp     x2, #8
        b.lo    3f
12:     ldr     x3, [x1], #8
        EXTABLE 12b, copy_fault
13:     str     x3, [x0], #8
        EXTABLE 13b, copy_fault
        sub     x2, x2, #8
        b       4b
3:      cbz     x2, 2f
1:
10:     ldrb    w3, [x1], #1
        EXTABLE 10b, copy_fault
11:     strb    w3, [x0], #1
        EXTABLE 11b, copy_fault
        subs    x2, x2, #1
        b.ne    1b
2:      mov     x0, #0
        ret
copy_fault:
        mov     x0, #-ASM_EFAULT
        ret
        .size   arch_copy_fixup, . - arch_copy_fixup
