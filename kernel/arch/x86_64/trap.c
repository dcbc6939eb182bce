// SPDX-License-Identifier: MIT
// Trap dispatch. Traps from user mode go to usertrap.c. In kernel mode, page
// faults go through the portable decoder and the exception table; the timer
// ticks; anything else unexpected is reported by name with every register,
// then panics. Never a silent hang.
#include <arch/cpu.h>
#include <arch/lapic.h>
#include <arch/regs.h>
#include <arch/trap.h>
#include <kernel/extable.h>
#include <kernel/kprintf.h>
#include <kernel/smp.h>
#include <kernel/timer.h>
#include <mk/errno.h>
#include <mk/fault.h>

_Static_assert(X86_EFAULT == EFAULT, "X86_EFAULT (used by copy.S) must equal EFAULT");

#define GUARD_SIZE PAGE_SIZE

static const char *const exception_names[X86_NUM_EXCEPTIONS] = {
    [X86_VEC_DE] = "#DE divide error",
    [X86_VEC_DB] = "#DB debug",
    [X86_VEC_NMI] = "NMI non-maskable interrupt",
    [X86_VEC_BP] = "#BP breakpoint",
    [X86_VEC_OF] = "#OF overflow",
    [X86_VEC_BR] = "#BR bound range exceeded",
    [X86_VEC_UD] = "#UD invalid opcode (undefined instruction)",
    [X86_VEC_NM] = "#NM device not available",
    [X86_VEC_DF] = "#DF double fault",
    [X86_VEC_CSO] = "coprocessor segment overrun",
    [X86_VEC_TS] = "#TS invalid TSS",
    [X86_VEC_NP] = "#NP segment not present",
    [X86_VEC_SS] = "#SS stack-segment fault",
    [X86_VEC_GP] = "#GP general protection",
    [X86_VEC_PF] = "#PF page fault",
    [X86_VEC_MF] = "#MF x87 floating-point error",
    [X86_VEC_AC] = "#AC alignment check",
    [X86_VEC_MC] = "#MC machine check",
    [X86_VEC_XM] = "#XM SIMD floating-point exception",
    [X86_VEC_VE] = "#VE virtualization exception",
    [X86_VEC_CP] = "#CP control protection",
    [X86_VEC_HV] = "#HV hypervisor injection",
    [X86_VEC_VC] = "#VC VMM communication",
    [X86_VEC_SX] = "#SX security exception",
};

// Spurious interrupts seen (LAPIC spurious vector, masked 8259 IRQ 7/15).
static unsigned long spurious_count;

const char *x86_exception_name(uint64_t v)
{
        return v < X86_NUM_EXCEPTIONS ? exception_names[v] : NULL;
}

// Name of a vector: "exception #XX name", or what kind of interrupt it is.
static const char *vector_name(uint64_t v)
{
        static char buf[64];
        if (v == X86_VEC_SYSCALL)
                return "syscall";
        if (v < X86_NUM_EXCEPTIONS) {
                ksnprintf(buf, sizeof(buf), "exception %s",
                          exception_names[v] ? exception_names[v] : "(reserved vector)");
                return buf;
        }
        if (v >= X86_VEC_PIC_BASE && v < X86_VEC_PIC_END)
                return "legacy 8259 interrupt";
        return "interrupt";
}

void x86_dump_frame(const struct trap_frame *tf)
{
        kprintf("  rip %016llx cs %04llx rflags %016llx\n", (unsigned long long)tf->rip,
                (unsigned long long)tf->cs, (unsigned long long)tf->rflags);
        kprintf("  rsp %016llx ss %04llx vector %llu error %016llx\n", (unsigned long long)tf->rsp,
                (unsigned long long)tf->ss, (unsigned long long)tf->vector,
                (unsigned long long)tf->error);
        kprintf("  rax %016llx rbx %016llx rcx %016llx\n", (unsigned long long)tf->rax,
                (unsigned long long)tf->rbx, (unsigned long long)tf->rcx);
        kprintf("  rdx %016llx rsi %016llx rdi %016llx\n", (unsigned long long)tf->rdx,
                (unsigned long long)tf->rsi, (unsigned long long)tf->rdi);
        kprintf("  rbp %016llx r8  %016llx r9  %016llx\n", (unsigned long long)tf->rbp,
                (unsigned long long)tf->r8, (unsigned long long)tf->r9);
        kprintf("  r10 %016llx r11 %016llx r12 %016llx\n", (unsigned long long)tf->r10,
                (unsigned long long)tf->r11, (unsigned long long)tf->r12);
        kprintf("  r13 %016llx r14 %016llx r15 %016llx\n", (unsigned long long)tf->r13,
                (unsigned long long)tf->r14, (unsigned long long)tf->r15);
        kprintf("  cr0 %016llx cr2 %016llx cr3 %016llx cr4 %016llx\n",
                (unsigned long long)read_cr0(), (unsigned long long)read_cr2(),
                (unsigned long long)read_cr3(), (unsigned long long)read_cr4());
}

