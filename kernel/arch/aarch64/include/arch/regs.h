// SPDX-License-Identifier: MIT
// Accessors for the AArch64 system registers the kernel uses, and barriers.
// Bit fields are named in arch/sysreg.h.
#pragma once
#include <common/types.h>
#include <arch/sysreg.h>

#define SYSREG_READ(reg)                                                                           \
        static inline uint64_t read_##reg(void)                                                    \
        {                                                                                          \
                uint64_t v;                                                                        \
                __asm__ volatile("mrs %0, " #reg : "=r"(v));                                       \
                return v;                                                                          \
        }
#define SYSREG_WRITE(reg)                                                                          \
        static inline void write_##reg(uint64_t v)                                                 \
        {                                                                                          \
                __asm__ volatile("msr " #reg ", %0" : : "r"(v) : "memory");                        \
        }
#define SYSREG_RW(reg) SYSREG_READ(reg) SYSREG_WRITE(reg)

SYSREG_READ(currentel)
SYSREG_READ(esr_el1)
SYSREG_READ(far_el1)
SYSREG_READ(elr_el1)
SYSREG_READ(spsr_el1)
SYSREG_READ(sctlr_el1)
SYSREG_READ(tcr_el1)
SYSREG_READ(mair_el1)
SYSREG_RW(ttbr0_el1)
SYSREG_RW(ttbr1_el1)
SYSREG_RW(vbar_el1)
SYSREG_RW(tpidr_el1)
SYSREG_READ(mpidr_el1)
SYSREG_RW(sp_el0)
SYSREG_READ(id_aa64mmfr0_el1)
SYSREG_READ(id_aa64dfr0_el1)
SYSREG_RW(daif)
SYSREG_RW(pmcr_el0)
SYSREG_RW(pmcntenset_el0)
SYSREG_RW(pmccfiltr_el0)
SYSREG_RW(pmuserenr_el0)
SYSREG_READ(pmccntr_el0)
SYSREG_RW(cntkctl_el1)
SYSREG_READ(cntfrq_el0)
SYSREG_READ(cntvct_el0)
SYSREG_RW(cntv_ctl_el0)
SYSREG_RW(cntv_cval_el0)
SYSREG_RW(cntv_tval_el0)

static inline void isb(void)
{
        __asm__ volatile("isb" : : : "memory");
}

// Completes earlier stores (e.g. page-table writes) before later TLB maintenance.
static inline void dsb_ishst(void)
{
        __asm__ volatile("dsb ishst" : : : "memory");
}

static inline void dsb_ish(void)
{
        __asm__ volatile("dsb ish" : : : "memory");
}

static inline void dsb_sy(void)
{
        __asm__ volatile("dsb sy" : : : "memory");
}

// Invalidates all stage-1 EL1 TLB entries (all ASIDs, global too), inner shareable.
static inline void tlbi_vmalle1is(void)
{
        __asm__ volatile("tlbi vmalle1is" : : : "memory");
}

// Invalidates the EL1 TLB entries for one page, all ASIDs, inner shareable.
static inline void tlbi_vaae1is(vaddr_t va)
{
        __asm__ volatile("tlbi vaae1is, %0" : : "r"((va >> PAGE_SHIFT) & TLBI_VA_MASK) : "memory");
}

// Invalidates one page of one address space (non-global entries tagged asid,
// and global ones), inner shareable.
static inline void tlbi_vae1is(unsigned asid, vaddr_t va)
{
        uint64_t op = ((uint64_t)asid << TLBI_ASID_SHIFT) | ((va >> PAGE_SHIFT) & TLBI_VA_MASK);
        __asm__ volatile("tlbi vae1is, %0" : : "r"(op) : "memory");
}

// Invalidates every non-global entry of one address space, inner shareable.
static inline void tlbi_aside1is(unsigned asid)
{
        __asm__ volatile("tlbi aside1is, %0" : : "r"((uint64_t)asid << TLBI_ASID_SHIFT) : "memory");
}

static inline void irq_enable(void)
{
        __asm__ volatile("msr daifclr, %0" : : "i"(DAIF_IRQ) : "memory");
}

static inline void irq_disable(void)
{
        __asm__ volatile("msr daifset, %0" : : "i"(DAIF_IRQ) : "memory");
}

static inline void serror_enable(void)
{
        __asm__ volatile("msr daifclr, %0" : : "i"(DAIF_SERROR) : "memory");
}

static inline void wfi(void)
{
        __asm__ volatile("wfi" : : : "memory");
}
