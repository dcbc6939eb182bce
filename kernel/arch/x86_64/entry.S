// SPDX-License-Identifier: MIT
// Kernel entry from the UEFI loader (kernel/arch/x86_64/boot/): 64-bit mode,
// interrupts off, RDI = physical address of struct boot_info, running on the
// loader's stack and page tables (identity + direct map + this image at
// KERNEL_VBASE). Switch to the boot stack, clear BSS, call x86_entry(RDI).

#define BOOT_STACK_SIZE (64 * 1024)
#define GUARD_SIZE      4096

        .section .text.entry, "ax"
        .globl _start
        .type _start, @function
_start:
        cli
        cld
        leaq x86_boot_stack_top(%rip), %rsp
        xorl %ebp, %ebp
        movq %rdi, %r12
        leaq __bss_start(%rip), %rdi
        leaq __bss_end(%rip), %rcx
        subq %rdi, %rcx
        xorl %eax, %eax
        rep stosb
        movq %r12, %rdi
        call x86_entry
1:      cli
        hlt
        jmp 1b
        .size _start, . - _start

// The boot stack, in a segment of its own (kernel.ld) right above a read-only
// guard page: an overflow faults on the guard, the #PF cannot be delivered on
// the same stack, and the #DF handler reports it from its IST stack.
        .section .boot_stack, "aw", @nobits
        .balign 4096
        .globl x86_boot_stack, x86_boot_stack_top
x86_boot_stack:
        .space BOOT_STACK_SIZE
x86_boot_stack_top:

        .section .stack_guard, "a", @nobits
        .balign 4096
        .globl x86_boot_stack_guard
x86_boot_stack_guard:
        .space GUARD_SIZE
