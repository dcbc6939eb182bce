// SPDX-License-Identifier: MIT
// Physical frame allocator: two bits per 4 KiB frame (free, managed) between the lowest and
// highest usable address (1 = free). Frames outside usable ranges are never
// free. Portable logic: the caller supplies the bitmap storage. Host-tested.
#pragma once
#include <kernel/memmap.h>
#include <common/types.h>

#define FRAME_NONE ((paddr_t)-1)

struct frame_alloc {
        uint64_t *bitmap;  // nframes bits, 1 = free
        uint64_t *managed; // nframes bits, 1 = usable RAM this allocator owns
        paddr_t base;      // physical address of frame 0
        uint64_t nframes;  // frames covered by the bitmap
        uint64_t nfree;    // free frames now
        uint64_t ntotal;   // frames ever made free (usable RAM)
        uint64_t hint;     // word index to start searching from
};

// Bytes of bitmap needed to cover the usable ranges of a normalised map.
uint64_t frame_bitmap_bytes(const struct memmap *m);
// Sets up over the usable ranges of m with bitmap storage `bm` (at least
// frame_bitmap_bytes(m)). Frame 0 is never handed out.
void frame_init(struct frame_alloc *fa, const struct memmap *m, uint64_t *bm);
// Marks [base, base+size) as not free (e.g. where the bitmap itself lives).
void frame_reserve(struct frame_alloc *fa, paddr_t base, uint64_t size);
// One frame, or FRAME_NONE when none is left.
paddr_t frame_alloc(struct frame_alloc *fa);
// Returns a frame. -EINVAL if pa is not a frame of this allocator or is
// already free (double free); the allocator is unchanged then.
int frame_free(struct frame_alloc *fa, paddr_t pa);
// Whether pa is a frame that is currently allocated.
bool frame_is_allocated(const struct frame_alloc *fa, paddr_t pa);
