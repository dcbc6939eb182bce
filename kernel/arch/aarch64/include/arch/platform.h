// SPDX-License-Identifier: MIT
// QEMU "virt" machine: the physical addresses the kernel uses (C and asm).
//
//   0x0800_0000  GICv2 distributor (GICD)     0x0801_0000  GICv2 CPU interface (GICC)
//   0x0900_0000  PL011 UART                   0x4000_0000  RAM (-m bytes)
#pragma once
#include <arch/bits.h>

#define VIRT_GICD_PHYS UL(0x08000000)
#define VIRT_GICD_SIZE UL(0x00010000)
#define VIRT_GICC_PHYS UL(0x08010000)
#define VIRT_GICC_SIZE UL(0x00010000)
#define VIRT_UART_PHYS UL(0x09000000)
#define VIRT_UART_SIZE UL(0x00001000)
#define VIRT_RAM_PHYS  UL(0x40000000)

// Where QEMU puts a raw arm64 Image: RAM base + the header's text_offset
// (hw/arm/boot.c load_aarch64_image). kernel.ld links the image at
// DIRECT_MAP_BASE + KERNEL_PHYS and must agree with these two values.
#define KERNEL_TEXT_OFFSET UL(0x80000)
#define KERNEL_PHYS        (VIRT_RAM_PHYS + KERNEL_TEXT_OFFSET)

// The early boot tables map 1 GiB blocks: block 0 (devices) and RAM blocks
// 1 .. EARLY_RAM_BLOCKS (so up to EARLY_RAM_BLOCKS GiB of RAM from 0x4000_0000).
#define EARLY_RAM_BLOCKS 4