// Explains the selector error code of #TS, #NP, #SS and #GP.
static void print_selector_error(uint64_t err)
{
        if (err == 0) {
                kprintf("  error code 0: not caused by a segment selector\n");
                return;
        }
        const char *table = (err & X86_SELERR_IDT) ? "IDT" : (err & X86_SELERR_TI) ? "LDT" : "GDT";
        kprintf("  error code 0x%llx: %s index %llu (selector 0x%llx)%s\n", (unsigned long long)err,
                table, (unsigned long long)((err & X86_SELERR_SEL_MASK) >> X86_SELERR_IDX_SHIFT),
                (unsigned long long)(err & X86_SELERR_SEL_MASK),
                (err & X86_SELERR_EXT) ? ", during an external event" : "");
}

// Reports an exception or interrupt nothing handles, then panics.
void x86_unexpected(struct trap_frame *tf)
{
        uint64_t v = tf->vector;
        kprintf("\n*** x86_64: unexpected %s (vector %llu) in %s mode at rip 0x%llx\n",
                vector_name(v), (unsigned long long)v, trap_from_user(tf) ? "user" : "kernel",
                (unsigned long long)tf->rip);
        switch (v) {
        case X86_VEC_TS:
        case X86_VEC_NP:
        case X86_VEC_SS:
        case X86_VEC_GP:
                print_selector_error(tf->error);
                break;
        case X86_VEC_DF: {
                uint64_t cr2 = read_cr2(), g = (uint64_t)x86_boot_stack_guard;
                if (cr2 >= g && cr2 < g + GUARD_SIZE)
                        kprintf("  kernel stack overflow: cr2 0x%llx is in the boot stack's "
                                "guard page\n",
                                (unsigned long long)cr2);
                break;
        }
        }
        x86_dump_frame(tf);
        panic("unexpected %s (vector %llu) at rip 0x%llx", vector_name(v), (unsigned long long)v,
              (unsigned long long)tf->rip);
}

// Kernel #PF: decode CR2 + error code; a fault with an exception-table entry
// (a user copy, even of a user address) resumes at its fixup, anything else is
// fatal.
static void kernel_page_fault(struct trap_frame *tf)
{
        struct fault_info fi;
        fault_decode_x86_64(tf->error, read_cr2(), tf->rip, &fi);
        uint64_t fix = extable_fixup(tf->rip, &fi);
        if (fix) {
                tf->rip = fix;
                return;
        }
        kprintf("\n*** x86_64: %s in kernel mode at rip 0x%llx, cr2 0x%llx, error 0x%llx\n",
                exception_names[X86_VEC_PF], (unsigned long long)tf->rip,
                (unsigned long long)fi.raw1, (unsigned long long)tf->error);
        x86_dump_frame(tf);
        kfault_fatal(&fi);
}

bool x86_interrupt(struct trap_frame *tf)
{
        uint64_t v = tf->vector;
        if (v == X86_VEC_TIMER) {
                x86_lapic_eoi();
                if (this_cpu()->id == 0) // (no other CPU runs a timer)
                        timer_tick();
        } else if (v == X86_VEC_IPI) {
                x86_lapic_eoi(); // first: an IPI sent meanwhile is taken again
                smp_ipi_handler();
        } else if (v == X86_VEC_SPURIOUS || v == X86_VEC_PIC_SPURIOUS1 ||
                   v == X86_VEC_PIC_SPURIOUS2) {
                // No EOI: nothing was really delivered (the 8259s are all
                // masked, so their IRQ 7/15 can only be spurious).
                spurious_count++;
        } else {
                return false;
        }
        return true;
}

// Vectors on IST stacks: not caused by user code, and their frame is not at
// the top of a thread's kernel stack, so they never take the user path.
static bool vector_uses_ist(uint64_t v)
{
        return v == X86_VEC_NMI || v == X86_VEC_DF || v == X86_VEC_MC;
}

void x86_trap_dispatch(struct trap_frame *tf)
{
        uint64_t v = tf->vector;
        if (trap_from_user(tf) && !vector_uses_ist(v))
                x86_user_trap(tf);
        else if (v == X86_VEC_PF)
                kernel_page_fault(tf);
        else if (!x86_interrupt(tf))
                x86_unexpected(tf);
}
