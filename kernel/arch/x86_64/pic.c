// SPDX-License-Identifier: MIT
// The legacy 8259A PIC pair. The kernel uses the local APIC only, so both PICs
// are re-initialised with their vectors at X86_VEC_PIC_BASE (away from the
// exception vectors, where firmware may have left them) and fully masked. A
// masked PIC can still raise a spurious IRQ 7 or 15: trap.c ignores those.
#include <arch/pc.h>
#include <arch/regs.h>
#include <arch/trap.h>

#define PIC1_CMD  0x20
#define PIC1_DATA 0x21
#define PIC2_CMD  0xa0
#define PIC2_DATA 0xa1

#define PIC_ICW1_ICW4     0x01      // ICW4 follows
#define PIC_ICW1_INIT     0x10      // start initialisation
#define PIC_ICW3_SLAVE_AT (1u << 2) // master: slave on IRQ 2
#define PIC_ICW3_SLAVE_ID 2         // slave: its cascade identity
#define PIC_ICW4_8086     0x01      // 8086 mode
#define PIC_MASK_ALL      0xff

// Re-initialises both PICs (ICW1-4) to vectors 0xe0-0xef and masks every IRQ.
void x86_pic_disable(void)
{
        outb(PIC1_CMD, PIC_ICW1_INIT | PIC_ICW1_ICW4);
        outb(PIC2_CMD, PIC_ICW1_INIT | PIC_ICW1_ICW4);
        outb(PIC1_DATA, X86_VEC_PIC_BASE);
        outb(PIC2_DATA, X86_VEC_PIC_BASE + 8);
        outb(PIC1_DATA, PIC_ICW3_SLAVE_AT);
        outb(PIC2_DATA, PIC_ICW3_SLAVE_ID);
        outb(PIC1_DATA, PIC_ICW4_8086);
        outb(PIC2_DATA, PIC_ICW4_8086);
        outb(PIC1_DATA, PIC_MASK_ALL);
        outb(PIC2_DATA, PIC_MASK_ALL);
}
