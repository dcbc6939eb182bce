// SPDX-License-Identifier: MIT
// Device register access through the direct map. Single ldr/str instructions
// (no writeback addressing), as device memory and hypervisors expect.
#pragma once
#include <common/types.h>
#include <arch/memlayout.h>

static inline uint32_t mmio_read32(paddr_t pa)
{
        uint32_t v;
        __asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(phys_to_virt(pa)) : "memory");
        return v;
}

static inline void mmio_write32(paddr_t pa, uint32_t v)
{
        __asm__ volatile("str %w0, [%1]" : : "r"(v), "r"(phys_to_virt(pa)) : "memory");
}
