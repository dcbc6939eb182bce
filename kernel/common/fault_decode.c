// SPDX-License-Identifier: MIT
// Fault decoders: each architecture's raw fault registers -> struct fault_info.
// Portable (no arch headers): the constants below name the architectural bits,
// so these build and are table-tested on the host for all three arches.
#include <common/fmt.h>
#include <mk/fault.h>

// x86_64 #PF error code (Intel SDM vol. 3, 4.7).
#define X86_PF_P    (1u << 0)  // 0: not present, 1: protection violation
#define X86_PF_W    (1u << 1)  // write access
#define X86_PF_U    (1u << 2)  // user-mode access
#define X86_PF_RSVD (1u << 3)  // reserved bit set in a paging entry
#define X86_PF_I    (1u << 4)  // instruction fetch
#define X86_PF_PK   (1u << 5)  // protection-key violation
#define X86_PF_SS   (1u << 6)  // shadow-stack access
#define X86_PF_SGX  (1u << 15) // SGX EPCM violation

// Decodes a #PF: kind from P and RSVD, access from I and W (a shadow-stack
// access counts as a write), user from U; the error code is kept raw.
int fault_decode_x86_64(uint64_t err, uint64_t cr2, uint64_t ip, struct fault_info *f)
{
        f->addr = cr2;
        f->ip = ip;
        f->arch = FAULT_ARCH_X86_64;
        f->level = FAULT_LEVEL_UNKNOWN;
        f->raw0 = err;
        f->raw1 = cr2;
        f->flags = FAULT_F_ADDR_VALID;
        if (err & X86_PF_U)
                f->flags |= FAULT_F_USER;
        if (err & X86_PF_PK)
                f->flags |= FAULT_F_PKEY;
        if (err & X86_PF_SS)
                f->flags |= FAULT_F_SHSTK;
        if (err & X86_PF_SGX)
                f->flags |= FAULT_F_SGX;
        if (err & X86_PF_RSVD) {
                f->flags |= FAULT_F_RSVD;
                f->kind = FAULT_OTHER;
        } else {
                f->kind = (err & X86_PF_P) ? FAULT_PROTECTION : FAULT_NOT_PRESENT;
        }
        if (err & X86_PF_I)
                f->access = FAULT_EXEC;
        else if (err & (X86_PF_W | X86_PF_SS))
                f->access = FAULT_WRITE;
        else
                f->access = FAULT_READ;
        return 0;
}

// AArch64 ESR_EL1 (Arm ARM D17.2.37).
#define ESR_EC_SHIFT     26
#define ESR_EC_MASK      0x3fu
#define ESR_EC_IABT_LOW  0x20u      // instruction abort from a lower EL (user)
#define ESR_EC_IABT_CUR  0x21u      // instruction abort from the current EL (kernel)
#define ESR_EC_PC_ALIGN  0x22u      // PC alignment fault
#define ESR_EC_DABT_LOW  0x24u      // data abort from a lower EL
#define ESR_EC_DABT_CUR  0x25u      // data abort from the current EL
#define ESR_EC_SP_ALIGN  0x26u      // SP alignment fault
#define ESR_ISS_FSC_MASK 0x3fu      // DFSC / IFSC
#define ESR_ISS_WNR      (1u << 6)  // write, not read (data aborts)
#define ESR_ISS_S1PTW    (1u << 7)  // fault on a stage-2 walk of a stage-1 table
#define ESR_ISS_CM       (1u << 8)  // cache maintenance (data aborts)
#define ESR_ISS_FNV      (1u << 10) // FAR not valid
// Fault status codes: the low two bits give the level for the first four.
#define FSC_TYPE_MASK     0x3cu
#define FSC_LEVEL_MASK    0x03u
#define FSC_ADDR_SIZE     0x00u // address-size fault, level 0-3
#define FSC_TRANSLATION   0x04u // translation fault, level 0-3
#define FSC_ACCESS_FLAG   0x08u // access-flag fault, level 0-3
#define FSC_PERMISSION    0x0cu // permission fault, level 0-3
#define FSC_SYNC_EXT      0x10u // synchronous external abort
#define FSC_SYNC_EXT_WALK 0x14u // synchronous external abort on a table walk, level 0-3
#define FSC_ALIGNMENT     0x21u // alignment fault
#define FSC_TLB_CONFLICT  0x30u // TLB conflict abort

