// SPDX-License-Identifier: MIT
// The x86_64 half of SMP (kernel/smp.h, docs/smp.md).
//
// Finding the CPUs: x86_smp_early (before kmain) reads the ACPI MADT
// (acpi.c) and, when it lists other CPUs, reserves X86_AP_TRAMP_PAGES pages
// below 1 MiB in the boot memory map (a MEM_LOADER range over the top of a
// usable one): the frame allocator never hands them out, the direct map
// covers them. With one CPU nothing is reserved.
//
// Starting one: arch_cpu_start fills the trampoline (smpboot.S) and its
// temporary page tables once, records the CPU under its APIC id, and sends
// INIT, then two start-up IPIs, with the SDM's delays (10 ms, 200 us).
// The CPU comes up in x86_ap_main on its own stack: its GDT, TSS (its own
// IST stacks) and GS_BASE, the shared IDT, the boot CPU's CR0/CR4 bits, the
// SYSCALL MSRs, its local APIC (spurious vector, every LVT masked, no
// timer), then smp_secondary_main.
//
// this_cpu: GS_BASE points at the CPU's struct x86_cpu in the kernel, whose
// `cpu` field is the generic struct; every entry from user mode already runs
// SWAPGS (vectors.S, syscall.S), so user mode cannot choose the kernel's GS
// base: it has no access to the MSRs, and what it writes to GS or (with
// FSGSBASE, never enabled) its base is swapped out on entry.
#include <arch/acpi.h>
#include <arch/cpu.h>
#include <arch/lapic.h>
#include <arch/memlayout.h>
#include <arch/pte.h>
#include <arch/regs.h>
#include <arch/smp.h>
#include <arch/trap.h>
#include <kernel/arch.h>
#include <kernel/kalloc.h>
#include <kernel/kprintf.h>
#include <kernel/kvm.h>
#include <kernel/smp.h>
#include <common/string.h>
#include <mk/errno.h>

_Static_assert(__builtin_offsetof(struct cpu, stack_top) == CPU_STACK_TOP, "CPU_STACK_TOP");

#define TRAMP_SIZE  (X86_AP_TRAMP_PAGES * PAGE_SIZE)
#define TRAMP_MIN   0x1000   // page 0 (the real-mode IVT) is never used
#define TRAMP_LIMIT 0x100000 // a start-up vector is a page number below 1 MiB
#define XAPIC_IDS   256
#define XAPIC_BCAST 0xff // the broadcast id: no CPU has it
// Room bi->mem[] needs for the reservation: its entry and the split of the
// usable range it sits in.
#define TRAMP_MEM_ENTRIES 3

// Architectural delays of the INIT-SIPI-SIPI sequence (SDM vol. 3, 8.4.4.1).
#define INIT_DELAY_US 10000
#define SIPI_DELAY_US 200
#define SIPI_COUNT    2

// The trampoline's parameter block (smpboot.S, x86_ap_tramp_params). The
// three offsets are relative to the page; tramp_setup adds its address.
struct ap_tramp_params {
        uint16_t gdtr_limit;
        uint32_t gdtr_base;
        uint32_t far32_off;
        uint16_t far32_sel;
        uint32_t far64_off;
        uint16_t far64_sel;
        uint32_t pml4;
        uint64_t entry;
} __attribute__((packed));

extern const char x86_ap_tramp[], x86_ap_tramp_params[], x86_ap_tramp_end[];
void x86_ap_entry(void);
NORETURN void x86_ap_main(struct cpu *c);

// Read by smpboot.S: each started CPU's struct by APIC id, and the virtual
// address of the local APIC page.
struct cpu *x86_ap_cpu_by_apic[XAPIC_IDS];
uint64_t x86_ap_lapic_va;

static uint32_t apic_ids[MAX_CPUS];
static unsigned napic, boot_index;
static paddr_t tramp_pa; // 0: none reserved
static bool tramp_ready;
static uint64_t ap_cr0, ap_cr4; // the boot CPU's CR0, and the CR4 bits it chose
static uint64_t ap_ist[MAX_CPUS][X86_IST_COUNT];

void arch_cpu_relax(void)
{
        __asm__ volatile("pause" : : : "memory");
}

// Whether a range of bi->mem[] other than usable RAM overlaps [b, b + n).
static bool tramp_overlaps(const struct boot_info *bi, uint64_t b, uint64_t n)
{
        for (uint32_t i = 0; i < bi->nmem; i++) {
                const struct mem_range *r = &bi->mem[i];
                if (r->type != MEM_USABLE && r->size && r->base < b + n &&
                    (r->base >= b || b - r->base < r->size))
                        return true;
        }
        return false;
}

