// SPDX-License-Identifier: MIT
// x86_64 trap frame and interrupt vectors. Every exception and interrupt
// enters through vectors.S, every SYSCALL through syscall.S; both build one
// struct trap_frame on the kernel stack and call C (x86_trap_dispatch,
// x86_syscall_dispatch). Returning resumes the frame, possibly modified, with
// IRETQ (or SYSRETQ for a syscall frame that SYSRET can restore exactly).
//
//   high  ss, rsp, rflags, cs, rip   pushed by the CPU (or the SYSCALL entry)
//         error                      pushed by the CPU, or 0 by the stub
//         vector                     pushed by the stub (X86_VEC_SYSCALL: syscall)
//   low   rax ... r15                pushed by SAVE_GPRS (arch/frame_asm.h)
//
// A trap from user mode (CS.RPL = 3) arrives on TSS.RSP0 (SYSCALL: on
// x86_cpu.kernel_rsp, the same value), so a user frame always sits at the top
// of the current thread's kernel stack. SWAPGS runs on entry from and exit to
// user mode, so GS always points at struct x86_cpu in the kernel.
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
#define X86_VEC_IPI           0x40 // the kernel's IPI (smp_call: a fixed IPI to one CPU)
#define X86_VEC_PIC_BASE      0xe0 // legacy 8259 IRQ 0-15 (all masked; only spurious 7/15)
#define X86_VEC_PIC_END       0xf0
#define X86_VEC_PIC_SPURIOUS1 (X86_VEC_PIC_BASE + 7)  // master IRQ 7
#define X86_VEC_PIC_SPURIOUS2 (X86_VEC_PIC_BASE + 15) // slave IRQ 15
#define X86_VEC_SPURIOUS      0xff                    // LAPIC spurious vector (no EOI)
#define X86_NUM_VECTORS       256
// Pseudo-vector stored in trap_frame.vector by the SYSCALL entry.
#define X86_VEC_SYSCALL X86_NUM_VECTORS

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
#define TF_R11    (4 * 8)
#define TF_RCX    (12 * 8)
#define TF_RAX    (14 * 8)
#define TF_VECTOR (15 * 8)
#define TF_ERROR  (16 * 8)
#define TF_RIP    (17 * 8)
#define TF_CS     (18 * 8)
#define TF_RFLAGS (19 * 8)
#define TF_RSP    (20 * 8)
#define TF_SS     (21 * 8)
#define TF_SIZE   (22 * 8)

// A user address is canonical when bits 63:47 are clear; SYSRET and IRET
// fault in ring 0 on a non-canonical return rip.
#define X86_USER_VA_BITS 47

// The raw cause passed to user_exception_entry(): vector in bits 7:0, error
// code (0 if the vector has none) in bits 63:32.
#define X86_EXC_RAW_ERROR_SHIFT 32

// Requested privilege level in a selector: the CPL a frame's CS returns to.
#define X86_CS_RPL_MASK 3

// -EFAULT for assembly (mk/errno.h is C-only); trap.c checks they agree.
#define X86_EFAULT 14

#ifndef __ASSEMBLER__
#include <common/types.h>

struct trap_frame {
        uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
        uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
        uint64_t vector; // X86_VEC_*
        uint64_t error;  // error code, 0 if the vector has none
        uint64_t rip, cs, rflags, rsp, ss;
};

_Static_assert(sizeof(struct trap_frame) == TF_SIZE, "trap_frame layout");
_Static_assert(__builtin_offsetof(struct trap_frame, r11) == TF_R11, "trap_frame r11");
_Static_assert(__builtin_offsetof(struct trap_frame, rcx) == TF_RCX, "trap_frame rcx");
_Static_assert(__builtin_offsetof(struct trap_frame, rax) == TF_RAX, "trap_frame rax");
_Static_assert(__builtin_offsetof(struct trap_frame, rip) == TF_RIP, "trap_frame rip");
_Static_assert(__builtin_offsetof(struct trap_frame, rflags) == TF_RFLAGS, "trap_frame rflags");
_Static_assert(__builtin_offsetof(struct trap_frame, rsp) == TF_RSP, "trap_frame rsp");
_Static_assert(__builtin_offsetof(struct trap_frame, vector) == TF_VECTOR, "trap_frame vector");
_Static_assert(__builtin_offsetof(struct trap_frame, cs) == TF_CS, "trap_frame cs");
_Static_assert(__builtin_offsetof(struct trap_frame, ss) == TF_SS, "trap_frame ss");

