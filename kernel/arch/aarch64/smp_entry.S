// SPDX-License-Identifier: MIT
// A secondary CPU's entry, and the PSCI call that starts it (smp.c).
//
// PSCI CPU_ON enters secondary_entry at its physical address with the MMU
// off, at EL1 (or EL2 when the boot CPU had EL2: QEMU -M virt,virtualization=on)
// and x0 = the context id arch_cpu_start passed: the physical address of the
// CPU's struct cpu, whose self, stack_top and arch[ACPU_TTBR1] the boot CPU
// cleaned to memory (they are read here with the MMU off, non-cacheable).
//
//   drop EL2 to EL1 (head.S's el2_to_el1) -> SCTLR: MMU off -> mmu_on with
//   TTBR1 = kernel_root (TTBR0 = the early identity map) -> jump to the
//   linked address -> TTBR0 = empty table -> VBAR_EL1 -> sp = stack_top ->
//   secondary_main(c) (smp.c: arch_cpu_init, then smp_secondary_main).
// DAIF stays all masked (PSCI starts a CPU so): the CPU parks without ever
// taking an interrupt.
#include <arch/smp.h>
#include <arch/sysreg.h>

        .text
        .globl  secondary_entry
        .type   secondary_entry, %function
secondary_entry:
        mov     x19, x0                 // struct cpu, physical
        mrs     x9, CurrentEL
        ubfx    x9, x9, #CURRENTEL_SHIFT, #CURRENTEL_WIDTH
        cmp     x9, #CURRENTEL_EL2
        b.ne    1f
        bl      el2_to_el1
        b       2f
1:      cmp     x9, #CURRENTEL_EL1
        b.ne    secondary_park          // the boot CPU reports it: no word in 3 s
2:      msr     SPSel, #1
        ldr     x9, =SCTLR_EL1_BOOT     // MMU and caches off, little-endian
        msr     sctlr_el1, x9
        isb
        ldr     x20, [x19, #CPU_OFF_SELF]       // struct cpu, linked address
        ldr     x21, [x19, #CPU_OFF_STACK_TOP]
        ldr     x0, [x19, #CPU_OFF_TTBR1]
        bl      mmu_on
        adrp    x19, boot_empty         // physical, for secondary_high
        ldr     x9, =secondary_high
        br      x9

secondary_park:
        wfe
        b       secondary_park

        .balign 4
        .ltorg

// At the linked address, on the kernel's tables: the same steps as the boot
// CPU's primary_high, then C.
secondary_high:
        msr     ttbr0_el1, x19          // empty table: no identity map left
        isb
        tlbi    vmalle1
        dsb     nsh
        isb
        adrp    x0, exception_vectors
        add     x0, x0, :lo12:exception_vectors
        msr     vbar_el1, x0
        isb
        mov     sp, x21
        mov     x29, xzr                // end of the frame-pointer chain
        mov     x30, xzr
        mov     x0, x20
        bl      secondary_main
3:      wfi
        b       3b
        .size   secondary_entry, . - secondary_entry

// int64_t psci_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3, bool smc)
// SMCCC: arguments in x0-x3, result in x0; x4-x17 may be clobbered (the
// caller-saved registers of a call anyway), x18-x30 and sp are preserved.
        .globl  psci_call, psci_hvc_insn, psci_smc_insn
        .type   psci_call, %function
psci_call:
        cbnz    w4, 1f
psci_hvc_insn:
        hvc     #0
        ret
1:
psci_smc_insn:
        smc     #0
        ret
        .size   psci_call, . - psci_call
