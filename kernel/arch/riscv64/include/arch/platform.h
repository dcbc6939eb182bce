// SPDX-License-Identifier: MIT
// QEMU "virt" machine devices the kernel uses (physical addresses), reached
// through the direct map (phys_to_virt). Also included from assembly.
#pragma once

// ns16550a UART: polled console.
#define UART0_PHYS      0x10000000
#define UART0_SIZE      0x1000
#define UART_THR        0    // transmit holding register (write)
#define UART_IER        1    // interrupt enable register
#define UART_FCR        2    // FIFO control register (write)
#define UART_LCR        3    // line control register
#define UART_LSR        5    // line status register
#define UART_LSR_THRE   0x20 // THR empty: a byte may be written
#define UART_FCR_ENABLE 0x01 // enable the FIFOs
#define UART_LCR_8N1    0x03 // 8 data bits, no parity, 1 stop bit

// sifive_test: a 32-bit write ends the emulation.
#define SIFIVE_TEST_PHYS       0x100000
#define SIFIVE_TEST_SIZE       0x1000
#define SIFIVE_TEST_PASS       0x5555 // QEMU exits 0
#define SIFIVE_TEST_FAIL       0x3333 // QEMU exits (value >> 16)
#define SIFIVE_TEST_CODE_SHIFT 16

// PLIC (not driven yet; mapped so the direct map covers it): 4 MiB covers the
// priority, pending and enable blocks and 512 contexts.
#define PLIC_PHYS 0x0c000000
#define PLIC_SIZE 0x400000
