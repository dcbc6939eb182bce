// SPDX-License-Identifier: MIT
// Trap dispatch. From U-mode: ecall -> syscall_entry, memory faults (decoded)
// -> user_fault_entry, any other exception -> user_exception_entry; user mode
// never panics the kernel. From S-mode: kernel page faults (decoded, then the
// exception table or a fatal report), and a decoded report plus panic for
// everything else. Timer interrupts (boot hart) -> timer_tick(); the
// supervisor software interrupt (the kernel's IPI) -> smp_ipi_handler().
#include <kernel/arch.h>
#include <kernel/extable.h>
#include <kernel/kprintf.h>
#include <kernel/pt.h>
#include <kernel/smp.h>
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

// Decodes the frame's exception as a memory fault. RISC-V page faults do not
// say whether a translation existed, so the current root (satp) is walked:
// any valid leaf for stval makes it a protection fault (the access broke its
// R/W/X/U bits, or SUM was off); none makes it not-present. Returns 0, or -1
// if scause is not a memory fault.
static int decode_fault(const struct trap_frame *tf, struct fault_info *fi)
{
        int pte_valid = sv39_canonical(tf->stval) &&
                        pt_translate(mmu_current_root(), tf->stval, NULL, NULL, NULL) == 0;

        return fault_decode_riscv64(tf->scause, tf->stval, tf->sepc, tf_from_user(tf), pte_valid,
                                    fi);
}

// Kernel page fault: decode, then resume at the exception-table fixup (also
// for user addresses inside arch_copy_fixup) or report and fail.
static void kernel_page_fault(struct trap_frame *tf)
{
        struct fault_info fi;
        uint64_t fix;

        if (decode_fault(tf, &fi) != 0)
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

// A trap from U-mode. Whatever user code did ends in a generic handler; the
// caller then leaves through trap_user_return (trap_exit in trap_entry.S).
static void user_trap(struct trap_frame *tf)
{
        struct fault_info fi;

        if (tf->scause == SCAUSE_ECALL_U) {
                tf->sepc += RV_ECALL_SIZE; // before the handler, which may change it
                syscall_entry(tf);
                return;
        }
        if (decode_fault(tf, &fi) == 0) {
                user_fault_entry(tf, &fi);
                return;
        }
        uint64_t reason = MK_REASON_ILLEGAL; // (illegal instructions and the rest)
        if (tf->scause == SCAUSE_BREAKPOINT)
                reason = MK_REASON_TRAP;
        else if (tf->scause == SCAUSE_INSN_MISALIGNED || tf->scause == SCAUSE_LOAD_MISALIGNED ||
                 tf->scause == SCAUSE_STORE_MISALIGNED)
                reason = MK_REASON_BUS; // (Linux: SIGBUS, BUS_ADRALN)
        else if (tf->scause == SCAUSE_INSN_ACCESS_FAULT || tf->scause == SCAUSE_LOAD_ACCESS_FAULT ||
                 tf->scause == SCAUSE_STORE_ACCESS_FAULT)
                reason = MK_REASON_NOMAP; // (Linux: SIGSEGV)
        user_exception_entry(tf, scause_name(tf->scause), tf->scause, reason);
}

// An interrupt: the boot hart's timer, or the kernel's IPI (the supervisor
// software interrupt, the only one a secondary hart enables). Anything else
// is stray (the kernel enables no external interrupt): it is masked on this
// hart, said once, and otherwise ignored.
static void interrupt(uint64_t code)
{
        static bool said;

        if (code == SCAUSE_IRQ_S_SOFT) {
                riscv_ipi();
                return;
        }
        if (code == SCAUSE_IRQ_S_TIMER && this_cpu()->id == 0) {
                timer_interrupt();
                return;
        }
        if (code < 64)
                csr_clear(sie, 1ul << code);
        if (!__atomic_exchange_n(&said, true, __ATOMIC_RELAXED))
                kprintf("riscv64: stray %s (scause code %llu) on cpu %u: masked\n",
                        code < ARRAY_SIZE(interrupt_names) && interrupt_names[code]
                            ? interrupt_names[code]
                            : "interrupt",
                        (unsigned long long)code, this_cpu()->id);
}

// Dispatches one trap (called by trap_entry.S): timer interrupt, a trap from
// user mode, a kernel page fault, or a fatal report. Returning resumes at
// tf->sepc (trap_exit runs trap_user_return first for user frames).
void trap_handler(struct trap_frame *tf)
{
        if (tf->scause & SCAUSE_INTERRUPT) {
                interrupt(tf->scause & SCAUSE_CODE_MASK);
                return;
        }
        if (tf_from_user(tf)) {
                user_trap(tf);
                return;
        }
        switch (tf->scause) {
        case SCAUSE_INSN_PAGE_FAULT:
        case SCAUSE_LOAD_PAGE_FAULT:
        case SCAUSE_STORE_PAGE_FAULT:
                kernel_page_fault(tf);
                return;
        }
        trap_unexpected(tf);
}
