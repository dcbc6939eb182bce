// SPDX-License-Identifier: MIT
// aarch64 side of SMP (docs/smp.md): the struct cpu fields smp_entry.S reads
// (with the MMU off), this arch's words in struct cpu's arch[], and PSCI.
#pragma once

// Offsets in struct cpu (kernel/smp.h; checked in smp.c).
#define CPU_OFF_SELF      0
#define CPU_OFF_STACK_TOP 24
#define CPU_OFF_ARCH      32

// struct cpu.arch[] words of this arch.
#define ACPU_KSTACK_TOP 0 // SP_EL1 to hold while this CPU runs user code (a record)
#define ACPU_TTBR1      1 // start-up: the kernel root the entry loads into TTBR1
#define CPU_OFF_TTBR1   (CPU_OFF_ARCH + 8 * ACPU_TTBR1)

// MPIDR_EL1 affinity fields (Aff3 at [39:32], Aff2..Aff0 at [23:0]): a CPU's
// hardware id, the device tree's /cpus reg and PSCI's target_cpu.
#define MPIDR_HWID_MASK 0xff00ffffffull

// PSCI (Arm DEN 0022) function ids and return codes.
#define PSCI_0_2_FN64_CPU_ON    0xc4000003u
#define PSCI_SUCCESS            0
#define PSCI_NOT_SUPPORTED      (-1)
#define PSCI_INVALID_PARAMETERS (-2)
#define PSCI_DENIED             (-3)
#define PSCI_ALREADY_ON         (-4)
#define PSCI_ON_PENDING         (-5)
#define PSCI_INTERNAL_FAILURE   (-6)
#define PSCI_NOT_PRESENT        (-7)
#define PSCI_DISABLED           (-8)
#define PSCI_INVALID_ADDRESS    (-9)

#ifndef __ASSEMBLER__
#include <common/types.h>

struct cpu;
struct trap_frame;

// smp_entry.S: a started CPU's first instruction (physical address, MMU
// off, x0 = the physical address of its struct cpu).
extern char secondary_entry[];
// A PSCI call (SMCCC): hvc #0, or smc #0 when smc is set. Returns x0.
int64_t psci_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3, bool smc);
// The hvc and smc instructions of psci_call.
extern char psci_hvc_insn[], psci_smc_insn[];
// An undefined-instruction trap at EL1 (EC 0): when it is psci_call's hvc or
// smc (no firmware there, whatever the device tree said), returns from the
// call with PSCI_NOT_SUPPORTED and true; else false.
bool psci_undefined(struct trap_frame *tf);
#endif
