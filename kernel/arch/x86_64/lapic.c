// SPDX-License-Identifier: MIT
// Local APIC in xAPIC mode (SDM vol. 3, ch. 11): 32-bit registers in one MMIO
// page at the address in IA32_APIC_BASE (normally 0xfee00000), accessed
// through the direct map (the loader's before kvm.c, then arch_mmio_ranges()).
#include <arch/lapic.h>
#include <arch/memlayout.h>
#include <arch/regs.h>
#include <arch/trap.h>
#include <kernel/arch.h>
#include <kernel/kprintf.h>
#include <mk/errno.h>

#define LAPIC_ID         0x020 // bits 31:24: this CPU's APIC id
#define LAPIC_TPR        0x080 // task priority
#define LAPIC_EOI        0x0b0
#define LAPIC_SVR        0x0f0 // spurious interrupt vector
#define LAPIC_LVT_TIMER  0x320
#define LAPIC_LVT_LINT0  0x350
#define LAPIC_ESR        0x280 // error status
#define LAPIC_ICR_LOW    0x300 // interrupt command: writing it sends the IPI
#define LAPIC_ICR_HIGH   0x310 // bits 31:24: destination APIC id
#define LAPIC_LVT_ERROR  0x370
#define LAPIC_TIMER_INIT 0x380 // initial count
#define LAPIC_TIMER_CUR  0x390 // current count
#define LAPIC_TIMER_DIV  0x3e0 // divide configuration

#define LAPIC_SVR_ENABLE         (1u << 8) // APIC software enable
#define LAPIC_LVT_MASKED         (1u << 16)
#define LAPIC_LVT_TIMER_PERIODIC (1u << 17)
#define LAPIC_TIMER_DIV_16       0x3u // bus clock / 16
#define LAPIC_EOI_ACK            0u
#define LAPIC_ID_SHIFT           24
#define LAPIC_ICR_PENDING        (1u << 12) // delivery status: send pending
#define LAPIC_ICR_DEST_SHIFT     24
// An IPI still pending after 1/LAPIC_ICR_TIMEOUT_DIV s is reported as failed.
#define LAPIC_ICR_TIMEOUT_DIV 10

static paddr_t lapic_base;

static inline uint32_t lapic_read(unsigned reg)
{
        return *(volatile uint32_t *)((char *)phys_to_virt(lapic_base) + reg);
}

static inline void lapic_write(unsigned reg, uint32_t v)
{
        *(volatile uint32_t *)((char *)phys_to_virt(lapic_base) + reg) = v;
}

// Every local interrupt masked, the spurious vector set, the APIC enabled.
static void lapic_enable(void)
{
        lapic_write(LAPIC_TPR, 0);
        lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED | X86_VEC_TIMER);
        lapic_write(LAPIC_LVT_LINT0, LAPIC_LVT_MASKED);
        lapic_write(LAPIC_LVT_ERROR, LAPIC_LVT_MASKED);
        lapic_write(LAPIC_SVR, LAPIC_SVR_ENABLE | X86_VEC_SPURIOUS);
}

void x86_lapic_init(void)
{
        uint32_t r[4];
        cpuid(X86_CPUID_FEATURES, 0, r);
        if (!(r[3] & X86_CPUID1_EDX_APIC))
                panic("x86_64: CPU has no local APIC (CPUID.1:EDX.APIC = 0)");
        uint64_t msr = rdmsr(X86_MSR_APIC_BASE);
        if (msr & X86_APIC_BASE_EXTD)
                panic("x86_64: local APIC is in x2APIC mode (IA32_APIC_BASE 0x%llx); only "
                      "xAPIC is supported",
                      (unsigned long long)msr);
        if (!(msr & X86_APIC_BASE_ENABLE))
                wrmsr(X86_MSR_APIC_BASE, msr | X86_APIC_BASE_ENABLE);
        lapic_base = msr & X86_APIC_BASE_ADDR;
        lapic_enable();
}

const char *x86_lapic_init_secondary(void)
{
        uint64_t msr = rdmsr(X86_MSR_APIC_BASE);
        if (msr & X86_APIC_BASE_EXTD)
                return "its local APIC is in x2APIC mode";
        if ((msr & X86_APIC_BASE_ADDR) != lapic_base)
                return "its local APIC is not at the boot CPU's address";
        if (!(msr & X86_APIC_BASE_ENABLE))
                wrmsr(X86_MSR_APIC_BASE, msr | X86_APIC_BASE_ENABLE);
        lapic_enable();
        return NULL;
}

uint32_t x86_lapic_id(void)
{
        return lapic_read(LAPIC_ID) >> LAPIC_ID_SHIFT;
}

// Waits (bounded) until the ICR has delivered the last IPI.
static int icr_wait_idle(void)
{
        uint64_t hz = arch_counter_hz(), t0 = arch_counter();
        while (lapic_read(LAPIC_ICR_LOW) & LAPIC_ICR_PENDING)
                if (arch_counter() - t0 > hz / LAPIC_ICR_TIMEOUT_DIV)
                        return -ETIMEDOUT;
        return 0;
}

int x86_lapic_send_ipi(uint32_t apic_id, uint32_t icr)
{
        if (icr_wait_idle())
                return -ETIMEDOUT;
        lapic_write(LAPIC_ESR, 0);
        lapic_write(LAPIC_ICR_HIGH, apic_id << LAPIC_ICR_DEST_SHIFT);
        lapic_write(LAPIC_ICR_LOW, icr);
        return icr_wait_idle();
}

paddr_t x86_lapic_phys(void)
{
        return lapic_base;
}

void x86_lapic_eoi(void)
{
        lapic_write(LAPIC_EOI, LAPIC_EOI_ACK);
}

void x86_lapic_timer_oneshot_masked(uint32_t count)
{
        lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED | X86_VEC_TIMER);
        lapic_write(LAPIC_TIMER_DIV, LAPIC_TIMER_DIV_16);
        lapic_write(LAPIC_TIMER_INIT, count);
}

void x86_lapic_timer_periodic(unsigned vector, uint32_t count)
{
        lapic_write(LAPIC_TIMER_DIV, LAPIC_TIMER_DIV_16);
        lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_TIMER_PERIODIC | vector);
        lapic_write(LAPIC_TIMER_INIT, count);
}

void x86_lapic_timer_stop(void)
{
        lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED | X86_VEC_TIMER);
        lapic_write(LAPIC_TIMER_INIT, 0);
}

uint32_t x86_lapic_timer_current(void)
{
        return lapic_read(LAPIC_TIMER_CUR);
}
