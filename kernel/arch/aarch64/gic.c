// SPDX-License-Identifier: MIT
// GICv2 driver: one CPU interface, all interrupts group 0 signalled as IRQ
// (QEMU virt's GIC has no security extensions). Only the timer PPI is used.
#include <arch/gic.h>
#include <arch/gtimer.h>
#include <arch/mmio.h>
#include <arch/platform.h>
#include <kernel/kprintf.h>

#define GICD(off)    (VIRT_GICD_PHYS + (off))
#define GICC(off)    (VIRT_GICC_PHYS + (off))
#define IRQ_WORD(id) (4 * ((id) / 32))
#define IRQ_BIT(id)  (1u << ((id) % 32))

void gic_init(void)
{
        mmio_write32(GICD(GICD_CTLR), 0);
        unsigned words = (mmio_read32(GICD(GICD_TYPER)) & GICD_TYPER_ITLINES_MASK) + 1;
        for (unsigned i = 0; i < words; i++) {
                mmio_write32(GICD(GICD_ICENABLER + 4 * i), ~0u);
                mmio_write32(GICD(GICD_ICPENDR + 4 * i), ~0u);
        }
        mmio_write32(GICD(GICD_CTLR), GICD_CTLR_ENABLE_GRP0 | GICD_CTLR_ENABLE_GRP1);
        mmio_write32(GICC(GICC_PMR), GIC_PMR_ALL);
        mmio_write32(GICC(GICC_BPR), 0);
        mmio_write32(GICC(GICC_CTLR), GICC_CTLR_ENABLE_GRP0 | GICC_CTLR_ENABLE_GRP1);
}

// Sets the default priority (one byte per interrupt, four per register) and
// unmasks the interrupt in the distributor.
void gic_enable_irq(unsigned id)
{
        paddr_t prio = GICD(GICD_IPRIORITYR + (id & ~3u));
        unsigned shift = 8 * (id & 3);
        uint32_t v = mmio_read32(prio);
        v = (v & ~((uint32_t)GIC_PRIO_MASK << shift)) | ((uint32_t)GIC_PRIO_DEFAULT << shift);
        mmio_write32(prio, v);
        mmio_write32(GICD(GICD_ISENABLER + IRQ_WORD(id)), IRQ_BIT(id));
}

void gic_disable_irq(unsigned id)
{
        mmio_write32(GICD(GICD_ICENABLER + IRQ_WORD(id)), IRQ_BIT(id));
}

// Acknowledges, handles and ends one interrupt. An interrupt nobody handles
// is reported and masked so it cannot storm.
void gic_handle_irq(void)
{
        uint32_t iar = mmio_read32(GICC(GICC_IAR));
        unsigned id = iar & GICC_IAR_ID_MASK;
        if (id == GIC_SPURIOUS)
                return;
        if (id == GIC_PPI_CNTV) {
                gtimer_irq();
        } else {
                kprintf("gic: unexpected interrupt %u, masked\n", id);
                gic_disable_irq(id);
        }
        mmio_write32(GICC(GICC_EOIR), iar);
}
