// SPDX-License-Identifier: MIT
// Traps from user mode: SYSCALL goes to syscall_entry(), a #PF is decoded and
// goes to user_fault_entry(), the timer ticks, and every other exception goes
// to user_exception_entry() by name. Nothing user mode does panics the
// kernel; only NMI, #MC and #DF (which run on IST stacks and are not caused
// by user code) stay fatal (trap.c).
#include <arch/cpu.h>
#include <arch/regs.h>
#include <arch/trap.h>
#include <kernel/arch.h>
#include <kernel/kprintf.h>
#include <mk/fault.h>

// RFLAGS bits SYSCALL clears: interrupts stay off in the kernel, string
// instructions go up, no single-stepping into the kernel, no SMAP override,
// and no nested-task flag (IRETQ with NT set raises #GP in 64-bit mode).
#define SYSCALL_FMASK                                                                              \
        (X86_RFLAGS_IF | X86_RFLAGS_DF | X86_RFLAGS_TF | X86_RFLAGS_AC | X86_RFLAGS_NT)

bool x86_smap_enabled;

void x86_syscall_init(void)
{
        wrmsr(X86_MSR_LSTAR, (uint64_t)x86_syscall_entry);
        wrmsr(X86_MSR_FMASK, SYSCALL_FMASK);
        wrmsr(X86_MSR_EFER, rdmsr(X86_MSR_EFER) | X86_EFER_SCE);
}

// Whether IRETQ/SYSRETQ can resume the frame in user mode: the rip must be
// canonical, else they raise #GP in ring 0. (CS and SS are never changed by
// generic code: it has no accessor for them.)
static bool user_frame_ok(const struct trap_frame *tf)
{
        return (tf->rip >> X86_USER_VA_BITS) == 0;
}

// A frame that cannot be resumed (generic code set a non-canonical ip, e.g.
// a thread started at a bad address) is reported to the generic code as the
// #GP user mode would have taken on jumping there, not as a kernel fault.
void x86_user_return(struct trap_frame *tf)
{
        trap_user_return(tf);
        while (!user_frame_ok(tf)) {
                tf->vector = X86_VEC_GP;
                tf->error = 0;
                user_exception_entry(tf, "#GP general protection (non-canonical ip)", X86_VEC_GP,
                                     MK_REASON_NOMAP);
                trap_user_return(tf);
        }
}

void x86_syscall_dispatch(struct trap_frame *tf)
{
        syscall_entry(tf);
        x86_user_return(tf);
}

// How a user exception ends its process: Linux's signal for the vector
// (docs/conformance.md, "CPU exceptions").
static uint64_t x86_user_reason(uint64_t v)
{
        switch (v) {
        case X86_VEC_DE: // divide error
        case X86_VEC_MF: // x87 error
        case X86_VEC_XM: // SIMD floating point
                return MK_REASON_ARITH;
        case X86_VEC_DB:
        case X86_VEC_BP:
                return MK_REASON_TRAP;
        case X86_VEC_OF: // (INTO, BOUND: Linux's SIGSEGV)
        case X86_VEC_BR:
        case X86_VEC_TS:
        case X86_VEC_NP:
        case X86_VEC_GP: // e.g. a non-canonical address
                return MK_REASON_NOMAP;
        case X86_VEC_SS: // stack segment (Linux: SIGBUS)
        case X86_VEC_AC: // alignment check
                return MK_REASON_BUS;
        default: // #UD, #NM (no FP state in user mode), the rest
                return MK_REASON_ILLEGAL;
        }
}

void x86_user_trap(struct trap_frame *tf)
{
        uint64_t v = tf->vector;
        // An interrupt does not clear RFLAGS.AC, which user mode may set: the
        // kernel must not run with the SMAP override on.
        if (x86_smap_enabled)
                clac();
        if (v == X86_VEC_PF) {
                struct fault_info fi;
                fault_decode_x86_64(tf->error, read_cr2(), tf->rip, &fi);
                user_fault_entry(tf, &fi);
        } else if (v < X86_NUM_EXCEPTIONS) {
                const char *name = x86_exception_name(v);
                user_exception_entry(tf, name ? name : "reserved exception vector",
                                     v | (tf->error << X86_EXC_RAW_ERROR_SHIFT),
                                     x86_user_reason(v));
        } else if (!x86_interrupt(tf)) {
                x86_unexpected(tf);
        }
        x86_user_return(tf);
}
