// SPDX-License-Identifier: MIT
// Physical memory maps: collect ranges from firmware (UEFI map, DTB), then
// normalise them into sorted, non-overlapping, merged ranges in which reserved
// types win over usable ones. Portable; host-tested.
#pragma once
#include <kernel/bootinfo.h>
#include <common/types.h>

struct memmap {
        struct mem_range *r; // storage, cap entries
        size_t n;
        size_t cap;
};

// Adds a range. -EINVAL for an unknown type or a range that wraps around,
// -ENOSPC if the map is full. Zero-sized ranges are ignored.
int memmap_add(struct memmap *m, uint64_t base, uint64_t size, uint32_t type);

// Sorts, resolves overlaps (the higher type wins), merges touching ranges of
// the same type and trims usable ranges to whole pages. -ENOSPC if resolving
// overlaps needs more entries than cap.
int memmap_normalize(struct memmap *m);

// Total bytes of ranges of the given type.
uint64_t memmap_total(const struct memmap *m, uint32_t type);

// Whether a type is RAM the kernel may touch (direct-mapped): not firmware
// reserved ranges (which may be device windows), MMIO or bad memory.
static inline int mem_type_is_ram(uint32_t t)
{
        return t >= MEM_USABLE && t < MEM_MMIO && t != MEM_RESERVED;
}

const char *mem_type_name(uint32_t type);
