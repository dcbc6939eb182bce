// SPDX-License-Identifier: MIT
// Exception dispatch (called by vectors.S with the saved frame). Arch code
// only decodes: kernel aborts go through the portable fault decoder and the
// exception table; traps from EL0 go to the generic syscall, fault and
// exception handlers; anything else unexpected in the kernel is reported by
// name and panics.
#include <arch/esr.h>
#include <arch/gic.h>
#include <arch/smp.h>
#include <arch/trap.h>
#include <kernel/arch.h>
#include <kernel/extable.h>
#include <kernel/kprintf.h>
#include <mk/fault.h>

#define VEC_KIND(v)   ((v) % VEC_KINDS)
#define VEC_ORIGIN(v) ((v) / VEC_KINDS)

static const char *const vec_kind[VEC_KINDS] = {"synchronous", "IRQ", "FIQ", "SError"};
static const char *const vec_origin[VEC_COUNT / VEC_KINDS] = {"EL1 on SP_EL0", "EL1",
                                                              "EL0 (AArch64)", "EL0 (AArch32)"};

void trap_dump(const struct trap_frame *tf)
{
        const int n = (int)ARRAY_SIZE(tf->x), per_line = 4;
        for (int i = 0; i < n; i++)
                kprintf("x%-2d %016llx%s", i, (unsigned long long)tf->x[i],
                        (i % per_line == per_line - 1 || i == n - 1) ? "\n" : "  ");
        uint64_t sp = trap_from_user(tf) ? tf->sp_el0 : (uint64_t)(tf + 1);
        kprintf("sp  %016llx  elr %016llx  spsr %016llx  sp_el0 %016llx\n", (unsigned long long)sp,
                (unsigned long long)tf->elr, (unsigned long long)tf->spsr,
                (unsigned long long)tf->sp_el0);
        kprintf("esr %016llx  far %016llx\n", (unsigned long long)tf->esr,
                (unsigned long long)tf->far);
}

// Reports an exception the kernel does not handle, then panics.
static NORETURN void trap_unexpected(struct trap_frame *tf, unsigned long vec)
{
        unsigned kind = VEC_KIND(vec), ec = esr_ec(tf->esr);
        const char *what = vec_kind[kind];
        char buf[32];
        if (kind == VEC_KIND_SYNC || kind == VEC_KIND_SERROR) {
                what = esr_ec_name(ec);
                if (!what) {
                        ksnprintf(buf, sizeof(buf), "ESR EC 0x%x (reserved)", ec);
                        what = buf;
                }
        }
        kprintf("\nunexpected %s exception from %s: %s\n", vec_kind[kind],
                vec_origin[VEC_ORIGIN(vec)], what);
        kprintf("  ESR EC 0x%x ISS 0x%llx at ip 0x%llx, FAR 0x%llx\n", ec,
                (unsigned long long)esr_iss(tf->esr), (unsigned long long)tf->elr,
                (unsigned long long)tf->far);
        trap_dump(tf);
        panic("unexpected %s exception from %s: %s at 0x%llx", vec_kind[kind],
              vec_origin[VEC_ORIGIN(vec)], what, (unsigned long long)tf->elr);
}

// Data or instruction abort taken in the kernel: resume at the exception
// table's fixup if the instruction has one, else report and stop.
static void trap_kernel_abort(struct trap_frame *tf)
{
        struct fault_info fi;
        if (fault_decode_aarch64(tf->esr, tf->far, tf->elr, &fi) != 0)
                trap_unexpected(tf, VEC_EL1H_SYNC);
        uint64_t fix = extable_fixup(tf->elr, &fi);
        if (fix) {
                tf->elr = fix;
                return;
        }
        kprintf("\nkernel %s at ip 0x%llx, FAR 0x%llx\n", esr_ec_name(esr_ec(tf->esr)),
                (unsigned long long)tf->elr, (unsigned long long)tf->far);
        trap_dump(tf);
        kfault_fatal(&fi);
}

// Name of an exception from EL0 that is not a syscall or a memory fault, as
// reported to the process's end (e.g. "illegal instruction").
// How a user exception ends its process: Linux's signal for the class
// (docs/conformance.md, "CPU exceptions").
static uint64_t user_reason(uint64_t esr)
{
        switch (esr_ec(esr)) {
        case ESR_EC_BRK64:
        case ESR_EC_BREAKPT_LOW:
        case ESR_EC_SSTEP_LOW:
        case ESR_EC_WATCHPT_LOW:
                return MK_REASON_TRAP;
        case ESR_EC_FP_EXC64:
                return MK_REASON_ARITH;
        case ESR_EC_PC_ALIGN: // (when the fault decoder did not take it)
        case ESR_EC_SP_ALIGN:
                return MK_REASON_BUS;
        default: // undefined instructions, FP use (no FP state in user mode), the rest
                return MK_REASON_ILLEGAL;
        }
}

static const char *user_exception_name(uint64_t esr)
{
        unsigned ec = esr_ec(esr);
        if (ec == ESR_EC_UNKNOWN)
                return "illegal instruction";
        if (ec == ESR_EC_SVC64)
                return "SVC with a non-zero immediate";
        const char *name = esr_ec_name(ec);
        return name ? name : "reserved exception class";
}

// A synchronous exception from EL0: svc #0 is a syscall (elr already points
// past it); aborts and PC/SP alignment faults are decoded for the pager;
// anything else ends up in user_exception_entry. Never panics.
static void trap_user_sync(struct trap_frame *tf)
{
        struct fault_info fi;
        switch (esr_ec(tf->esr)) {
        case ESR_EC_SVC64:
                if (esr_iss(tf->esr) == 0) {
                        syscall_entry(tf);
                        return;
                }
                break;
        case ESR_EC_DABT_LOW:
        case ESR_EC_IABT_LOW:
        case ESR_EC_PC_ALIGN:
        case ESR_EC_SP_ALIGN:
                if (fault_decode_aarch64(tf->esr, tf->far, tf->elr, &fi) == 0) {
                        fi.flags |= FAULT_F_USER; // the alignment classes have no EL0 variant
                        user_fault_entry(tf, &fi);
                        return;
                }
                break;
        }
        user_exception_entry(tf, user_exception_name(tf->esr), tf->esr, user_reason(tf->esr));
}

// Called from vectors.S; for frames from EL0, trap_exit then calls
// trap_user_return() before restoring the frame.
void trap_dispatch(struct trap_frame *tf, unsigned long vec)
{
        switch (vec) {
        case VEC_EL1H_SYNC:
                switch (esr_ec(tf->esr)) {
                case ESR_EC_DABT_CUR:
                case ESR_EC_IABT_CUR:
                        trap_kernel_abort(tf);
                        return;
                case ESR_EC_UNKNOWN:
                        // A PSCI hvc/smc with no firmware behind it.
                        if (psci_undefined(tf))
                                return;
                        break;
                }
                break;
        case VEC_EL1H_IRQ:
        case VEC_EL0_IRQ:
                gic_handle_irq();
                return;
        case VEC_EL0_SYNC:
                trap_user_sync(tf);
                return;
        case VEC_EL0_SERROR:
                // An asynchronous external abort while EL0 ran: charge it
                // to the process rather than stopping the machine.
                user_exception_entry(tf, "SError", tf->esr, MK_REASON_BUS);
                return;
        }
        trap_unexpected(tf, vec);
}
