// SPDX-License-Identifier: MIT
// Kernel entry. QEMU enters the raw Image at its first byte (the physical
// load address, MMU off) with x0 = DTB physical address, at EL1 or EL2.
// Until the MMU is on, everything here is position-independent: adr/adrp,
// and literal-pool loads of constants; the only linked (high) address used
// before the jump is the jump target itself.
//
//   _start: Image header -> check load address -> drop EL2 to EL1 -> build the
//   early tables -> MMU on -> jump to the linked (direct-map) address ->
//   TTBR0 = empty table -> VBAR_EL1, boot stack, clear BSS -> arch_entry(dtb)
//
// el2_to_el1 and mmu_on are also the secondary CPUs' (smp_entry.S).
#include <arch/asmdefs.h>
#include <arch/platform.h>
#include <arch/pl011.h>
#include <arch/sysreg.h>

#define L1_BLOCK_SHIFT 30 // an Arm level-1 entry maps 1 GiB
#define IMAGE_FLAGS_LE_4K (1 << 1) // little-endian, 4 KiB pages, placement near RAM base
#define BOOT_STACK_SIZE (64 * 1024)

        .section .text.head, "ax"
        .globl _start
_start:
        // arm64 Image header (Linux Documentation/arm64/booting.rst).
        b       primary_entry           // code0
        .long   0                       // code1
        .quad   __kernel_text_offset    // text_offset: QEMU loads at RAM + this
        .quad   __kernel_image_size     // image_size incl. BSS (non-zero: text_offset valid)
        .quad   IMAGE_FLAGS_LE_4K       // flags
        .quad   0, 0, 0                 // res2..res4
        .byte   'A', 'R', 'M', 0x64     // magic
        .long   0                       // res5 (no PE header)

primary_entry:
        mov     x19, x0                 // DTB physical address, kept for arch_entry

        // The kernel is linked for one physical address: refuse any other.
        adr     x9, _start
        ldr     x10, =__kernel_phys
        cmp     x9, x10
        b.ne    bad_load

        mrs     x21, CurrentEL          // entry EL, kept for arch_entry
        ubfx    x21, x21, #CURRENTEL_SHIFT, #CURRENTEL_WIDTH
        cmp     x21, #CURRENTEL_EL2
        b.ne    1f
        bl      el2_to_el1
        b       at_el1
1:      cmp     x21, #CURRENTEL_EL1
        b.ne    bad_el

at_el1:
        msr     SPSel, #1
        ldr     x9, =SCTLR_EL1_BOOT     // MMU and caches off, little-endian
        msr     sctlr_el1, x9
        isb
        bl      early_tables
        adrp    x0, boot_l0             // TTBR1: the early tables too
        bl      mmu_on
        adrp    x20, boot_empty         // physical, for primary_high
        ldr     x9, =primary_high       // the linked, direct-map address
        br      x9

// Entered at EL2 (QEMU -M virt,virtualization=on): make EL1 AArch64 with no
// traps to EL2 (timers, counters, FP, PMU), then eret to the caller (x30) at
// EL1 with DAIF masked. Clobbers x9.
        .globl  el2_to_el1
el2_to_el1:
        mov     x9, #HCR_EL2_RW
        msr     hcr_el2, x9
        mrs     x9, cnthctl_el2
        orr     x9, x9, #(CNTHCTL_EL1PCTEN | CNTHCTL_EL1PCEN)
        msr     cnthctl_el2, x9
        msr     cntvoff_el2, xzr
        mov     x9, #CPTR_EL2_RES1
        msr     cptr_el2, x9
        msr     hstr_el2, xzr
        mrs     x9, pmcr_el0            // MDCR_EL2: no PMU traps, all counters to EL1/EL0
        ubfx    x9, x9, #PMCR_N_SHIFT, #PMCR_N_WIDTH
        msr     mdcr_el2, x9            // HPMN = N; TPM, TPMCR, TDA... = 0
        mrs     x9, midr_el1
        msr     vpidr_el2, x9
        mrs     x9, mpidr_el1
        msr     vmpidr_el2, x9
        ldr     x9, =SCTLR_EL1_BOOT
        msr     sctlr_el1, x9
        mov     x9, #SPSR_EL1H_MASKED
        msr     spsr_el2, x9
        msr     elr_el2, x30
        eret

// Early tables, one L0 + L1 pair used by both TTBR0 (identity, for the
// switch) and TTBR1 (DIRECT_MAP_BASE + phys: both have L0 index 0):
//   L1[0]                      phys 0 .. 1 GiB, Device-nGnRE, XN (GIC, UART)
//   L1[1 .. EARLY_RAM_BLOCKS]  RAM, Normal write-back, kernel RWX
// The empty third table becomes TTBR0 after the jump high. Written with the
// MMU off (non-cacheable), so stale cache lines are invalidated afterwards.
// Never written again: each secondary CPU's mmu_on has boot_l0 as its
// identity map (TTBR0) for its own jump high.
// Clobbers x0-x6.
early_tables:
        adrp    x0, __boot_tables_start
        adrp    x1, __boot_tables_end
1:      stp     xzr, xzr, [x0], #16
        cmp     x0, x1
        b.lo    1b

        adrp    x0, boot_l0
        adrp    x1, boot_l1
        orr     x2, x1, #PTE_DESC_TABLE
        str     x2, [x0]                // L0[0] -> L1

        ldr     x2, =PTE_BOOT_DEVICE_BLOCK
        str     x2, [x1]                // L1[0]: devices
        ldr     x2, =(PTE_BOOT_NORMAL_BLOCK | (1 << L1_BLOCK_SHIFT))
        mov     x3, #1
        mov     x4, #(1 << L1_BLOCK_SHIFT)
