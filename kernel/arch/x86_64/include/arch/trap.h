// SPDX-License-Identifier: MIT
// x86_64 trap frame and interrupt vectors. Every exception, interrupt (and,
// next, every syscall) enters through vectors.S, which builds one struct
// trap_frame on the kernel stack and calls x86_trap_dispatch(); returning
// from it resumes the frame (possibly modified) with IRETQ.
//
//   high  ss, rsp, rflags, cs, rip   pushed by the CPU (always, in 64-bit mode)
//         error                      pushed by the CPU or 0 by the stub
//         vector                     pushed by the stub
//   low   rax ... r15                pushed by x86_trap_common
//
// A trap from user mode (CS.RPL = 3) arrives on TSS.RSP0 and runs SWAPGS on
// entry and exit, so GS always points at struct x86_cpu in the kernel.
#pragma once

// Exception vectors (SDM vol. 3, table 6-1).
#define X86_VEC_DE         0  // divide error
#define X86_VEC_DB         1  // debug
#define X86_VEC_NMI        2  // non-maskable interrupt
#define X86_VEC_BP         3  // breakpoint (INT3)
#define X86_VEC_OF         4  // overflow (INTO)
#define X86_VEC_BR         5  // BOUND range exceeded
#define X86_VEC_UD         6  // invalid opcode
#define X86_VEC_NM         7  // device not available (FPU)
#define X86_VEC_DF         8  // double fault (error code 0)
#define X86_VEC_CSO        9  // coprocessor segment overrun (reserved)
#define X86_VEC_TS         10 // invalid TSS (selector error code)
#define X86_VEC_NP         11 // segment not present (selector error code)
#define X86_VEC_SS         12 // stack-segment fault (selector error code)
#define X86_VEC_GP         13 // general protection (selector error code)
#define X86_VEC_PF         14 // page fault (page-fault error code, CR2)
#define X86_VEC_MF         16 // x87 floating-point error
#define X86_VEC_AC         17 // alignment check (error code 0)
#define X86_VEC_MC         18 // machine check
#define X86_VEC_XM         19 // SIMD floating-point exception
#define X86_VEC_VE         20 // virtualization exception
#define X86_VEC_CP         21 // control protection (CET, error code)
#define X86_VEC_HV         28 // hypervisor injection
#define X86_VEC_VC         29 // VMM communication (SEV-ES, error code)
#define X86_VEC_SX         30 // security exception (error code)
#define X86_NUM_EXCEPTIONS 32

// Vectors that push an error code.
#define X86_VEC_ERRCODE_MASK                                                                       \
        ((1 << X86_VEC_DF) | (1 << X86_VEC_TS) | (1 << X86_VEC_NP) | (1 << X86_VEC_SS) |           \
         (1 << X86_VEC_GP) | (1 << X86_VEC_PF) | (1 << X86_VEC_AC) | (1 << X86_VEC_CP) |           \
         (1 << X86_VEC_VC) | (1 << X86_VEC_SX))

// Interrupt vectors used by the kernel.
#define X86_VEC_TIMER         0x20 // LAPIC timer
#define X86_VEC_PIC_BASE      0xe0 // legacy 8259 IRQ 0-15 (all masked; only spurious 7/15)
#define X86_VEC_PIC_END       0xf0
#define X86_VEC_PIC_SPURIOUS1 (X86_VEC_PIC_BASE + 7)  // master IRQ 7
#define X86_VEC_PIC_SPURIOUS2 (X86_VEC_PIC_BASE + 15) // slave IRQ 15
#define X86_VEC_SPURIOUS      0xff                    // LAPIC spurious vector (no EOI)
#define X86_NUM_VECTORS       256

// Selector error code of #TS, #NP, #SS, #GP (SDM 6.13).
#define X86_SELERR_EXT       (1u << 0) // external event
#define X86_SELERR_IDT       (1u << 1) // index refers to the IDT
#define X86_SELERR_TI        (1u << 2) // index refers to the LDT (if not IDT)
#define X86_SELERR_SEL_MASK  0xfff8u   // the selector (or IDT vector * 8)
#define X86_SELERR_IDX_SHIFT 3

// Interrupt stack table slots (TSS.IST1..7): stacks of their own for the
// exceptions that must work even on a broken kernel stack.
#define X86_IST_DF    1
#define X86_IST_NMI   2
#define X86_IST_MC    3
#define X86_IST_COUNT 3

// Byte offsets into struct trap_frame, for assembly.
#define TF_R15    0
#define TF_RAX    (14 * 8)
#define TF_VECTOR (15 * 8)
#define TF_ERROR  (16 * 8)
#define TF_RIP    (17 * 8)
#define TF_CS     (18 * 8)
#define TF_RFLAGS (19 * 8)
#define TF_RSP    (20 * 8)
#define TF_SS     (21 * 8)
#define TF_SIZE   (22 * 8)

// -EFAULT for assembly (mk/errno.h is C-only); trap.c checks they agree.
#define X86_EFAULT 14

#ifndef __ASSEMBLER__
#include <kernel/types.h>

struct trap_frame {
        uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
        uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
        uint64_t vector; // X86_VEC_*
        uint64_t error;  // error code, 0 if the vector has none
        uint64_t rip, cs, rflags, rsp, ss;
};

_Static_assert(sizeof(struct trap_frame) == TF_SIZE, "trap_frame layout");
_Static_assert(__builtin_offsetof(struct trap_frame, rax) == TF_RAX, "trap_frame rax");
_Static_assert(__builtin_offsetof(struct trap_frame, vector) == TF_VECTOR, "trap_frame vector");
_Static_assert(__builtin_offsetof(struct trap_frame, cs) == TF_CS, "trap_frame cs");
_Static_assert(__builtin_offsetof(struct trap_frame, ss) == TF_SS, "trap_frame ss");

// Whether the trap came from user mode.
static inline bool trap_from_user(const struct trap_frame *tf)
{
        return (tf->cs & 3) != 0;
}

// C entry of every trap (vectors.S); may change the frame before it resumes.
void x86_trap_dispatch(struct trap_frame *tf);
// Restores a trap frame at the stack pointer and IRETQs to it (vectors.S).
// A new thread can start by pointing its kernel stack here.
extern char x86_trap_return[];
// Addresses of the 256 entry stubs, indexed by vector (vectors.S).
extern const uint64_t x86_vector_table[X86_NUM_VECTORS];

// Prints every register of a frame plus the control registers.
void x86_dump_frame(const struct trap_frame *tf);
#endif
