// SPDX-License-Identifier: MIT
// The IDT: all 256 vectors point at the stubs in vectors.S (interrupt gates,
// so IF is clear in every handler). #DF, NMI and #MC switch to IST stacks of
// their own so they still report when the kernel stack is unusable. Only
// INT3 and INTO may be raised by user code (DPL 3); INT n of any other vector
// from user mode raises #GP instead.
#include <arch/cpu.h>
#include <arch/regs.h>
#include <arch/trap.h>
#include <kernel/arch.h>

// Gate descriptor (SDM 6.14.1).
struct idt_gate {
        uint16_t off_low;
        uint16_t selector;
        uint8_t ist; // bits 2:0: IST slot, 0 = none
        uint8_t attr;
        uint16_t off_mid;
        uint32_t off_high;
        uint32_t reserved;
} __attribute__((packed));

// The handler offset is split 15:0 | 31:16 | 63:32 across the gate.
#define IDT_OFF_LOW_MASK   0xffffu
#define IDT_OFF_MID_SHIFT  16
#define IDT_OFF_MID_MASK   0xffffu
#define IDT_OFF_HIGH_SHIFT 32
#define IDT_TYPE_INTR      0xeu // 64-bit interrupt gate (clears IF)
#define IDT_DPL(d)         ((d) << 5)
#define IDT_P              (1u << 7)

static struct idt_gate idt[X86_NUM_VECTORS] __attribute__((aligned(16)));

// Points `vec` at its stub, callable by INT n from privilege `dpl` and up,
// on IST slot `ist` (0: none).
static void idt_set(unsigned vec, unsigned ist, unsigned dpl)
{
        uint64_t off = x86_vector_table[vec];
        idt[vec] = (struct idt_gate){
            .off_low = off & IDT_OFF_LOW_MASK,
            .selector = X86_SEL_KCODE,
            .ist = ist,
            .attr = IDT_P | IDT_DPL(dpl) | IDT_TYPE_INTR,
            .off_mid = (off >> IDT_OFF_MID_SHIFT) & IDT_OFF_MID_MASK,
            .off_high = off >> IDT_OFF_HIGH_SHIFT,
        };
}

void x86_idt_init(void)
{
        for (unsigned v = 0; v < X86_NUM_VECTORS; v++)
                idt_set(v, 0, 0);
        idt_set(X86_VEC_DF, X86_IST_DF, 0);
        idt_set(X86_VEC_NMI, X86_IST_NMI, 0);
        idt_set(X86_VEC_MC, X86_IST_MC, 0);
        idt_set(X86_VEC_BP, 0, X86_SEL_RPL_USER);
        idt_set(X86_VEC_OF, 0, X86_SEL_RPL_USER);
        x86_idt_load();
}

// One IDT for every CPU (the IST slots index each CPU's own TSS).
void x86_idt_load(void)
{
        struct x86_dtr d = {sizeof(idt) - 1, (uint64_t)idt};
        lidt(&d);
}

void arch_irq_enable(void)
{
        sti();
}

void arch_irq_disable(void)
{
        cli();
}

// STI; HLT, then CLI: returns after the next interrupt has been handled,
// with interrupts off again (the kernel runs with them off).
void arch_wait_for_interrupt(void)
{
        sti_hlt();
        cli();
}
