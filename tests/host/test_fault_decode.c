// SPDX-License-Identifier: MIT
// Table tests of the three fault decoders: every bit and class each decodes.
#include "harness.h"
#include <mk/fault.h>

#define R  FAULT_READ
#define W  FAULT_WRITE
#define X  FAULT_EXEC
#define NP FAULT_NOT_PRESENT
#define PR FAULT_PROTECTION
#define OT FAULT_OTHER
#define U  FAULT_F_USER
#define AV FAULT_F_ADDR_VALID
#define LU FAULT_LEVEL_UNKNOWN

struct row {
        uint64_t raw0;
        int extra; // riscv: pte_valid | (from_user << 1)
        int ret;
        unsigned access, kind, flags, level;
};

static void x86(void)
{
        static const struct row t[] = {
            {0x00, 0, 0, R, NP, AV, LU},                // kernel read, not present
            {0x02, 0, 0, W, NP, AV, LU},                // kernel write
            {0x04, 0, 0, R, NP, AV | U, LU},            // user read
            {0x06, 0, 0, W, NP, AV | U, LU},            // user write
            {0x07, 0, 0, W, PR, AV | U, LU},            // user write to read-only
            {0x05, 0, 0, R, PR, AV | U, LU},            // user read of kernel page
            {0x14, 0, 0, X, NP, AV | U, LU},            // user fetch, not present
            {0x15, 0, 0, X, PR, AV | U, LU},            // user fetch from NX page
            {0x11, 0, 0, X, PR, AV, LU},                // kernel fetch, NX/SMEP
            {0x09, 0, 0, R, OT, AV | FAULT_F_RSVD, LU}, // reserved bit
            {0x0f, 0, 0, W, OT, AV | U | FAULT_F_RSVD, LU},
            {0x27, 0, 0, W, PR, AV | U | FAULT_F_PKEY, LU},  // protection key
            {0x45, 0, 0, W, PR, AV | U | FAULT_F_SHSTK, LU}, // shadow-stack read = write
            {0x8007, 0, 0, W, PR, AV | U | FAULT_F_SGX, LU}, // SGX
        };
        for (unsigned i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
                struct fault_info f;
                EXPECT_EQ(fault_decode_x86_64(t[i].raw0, 0xdead000, 0x401000, &f), t[i].ret);
                EXPECT_EQ(f.access, t[i].access);
                EXPECT_EQ(f.kind, t[i].kind);
                EXPECT_EQ(f.flags, t[i].flags);
                EXPECT_EQ(f.addr, 0xdead000);
                EXPECT_EQ(f.ip, 0x401000);
                EXPECT_EQ(f.raw0, t[i].raw0);
                EXPECT_EQ(f.raw1, 0xdead000);
                EXPECT_EQ(f.arch, FAULT_ARCH_X86_64);
        }
}

// ESR for an abort: EC, IL=1, ISS bits.
#define ESR(ec, iss) (((uint64_t)(ec) << 26) | (1ull << 25) | (iss))

static void aarch64(void)
{
        static const struct row t[] = {
            // data abort from EL0, translation fault levels 0-3, read and write
            {ESR(0x24, 0x04), 0, 0, R, NP, AV | U, 0},
            {ESR(0x24, 0x05), 0, 0, R, NP, AV | U, 1},
            {ESR(0x24, 0x06), 0, 0, R, NP, AV | U, 2},
            {ESR(0x24, 0x47), 0, 0, W, NP, AV | U, 3},
            // permission faults
            {ESR(0x24, 0x4f), 0, 0, W, PR, AV | U, 3},
            {ESR(0x24, 0x0d), 0, 0, R, PR, AV | U, 1},
            // access-flag fault
            {ESR(0x24, 0x0b), 0, 0, R, OT, AV | U | FAULT_F_ACCESS_FLAG, 3},
            // address-size fault level 0
            {ESR(0x24, 0x00), 0, 0, R, OT, AV | U | FAULT_F_ADDR_SIZE, 0},
            // alignment fault
            {ESR(0x24, 0x61), 0, 0, W, OT, AV | U | FAULT_F_ALIGN, LU},
            // synchronous external abort, and on a table walk at level 2
            {ESR(0x24, 0x10), 0, 0, R, OT, AV | U | FAULT_F_BUS, LU},
            {ESR(0x24, 0x16), 0, 0, R, OT, AV | U | FAULT_F_BUS, 2},
            // TLB conflict: other
            {ESR(0x24, 0x30), 0, 0, R, OT, AV | U, LU},
            // cache maintenance with WnR set counts as a read
            {ESR(0x24, 0x147), 0, 0, R, NP, AV | U | FAULT_F_CACHE_MAINT, 3},
            // FnV: FAR not valid
            {ESR(0x24, 0x407), 0, 0, R, NP, U, 3},
            // S1PTW
            {ESR(0x24, 0x87), 0, 0, R, NP, AV | U | FAULT_F_PTW, 3},
            // data abort from EL1
            {ESR(0x25, 0x47), 0, 0, W, NP, AV, 3},
            // instruction aborts from EL0 and EL1
            {ESR(0x20, 0x07), 0, 0, X, NP, AV | U, 3},
            {ESR(0x20, 0x0f), 0, 0, X, PR, AV | U, 3},
            {ESR(0x21, 0x0f), 0, 0, X, PR, AV, 3},
            // PC and SP alignment
            {ESR(0x22, 0), 0, 0, X, OT, AV | FAULT_F_ALIGN, LU},
            {ESR(0x26, 0), 0, 0, R, OT, FAULT_F_ALIGN, LU},
            // not memory faults: SVC, unknown, BRK
            {ESR(0x15, 0), 0, -1, 0, 0, 0, 0},
            {ESR(0x00, 0), 0, -1, 0, 0, 0, 0},
            {ESR(0x3c, 0), 0, -1, 0, 0, 0, 0},
        };
        for (unsigned i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
                struct fault_info f;
                int r = fault_decode_aarch64(t[i].raw0, 0xdead008, 0x401004, &f);
                EXPECT_EQ(r, t[i].ret);
                if (r)
                        continue;
                EXPECT_EQ(f.access, t[i].access);
                EXPECT_EQ(f.kind, t[i].kind);
                EXPECT_EQ(f.flags, t[i].flags);
                EXPECT_EQ(f.level, t[i].level);
                EXPECT_EQ(f.raw0, t[i].raw0);
                EXPECT_EQ(f.raw1, 0xdead008);
                EXPECT_EQ(f.ip, 0x401004);
                EXPECT_EQ(f.arch, FAULT_ARCH_AARCH64);
        }
}

