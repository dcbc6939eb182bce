// SPDX-License-Identifier: MIT
// Kernel memory for kernel objects (kernel/core/kalloc.c): small objects from
// per-size free lists carved out of frames, and kernel stacks with a guard
// page below each, mapped in the scratch area. Kernel memory comes from the
// kernel's reserve of frames (kframes), never from the pager's frames.
#pragma once
#include <common/types.h>

// Zeroed object of at most PAGE_SIZE bytes, or NULL when memory is exhausted.
void *kalloc(size_t size);
void kfree(void *p, size_t size);

// A kernel stack of KSTACK_SIZE bytes with an unmapped guard page below it.
// Returns its top (highest address), or NULL.
// At most KSTACK_SLOTS stacks (threads) exist at once.
#define KSTACK_SLOTS 1024
void *kstack_alloc(void);
void kstack_free(void *top);
