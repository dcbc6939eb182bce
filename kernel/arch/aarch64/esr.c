// SPDX-License-Identifier: MIT
// Names of the ESR_EL1 exception classes, for trap reports.
#include <arch/esr.h>

static const char *const ec_names[ESR_EC_MASK + 1] = {
    [ESR_EC_UNKNOWN] = "unknown reason (undefined instruction)",
    [ESR_EC_WFX] = "trapped WFI/WFE",
    [ESR_EC_FP_ACCESS] = "trapped FP/SIMD access",
    [ESR_EC_BTI] = "branch target exception",
    [ESR_EC_ILLEGAL] = "illegal execution state",
    [ESR_EC_SVC32] = "SVC from AArch32",
    [ESR_EC_SVC64] = "SVC (system call)",
    [ESR_EC_HVC64] = "HVC",
    [ESR_EC_SMC64] = "SMC",
    [ESR_EC_SYSREG] = "trapped system register access",
    [ESR_EC_SVE] = "trapped SVE access",
    [ESR_EC_PAC] = "pointer authentication failure",
    [ESR_EC_IABT_LOW] = "instruction abort from EL0",
    [ESR_EC_IABT_CUR] = "instruction abort from EL1",
    [ESR_EC_PC_ALIGN] = "PC alignment fault",
    [ESR_EC_DABT_LOW] = "data abort from EL0",
    [ESR_EC_DABT_CUR] = "data abort from EL1",
    [ESR_EC_SP_ALIGN] = "SP alignment fault",
    [ESR_EC_FP_EXC64] = "floating-point exception",
    [ESR_EC_SERROR] = "SError",
    [ESR_EC_BREAKPT_LOW] = "breakpoint from EL0",
    [ESR_EC_BREAKPT_CUR] = "breakpoint from EL1",
    [ESR_EC_SSTEP_LOW] = "software step from EL0",
    [ESR_EC_SSTEP_CUR] = "software step from EL1",
    [ESR_EC_WATCHPT_LOW] = "watchpoint from EL0",
    [ESR_EC_WATCHPT_CUR] = "watchpoint from EL1",
    [ESR_EC_BRK64] = "BRK instruction",
};

const char *esr_ec_name(unsigned ec)
{
        return ec <= ESR_EC_MASK ? ec_names[ec] : 0;
}
