// SPDX-License-Identifier: MIT
// AArch64 system-register bit fields used by the kernel (C and asm). The
// accessors live in arch/regs.h. References: Arm ARM (DDI 0487), chapter D17.
#pragma once
#include <arch/bits.h>
#include <arch/pte.h>

// CurrentEL: the exception level in bits [3:2].
#define CURRENTEL_SHIFT 2
#define CURRENTEL_WIDTH 2
#define CURRENTEL_EL1   1
#define CURRENTEL_EL2   2

// SCTLR_EL1.
#define SCTLR_M    BIT(0)  // stage-1 MMU enable
#define SCTLR_A    BIT(1)  // alignment checking (kept off)
#define SCTLR_C    BIT(2)  // data cacheability
#define SCTLR_SA   BIT(3)  // SP alignment check at EL1
#define SCTLR_SA0  BIT(4)  // SP alignment check at EL0
#define SCTLR_I    BIT(12) // instruction cacheability
#define SCTLR_DZE  BIT(14) // EL0 may use DC ZVA (the pager zeroes pages with it)
#define SCTLR_UCT  BIT(15) // EL0 may read CTR_EL0 (cache geometry)
#define SCTLR_NTWI BIT(16) // EL0 WFI not trapped
#define SCTLR_NTWE BIT(18) // EL0 WFE not trapped
#define SCTLR_SPAN BIT(23) // PSTATE.PAN left unchanged on exception entry
// Bits that are RES1 in ARMv8.0 (EOS, TSCXT, EIS, nTLSMD, LSMAOE).
#define SCTLR_EL1_RES1 (BIT(11) | BIT(20) | BIT(22) | BIT(28) | BIT(29))
// Before the MMU is on: little-endian, MMU and caches off.
#define SCTLR_EL1_BOOT (SCTLR_EL1_RES1 | SCTLR_SPAN)
#define SCTLR_EL1_KERNEL                                                                           \
        (SCTLR_EL1_BOOT | SCTLR_M | SCTLR_C | SCTLR_SA | SCTLR_SA0 | SCTLR_I | SCTLR_NTWI |        \
         SCTLR_NTWE | SCTLR_DZE | SCTLR_UCT)

// CPACR_EL1.FPEN: FP/SIMD access. The kernel never saves FP/SIMD registers
// (everything is built -mgeneral-regs-only), so EL0 use traps (ESR EC 0x07,
// reported as an exception of the process) instead of leaking registers
// between threads; EL1 access stays enabled.
#define CPACR_FPEN_SHIFT    20
#define CPACR_FPEN_NOTRAP   (3 << CPACR_FPEN_SHIFT)
#define CPACR_FPEN_TRAP_EL0 (1 << CPACR_FPEN_SHIFT)

// MAIR_EL1: one attribute byte per AttrIndx (the indices are in arch/pte.h).
#define MAIR_ATTR_NORMAL_WB    0xff // Normal, inner/outer write-back RW-allocate
#define MAIR_ATTR_DEVICE_NGNRE 0x04 // Device-nGnRE
#define MAIR_EL1_VALUE                                                                             \
        ((MAIR_ATTR_NORMAL_WB << (8 * PTE_MAIR_NORMAL)) |                                          \
         (MAIR_ATTR_DEVICE_NGNRE << (8 * PTE_MAIR_DEVICE)))

// TCR_EL1: 48-bit VAs in both halves, 4 KiB granule, inner-shareable
// write-back walks; IPS is filled in at boot from ID_AA64MMFR0_EL1.PARange.
#define VA_BITS        48
#define TCR_T0SZ_SHIFT 0
#define TCR_T1SZ_SHIFT 16
#define TCR_IRGN0_WBWA (1 << 8)
#define TCR_ORGN0_WBWA (1 << 10)
#define TCR_SH0_INNER  (3 << 12)
#define TCR_TG0_4K     (0 << 14)
#define TCR_IRGN1_WBWA (1 << 24)
#define TCR_ORGN1_WBWA (1 << 26)
#define TCR_SH1_INNER  (3 << 28)
#define TCR_TG1_4K     (2 << 30)
#define TCR_A1         BIT(22) // ASID from TTBR1 (kept 0: the ASID is TTBR0's)
#define TCR_IPS_SHIFT  32
#define TCR_IPS_WIDTH  3
#define TCR_AS         BIT(36) // 16-bit ASIDs (set at boot when MMFR0 says so)
#define TCR_EL1_VALUE                                                                              \
        (((64 - VA_BITS) << TCR_T0SZ_SHIFT) | ((64 - VA_BITS) << TCR_T1SZ_SHIFT) |                 \
         TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | TCR_SH0_INNER | TCR_TG0_4K | TCR_IRGN1_WBWA |           \
         TCR_ORGN1_WBWA | TCR_SH1_INNER | TCR_TG1_4K)