// The top TRAMP_SIZE bytes of the highest usable range below 1 MiB, marked
// MEM_LOADER in bi->mem[]; 0 if there is none (or no room in the map).
static paddr_t tramp_reserve(struct boot_info *bi)
{
        paddr_t best = 0;
        if (bi->nmem + TRAMP_MEM_ENTRIES > BOOT_MAX_MEM)
                return 0;
        for (uint32_t i = 0; i < bi->nmem; i++) {
                const struct mem_range *r = &bi->mem[i];
                uint64_t end = r->base + r->size;
                if (r->type != MEM_USABLE || end < r->base || r->base >= TRAMP_LIMIT)
                        continue;
                end = ALIGN_DOWN(MIN(end, (uint64_t)TRAMP_LIMIT), PAGE_SIZE);
                if (end < TRAMP_MIN + TRAMP_SIZE || end - TRAMP_SIZE < r->base)
                        continue;
                paddr_t b = end - TRAMP_SIZE;
                if (b > best && !tramp_overlaps(bi, b, TRAMP_SIZE))
                        best = b;
        }
        if (best)
                bi->mem[bi->nmem++] = (struct mem_range){best, TRAMP_SIZE, MEM_LOADER, 0};
        return best;
}

void x86_smp_early(struct boot_info *bi)
{
        napic = x86_acpi_cpus(bi, x86_lapic_id(), apic_ids, MAX_CPUS, &boot_index);
        if (napic <= 1)
                return;
        tramp_pa = tramp_reserve(bi);
        if (tramp_pa)
                kprintf("x86_64: %u CPUs in the MADT, start-up page at 0x%llx\n", napic,
                        (unsigned long long)tramp_pa);
        else
                kprintf("x86_64: %u CPUs in the MADT, but no free memory below 1 MiB to start "
                        "them from\n",
                        napic);
}

unsigned arch_smp_enumerate(const struct boot_info *bi, const void *dtb, uint64_t *hwid,
                            unsigned max, unsigned *boot)
{
        (void)bi; // read by x86_smp_early, before the frame allocator
        (void)dtb;
        if (!max)
                return 0;
        unsigned n = MIN(napic, max);
        for (unsigned i = 0; i < n; i++)
                hwid[i] = apic_ids[i];
        *boot = boot_index;
        if (n == 0 || boot_index >= n) { // keep the boot CPU
                n = n ? n : 1;
                hwid[n - 1] = x86_lapic_id();
                *boot = n - 1;
        }
        return n;
}

// The trampoline page, its parameters and the temporary page tables: PML4 ->
// PDPT -> PD with one 2 MiB identity leaf at 0 (the trampoline runs there
// when paging comes on), and the kernel half of kernel_root (complete since
// kvm_init: user roots copy the same entries).
static void tramp_setup(void)
{
        size_t code = (size_t)(x86_ap_tramp_end - x86_ap_tramp);
        if (code > PAGE_SIZE)
                panic("x86_64: start-up trampoline of %zu bytes does not fit a page", code);
        uint8_t *t = phys_to_virt(tramp_pa);
        memset(t, 0, TRAMP_SIZE);
        memcpy(t, x86_ap_tramp, code);
        struct ap_tramp_params *p = (void *)(t + (x86_ap_tramp_params - x86_ap_tramp));
        p->gdtr_base += (uint32_t)tramp_pa;
        p->far32_off += (uint32_t)tramp_pa;
        p->far64_off += (uint32_t)tramp_pa;
        p->pml4 = (uint32_t)(tramp_pa + PAGE_SIZE);
        p->entry = (uint64_t)x86_ap_entry;

        pte_t *pml4 = (pte_t *)(t + PAGE_SIZE), *pdpt = pml4 + PT_ENTRIES, *pd = pdpt + PT_ENTRIES;
        pml4[0] = (tramp_pa + 2 * PAGE_SIZE) | X86_PTE_P | X86_PTE_RW;
        pdpt[0] = (tramp_pa + 3 * PAGE_SIZE) | X86_PTE_P | X86_PTE_RW;
        pd[0] = X86_PTE_P | X86_PTE_RW | X86_PTE_PS;
        const pte_t *k = phys_to_virt(kernel_root);
        for (unsigned i = PT_INDEX(DIRECT_MAP_BASE, PT_LEVELS - 1); i < PT_ENTRIES; i++)
                pml4[i] = k[i];

        ap_cr0 = read_cr0();
        ap_cr4 = read_cr4() & (X86_CR4_PAE | X86_CR4_PGE | X86_CR4_SMEP | X86_CR4_SMAP);
        x86_ap_lapic_va = (uint64_t)phys_to_virt(x86_lapic_phys());
        tramp_ready = true;
}

