// SPDX-License-Identifier: MIT
// Console: the 16550 UART COM1 at I/O port 0x3f8, polled. It works without
// initialisation under QEMU (and after UEFI's), so arch_console_putc is usable
// from the first instruction; x86_console_init sets 115200 8N1 anyway.
#include <arch/pc.h>
#include <arch/regs.h>
#include <kernel/arch.h>

#define COM1     0x3f8
#define UART_THR 0 // transmit holding (DLAB = 0)
#define UART_DLL 0 // divisor latch low (DLAB = 1)
#define UART_IER 1 // interrupt enable (DLAB = 0)
#define UART_DLM 1 // divisor latch high (DLAB = 1)
#define UART_FCR 2 // FIFO control
#define UART_LCR 3 // line control
#define UART_MCR 4 // modem control
#define UART_LSR 5 // line status

#define UART_LCR_8N1      0x03 // 8 data bits, no parity, 1 stop bit
#define UART_LCR_DLAB     0x80 // divisor latch access
#define UART_FCR_ENABLE   0x01
#define UART_FCR_CLEAR_RX 0x02
#define UART_FCR_CLEAR_TX 0x04
#define UART_MCR_DTR      0x01
#define UART_MCR_RTS      0x02
#define UART_LSR_THRE     0x20 // transmit holding register empty

#define UART_CLOCK_HZ 115200 // divisor-1 rate of the PC UART clock (1.8432 MHz / 16)
#define UART_BAUD     115200
// Polls of LSR before writing anyway (a missing UART must not hang the kernel).
#define UART_TX_SPINS 100000

// Programs 115200 8N1, FIFOs on, interrupts off.
void x86_console_init(void)
{
        unsigned div = UART_CLOCK_HZ / UART_BAUD;
        outb(COM1 + UART_IER, 0);
        outb(COM1 + UART_LCR, UART_LCR_DLAB);
        outb(COM1 + UART_DLL, (uint8_t)div);
        outb(COM1 + UART_DLM, (uint8_t)(div >> 8));
        outb(COM1 + UART_LCR, UART_LCR_8N1);
        outb(COM1 + UART_FCR, UART_FCR_ENABLE | UART_FCR_CLEAR_RX | UART_FCR_CLEAR_TX);
        outb(COM1 + UART_MCR, UART_MCR_DTR | UART_MCR_RTS);
}

void arch_console_putc(char c)
{
        for (unsigned i = 0; i < UART_TX_SPINS && !(inb(COM1 + UART_LSR) & UART_LSR_THRE); i++)
                ;
        outb(COM1 + UART_THR, (uint8_t)c);
}
