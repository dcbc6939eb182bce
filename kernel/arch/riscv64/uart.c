// SPDX-License-Identifier: MIT
// Polled ns16550a console at UART0_PHYS, through the direct map.
#include <kernel/arch.h>
#include <arch/boot.h>
#include <arch/memlayout.h>
#include <arch/platform.h>

// Address of UART register `reg` (byte registers, stride 1).
static volatile uint8_t *uart_reg(unsigned reg)
{
        return (volatile uint8_t *)phys_to_virt(UART0_PHYS) + reg;
}

// OpenSBI left the UART configured; only its interrupts are turned off.
void uart_init(void)
{
        *uart_reg(UART_IER) = 0; // polled: no UART interrupts
}

// Waits for room in the transmitter and sends one byte (no \n translation:
// kprintf adds the \r).
void arch_console_putc(char c)
{
        while (!(*uart_reg(UART_LSR) & UART_LSR_THRE))
                ;
        *uart_reg(UART_THR) = (uint8_t)c;
}
