// SPDX-License-Identifier: MIT
// Secondary CPU start-up (smp.c). A start-up IPI with vector VV starts the
// CPU in real mode at VV00:0000, where smp.c has copied x86_ap_tramp (the
// trampoline page, below 1 MiB) and filled in its parameters: the page's
// own addresses, the temporary PML4 (identity map of the low 2 MiB and the
// kernel half of kernel_root) and x86_ap_entry. The trampoline switches to
// protected mode, enables PAE, EFER.LME and NXE (the kernel's tables use NX)
// and paging, far-jumps to 64-bit code and on to x86_ap_entry in the kernel
// image. Nothing in it may fault: there is no IDT yet.
//
// x86_ap_entry loads kernel_root, reads the CPU's APIC id and finds its
// struct cpu in x86_ap_cpu_by_apic[] (no entry: it halts for good; a CPU
// never takes another's stack), moves to its stack and calls x86_ap_main.
#include <arch/smp.h>

#define CR0_PE      0x1
#define CR0_PG      0x80000000
#define CR4_PAE     0x20
#define MSR_EFER    0xc0000080
#define EFER_LME    0x100
#define EFER_NXE    0x800
#define LAPIC_ID    0x20 // ID register; the id is in bits 31:24
#define TSEL_CODE32 0x08 // the trampoline's own GDT
#define TSEL_DATA32 0x10
#define TSEL_CODE64 0x18

#define T(x) ((x) - x86_ap_tramp) // offset in the trampoline page

        .section .rodata.x86_ap_tramp, "a"
        .balign 16
        .globl x86_ap_tramp, x86_ap_tramp_params, x86_ap_tramp_end
        .code16
x86_ap_tramp:
        cli
        cld
        movw %cs, %ax
        movw %ax, %ds
        xorl %ebx, %ebx
        movw %ax, %bx
        shll $4, %ebx                   // ebx = the page's physical address
        lgdtl T(tramp_gdtr)
        movl %cr0, %eax
        orl $CR0_PE, %eax
        movl %eax, %cr0
        ljmpl *T(tramp_far32)

        .code32
tramp_pm32:
        movl $TSEL_DATA32, %eax
        movl %eax, %ds
        movl %eax, %es
        movl %eax, %ss
        movl %cr4, %eax
        orl $CR4_PAE, %eax
        movl %eax, %cr4
        movl T(tramp_pml4)(%ebx), %eax
        movl %eax, %cr3
        movl $MSR_EFER, %ecx
        rdmsr
        orl $(EFER_LME | EFER_NXE), %eax
        wrmsr
        movl %cr0, %eax
        orl $(CR0_PG | CR0_PE), %eax
        movl %eax, %cr0                 // long mode (compatibility) on
        ljmpl *T(tramp_far64)(%ebx)

        .code64
tramp_lm64:
        movl %ebx, %ebx                 // upper half of rbx: zero
        jmpq *T(tramp_entry)(%rbx)

        .balign 8
tramp_gdt:
        .quad 0
        .quad 0x00cf9a000000ffff        // TSEL_CODE32: flat 32-bit code
        .quad 0x00cf92000000ffff        // TSEL_DATA32: flat data
        .quad 0x00af9a000000ffff        // TSEL_CODE64: 64-bit code
tramp_gdt_end:

// struct ap_tramp_params (smp.c): offsets here, made addresses by smp.c.
x86_ap_tramp_params:
tramp_gdtr:
        .word tramp_gdt_end - tramp_gdt - 1
        .long T(tramp_gdt)
tramp_far32:
        .long T(tramp_pm32)
        .word TSEL_CODE32
tramp_far64:
        .long T(tramp_lm64)
        .word TSEL_CODE64
tramp_pml4:
        .long 0                         // physical address of the PML4
tramp_entry:
        .quad 0                         // x86_ap_entry
x86_ap_tramp_end:

        .text
        .code64
        .globl x86_ap_entry
        .type x86_ap_entry, @function
x86_ap_entry:
        movq kernel_root(%rip), %rax
        movq %rax, %cr3
        movq x86_ap_lapic_va(%rip), %rax
        movl LAPIC_ID(%rax), %eax
        shrl $24, %eax
        leaq x86_ap_cpu_by_apic(%rip), %rcx
        movq (%rcx,%rax,8), %rdi        // struct cpu *, or 0
        testq %rdi, %rdi
        jz 1f
        movq CPU_STACK_TOP(%rdi), %rsp
        xorl %ebp, %ebp
        call x86_ap_main
1:      cli
        hlt
        jmp 1b
        .size x86_ap_entry, . - x86_ap_entry
