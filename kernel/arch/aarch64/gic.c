// SPDX-License-Identifier: MIT
// GICv2 driver: one CPU interface per CPU, all interrupts group 0 signalled
// as IRQ (QEMU virt's GIC has no security extensions). The boot CPU takes
// the timer PPI and every SPI (none is enabled yet); every CPU takes the
// kernel's IPI, SGI GIC_SGI_IPI. Anything else is reported and masked.
#include <arch/gic.h>
#include <arch/gtimer.h>
#include <arch/mmio.h>
#include <arch/platform.h>
#include <arch/regs.h>
#include <kernel/kprintf.h>
#include <kernel/smp.h>

#define GICD(off)    (VIRT_GICD_PHYS + (off))
#define GICC(off)    (VIRT_GICC_PHYS + (off))
#define IRQ_WORD(id) (4 * ((id) / 32))
#define IRQ_BIT(id)  (1u << ((id) % 32))

// This CPU's interface: every priority below GIC_PMR_ALL signalled.
static void gic_cpu_interface_init(void)
{
        mmio_write32(GICC(GICC_PMR), GIC_PMR_ALL);
        mmio_write32(GICC(GICC_BPR), 0);
        mmio_write32(GICC(GICC_CTLR), GICC_CTLR_ENABLE_GRP0 | GICC_CTLR_ENABLE_GRP1);
}

uint32_t gic_cpu_mask(void)
{
        return mmio_read32(GICD(GICD_ITARGETSR)) & GICD_ITARGETS_CPU_MASK;
}

void gic_init(void)
{
        mmio_write32(GICD(GICD_CTLR), 0);
        unsigned words = (mmio_read32(GICD(GICD_TYPER)) & GICD_TYPER_ITLINES_MASK) + 1;
        for (unsigned i = 0; i < words; i++) {
                mmio_write32(GICD(GICD_ICENABLER + 4 * i), ~0u);
                mmio_write32(GICD(GICD_ICPENDR + 4 * i), ~0u);
        }
        // Every SPI to this CPU alone (four one-byte target fields a word):
        // the secondaries take nothing but their IPI.
        uint32_t me = gic_cpu_mask() * 0x01010101u;
        for (unsigned id = GIC_NR_PRIVATE; id < 32 * words; id += 4)
                mmio_write32(GICD(GICD_ITARGETSR + id), me);
        mmio_write32(GICD(GICD_CTLR), GICD_CTLR_ENABLE_GRP0 | GICD_CTLR_ENABLE_GRP1);
        gic_cpu_interface_init();
}

void gic_init_secondary(void)
{
        mmio_write32(GICD(GICD_ICENABLER), ~0u); // word 0 is this CPU's bank
        mmio_write32(GICD(GICD_ICPENDR), ~0u);
        gic_cpu_interface_init();
}

// Sets the default priority (one byte per interrupt, four per register) and
// unmasks the interrupt in the distributor (an SGI's or PPI's on this CPU).
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

void gic_send_sgi(uint32_t mask, unsigned intid)
{
        dsb_ishst(); // what the target is to see (its call) before the SGI
        mmio_write32(GICD(GICD_SGIR), (mask & GICD_ITARGETS_CPU_MASK) << GICD_SGIR_TARGETS_SHIFT |
                                          (intid & GICD_SGIR_INTID_MASK));
}

// Acknowledges, handles and ends one interrupt. The kernel's IPI is ended
// first (one sent meanwhile is taken again), then handled; the timer is the
// boot CPU's only. An interrupt nobody handles is reported and masked (an
// SGI's or PPI's on this CPU alone) so it cannot storm.
void gic_handle_irq(void)
{
        uint32_t iar = mmio_read32(GICC(GICC_IAR));
        unsigned id = iar & GICC_IAR_ID_MASK;
        if (id == GIC_SPURIOUS)
                return;
        if (id == GIC_SGI_IPI) {
                mmio_write32(GICC(GICC_EOIR), iar);
                dsb_ish(); // the sender's stores, seen after the acknowledge
                smp_ipi_handler();
                return;
        }
        if (id == GIC_PPI_CNTV && this_cpu() == &cpus[0]) {
                gtimer_irq();
        } else {
                kprintf("gic: cpu %u: unexpected interrupt %u, masked\n", this_cpu()->id, id);
                gic_disable_irq(id);
        }
        mmio_write32(GICC(GICC_EOIR), iar);
}
