// SPDX-License-Identifier: MIT
// The fault and exception registers' architectural encodings, written once:
// the x86_64 #PF error code, AArch64 ESR_EL1 and RISC-V scause. Used by the
// fault decoders (kernel/common/fault_decode.c) and by each arch's trap code
// (kernel/arch/*). Macros only: also included from assembly.
#pragma once

#ifdef __ASSEMBLER__
#define FAULT_REGS_UL(x) x
#else
#define FAULT_REGS_UL(x) x##ull
#endif

// x86_64 #PF error code (Intel SDM vol. 3, 4.7).
#define X86_PF_P    (1u << 0)  // 0: not present, 1: protection violation
#define X86_PF_W    (1u << 1)  // write access
#define X86_PF_U    (1u << 2)  // user-mode access
#define X86_PF_RSVD (1u << 3)  // reserved bit set in a paging entry
#define X86_PF_I    (1u << 4)  // instruction fetch
#define X86_PF_PK   (1u << 5)  // protection-key violation
#define X86_PF_SS   (1u << 6)  // shadow-stack access
#define X86_PF_SGX  (1u << 15) // SGX EPCM violation

// AArch64 ESR_EL1 (Arm ARM D17.2.37): EC = exception class, ISS = syndrome.
#define ESR_EC_SHIFT 26
#define ESR_EC_MASK  0x3fu
#define ESR_IL       (1u << 25) // 32-bit instruction
#define ESR_ISS_MASK ((1u << 25) - 1)

#define ESR_EC_UNKNOWN     0x00 // unknown reason (undefined instruction...)
#define ESR_EC_WFX         0x01 // trapped WFI/WFE
#define ESR_EC_FP_ACCESS   0x07 // trapped FP/SIMD access (CPACR_EL1.FPEN)
#define ESR_EC_BTI         0x0d // branch target exception
#define ESR_EC_ILLEGAL     0x0e // illegal execution state (PSTATE.IL)
#define ESR_EC_SVC32       0x11 // SVC from AArch32
#define ESR_EC_SVC64       0x15 // SVC from AArch64
#define ESR_EC_HVC64       0x16 // HVC from AArch64
#define ESR_EC_SMC64       0x17 // SMC from AArch64
#define ESR_EC_SYSREG      0x18 // trapped MSR/MRS/system instruction
#define ESR_EC_SVE         0x19 // trapped SVE access
#define ESR_EC_PAC         0x1c // pointer authentication failure
#define ESR_EC_IABT_LOW    0x20 // instruction abort from EL0
#define ESR_EC_IABT_CUR    0x21 // instruction abort from EL1
#define ESR_EC_PC_ALIGN    0x22 // PC alignment fault
#define ESR_EC_DABT_LOW    0x24 // data abort from EL0
#define ESR_EC_DABT_CUR    0x25 // data abort from EL1
#define ESR_EC_SP_ALIGN    0x26 // SP alignment fault
#define ESR_EC_FP_EXC64    0x2c // trapped floating-point exception
#define ESR_EC_SERROR      0x2f // SError interrupt
#define ESR_EC_BREAKPT_LOW 0x30 // hardware breakpoint from EL0
#define ESR_EC_BREAKPT_CUR 0x31 // hardware breakpoint from EL1
#define ESR_EC_SSTEP_LOW   0x32 // software step from EL0
#define ESR_EC_SSTEP_CUR   0x33 // software step from EL1
#define ESR_EC_WATCHPT_LOW 0x34 // watchpoint from EL0
#define ESR_EC_WATCHPT_CUR 0x35 // watchpoint from EL1
#define ESR_EC_BRK64       0x3c // BRK instruction

// ISS of instruction and data aborts.
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

// RISC-V scause (privileged spec, table 4.2): the interrupt bit and the
// exception / interrupt codes.
#define SCAUSE_INTERRUPT          FAULT_REGS_UL(0x8000000000000000)
#define SCAUSE_CODE_MASK          FAULT_REGS_UL(0x7fffffffffffffff)
#define SCAUSE_INSN_MISALIGNED    0
#define SCAUSE_INSN_ACCESS_FAULT  1
#define SCAUSE_ILLEGAL_INSN       2
#define SCAUSE_BREAKPOINT         3
#define SCAUSE_LOAD_MISALIGNED    4
#define SCAUSE_LOAD_ACCESS_FAULT  5
#define SCAUSE_STORE_MISALIGNED   6
#define SCAUSE_STORE_ACCESS_FAULT 7
#define SCAUSE_ECALL_U            8
#define SCAUSE_ECALL_S            9
#define SCAUSE_INSN_PAGE_FAULT    12
#define SCAUSE_LOAD_PAGE_FAULT    13
#define SCAUSE_STORE_PAGE_FAULT   15
#define SCAUSE_IRQ_S_SOFT         1
#define SCAUSE_IRQ_S_TIMER        5
#define SCAUSE_IRQ_S_EXT          9
