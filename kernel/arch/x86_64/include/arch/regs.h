// SPDX-License-Identifier: MIT
// x86_64 control registers, MSRs, port I/O and the few privileged
// instructions the kernel uses, as static inline accessors, with named
// constants for every architectural bit (Intel SDM vol. 3, ch. 2 and 4).
#pragma once
#include <common/types.h>

// CR0 (SDM 2.5).
#define X86_CR0_PE (1ull << 0)  // protected mode
#define X86_CR0_MP (1ull << 1)  // monitor coprocessor
#define X86_CR0_EM (1ull << 2)  // x87 emulation
#define X86_CR0_TS (1ull << 3)  // task switched (lazy FPU)
#define X86_CR0_NE (1ull << 5)  // native x87 error reporting
#define X86_CR0_WP (1ull << 16) // supervisor writes honour read-only pages
#define X86_CR0_AM (1ull << 18) // alignment mask
#define X86_CR0_PG (1ull << 31) // paging

// CR3: the low 12 bits hold PWT/PCD (or a PCID); the rest is the root table.
#define X86_CR3_ADDR_MASK 0x000ffffffffff000ull

// CR4 (SDM 2.5).
#define X86_CR4_TSD        (1ull << 2)  // RDTSC restricted to ring 0
#define X86_CR4_PSE        (1ull << 4)  // page size extensions
#define X86_CR4_PAE        (1ull << 5)  // physical address extension
#define X86_CR4_PGE        (1ull << 7)  // global pages
#define X86_CR4_OSFXSR     (1ull << 9)  // FXSAVE/FXRSTOR, SSE
#define X86_CR4_OSXMMEXCPT (1ull << 10) // unmasked SSE exceptions
#define X86_CR4_FSGSBASE   (1ull << 16) // RD/WR{FS,GS}BASE
#define X86_CR4_SMEP       (1ull << 20) // supervisor-mode execution prevention
#define X86_CR4_SMAP       (1ull << 21) // supervisor-mode access prevention

// RFLAGS (SDM 2.3).
#define X86_RFLAGS_CF       (1ull << 0)
#define X86_RFLAGS_RESERVED (1ull << 1)  // always 1
#define X86_RFLAGS_TF       (1ull << 8)  // single step
#define X86_RFLAGS_IF       (1ull << 9)  // interrupts enabled
#define X86_RFLAGS_DF       (1ull << 10) // string direction
#define X86_RFLAGS_IOPL     (3ull << 12) // I/O privilege level
#define X86_RFLAGS_NT       (1ull << 14) // nested task
#define X86_RFLAGS_AC       (1ull << 18) // alignment check / SMAP override

// MSRs (SDM vol. 4).
#define X86_MSR_APIC_BASE      0x0000001bu // IA32_APIC_BASE
#define X86_MSR_EFER           0xc0000080u // extended features
#define X86_MSR_STAR           0xc0000081u // SYSCALL/SYSRET selectors
#define X86_MSR_LSTAR          0xc0000082u // SYSCALL entry (64-bit)
#define X86_MSR_FMASK          0xc0000084u // RFLAGS bits cleared by SYSCALL
#define X86_MSR_FS_BASE        0xc0000100u
#define X86_MSR_GS_BASE        0xc0000101u
#define X86_MSR_KERNEL_GS_BASE 0xc0000102u // swapped with GS_BASE by SWAPGS

// IA32_STAR: selector bases for SYSCALL (47:32) and SYSRET (63:48).
#define X86_STAR_SYSCALL_SHIFT 32
#define X86_STAR_SYSRET_SHIFT  48

// IA32_EFER.
#define X86_EFER_SCE (1ull << 0)  // SYSCALL/SYSRET enable
#define X86_EFER_LME (1ull << 8)  // long mode enable
#define X86_EFER_LMA (1ull << 10) // long mode active
#define X86_EFER_NXE (1ull << 11) // no-execute bit in page tables

// IA32_APIC_BASE.
#define X86_APIC_BASE_BSP    (1ull << 8)  // this is the bootstrap processor
#define X86_APIC_BASE_EXTD   (1ull << 10) // x2APIC mode
#define X86_APIC_BASE_ENABLE (1ull << 11) // xAPIC global enable
#define X86_APIC_BASE_ADDR   0x000ffffffffff000ull

// CPUID leaves and feature bits used by the kernel.
#define X86_CPUID_VENDOR       0x00000000u // max basic leaf, vendor string
#define X86_CPUID_FEATURES     0x00000001u
#define X86_CPUID_EXT_FEATURES 0x00000007u // subleaf 0
#define X86_CPUID_TSC_CRYSTAL  0x00000015u // TSC / crystal clock ratio
#define X86_CPUID_EXT_MAX      0x80000000u
#define X86_CPUID_EXT_INFO     0x80000001u
#define X86_CPUID1_EDX_TSC     (1u << 4)
#define X86_CPUID1_EDX_MSR     (1u << 5)
#define X86_CPUID1_EDX_APIC    (1u << 9)
#define X86_CPUID1_EDX_PGE     (1u << 13)
#define X86_CPUID7_EBX_SMEP    (1u << 7)
#define X86_CPUID7_EBX_SMAP    (1u << 20)
#define X86_CPUIDX1_EDX_NX     (1u << 20)
#define X86_CPUIDX1_EDX_1GB    (1u << 26) // 1 GiB pages
#define X86_CPUIDX1_EDX_LM     (1u << 29)

static inline uint64_t read_cr0(void)
{
        uint64_t v;
        __asm__ volatile("mov %%cr0, %0" : "=r"(v));
        return v;
}

static inline void write_cr0(uint64_t v)
{
        __asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory");
}

// CR2 holds the linear address of the last page fault.
static inline uint64_t read_cr2(void)
{
        uint64_t v;
        __asm__ volatile("mov %%cr2, %0" : "=r"(v));
        return v;
}

static inline uint64_t read_cr3(void)
{
        uint64_t v;
        __asm__ volatile("mov %%cr3, %0" : "=r"(v));
        return v;
}

// Loading CR3 switches the root table and flushes non-global TLB entries.
static inline void write_cr3(uint64_t v)
{
        __asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline uint64_t read_cr4(void)
{
        uint64_t v;
        __asm__ volatile("mov %%cr4, %0" : "=r"(v));
        return v;
}

static inline void write_cr4(uint64_t v)
{
        __asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

static inline uint64_t read_rflags(void)
{
        uint64_t v;
        __asm__ volatile("pushfq; popq %0" : "=r"(v));
        return v;
}

static inline uint64_t rdmsr(uint32_t msr)
{
        uint32_t lo, hi;
        __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
        return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
        __asm__ volatile("wrmsr"
                         :
                         : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
                         : "memory");
}

// CPUID leaf/subleaf into r[0..3] = eax, ebx, ecx, edx.
static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
        __asm__ volatile("cpuid"
                         : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
                         : "a"(leaf), "c"(sub));
}

// Time-stamp counter (deterministic under QEMU -icount).
static inline uint64_t rdtsc(void)
{
        uint32_t lo, hi;
        __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
        return ((uint64_t)hi << 32) | lo;
}

static inline uint8_t inb(uint16_t port)
{
        uint8_t v;
        __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
        return v;
}

static inline void outb(uint16_t port, uint8_t v)
{
        __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
        __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline void invlpg(uint64_t va)
{
        __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

static inline void cli(void)
{
        __asm__ volatile("cli" : : : "memory");
}

static inline void sti(void)
{
        __asm__ volatile("sti" : : : "memory");
}

// Enables interrupts and halts until one arrives; STI's one-instruction
// interrupt shadow makes the pair atomic (no wake-up is lost between them).
static inline void sti_hlt(void)
{
        __asm__ volatile("sti; hlt" : : : "memory");
}

static inline void hlt(void)
{
        __asm__ volatile("hlt" : : : "memory");
}

// Operand of LGDT/LIDT.
struct x86_dtr {
        uint16_t limit;
        uint64_t base;
} __attribute__((packed));

static inline void lgdt(const struct x86_dtr *d)
{
        __asm__ volatile("lgdt %0" : : "m"(*d) : "memory");
}

static inline void lidt(const struct x86_dtr *d)
{
        __asm__ volatile("lidt %0" : : "m"(*d) : "memory");
}

static inline void ltr(uint16_t sel)
{
        __asm__ volatile("ltr %0" : : "r"(sel) : "memory");
}

// SMAP: STAC lets the kernel touch user pages, CLAC forbids it again. Both
// raise #UD on CPUs without SMAP (CPUID.7.0:EBX.SMAP).
static inline void stac(void)
{
        __asm__ volatile("stac" : : : "memory");
}

static inline void clac(void)
{
        __asm__ volatile("clac" : : : "memory");
}

static inline uint64_t read_rsp(void)
{
        uint64_t v;
        __asm__ volatile("mov %%rsp, %0" : "=r"(v));
        return v;
}
