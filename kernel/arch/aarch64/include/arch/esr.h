// SPDX-License-Identifier: MIT
// ESR_EL1: exception syndrome (Arm ARM D17.2.37). EC = exception class.
#pragma once
#include <arch/bits.h>
#include <common/fault_regs.h>

// The encodings (ESR_EC_*, ESR_ISS_*, FSC_*) are <common/fault_regs.h>.

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
