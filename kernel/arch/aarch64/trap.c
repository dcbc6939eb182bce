// SPDX-License-Identifier: MIT
// Exception dispatch (called by vectors.S with the saved frame). Arch code
// only decodes: kernel aborts go through the portable fault decoder and the
// exception table; anything unexpected is reported by name and panics.
#include <arch/esr.h>
#include <arch/gic.h>
#include <arch/trap.h>
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

void trap_dispatch(struct trap_frame *tf, unsigned long vec)
{
        switch (vec) {
        case VEC_EL1H_SYNC:
                switch (esr_ec(tf->esr)) {
                case ESR_EC_DABT_CUR:
                case ESR_EC_IABT_CUR:
                        trap_kernel_abort(tf);
                        return;
                }
                break;
        case VEC_EL1H_IRQ:
        case VEC_EL0_IRQ:
                gic_handle_irq();
                return;
        case VEC_EL0_SYNC:
                // No user mode yet: syscalls (SVC) and user aborts come next.
                break;
        }
        trap_unexpected(tf, vec);
}
