// SPDX-License-Identifier: MIT
// PL011 UART registers (Arm PrimeCell UART TRM, DDI 0183), C and asm.
#pragma once
#include <arch/bits.h>

#define PL011_DR          0x00 // data register
#define PL011_FR          0x18 // flag register
#define PL011_FR_TXFF_BIT 5
#define PL011_FR_TXFF     BIT(PL011_FR_TXFF_BIT) // transmit FIFO full
#define PL011_CR          0x30                   // control register
#define PL011_CR_UARTEN   BIT(0)
#define PL011_CR_TXE      BIT(8)
#define PL011_CR_RXE      BIT(9)
