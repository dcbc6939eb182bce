// SPDX-License-Identifier: MIT
// Trap dispatch: the timer interrupt, kernel page faults (decoded, then the
// exception table or a fatal report), and a decoded report plus panic for
// everything else.
#include <kernel/arch.h>
#include <kernel/extable.h>
#include <kernel/kprintf.h>
#include <kernel/pt.h>
#include <mk/fault.h>
#include <arch/boot.h>
#include <arch/regs.h>
#include <arch/trap.h>

#define SV39_VA_BITS 39

static const char *const exception_names[] = {
    [SCAUSE_INSN_MISALIGNED] = "instruction address misaligned",
    [SCAUSE_INSN_ACCESS_FAULT] = "instruction access fault",
    [SCAUSE_ILLEGAL_INSN] = "illegal instruction",
    [SCAUSE_BREAKPOINT] = "breakpoint",
    [SCAUSE_LOAD_MISALIGNED] = "load address misaligned",
    [SCAUSE_LOAD_ACCESS_FAULT] = "load access fault",
    [SCAUSE_STORE_MISALIGNED] = "store/AMO address misaligned",
    [SCAUSE_STORE_ACCESS_FAULT] = "store/AMO access fault",
    [SCAUSE_ECALL_U] = "environment call from U-mode",
    [SCAUSE_ECALL_S] = "environment call from S-mode",
    [SCAUSE_INSN_PAGE_FAULT] = "instruction page fault",
    [SCAUSE_LOAD_PAGE_FAULT] = "load page fault",
    [SCAUSE_STORE_PAGE_FAULT] = "store/AMO page fault",
};

static const char *const interrupt_names[] = {
    [SCAUSE_IRQ_S_SOFT] = "supervisor software interrupt",
    [SCAUSE_IRQ_S_TIMER] = "supervisor timer interrupt",
    [SCAUSE_IRQ_S_EXT] = "supervisor external interrupt",
};

// Name of an scause value ("illegal instruction"), or "reserved".
static const char *scause_name(uint64_t scause)
{
        uint64_t code = scause & SCAUSE_CODE_MASK;
        const char *name = NULL;

        if (scause & SCAUSE_INTERRUPT) {
                if (code < ARRAY_SIZE(interrupt_names))
                        name = interrupt_names[code];
        } else if (code < ARRAY_SIZE(exception_names)) {
                name = exception_names[code];
        }
        return name ? name : "reserved";
}

// Whether va is a canonical Sv39 address (bits 63..39 copy bit 38).
static bool sv39_canonical(uint64_t va)
{
        int64_t s = (int64_t)(va << (64 - SV39_VA_BITS)) >> (64 - SV39_VA_BITS);
        return (uint64_t)s == va;
}

// Prints a report of a trap the kernel cannot handle and panics.
static NORETURN void trap_unexpected(const struct trap_frame *tf)
{
        const char *name = scause_name(tf->scause);

        kprintf("riscv64: unexpected %s from %s-mode: %s (scause 0x%lx)\n",
                (tf->scause & SCAUSE_INTERRUPT) ? "interrupt" : "exception",
                (tf->sstatus & SSTATUS_SPP) ? "S" : "U", name, tf->scause);
        trap_dump(tf);
        panic("unexpected trap: %s at ip 0x%lx", name, tf->sepc);
}

// Kernel page fault: decode (walking the current root for pte_valid), then
// resume at the exception-table fixup or report and fail.
static void kernel_page_fault(struct trap_frame *tf)
{
        struct fault_info fi;
        paddr_t pa;
        unsigned flags;
        int level;
        int pte_valid = sv39_canonical(tf->stval) &&
                        pt_translate(mmu_current_root(), tf->stval, &pa, &flags, &level) == 0;
        uint64_t fix;

        if (fault_decode_riscv64(tf->scause, tf->stval, tf->sepc, 0, pte_valid, &fi) != 0)
                trap_unexpected(tf);
        fix = extable_fixup(tf->sepc, &fi);
        if (fix != 0) {
                tf->sepc = fix;
                return;
        }
        kprintf("riscv64: kernel %s at ip 0x%lx, address 0x%lx\n", scause_name(tf->scause),
                tf->sepc, tf->stval);
        trap_dump(tf);
        kfault_fatal(&fi);
}

// Dispatches one trap (called by trap_entry.S): timer interrupt, kernel page
// fault, or a fatal report. Returning resumes at tf->sepc.
void trap_handler(struct trap_frame *tf)
{
        uint64_t code = tf->scause & SCAUSE_CODE_MASK;
        bool from_user = !(tf->sstatus & SSTATUS_SPP);

        if (tf->scause & SCAUSE_INTERRUPT) {
                if (code == SCAUSE_IRQ_S_TIMER) {
                        timer_interrupt();
                        return;
                }
                trap_unexpected(tf);
        }
        switch (code) {
        case SCAUSE_INSN_PAGE_FAULT:
        case SCAUSE_LOAD_PAGE_FAULT:
        case SCAUSE_STORE_PAGE_FAULT:
                if (!from_user) {
                        kernel_page_fault(tf);
                        return;
                }
                break;
        }
        trap_unexpected(tf);
}