// Decodes an instruction or data abort. Access: instruction aborts are EXEC;
// data aborts are WRITE when WnR is set, except that cache maintenance (CM)
// counts as a read as Linux does. Returns -1 for other exception classes.
int fault_decode_aarch64(uint64_t esr, uint64_t far, uint64_t ip, struct fault_info *f)
{
        unsigned ec = (esr >> ESR_EC_SHIFT) & ESR_EC_MASK;
        unsigned fsc = esr & ESR_ISS_FSC_MASK;
        f->addr = far;
        f->ip = ip;
        f->arch = FAULT_ARCH_AARCH64;
        f->level = FAULT_LEVEL_UNKNOWN;
        f->raw0 = esr;
        f->raw1 = far;
        f->flags = 0;
        switch (ec) {
        case ESR_EC_IABT_LOW:
        case ESR_EC_IABT_CUR:
                f->access = FAULT_EXEC;
                break;
        case ESR_EC_DABT_LOW:
        case ESR_EC_DABT_CUR:
                if (esr & ESR_ISS_CM) {
                        f->flags |= FAULT_F_CACHE_MAINT;
                        f->access = FAULT_READ;
                } else {
                        f->access = (esr & ESR_ISS_WNR) ? FAULT_WRITE : FAULT_READ;
                }
                break;
        case ESR_EC_PC_ALIGN:
                f->access = FAULT_EXEC;
                f->kind = FAULT_OTHER;
                f->flags |= FAULT_F_ALIGN | FAULT_F_ADDR_VALID;
                f->addr = far;
                return 0;
        case ESR_EC_SP_ALIGN:
                f->access = FAULT_READ;
                f->kind = FAULT_OTHER;
                f->flags |= FAULT_F_ALIGN;
                return 0;
        default:
                return -1;
        }
        if (ec == ESR_EC_IABT_LOW || ec == ESR_EC_DABT_LOW)
                f->flags |= FAULT_F_USER;
        if (!(esr & ESR_ISS_FNV))
                f->flags |= FAULT_F_ADDR_VALID;
        if (esr & ESR_ISS_S1PTW)
                f->flags |= FAULT_F_PTW;
        switch (fsc & FSC_TYPE_MASK) {
        case FSC_TRANSLATION:
                f->kind = FAULT_NOT_PRESENT;
                f->level = fsc & FSC_LEVEL_MASK;
                return 0;
        case FSC_PERMISSION:
                f->kind = FAULT_PROTECTION;
                f->level = fsc & FSC_LEVEL_MASK;
                return 0;
        case FSC_ACCESS_FLAG:
                f->kind = FAULT_OTHER;
                f->flags |= FAULT_F_ACCESS_FLAG;
                f->level = fsc & FSC_LEVEL_MASK;
                return 0;
        case FSC_ADDR_SIZE:
                f->kind = FAULT_OTHER;
                f->flags |= FAULT_F_ADDR_SIZE;
                f->level = fsc & FSC_LEVEL_MASK;
                return 0;
        case FSC_SYNC_EXT_WALK:
                f->kind = FAULT_OTHER;
                f->flags |= FAULT_F_BUS;
                f->level = fsc & FSC_LEVEL_MASK;
                return 0;
        }
        f->kind = FAULT_OTHER;
        if (fsc == FSC_ALIGNMENT)
                f->flags |= FAULT_F_ALIGN;
        else if (fsc == FSC_SYNC_EXT)
                f->flags |= FAULT_F_BUS;
        return 0;
}

// RISC-V scause exception codes (privileged spec, table 4.2).
#define SCAUSE_INTERRUPT          (1ull << 63)
#define SCAUSE_INST_MISALIGNED    0
#define SCAUSE_INST_ACCESS_FAULT  1
#define SCAUSE_LOAD_MISALIGNED    4
#define SCAUSE_LOAD_ACCESS_FAULT  5
#define SCAUSE_STORE_MISALIGNED   6
#define SCAUSE_STORE_ACCESS_FAULT 7
#define SCAUSE_INST_PAGE_FAULT    12
#define SCAUSE_LOAD_PAGE_FAULT    13
#define SCAUSE_STORE_PAGE_FAULT   15

