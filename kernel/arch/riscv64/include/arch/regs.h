// SPDX-License-Identifier: MIT
// RISC-V supervisor CSRs: bit constants (usable from assembly) and the inline
// accessors (csr_read(stval), csr_set(sstatus, SSTATUS_SIE), rdtime, sfence.vma).
#pragma once
#include <common/fault_regs.h>

#ifdef __ASSEMBLER__
#define RV_UL(x) x
#else
#define RV_UL(x) x##ul
#endif

// sstatus
#define SSTATUS_SIE  RV_UL(0x2)         // supervisor interrupts enabled
#define SSTATUS_SPIE RV_UL(0x20)        // SIE before the trap
#define SSTATUS_SPP  RV_UL(0x100)       // trap came from S-mode (0: from U-mode)
#define SSTATUS_VS   RV_UL(0x600)       // vector unit state (0: off, instructions trap)
#define SSTATUS_FS   RV_UL(0x6000)      // FPU state (0: off, instructions trap)
#define SSTATUS_SUM  RV_UL(0x40000)     // S-mode may access U pages
#define SSTATUS_MXR  RV_UL(0x80000)     // loads from executable pages allowed
#define SSTATUS_UXL  RV_UL(0x300000000) // U-mode XLEN (WARL; kept as found)

// sie / sip
#define SIE_SSIE RV_UL(0x2)   // supervisor software interrupt
#define SIE_STIE RV_UL(0x20)  // supervisor timer interrupt
#define SIE_SEIE RV_UL(0x200) // supervisor external interrupt

// scause: <common/fault_regs.h> (SCAUSE_*).

// satp: MODE[63:60], ASID[59:44], PPN[43:0].
#define SATP_MODE_SV39  RV_UL(0x8000000000000000) // mode 8 in bits 63:60
#define SATP_ASID_SHIFT 44
#define SATP_ASID_MASK  RV_UL(0xffff) // after the shift; the hart may implement fewer bits
#define SATP_PPN_MASK   RV_UL(0x00000fffffffffff)

// scounteren: which counters U-mode may read (rdcycle, rdtime, rdinstret).
#define SCOUNTEREN_CY RV_UL(0x1) // cycle
#define SCOUNTEREN_TM RV_UL(0x2) // time
#define SCOUNTEREN_IR RV_UL(0x4) // instret

// An ecall instruction is always 4 bytes (there is no compressed form).
#define RV_ECALL_SIZE 4

// stvec: BASE (4-byte aligned) | MODE[1:0].
#define STVEC_MODE_DIRECT 0
#define STVEC_MODE_MASK   3

#ifndef __ASSEMBLER__
#include <stdint.h>

#define csr_read(csr)                                                                              \
        ({                                                                                         \
                uint64_t csr_v_;                                                                   \
                __asm__ volatile("csrr %0, " #csr : "=r"(csr_v_));                                 \
                csr_v_;                                                                            \
        })
#define csr_write(csr, v) __asm__ volatile("csrw " #csr ", %0" ::"rK"((uint64_t)(v)) : "memory")
#define csr_set(csr, v)   __asm__ volatile("csrs " #csr ", %0" ::"rK"((uint64_t)(v)) : "memory")
#define csr_clear(csr, v) __asm__ volatile("csrc " #csr ", %0" ::"rK"((uint64_t)(v)) : "memory")

// The `time` CSR: a constant-rate counter (timebase-frequency from the DTB).
static inline uint64_t rdtime(void)
{
        uint64_t v;
        __asm__ volatile("rdtime %0" : "=r"(v));
        return v;
}

// Flushes the TLB entries of every address space for one virtual address.
static inline void sfence_vma_addr(uint64_t va)
{
        __asm__ volatile("sfence.vma %0, zero" ::"r"(va) : "memory");
}

// Flushes the whole TLB.
static inline void sfence_vma_all(void)
{
        __asm__ volatile("sfence.vma zero, zero" ::: "memory");
}

// Flushes the non-global TLB entries of one address space for one address.
static inline void sfence_vma_addr_asid(uint64_t va, uint64_t asid)
{
        __asm__ volatile("sfence.vma %0, %1" ::"r"(va), "r"(asid) : "memory");
}

// Flushes every non-global TLB entry of one address space.
static inline void sfence_vma_asid(uint64_t asid)
{
        __asm__ volatile("sfence.vma zero, %0" ::"r"(asid) : "memory");
}

// Retired-instruction counter (`instret`).
static inline uint64_t rdinstret(void)
{
        uint64_t v;
        __asm__ volatile("rdinstret %0" : "=r"(v));
        return v;
}

// Cycle counter (`cycle`).
static inline uint64_t rdcycle(void)
{
        uint64_t v;
        __asm__ volatile("rdcycle %0" : "=r"(v));
        return v;
}

// Stalls until an interrupt is pending (may return early).
static inline void wfi(void)
{
        __asm__ volatile("wfi" ::: "memory");
}
#endif