static void delay_us(uint64_t us)
{
        uint64_t t0 = arch_counter(), n = arch_counter_hz() * us / 1000000;
        while (arch_counter() - t0 < n)
                arch_cpu_relax();
}

int arch_cpu_start(struct cpu *c)
{
        if (!tramp_pa)
                return -ENODEV;
        if (c->id == 0 || c->id >= MAX_CPUS || c->hwid >= XAPIC_BCAST || !c->stack_top)
                return -EINVAL;
        for (unsigned i = 0; i < X86_IST_COUNT; i++) {
                if (!ap_ist[c->id][i]) {
                        void *s = kstack_alloc();
                        if (!s)
                                return -ENOMEM;
                        ap_ist[c->id][i] = (uint64_t)s;
                }
        }
        if (!tramp_ready)
                tramp_setup();
        x86_ap_cpu_by_apic[c->hwid] = c;
        // Everything above is in memory before the IPI (the ICR write is a
        // store the CPU keeps in order; this keeps the compiler from moving
        // the stores after it).
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        int r = x86_lapic_send_ipi((uint32_t)c->hwid, X86_ICR_INIT | X86_ICR_LEVEL_ASSERT);
        if (r)
                return r;
        delay_us(INIT_DELAY_US);
        for (unsigned i = 0; i < SIPI_COUNT; i++) {
                r = x86_lapic_send_ipi((uint32_t)c->hwid, X86_ICR_STARTUP | X86_ICR_LEVEL_ASSERT |
                                                              (uint32_t)(tramp_pa >> PAGE_SHIFT));
                if (r)
                        return r;
                delay_us(SIPI_DELAY_US);
        }
        return 0;
}

// The boot CPU's CR0 (caches on: INIT leaves CD and NW set) and CR4 bits,
// if this CPU has the features behind them.
static const char *ap_control_regs(void)
{
        uint32_t r[4];
        cpuid(X86_CPUID_FEATURES, 0, r);
        if ((ap_cr4 & X86_CR4_PGE) && !(r[3] & X86_CPUID1_EDX_PGE))
                return "no global pages, unlike the boot CPU";
        if (ap_cr4 & (X86_CR4_SMEP | X86_CR4_SMAP)) {
                cpuid(X86_CPUID_EXT_FEATURES, 0, r);
                if (((ap_cr4 & X86_CR4_SMEP) && !(r[1] & X86_CPUID7_EBX_SMEP)) ||
                    ((ap_cr4 & X86_CR4_SMAP) && !(r[1] & X86_CPUID7_EBX_SMAP)))
                        return "no SMEP or SMAP, unlike the boot CPU";
        }
        write_cr0(ap_cr0);
        write_cr4(ap_cr4);
        return NULL;
}

// x86_ap_entry's C half, on c's stack with kernel_root loaded.
NORETURN void x86_ap_main(struct cpu *c)
{
        x86_cpu_setup(c->id, ap_ist[c->id], (uint64_t)c->stack_top);
        x86_idt_load();
        arch_cpu_init(c);
        const char *why = ap_control_regs();
        if (!why) {
                x86_syscall_init();
                why = x86_lapic_init_secondary();
        }
        if (why) {
                kprintf("smp: cpu %u (hwid 0x%llx): %s; halted\n", c->id,
                        (unsigned long long)c->hwid, why);
                for (;;) {
                        cli();
                        hlt();
                }
        }
        smp_secondary_main(c);
}

void arch_cpu_init(struct cpu *c)
{
        struct x86_cpu *xc = &x86_cpus[c->id];
        xc->cpu = c;
        wrmsr(X86_MSR_GS_BASE, (uint64_t)xc); // already so (x86_cpu_setup)
}

struct cpu *arch_this_cpu(void)
{
        return X86_THIS_CPU->cpu;
}

// IPIs: a fixed IPI with vector X86_VEC_IPI to the target's APIC id; the
// local APIC of each CPU is enabled at its start (x86_cpu_setup), and every
// IDT vector has a stub (x86_interrupt takes this one to smp_ipi_handler).
void arch_ipi_init(struct cpu *c) {}

void arch_send_ipi(struct cpu *c)
{
        if (x86_lapic_send_ipi((uint32_t)c->hwid, X86_VEC_IPI))
                kprintf("smp: the IPI to cpu %u (APIC id %llu) was not delivered\n", c->id,
                        (unsigned long long)c->hwid);
}