static void riscv64(void)
{
        static const struct row t[] = {
            {12, 0, 0, X, NP, AV, LU},     // instruction page fault, kernel, no PTE
            {12, 3, 0, X, PR, AV | U, LU}, // user, valid PTE (e.g. no X)
            {13, 2, 0, R, NP, AV | U, LU}, // load page fault
            {13, 3, 0, R, PR, AV | U, LU},
            {15, 2, 0, W, NP, AV | U, LU}, // store/AMO page fault
            {15, 3, 0, W, PR, AV | U, LU},
            {1, 2, 0, X, OT, AV | U | FAULT_F_BUS, LU}, // access faults kept distinct
            {5, 2, 0, R, OT, AV | U | FAULT_F_BUS, LU},
            {7, 0, 0, W, OT, AV | FAULT_F_BUS, LU},
            {0, 2, 0, X, OT, AV | U | FAULT_F_ALIGN, LU}, // misaligned
            {4, 2, 0, R, OT, AV | U | FAULT_F_ALIGN, LU},
            {6, 2, 0, W, OT, AV | U | FAULT_F_ALIGN, LU},
            {2, 0, -1, 0, 0, 0, 0},                // illegal instruction
            {8, 0, -1, 0, 0, 0, 0},                // ecall from U
            {(1ull << 63) | 5, 0, -1, 0, 0, 0, 0}, // timer interrupt
        };
        for (unsigned i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
                struct fault_info f;
                int r = fault_decode_riscv64(t[i].raw0, 0xdead010, 0x401008, t[i].extra >> 1,
                                             t[i].extra & 1, &f);
                EXPECT_EQ(r, t[i].ret);
                if (r)
                        continue;
                EXPECT_EQ(f.access, t[i].access);
                EXPECT_EQ(f.kind, t[i].kind);
                EXPECT_EQ(f.flags, t[i].flags);
                EXPECT_EQ(f.raw0, t[i].raw0);
                EXPECT_EQ(f.raw1, 0xdead010);
                EXPECT_EQ(f.arch, FAULT_ARCH_RISCV64);
        }
}

static void describe(void)
{
        struct fault_info f;
        char b[256];
        fault_decode_aarch64(ESR(0x24, 0x147), 0x1000, 0x2000, &f);
        fault_describe(&f, b, sizeof(b));
        EXPECT(strstr(b, "aarch64 fault: read not-present at 0x1000 ip 0x2000 level 3"));
        EXPECT(strstr(b, "user,addr-valid,cache-maint"));
        EXPECT(strstr(b, "esr=0x"));
        fault_decode_x86_64(0x7, 0x3000, 0x4000, &f);
        fault_describe(&f, b, sizeof(b));
        EXPECT(strstr(b, "x86_64 fault: write protection at 0x3000") && strstr(b, "err=0x7"));
}

int main(void)
{
        h_suite = "fault_decode";
        RUN(x86);
        RUN(aarch64);
        RUN(riscv64);
        RUN(describe);
        return DONE();
}
