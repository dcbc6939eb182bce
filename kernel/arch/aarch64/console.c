// SPDX-License-Identifier: MIT
// Serial console: the QEMU virt PL011, polled, through the direct map.
#include <arch/boot.h>
#include <arch/mmio.h>
#include <arch/pl011.h>
#include <arch/platform.h>
#include <kernel/arch.h>

void console_init(void)
{
        uint32_t cr = mmio_read32(VIRT_UART_PHYS + PL011_CR);
        uint32_t need = PL011_CR_UARTEN | PL011_CR_TXE;
        if ((cr & need) != need)
                mmio_write32(VIRT_UART_PHYS + PL011_CR, cr | need | PL011_CR_RXE);
}

// Waits for room in the transmit FIFO, then writes the byte.
void arch_console_putc(char c)
{
        while (mmio_read32(VIRT_UART_PHYS + PL011_FR) & PL011_FR_TXFF)
                ;
        mmio_write32(VIRT_UART_PHYS + PL011_DR, (uint8_t)c);
}
