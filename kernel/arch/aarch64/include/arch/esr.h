// SPDX-License-Identifier: MIT
// ESR_EL1: exception syndrome (Arm ARM D17.2.37). EC = exception class.
#pragma once
#include <arch/bits.h>

#define ESR_EC_SHIFT 26
#define ESR_EC_MASK  0x3f
#define ESR_IL       BIT(25) // 32-bit instruction
#define ESR_ISS_MASK (BIT(25) - 1)

#define ESR_EC_UNKNOWN     0x00 // unknown reason (undefined instruction...)
#define ESR_EC_WFX         0x01 // trapped WFI/WFE
#define ESR_EC_FP_ACCESS   0x07 // trapped FP/SIMD access (CPACR_EL1.FPEN)
#define ESR_EC_BTI         0x0d // branch target exception
#define ESR_EC_ILLEGAL     0x0e // illegal execution state (PSTATE.IL)
#define ESR_EC_SVC32       0x11 // SVC from AArch32
#define ESR_EC_SVC64       0x15 // SVC from AArch64
#define ESR_EC_HVC64       0x16 // HVC from AArch64
#define ESR_EC_SMC64       0x17 // SMC from AArch64
#define ESR_EC_SYSREG      0x18 // trapped MSR/MRS/system instruction
#define ESR_EC_SVE         0x19 // trapped SVE access
#define ESR_EC_PAC         0x1c // pointer authentication failure
#define ESR_EC_IABT_LOW    0x20 // instruction abort from EL0
#define ESR_EC_IABT_CUR    0x21 // instruction abort from EL1
#define ESR_EC_PC_ALIGN    0x22 // PC alignment fault
#define ESR_EC_DABT_LOW    0x24 // data abort from EL0
#define ESR_EC_DABT_CUR    0x25 // data abort from EL1
#define ESR_EC_SP_ALIGN    0x26 // SP alignment fault
#define ESR_EC_FP_EXC64    0x2c // trapped floating-point exception
#define ESR_EC_SERROR      0x2f // SError interrupt
#define ESR_EC_BREAKPT_LOW 0x30 // hardware breakpoint from EL0
#define ESR_EC_BREAKPT_CUR 0x31 // hardware breakpoint from EL1
#define ESR_EC_SSTEP_LOW   0x32 // software step from EL0
#define ESR_EC_SSTEP_CUR   0x33 // software step from EL1
#define ESR_EC_WATCHPT_LOW 0x34 // watchpoint from EL0
#define ESR_EC_WATCHPT_CUR 0x35 // watchpoint from EL1
#define ESR_EC_BRK64       0x3c // BRK instruction

#ifndef __ASSEMBLER__
#include <common/types.h>

static inline unsigned esr_ec(uint64_t esr)
{
        return (esr >> ESR_EC_SHIFT) & ESR_EC_MASK;
}

static inline uint64_t esr_iss(uint64_t esr)
{
        return esr & ESR_ISS_MASK;
}

// Name of an exception class ("data abort from EL1", ...), or NULL if reserved.
const char *esr_ec_name(unsigned ec);
#endif
