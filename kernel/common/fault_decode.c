// SPDX-License-Identifier: MIT
// Fault decoders: each architecture's raw fault registers -> struct fault_info.
// Portable (no arch headers): <common/fault_regs.h> names the architectural bits,
// so these build and are table-tested on the host for all three arches.
#include <common/fault_regs.h>
#include <common/fmt.h>
#include <mk/fault.h>

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
        case SCAUSE_INSN_PAGE_FAULT:
        case SCAUSE_INSN_ACCESS_FAULT:
        case SCAUSE_INSN_MISALIGNED:
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
        case SCAUSE_INSN_PAGE_FAULT:
        case SCAUSE_LOAD_PAGE_FAULT:
        case SCAUSE_STORE_PAGE_FAULT:
                f->kind = pte_valid ? FAULT_PROTECTION : FAULT_NOT_PRESENT;
                break;
        case SCAUSE_INSN_ACCESS_FAULT:
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
