// SPDX-License-Identifier: MIT
// Supervisor Binary Interface calls into OpenSBI (ecall from S-mode):
// a7 = extension id, a6 = function id, a0.. = arguments; a0 = error, a1 = value.
#pragma once
#include <stdbool.h>
#include <stdint.h>

#define SBI_EXT_BASE             0x10
#define SBI_BASE_PROBE_EXTENSION 3
#define SBI_EXT_TIME             0x54494d45 // "TIME"
#define SBI_TIME_SET_TIMER       0
#define SBI_EXT_HSM              0x48534d // "HSM": hart state management
#define SBI_HSM_HART_START       0
#define SBI_EXT_IPI              0x735049 // "sPI": inter-processor interrupts
#define SBI_IPI_SEND_IPI         0
#define SBI_EXT_LEGACY_SEND_IPI  0x04       // SBI v0.1 send_ipi (a pointer to a hart mask)
#define SBI_EXT_RFENCE           0x52464e43 // "RFNC": remote fences
#define SBI_RFENCE_FENCE_I       0
#define SBI_EXT_LEGACY_FENCE_I   0x05 // SBI v0.1 remote_fence_i (a pointer to a hart mask)

// Error codes (a0).
#define SBI_SUCCESS               0
#define SBI_ERR_FAILED            (-1)
#define SBI_ERR_NOT_SUPPORTED     (-2)
#define SBI_ERR_INVALID_PARAM     (-3)
#define SBI_ERR_DENIED            (-4)
#define SBI_ERR_INVALID_ADDRESS   (-5)
#define SBI_ERR_ALREADY_AVAILABLE (-6)
#define SBI_ERR_ALREADY_STARTED   (-7)
#define SBI_ERR_ALREADY_STOPPED   (-8)

struct sbi_ret {
        long error;
        long value;
};

// One SBI call with up to three arguments.
static inline struct sbi_ret sbi_call(long ext, long fid, long arg0, long arg1, long arg2)
{
        register long a0 __asm__("a0") = arg0;
        register long a1 __asm__("a1") = arg1;
        register long a2 __asm__("a2") = arg2;
        register long a6 __asm__("a6") = fid;
        register long a7 __asm__("a7") = ext;

        __asm__ volatile("ecall" : "+r"(a0), "+r"(a1) : "r"(a2), "r"(a6), "r"(a7) : "memory");
        return (struct sbi_ret){.error = a0, .value = a1};
}

// Programs the next timer interrupt at absolute `time` value `when`; clears a
// pending supervisor timer interrupt.
static inline long sbi_set_timer(uint64_t when)
{
        return sbi_call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, (long)when, 0, 0).error;
}

// Whether the firmware implements extension `ext` (SBI v0.2+ base extension;
// a v0.1 firmware answers with an error, read as "no").
static inline bool sbi_probe_extension(long ext)
{
        struct sbi_ret r = sbi_call(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION, ext, 0, 0);
        return r.error == SBI_SUCCESS && r.value != 0;
}

// HSM hart_start: hart `hartid` (stopped) starts in S-mode at physical
// `start`, MMU off, with a0 = hartid and a1 = opaque. 0 or an SBI error.
static inline long sbi_hart_start(uint64_t hartid, uint64_t start, uint64_t opaque)
{
        return sbi_call(SBI_EXT_HSM, SBI_HSM_HART_START, (long)hartid, (long)start, (long)opaque)
            .error;
}

// IPI send_ipi: a supervisor software interrupt (sip.SSIP) to each hart
// hart_mask_base + i whose bit i is set in hart_mask. 0 or an SBI error.
static inline long sbi_send_ipi(unsigned long hart_mask, unsigned long hart_mask_base)
{
        return sbi_call(SBI_EXT_IPI, SBI_IPI_SEND_IPI, (long)hart_mask, (long)hart_mask_base, 0)
            .error;
}

// The legacy (v0.1) send_ipi: *hart_mask is read by the firmware through
// this hart's translation (a kernel virtual address is fine). Returns a0.
static inline long sbi_legacy_send_ipi(const unsigned long *hart_mask)
{
        return sbi_call(SBI_EXT_LEGACY_SEND_IPI, 0, (long)hart_mask, 0, 0).error;
}

// fence.i on every other hart (SBI RFENCE remote_fence_i, or the v0.1 call):
// their instruction fetches see what was stored before (riscv64 smp.c).
void sbi_remote_fence_i_all(void);
