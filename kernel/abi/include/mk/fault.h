// SPDX-License-Identifier: MIT
// The portable fault record. Each architecture's trap code decodes its own
// fault registers into this one shape (see kernel/common/fault_decode.c); the
// kernel prints it for kernel faults and sends it to the pager for user faults.
// The raw registers are kept next to the decoded fields so nothing is lost.
#pragma once
#ifndef __ASSEMBLER__
#include <stdint.h>
#endif
#include <mk/msg.h>

enum fault_arch {
        FAULT_ARCH_X86_64 = 1,
        FAULT_ARCH_AARCH64 = 2,
        FAULT_ARCH_RISCV64 = 3,
};

// What the faulting instruction tried to do.
enum fault_access {
        FAULT_READ = 0,  // data load (also AArch64 cache maintenance, CM=1)
        FAULT_WRITE = 1, // data store, atomic, x86 shadow-stack access
        FAULT_EXEC = 2,  // instruction fetch
};

// Why the translation failed.
enum fault_kind {
        FAULT_NOT_PRESENT = 0, // no valid translation for the address
        FAULT_PROTECTION = 1,  // a translation exists but forbids this access
        FAULT_OTHER = 2,       // reserved bit, alignment, access flag, bus error...
};

// Flags: further facts reported by the hardware.
#define FAULT_F_USER        (1u << 0)  // the access was made by user mode
#define FAULT_F_ADDR_VALID  (1u << 1)  // addr is the faulting address (AArch64 FnV=0)
#define FAULT_F_RSVD        (1u << 2)  // x86 RSVD: reserved bit set in a paging entry
#define FAULT_F_PKEY        (1u << 3)  // x86 PK: protection-key violation
#define FAULT_F_SHSTK       (1u << 4)  // x86 SS: shadow-stack access
#define FAULT_F_SGX         (1u << 5)  // x86 SGX: EPCM violation
#define FAULT_F_ALIGN       (1u << 6)  // alignment fault
#define FAULT_F_ACCESS_FLAG (1u << 7)  // AArch64 access-flag fault
#define FAULT_F_CACHE_MAINT (1u << 8)  // AArch64 CM: cache maintenance instruction
#define FAULT_F_BUS         (1u << 9)  // access fault / external abort (not a paging fault)
#define FAULT_F_PTW         (1u << 10) // AArch64 S1PTW: fault on a stage-2 table walk
#define FAULT_F_ADDR_SIZE   (1u << 11) // AArch64 address-size fault

#define FAULT_LEVEL_UNKNOWN 0xff

#ifndef __ASSEMBLER__
struct fault_info {
        uint64_t addr;  // faulting virtual address (valid if FAULT_F_ADDR_VALID)
        uint64_t ip;    // address of the faulting instruction
        uint8_t access; // enum fault_access
        uint8_t kind;   // enum fault_kind
        uint8_t arch;   // enum fault_arch
        uint8_t level;  // translation level reported by the hardware, or FAULT_LEVEL_UNKNOWN
        uint32_t flags; // FAULT_F_*
        uint64_t raw0;  // x86_64: error code; aarch64: ESR_EL1; riscv64: scause
        uint64_t raw1;  // x86_64: CR2;        aarch64: FAR_EL1; riscv64: stval
};

// The fault message (tag MK_TAG_FAULT, words MK_FW_*, mk/msg.h): the one
// place its layout is written. The kernel encodes a fault with
// fault_msg_encode; pagers (the system pager, the pager library, tests)
// decode it with fault_msg_decode. The info word packs the small fields:
//   access | kind << 8 | arch << 16 | level << 24 | flags << 32
#define FAULT_INFO_KIND_SHIFT  8
#define FAULT_INFO_ARCH_SHIFT  16
#define FAULT_INFO_LEVEL_SHIFT 24
#define FAULT_INFO_FLAGS_SHIFT 32
#define FAULT_IDS_PID_SHIFT    32 // MK_FW_IDS: tid | pid << 32

static inline uint64_t fault_info_encode(const struct fault_info *f)
{
        return (uint64_t)f->access | (uint64_t)f->kind << FAULT_INFO_KIND_SHIFT |
               (uint64_t)f->arch << FAULT_INFO_ARCH_SHIFT |
               (uint64_t)f->level << FAULT_INFO_LEVEL_SHIFT |
               (uint64_t)f->flags << FAULT_INFO_FLAGS_SHIFT;
}

// Sets access, kind, arch, level and flags of f from an info word.
static inline void fault_info_decode(uint64_t info, struct fault_info *f)
{
        f->access = (uint8_t)info;
        f->kind = (uint8_t)(info >> FAULT_INFO_KIND_SHIFT);
        f->arch = (uint8_t)(info >> FAULT_INFO_ARCH_SHIFT);
        f->level = (uint8_t)(info >> FAULT_INFO_LEVEL_SHIFT);
        f->flags = (uint32_t)(info >> FAULT_INFO_FLAGS_SHIFT);
}

// w: the message's words (MK_MSG_WORDS of them, struct mk_msg's w[]).
static inline void fault_msg_encode(uint64_t *w, const struct fault_info *f, uint32_t tid,
                                    uint32_t pid)
{
        w[MK_FW_ADDR] = f->addr;
        w[MK_FW_IP] = f->ip;
        w[MK_FW_INFO] = fault_info_encode(f);
        w[MK_FW_RAW0] = f->raw0;
        w[MK_FW_RAW1] = f->raw1;
        w[MK_FW_IDS] = tid | (uint64_t)pid << FAULT_IDS_PID_SHIFT;
}

// The fault in a message's words; *tid and *pid (either may be NULL) get who faulted.
static inline void fault_msg_decode(const uint64_t *w, struct fault_info *f, uint32_t *tid,
                                    uint32_t *pid)
{
        f->addr = w[MK_FW_ADDR];
        f->ip = w[MK_FW_IP];
        fault_info_decode(w[MK_FW_INFO], f);
        f->raw0 = w[MK_FW_RAW0];
        f->raw1 = w[MK_FW_RAW1];
        if (tid)
                *tid = (uint32_t)w[MK_FW_IDS];
        if (pid)
                *pid = (uint32_t)(w[MK_FW_IDS] >> FAULT_IDS_PID_SHIFT);
}

// Decoders, one per architecture; portable so they build and are tested on the
// host. Each returns 0, or -1 if the registers do not describe a memory fault.
int fault_decode_x86_64(uint64_t error_code, uint64_t cr2, uint64_t ip, struct fault_info *out);
int fault_decode_aarch64(uint64_t esr, uint64_t far, uint64_t ip, struct fault_info *out);
// RISC-V page faults do not say whether a translation existed: the caller walks
// the page table and passes pte_valid. from_user is sstatus.SPP == 0.
int fault_decode_riscv64(uint64_t scause, uint64_t stval, uint64_t ip, int from_user, int pte_valid,
                         struct fault_info *out);

// Names for printing ("read", "not-present", ...).
const char *fault_access_name(unsigned access);
const char *fault_kind_name(unsigned kind);
const char *fault_arch_name(unsigned arch);
// Writes a one-line description of f into buf; returns buf.
char *fault_describe(const struct fault_info *f, char *buf, unsigned long len);
#endif
