// SPDX-License-Identifier: MIT
// Bitmap frame allocator (see frame.h). Search starts at a hint word and wraps,
// so allocation is O(1) amortised while memory is plentiful.
#include <kernel/frame.h>
#include <common/string.h>
#include <mk/errno.h>

static bool is_free_type(uint32_t t)
{
        return t == MEM_USABLE || t == MEM_BOOT_RECLAIM;
}

// The span [lo, hi) of free memory types, page-aligned.
static void free_span(const struct memmap *m, paddr_t *lo, paddr_t *hi)
{
        *lo = (paddr_t)-1;
        *hi = 0;
        for (size_t i = 0; i < m->n; i++) {
                if (!is_free_type(m->r[i].type))
                        continue;
                *lo = MIN(*lo, ALIGN_UP(m->r[i].base, PAGE_SIZE));
                *hi = MAX(*hi, ALIGN_DOWN(m->r[i].base + m->r[i].size, PAGE_SIZE));
        }
        if (*lo >= *hi)
                *lo = *hi = 0;
}

uint64_t frame_bitmap_bytes(const struct memmap *m)
{
        paddr_t lo, hi;
        free_span(m, &lo, &hi);
        uint64_t frames = (hi - lo) >> PAGE_SHIFT;
        return 2 * (ALIGN_UP(frames, 64) / 8); // free bits, then managed bits
}

static void set_free(struct frame_alloc *fa, uint64_t i)
{
        fa->bitmap[i / 64] |= 1ull << (i % 64);
}

static void set_used(struct frame_alloc *fa, uint64_t i)
{
        fa->bitmap[i / 64] &= ~(1ull << (i % 64));
}

static bool test_free(const struct frame_alloc *fa, uint64_t i)
{
        return fa->bitmap[i / 64] & (1ull << (i % 64));
}

// Managed frames are those ever made free: only they may be freed.
static bool test_managed(const struct frame_alloc *fa, uint64_t i)
{
        return fa->managed[i / 64] & (1ull << (i % 64));
}

void frame_init(struct frame_alloc *fa, const struct memmap *m, uint64_t *bm)
{
        paddr_t lo, hi;
        free_span(m, &lo, &hi);
        fa->bitmap = bm;
        fa->base = lo;
        fa->nframes = (hi - lo) >> PAGE_SHIFT;
        fa->managed = bm + ALIGN_UP(fa->nframes, 64) / 64;
        fa->nfree = fa->ntotal = 0;
        fa->hint = 0;
        memset(bm, 0, frame_bitmap_bytes(m));
        for (size_t i = 0; i < m->n; i++) {
                if (!is_free_type(m->r[i].type))
                        continue;
                paddr_t b = ALIGN_UP(m->r[i].base, PAGE_SIZE);
                paddr_t e = ALIGN_DOWN(m->r[i].base + m->r[i].size, PAGE_SIZE);
                for (paddr_t p = b; p < e; p += PAGE_SIZE) {
                        if (p == 0)
                                continue; // frame 0 doubles as "no frame" in tables
                        uint64_t idx = (p - lo) >> PAGE_SHIFT;
                        if (!test_free(fa, idx)) {
                                set_free(fa, idx);
                                fa->managed[idx / 64] |= 1ull << (idx % 64);
                                fa->nfree++;
                        }
                }
        }
        fa->ntotal = fa->nfree;
}

void frame_reserve(struct frame_alloc *fa, paddr_t base, uint64_t size)
{
        paddr_t b = ALIGN_DOWN(base, PAGE_SIZE), e = ALIGN_UP(base + size, PAGE_SIZE);
        for (paddr_t p = b; p < e; p += PAGE_SIZE) {
                if (p < fa->base || p >= fa->base + (fa->nframes << PAGE_SHIFT))
                        continue;
                uint64_t idx = (p - fa->base) >> PAGE_SHIFT;
                if (test_free(fa, idx)) {
                        set_used(fa, idx);
                        fa->managed[idx / 64] &= ~(1ull << (idx % 64));
                        fa->nfree--;
                        fa->ntotal--;
                }
        }
}

paddr_t frame_alloc(struct frame_alloc *fa)
{
        uint64_t words = ALIGN_UP(fa->nframes, 64) / 64;
        if (fa->nfree == 0 || words == 0)
                return FRAME_NONE;
        for (uint64_t n = 0; n < words; n++) {
                uint64_t w = (fa->hint + n) % words;
                if (fa->bitmap[w] == 0)
                        continue;
                uint64_t bit = (uint64_t)__builtin_ctzll(fa->bitmap[w]);
                uint64_t idx = w * 64 + bit;
                set_used(fa, idx);
                fa->nfree--;
                fa->hint = w;
                return fa->base + (idx << PAGE_SHIFT);
        }
        return FRAME_NONE;
}

int frame_free(struct frame_alloc *fa, paddr_t pa)
{
        if (pa & PAGE_MASK || pa < fa->base || pa == 0)
                return -EINVAL;
        uint64_t idx = (pa - fa->base) >> PAGE_SHIFT;
        if (idx >= fa->nframes || !test_managed(fa, idx) || test_free(fa, idx))
                return -EINVAL;
        set_free(fa, idx);
        fa->nfree++;
        return 0;
}

bool frame_is_allocated(const struct frame_alloc *fa, paddr_t pa)
{
        if (pa & PAGE_MASK || pa < fa->base)
                return false;
        uint64_t idx = (pa - fa->base) >> PAGE_SHIFT;
        return idx < fa->nframes && test_managed(fa, idx) && !test_free(fa, idx);
}