// Decodes page faults (12/13/15), access faults (1/5/7, kept distinct as
// FAULT_OTHER + FAULT_F_BUS) and misaligned accesses (0/4/6). A page fault is
// a protection fault when the caller found a valid leaf for stval.
int fault_decode_riscv64(uint64_t scause, uint64_t stval, uint64_t ip, int from_user, int pte_valid,
                         struct fault_info *f)
{
        f->addr = stval;
        f->ip = ip;
        f->arch = FAULT_ARCH_RISCV64;
        f->level = FAULT_LEVEL_UNKNOWN;
        f->raw0 = scause;
        f->raw1 = stval;
        f->flags = FAULT_F_ADDR_VALID | (from_user ? FAULT_F_USER : 0);
        if (scause & SCAUSE_INTERRUPT)
                return -1;
        switch (scause) {
        case SCAUSE_INST_PAGE_FAULT:
        case SCAUSE_INST_ACCESS_FAULT:
        case SCAUSE_INST_MISALIGNED:
                f->access = FAULT_EXEC;
                break;
        case SCAUSE_LOAD_PAGE_FAULT:
        case SCAUSE_LOAD_ACCESS_FAULT:
        case SCAUSE_LOAD_MISALIGNED:
                f->access = FAULT_READ;
                break;
        case SCAUSE_STORE_PAGE_FAULT:
        case SCAUSE_STORE_ACCESS_FAULT:
        case SCAUSE_STORE_MISALIGNED:
                f->access = FAULT_WRITE;
                break;
        default:
                return -1;
        }
        switch (scause) {
        case SCAUSE_INST_PAGE_FAULT:
        case SCAUSE_LOAD_PAGE_FAULT:
        case SCAUSE_STORE_PAGE_FAULT:
                f->kind = pte_valid ? FAULT_PROTECTION : FAULT_NOT_PRESENT;
                break;
        case SCAUSE_INST_ACCESS_FAULT:
        case SCAUSE_LOAD_ACCESS_FAULT:
        case SCAUSE_STORE_ACCESS_FAULT:
                f->kind = FAULT_OTHER;
                f->flags |= FAULT_F_BUS;
                break;
        default:
                f->kind = FAULT_OTHER;
                f->flags |= FAULT_F_ALIGN;
        }
        return 0;
}

const char *fault_access_name(unsigned a)
{
        static const char *const n[] = {"read", "write", "exec"};
        return a < 3 ? n[a] : "?";
}

const char *fault_kind_name(unsigned k)
{
        static const char *const n[] = {"not-present", "protection", "other"};
        return k < 3 ? n[k] : "?";
}

const char *fault_arch_name(unsigned a)
{
        static const char *const n[] = {"?", "x86_64", "aarch64", "riscv64"};
        return a < 4 ? n[a] : "?";
}

static const char *const raw_names[4][2] = {
    {"raw0", "raw1"}, {"err", "cr2"}, {"esr", "far"}, {"scause", "stval"}};

char *fault_describe(const struct fault_info *f, char *buf, unsigned long len)
{
        static const char *const fl[] = {"user",        "addr-valid", "rsvd",  "pkey",
                                         "shstk",       "sgx",        "align", "access-flag",
                                         "cache-maint", "bus",        "s1ptw", "addr-size"};
        char flags[128];
        unsigned pos = 0;
        flags[0] = '\0';
        for (unsigned i = 0; i < sizeof(fl) / sizeof(fl[0]); i++)
                if (f->flags & (1u << i))
                        pos += ksnprintf(flags + pos, sizeof(flags) - pos, "%s%s", pos ? "," : "",
                                         fl[i]);
        unsigned a = f->arch < 4 ? f->arch : 0;
        ksnprintf(buf, len,
                  "%s fault: %s %s at 0x%llx ip 0x%llx level %d flags [%s] %s=0x%llx %s=0x%llx",
                  fault_arch_name(f->arch), fault_access_name(f->access), fault_kind_name(f->kind),
                  (unsigned long long)f->addr, (unsigned long long)f->ip,
                  f->level == FAULT_LEVEL_UNKNOWN ? -1 : f->level, flags, raw_names[a][0],
                  (unsigned long long)f->raw0, raw_names[a][1], (unsigned long long)f->raw1);
        return buf;
}