2:      str     x2, [x1, x3, lsl #3]    // L1[n]: RAM at n GiB
        add     x2, x2, x4
        add     x3, x3, #1
        cmp     x3, #EARLY_RAM_BLOCKS
        b.ls    2b

        mrs     x3, ctr_el0             // line size = 4 << DminLine bytes
        ubfx    x3, x3, #CTR_DMINLINE_SHIFT, #CTR_DMINLINE_WIDTH
        mov     x4, #4
        lsl     x4, x4, x3
        adrp    x0, __boot_tables_start
        adrp    x1, __boot_tables_end
        dmb     sy
3:      dc      ivac, x0
        add     x0, x0, x4
        cmp     x0, x1
        b.lo    3b
        dsb     sy
        ret

// MAIR/TCR (IPS from PARange, 16-bit ASIDs if present), TTBR0 = the early
// tables (the identity map for the jump high), TTBR1 = x0 (physical), FP/SIMD
// access for EL1 only, then SCTLR with MMU and caches on.
// Clobbers x0-x2, x9.
        .globl  mmu_on
mmu_on:
        msr     ttbr1_el1, x0
        ldr     x0, =MAIR_EL1_VALUE
        msr     mair_el1, x0
        ldr     x0, =TCR_EL1_VALUE
        mrs     x1, id_aa64mmfr0_el1
        ubfx    x2, x1, #MMFR0_ASIDBITS_SHIFT, #MMFR0_ASIDBITS_WIDTH
        cmp     x2, #MMFR0_ASIDBITS_16
        b.ne    1f
        orr     x0, x0, #TCR_AS         // 16-bit ASIDs when the CPU has them
1:      and     x1, x1, #MMFR0_PARANGE_MASK
        cmp     x1, #MMFR0_PARANGE_48
        mov     x9, #MMFR0_PARANGE_48
        csel    x1, x1, x9, ls
        bfi     x0, x1, #TCR_IPS_SHIFT, #TCR_IPS_WIDTH
        msr     tcr_el1, x0
        adrp    x0, boot_l0
        msr     ttbr0_el1, x0
        mov     x0, #CPACR_FPEN_TRAP_EL0
        msr     cpacr_el1, x0
        isb
        tlbi    vmalle1
        dsb     nsh
        ldr     x0, =SCTLR_EL1_KERNEL
        msr     sctlr_el1, x0
        isb
        ic      iallu
        dsb     nsh
        isb
        ret

bad_load:
        adr     x0, msg_bad_load
        b       early_die
bad_el:
        adr     x0, msg_bad_el
        b       early_die

// Prints the NUL-terminated string at x0 on the PL011 (MMU off: physical
// addresses) and exits QEMU with ASM_EXIT_BADBOOT through semihosting.
early_die:
        mov     x1, #VIRT_UART_PHYS
1:      ldrb    w2, [x0], #1
        cbz     w2, 3f
2:      ldr     w3, [x1, #PL011_FR]
        tbnz    w3, #PL011_FR_TXFF_BIT, 2b
        str     w2, [x1, #PL011_DR]
        b       1b
3:      mov     x0, #SEMIHOST_SYS_EXIT_EXTENDED
        adr     x1, exit_badboot
        hlt     #SEMIHOST_HLT_IMM
4:      wfe
        b       4b

        .balign 8
exit_badboot:
        .quad   ADP_STOPPED_APP_EXIT, ASM_EXIT_BADBOOT
msg_bad_load:
        .asciz  "boot: kernel.img not loaded at its link address 0x40080000 (RAM + text_offset)\n"
msg_bad_el:
        .asciz  "boot: entered at EL3 or EL0; need EL2 or EL1\n"
        .balign 4
        .ltorg

// Now at the linked address. Drop the identity map, install the vectors
// and the boot stack, clear BSS and enter C.
        .text
primary_high:
        msr     ttbr0_el1, x20          // empty table: no identity map left
        isb
        tlbi    vmalle1
        dsb     nsh
        isb

        adrp    x0, exception_vectors
        add     x0, x0, :lo12:exception_vectors
        msr     vbar_el1, x0
        isb

        adrp    x0, boot_stack_top
        add     x0, x0, :lo12:boot_stack_top
        mov     sp, x0

        adrp    x0, __bss_start
        add     x0, x0, :lo12:__bss_start
        adrp    x1, __bss_end
        add     x1, x1, :lo12:__bss_end
1:      cmp     x0, x1
        b.hs    2f
        stp     xzr, xzr, [x0], #16
        b       1b
2:
        mov     x29, xzr                // end of the frame-pointer chain
        mov     x30, xzr
        mov     x0, x19
        mov     x1, x21
        bl      arch_entry
3:      wfi
        b       3b

        .section .boot_tables, "aw", %nobits
        .balign 4096
boot_l0:
        .space  4096
boot_l1:
        .space  4096
        .globl  boot_empty
boot_empty:                             // TTBR0 when no user space is active
        .space  4096

        .section .bss.boot_stack, "aw", %nobits
        .balign 16
        .globl  boot_stack, boot_stack_top
boot_stack:
        .space  BOOT_STACK_SIZE
boot_stack_top:
