// SPDX-License-Identifier: MIT
// The few x86_64 instructions the UEFI loader needs, as static inline
// accessors: port I/O (COM1, QEMU's isa-debug-exit), CPUID and control
// registers. Loader-only: the kernel has its own in arch/regs.h.
#pragma once
#include <stdint.h>

// QEMU isa-debug-exit (-device isa-debug-exit,iobase=0xf4): writing v makes
// QEMU exit with status (v << 1) | 1. tools/lib.sh maps that back.
#define QEMU_EXIT_PORT 0xf4

// COM1, a 16550 UART. The firmware leaves it at 115200 8N1.
#define COM1_BASE     0x3f8
#define UART_THR      0         // transmit holding register (write)
#define UART_LSR      5         // line status register
#define UART_LSR_THRE (1u << 5) // transmit holding register empty

// CPUID: highest extended leaf; leaf 0x80000001 EDX bit 26 = 1 GiB pages.
#define CPUID_EXT_MAX        0x80000000u
#define CPUID_EXT_FEATURES   0x80000001u
#define CPUID_EXT_EDX_PAGE1G (1u << 26)

// Writes a byte to an I/O port.
static inline void outb(uint16_t port, uint8_t v)
{
        __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

// Writes a 32-bit value to an I/O port.
static inline void outl(uint16_t port, uint32_t v)
{
        __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

// Reads a byte from an I/O port.
static inline uint8_t inb(uint16_t port)
{
        uint8_t v;
        __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
        return v;
}

// Executes CPUID for `leaf` (subleaf 0); returns EAX..EDX in r[0..3].
static inline void cpuid(uint32_t leaf, uint32_t r[4])
{
        __asm__ volatile("cpuid"
                         : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
                         : "a"(leaf), "c"(0));
}

// Highest extended CPUID leaf supported.
static inline uint32_t cpuid_max_ext(void)
{
        uint32_t r[4];
        cpuid(CPUID_EXT_MAX, r);
        return r[0];
}

// CR4.LA57: 5-level paging is active (CR3 then points to a PML5).
#define X86_CR4_LA57 (1ull << 12)

// Reads CR4.
static inline uint64_t read_cr4(void)
{
        uint64_t v;
        __asm__ volatile("mov %%cr4, %0" : "=r"(v));
        return v;
}

// Disables maskable interrupts.
static inline void cli(void)
{
        __asm__ volatile("cli" ::: "memory");
}

// Halts until the next interrupt (forever with interrupts off).
static inline void hlt(void)
{
        __asm__ volatile("hlt" ::: "memory");
}
