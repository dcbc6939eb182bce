// SPDX-License-Identifier: MIT
// The kernel's own address space and physical memory (kernel/core/kvm.c).
#pragma once
#include <kernel/frame.h>
#include <kernel/memmap.h>

extern struct frame_alloc kframes; // all free physical memory
extern paddr_t kernel_root;        // the kernel page-table root

// Sets up the frame allocator over the usable ranges of m, storing its bitmap
// in the first usable range large enough. Panics if none is.
void kmem_init(const struct memmap *m);

// Builds the kernel page table (direct map of RAM, kernel image with section
// permissions, device ranges) through the generic walker and switches to it.
void kvm_init(const struct memmap *m);