// ID_AA64MMFR0_EL1.PARange (same encoding as TCR.IPS); 5 = 48 bits, the
// largest a 4 KiB granule without LPA2 can use.
#define MMFR0_PARANGE_MASK 0xf
#define MMFR0_PARANGE_48   5
// ID_AA64MMFR0_EL1.ASIDBits: 0 = 8 bits, 2 = 16 bits.
#define MMFR0_ASIDBITS_SHIFT 4
#define MMFR0_ASIDBITS_WIDTH 4
#define MMFR0_ASIDBITS_16    2

// TTBR0_EL1 / TTBR1_EL1: ASID in bits [63:48], table base below.
#define TTBR_ASID_SHIFT 48
#define ASID_BITS_MAX   16

// TLBI operands by ASID: the ASID in bits [63:48].
#define TLBI_ASID_SHIFT 48

// ID_AA64DFR0_EL1.PMUVer: 0 = no PMU, 0xf = IMPLEMENTATION DEFINED PMU.
#define DFR0_PMUVER_SHIFT  8
#define DFR0_PMUVER_MASK   0xf
#define DFR0_PMUVER_NONE   0
#define DFR0_PMUVER_IMPDEF 0xf

// PMU (Arm ARM D13): the cycle counter PMCCNTR_EL0, read by user code.
#define PMCR_E              BIT(0) // enable the counters
#define PMCR_C              BIT(2) // reset the cycle counter (write-only)
#define PMCR_LC             BIT(6) // the cycle counter overflows at 64 bits
#define PMCR_N_SHIFT        11     // number of event counters
#define PMCR_N_WIDTH        5
#define PMCNTEN_C           BIT(31) // PMCNTENSET_EL0: the cycle counter counts
#define PMCCFILTR_COUNT_ALL 0       // P = U = NSH = 0: count at EL0 and EL1
#define PMUSERENR_EN        BIT(0)  // EL0 may access every PMU register
#define PMUSERENR_CR        BIT(2)  // EL0 may read the cycle counter (only)

// CNTKCTL_EL1: EL0 access to the generic timer.
#define CNTKCTL_EL0VCTEN BIT(1) // EL0 may read CNTVCT_EL0 and CNTFRQ_EL0

// CTR_EL0.DminLine: log2 of the smallest data cache line in words.
#define CTR_DMINLINE_SHIFT 16
#define CTR_DMINLINE_WIDTH 4

// EL2 registers, only touched when entered at EL2 to drop to EL1.
#define HCR_EL2_RW       BIT(31) // EL1 is AArch64
#define CNTHCTL_EL1PCTEN BIT(0)  // EL1 may read the physical counter
#define CNTHCTL_EL1PCEN  BIT(1)  // EL1 may use the physical timer
#define CPTR_EL2_RES1    0x33ff  // RES1 bits; TFP (bit 10) clear = no FP traps

// SPSR_ELx / PSTATE.
#define SPSR_MODE_MASK   0xf
#define SPSR_MODE_EL0T   0x0
#define SPSR_MODE_EL1T   0x4
#define SPSR_MODE_EL1H   0x5
#define SPSR_F           BIT(6)
#define SPSR_I           BIT(7)
#define SPSR_A           BIT(8)
#define SPSR_D           BIT(9)
#define SPSR_DAIF        (SPSR_D | SPSR_A | SPSR_I | SPSR_F)
#define SPSR_IL          BIT(20) // illegal execution state
#define SPSR_EL1H_MASKED (SPSR_MODE_EL1H | SPSR_DAIF)

// Immediates of "msr daifset/daifclr, #imm".
#define DAIF_FIQ    1
#define DAIF_IRQ    2
#define DAIF_SERROR 4
#define DAIF_DEBUG  8

// CNTV_CTL_EL0 / CNTP_CTL_EL0.
#define CNT_CTL_ENABLE  BIT(0)
#define CNT_CTL_IMASK   BIT(1)
#define CNT_CTL_ISTATUS BIT(2)

// TLBI by VA: the operand holds VA[55:12] in bits [43:0].
#define TLBI_VA_MASK ((BIT(44)) - 1)

// Semihosting (Arm semihosting spec 2.0), used to exit QEMU with a status.
#define SEMIHOST_HLT_IMM           0xf000
#define SEMIHOST_SYS_EXIT_EXTENDED 0x20
#define ADP_STOPPED_APP_EXIT       0x20026
