// SPDX-License-Identifier: MIT
#include "harness.h"
#include <kernel/frame.h>
#include <mk/errno.h>

static struct mem_range st[16];
static struct memmap m;
static struct frame_alloc fa;
static uint64_t bm[1024];

// Two usable ranges around a reserved hole; frame 0 is usable but never given.
static void setup(void)
{
        m = (struct memmap){st, 0, 16};
        memmap_add(&m, 0x0, 0x10000, MEM_USABLE);
        memmap_add(&m, 0x10000, 0x4000, MEM_KERNEL);
        memmap_add(&m, 0x14000, 0x20000, MEM_BOOT_RECLAIM);
        memmap_normalize(&m);
        frame_init(&fa, &m, bm);
}

static void counts(void)
{
        setup();
        EXPECT(frame_bitmap_bytes(&m) <= sizeof(bm));
        EXPECT_EQ(fa.nfree, 15 + 32); // 16 usable minus frame 0, 32 reclaimable
        EXPECT_EQ(fa.ntotal, fa.nfree);
}

static void alloc_all_once(void)
{
        setup();
        static unsigned char seen[64];
        memset(seen, 0, sizeof(seen));
        uint64_t n = 0, total = fa.nfree;
        paddr_t p;
        while ((p = frame_alloc(&fa)) != FRAME_NONE) {
                EXPECT(p != 0 && (p & 0xfff) == 0);
                EXPECT(!(p >= 0x10000 && p < 0x14000)); // never the kernel
                EXPECT(!seen[p >> 12]);
                seen[p >> 12] = 1;
                EXPECT(frame_is_allocated(&fa, p));
                n++;
        }
        EXPECT_EQ(n, total);
        EXPECT_EQ(fa.nfree, 0);
        for (unsigned i = 0; i < 64; i++)
                if (seen[i])
                        EXPECT_EQ(frame_free(&fa, (paddr_t)i << 12), 0);
        EXPECT_EQ(fa.nfree, total);
        EXPECT(frame_alloc(&fa) != FRAME_NONE);
}

static void bad_frees(void)
{
        setup();
        paddr_t p = frame_alloc(&fa);
        EXPECT_EQ(frame_free(&fa, p + 8), -EINVAL);     // unaligned
        EXPECT_EQ(frame_free(&fa, 0x11000), -EINVAL);   // kernel, never managed
        EXPECT_EQ(frame_free(&fa, 0), -EINVAL);         // frame 0
        EXPECT_EQ(frame_free(&fa, 0x1000000), -EINVAL); // beyond the span
        EXPECT_EQ(frame_free(&fa, p), 0);
        EXPECT_EQ(frame_free(&fa, p), -EINVAL); // double free
        EXPECT(!frame_is_allocated(&fa, 0x11000));
}

static void reserve(void)
{
        setup();
        uint64_t before = fa.nfree;
        frame_reserve(&fa, 0x2000, 0x3000);
        EXPECT_EQ(fa.nfree, before - 3);
        paddr_t p;
        while ((p = frame_alloc(&fa)) != FRAME_NONE)
                EXPECT(p < 0x2000 || p >= 0x5000);
        EXPECT_EQ(frame_free(&fa, 0x3000), -EINVAL);
}

static void empty_map(void)
{
        m = (struct memmap){st, 0, 16};
        memmap_add(&m, 0x0, 0x10000, MEM_RESERVED);
        memmap_normalize(&m);
        EXPECT_EQ(frame_bitmap_bytes(&m), 0);
        frame_init(&fa, &m, bm);
        EXPECT_EQ(frame_alloc(&fa), FRAME_NONE);
}

int main(void)
{
        h_suite = "frame";
        RUN(counts);
        RUN(alloc_all_once);
        RUN(bad_frees);
        RUN(reserve);
        RUN(empty_map);
        return DONE();
}
