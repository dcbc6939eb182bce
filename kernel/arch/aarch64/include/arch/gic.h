// SPDX-License-Identifier: MIT
// GICv2 interrupt controller (Arm IHI 0048B): distributor (GICD) and CPU
// interface (GICC) registers, and the small driver in gic.c.
#pragma once
#include <arch/bits.h>

#define GICD_CTLR               0x000
#define GICD_CTLR_ENABLE_GRP0   BIT(0)
#define GICD_CTLR_ENABLE_GRP1   BIT(1)
#define GICD_TYPER              0x004
#define GICD_TYPER_ITLINES_MASK 0x1f  // (lines / 32) - 1
#define GICD_ISENABLER          0x100 // one bit per interrupt, write 1 to enable
#define GICD_ICENABLER          0x180 // write 1 to disable
#define GICD_ICPENDR            0x280 // write 1 to clear pending
#define GICD_IPRIORITYR         0x400 // one byte per interrupt, lower = more urgent
#define GICD_ITARGETSR          0x800 // one byte per interrupt: CPU interfaces it goes to
#define GICD_SGIR               0xf00 // software-generated interrupt (write-only)
// GICD_SGIR: TargetListFilter [25:24] (0: the list), CPUTargetList [23:16],
// NSATT [15] (0: group 0), SGIINTID [3:0].
#define GICD_SGIR_TARGETS_SHIFT 16
#define GICD_SGIR_INTID_MASK    0xf
// GICD_ITARGETSR0..7 (SGIs and PPIs) are banked: each byte reads as the
// reading CPU's own interface bit (its CPU interface number, not its index).
#define GICD_ITARGETS_CPU_MASK 0xff

#define GICC_CTLR             0x00
#define GICC_CTLR_ENABLE_GRP0 BIT(0)
#define GICC_CTLR_ENABLE_GRP1 BIT(1)
#define GICC_PMR              0x04 // priority mask: interrupts below it are signalled
#define GICC_BPR              0x08
#define GICC_IAR              0x0c  // acknowledge: returns the interrupt ID
#define GICC_EOIR             0x10  // end of interrupt
#define GICC_IAR_ID_MASK      0x3ff // (an SGI's source CPU is in [12:10]: EOIR wants it)

#define GIC_SPURIOUS     1023
#define GIC_NR_PRIVATE   32 // INTIDs 0-15 SGIs, 16-31 PPIs (banked per CPU); then SPIs
#define GIC_SGI_IPI      0  // the kernel's IPI (smp_ipi_handler)
#define GIC_PRIO_DEFAULT 0xa0
#define GIC_PRIO_MASK    0xff // one priority byte
#define GIC_PMR_ALL      0xf0 // allow every priority numerically below 0xf0

// Private peripheral interrupts of the Arm generic timer (INTID = 16 + PPI).
#define GIC_PPI_CNTV 27 // EL1 virtual timer
#define GIC_PPI_CNTP 30 // EL1 physical timer

#ifndef __ASSEMBLER__
#include <common/types.h>

// Enables the distributor and this CPU's interface; all interrupts masked,
// every SPI routed to this (the boot) CPU alone.
void gic_init(void);
// On a secondary CPU: its banked SGIs and PPIs masked and cleared, its CPU
// interface enabled (the distributor is the boot CPU's gic_init).
void gic_init_secondary(void);
// This CPU's interface bit (GICD_SGIR's target list, GICD_ITARGETSR's bytes).
uint32_t gic_cpu_mask(void);
// Raises SGI intid on the CPU interfaces of mask, after earlier stores.
void gic_send_sgi(uint32_t mask, unsigned intid);
void gic_enable_irq(unsigned intid);
void gic_disable_irq(unsigned intid);
// Takes and dispatches one pending interrupt (IRQ exception handler).
void gic_handle_irq(void);
#endif
