// SPDX-License-Identifier: MIT
// User access to the benchmark counters (mk_counter() in libsys): the PMU
// cycle counter PMCCNTR_EL0, read-only from EL0, and the virtual counter
// CNTVCT_EL0. QEMU counts PMCCNTR at 1 GHz of virtual time, which under
// -icount shift=0 is one count per guest instruction.
#include <arch/boot.h>
#include <arch/regs.h>

void counters_init(void)
{
        write_cntkctl_el1(CNTKCTL_EL0VCTEN);
        unsigned pmuver = (read_id_aa64dfr0_el1() >> DFR0_PMUVER_SHIFT) & DFR0_PMUVER_MASK;
        if (pmuver == DFR0_PMUVER_NONE || pmuver == DFR0_PMUVER_IMPDEF)
                return; // no architected PMU: mk_counter() traps in user mode
        write_pmccfiltr_el0(PMCCFILTR_COUNT_ALL);
        write_pmcr_el0(read_pmcr_el0() | PMCR_E | PMCR_C | PMCR_LC);
        write_pmcntenset_el0(PMCNTEN_C);
        // CR alone: user code reads the cycle counter but cannot write,
        // reset or reprogram the PMU (EN would allow all of that).
        write_pmuserenr_el0(PMUSERENR_CR);
        isb();
}