// Whether the trap came from user mode (the saved CS has a non-zero RPL).
static inline bool trap_from_user(const struct trap_frame *tf)
{
        return (tf->cs & X86_CS_RPL_MASK) != 0;
}

// Generic accessors (kernel/include/kernel/arch.h). The syscall convention of
// mk/syscall.h: number in rax, arguments in rdi rsi rdx r10 r8 r9, result in
// rax; SYSCALL itself puts the return rip in rcx and RFLAGS in r11.
#define TF_NARGS 6

static inline uint64_t tf_sysno(const struct trap_frame *tf)
{
        return tf->rax;
}

// Where argument n (0..5) of a syscall lives in the frame.
static inline uint64_t *tf_arg_slot(struct trap_frame *tf, int n)
{
        switch (n) {
        case 0:
                return &tf->rdi;
        case 1:
                return &tf->rsi;
        case 2:
                return &tf->rdx;
        case 3:
                return &tf->r10;
        case 4:
                return &tf->r8;
        default:
                return &tf->r9;
        }
}

// Argument n (0..5) of a syscall.
static inline uint64_t tf_arg(const struct trap_frame *tf, int n)
{
        return *tf_arg_slot((struct trap_frame *)tf, n);
}

static inline void tf_set_arg(struct trap_frame *tf, int n, uint64_t v)
{
        *tf_arg_slot(tf, n) = v;
}

// The syscall result register, rax (the number's register: a restart must
// set the number again).
static inline void tf_set_ret(struct trap_frame *tf, uint64_t v)
{
        tf->rax = v;
}

// Where execution resumes: after a SYSCALL, the next instruction; after a
// fault, the faulting one; after a trap (INT3, #DB single step), the next.
static inline uint64_t tf_ip(const struct trap_frame *tf)
{
        return tf->rip;
}

// The interrupted stack pointer (the CPU pushes it for every trap in 64-bit
// mode, kernel ones included).
static inline uint64_t tf_sp(const struct trap_frame *tf)
{
        return tf->rsp;
}

static inline bool tf_from_user(const struct trap_frame *tf)
{
        return trap_from_user(tf);
}

// C entry of every exception and interrupt (vectors.S); may change the frame
// before it resumes. Traps from user mode go on to x86_user_trap().
void x86_trap_dispatch(struct trap_frame *tf);
// C entry of SYSCALL (syscall.S): syscall_entry(), then trap_user_return().
void x86_syscall_dispatch(struct trap_frame *tf);
// Handles a trap from user mode (usertrap.c) and calls x86_user_return().
void x86_user_trap(struct trap_frame *tf);
// The last C step before a user frame is restored (usertrap.c, switch.S):
// trap_user_return(), plus the check that IRETQ/SYSRETQ can resume the frame.
void x86_user_return(struct trap_frame *tf);
// The part of x86_trap_dispatch shared by kernel and user mode: handles the
// timer and spurious interrupts; false for any other vector.
bool x86_interrupt(struct trap_frame *tf);
// Printable name of an exception vector ("#GP general protection"), or NULL.
const char *x86_exception_name(uint64_t vector);
// Reports a trap nothing handles (by name, with every register) and panics.
NORETURN void x86_unexpected(struct trap_frame *tf);
// Restores a trap frame at the stack pointer and IRETQs to it (vectors.S).
extern char x86_trap_return[];
// The SYSCALL entry (LSTAR) and its exit path (syscall.S).
extern char x86_syscall_entry[];
// Sets the SYSCALL MSRs (LSTAR, FMASK, EFER.SCE; STAR is set by gdt.c).
void x86_syscall_init(void);
// Addresses of the 256 entry stubs, indexed by vector (vectors.S).
extern const uint64_t x86_vector_table[X86_NUM_VECTORS];

// Prints every register of a frame plus the control registers.
void x86_dump_frame(const struct trap_frame *tf);
#endif
