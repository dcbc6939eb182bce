// SPDX-License-Identifier: MIT
#include "harness.h"
#include <kernel/memmap.h>
#include <mk/errno.h>

static struct mem_range st[BOOT_MAX_MEM];
static struct memmap m;

static void reset(void)
{
        m = (struct memmap){st, 0, BOOT_MAX_MEM};
}

static void merge_adjacent(void)
{
        reset();
        EXPECT_EQ(memmap_add(&m, 0x2000, 0x1000, MEM_USABLE), 0);
        EXPECT_EQ(memmap_add(&m, 0x0000, 0x2000, MEM_USABLE), 0);
        EXPECT_EQ(memmap_add(&m, 0x3000, 0x1000, MEM_USABLE), 0);
        EXPECT_EQ(memmap_normalize(&m), 0);
        EXPECT_EQ(m.n, 1);
        EXPECT_EQ(m.r[0].base, 0);
        EXPECT_EQ(m.r[0].size, 0x4000);
}

static void reserved_wins(void)
{
        reset();
        memmap_add(&m, 0x0, 0x10000, MEM_USABLE);
        memmap_add(&m, 0x4000, 0x2000, MEM_KERNEL);
        memmap_add(&m, 0x5000, 0x4000, MEM_RESERVED);
        EXPECT_EQ(memmap_normalize(&m), 0);
        EXPECT_EQ(m.n, 4);
        EXPECT(m.r[0].base == 0 && m.r[0].size == 0x4000 && m.r[0].type == MEM_USABLE);
        EXPECT(m.r[1].base == 0x4000 && m.r[1].size == 0x2000 && m.r[1].type == MEM_KERNEL);
        EXPECT(m.r[2].base == 0x6000 && m.r[2].size == 0x3000 && m.r[2].type == MEM_RESERVED);
        EXPECT(m.r[3].base == 0x9000 && m.r[3].size == 0x7000 && m.r[3].type == MEM_USABLE);
}

static void trims_usable_to_pages(void)
{
        reset();
        memmap_add(&m, 0x1234, 0x3000, MEM_USABLE);  // -> [0x2000, 0x4000)
        memmap_add(&m, 0x10000, 0x800, MEM_USABLE);  // less than a page: gone
        memmap_add(&m, 0x20010, 0x10, MEM_RESERVED); // reserved keeps its bytes
        EXPECT_EQ(memmap_normalize(&m), 0);
        EXPECT_EQ(m.n, 2);
        EXPECT(m.r[0].base == 0x2000 && m.r[0].size == 0x2000);
        EXPECT(m.r[1].base == 0x20010 && m.r[1].size == 0x10);
}

static void bad_input(void)
{
        reset();
        EXPECT_EQ(memmap_add(&m, 0xfffffffffffff000ull, 0x2000, MEM_USABLE), -EINVAL);
        EXPECT_EQ(memmap_add(&m, 0x1000, 0x1000, 0), -EINVAL);
        EXPECT_EQ(memmap_add(&m, 0x1000, 0x1000, MEM_TYPE_MAX + 1), -EINVAL);
        EXPECT_EQ(memmap_add(&m, 0x1000, 0, MEM_USABLE), 0);
        EXPECT_EQ(m.n, 0);
        struct mem_range two[2];
        struct memmap small = {two, 0, 2};
        EXPECT_EQ(memmap_add(&small, 0, 0x1000, MEM_USABLE), 0);
        EXPECT_EQ(memmap_add(&small, 0x100000, 0x1000, MEM_USABLE), 0);
        EXPECT_EQ(memmap_add(&small, 0x200000, 0x1000, MEM_USABLE), -ENOSPC);
        // One range split in three by a reservation needs more room than cap.
        small.n = 0;
        memmap_add(&small, 0, 0x10000, MEM_USABLE);
        memmap_add(&small, 0x4000, 0x1000, MEM_RESERVED);
        EXPECT_EQ(memmap_normalize(&small), -ENOSPC);
}

// Random maps against a page-granular reference model: the normalised map
// must give every page the highest type covering it, sorted, no overlaps.
static void random_vs_model(void)
{
        enum { PAGES = 256 };
        for (int iter = 0; iter < 2000; iter++) {
                unsigned char model[PAGES] = {0};
                reset();
                int n = 1 + h_rand() % 12;
                for (int i = 0; i < n; i++) {
                        unsigned b = h_rand() % PAGES, len = 1 + h_rand() % (PAGES - b);
                        unsigned t = 1 + h_rand() % MEM_TYPE_MAX;
                        EXPECT_EQ(memmap_add(&m, (uint64_t)b << 12, (uint64_t)len << 12, t), 0);
                        for (unsigned p = b; p < b + len; p++)
                                if (t > model[p])
                                        model[p] = t;
                }
                EXPECT_EQ(memmap_normalize(&m), 0);
                unsigned char got[PAGES] = {0};
                for (size_t i = 0; i < m.n; i++) {
                        EXPECT(i == 0 || m.r[i].base >= m.r[i - 1].base + m.r[i - 1].size);
                        EXPECT(i == 0 || !(m.r[i].type == m.r[i - 1].type &&
                                           m.r[i].base == m.r[i - 1].base + m.r[i - 1].size));
                        for (uint64_t p = m.r[i].base >> 12; p < (m.r[i].base + m.r[i].size) >> 12;
                             p++)
                                got[p] = m.r[i].type;
                }
                EXPECT(memcmp(got, model, PAGES) == 0);
        }
}

int main(void)
{
        h_suite = "memmap";
        RUN(merge_adjacent);
        RUN(reserved_wins);
        RUN(trims_usable_to_pages);
        RUN(bad_input);
        RUN(random_vs_model);
        return DONE();
}
