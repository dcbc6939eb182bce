// SPDX-License-Identifier: MIT
// The generic walker (kernel/lib/pt.c) over one arch's entry format, chosen
// by the include path this file is built with (one executable per arch).
// "Physical memory" is a host array; physical address = offset + PHYS_BASE.
#include "harness.h"
#include <arch/pte.h>
#include <kernel/pt.h>
#include <mk/errno.h>

#define NTABLES   256
#define PHYS_BASE 0x80000000ull
static pte_t mem[NTABLES][PT_ENTRIES] __attribute__((aligned(4096)));
static int used[NTABLES], nused, fail_alloc;

paddr_t pt_table_alloc(void)
{
        if (fail_alloc)
                return 0;
        for (int i = 0; i < NTABLES; i++) {
                if (!used[i]) {
                        used[i] = 1;
                        nused++;
                        memset(mem[i], 0, sizeof(mem[i]));
                        return PHYS_BASE + (paddr_t)i * 4096;
                }
        }
        return 0;
}

void pt_table_free(paddr_t pa)
{
        int i = (int)((pa - PHYS_BASE) / 4096);
        if (i < 0 || i >= NTABLES || !used[i])
                abort(); // freeing something not allocated is a walker bug
        used[i] = 0;
        nused--;
}

pte_t *pt_table_virt(paddr_t pa)
{
        return mem[(pa - PHYS_BASE) / 4096];
}

static paddr_t root;

static void fresh(void)
{
        memset(used, 0, sizeof(used));
        nused = 0;
        fail_alloc = 0;
        root = pt_table_alloc();
}

#define UVA 0x0000000000400000ull
#define KVA (0ull - (1ull << 30) * 4) // a high (kernel) address on every format

static void map_translate_unmap(void)
{
        fresh();
        paddr_t pa;
        unsigned fl;
        int lv;
        EXPECT_EQ(pt_map(root, UVA, 0x12345000, 0, PT_R | PT_W | PT_U), 0);
        EXPECT_EQ(pt_translate(root, UVA + 0xabc, &pa, &fl, &lv), 0);
        EXPECT_EQ(pa, 0x12345abc);
        EXPECT_EQ(lv, 0);
        EXPECT_EQ(fl & (PT_R | PT_W | PT_X | PT_U), PT_R | PT_W | PT_U);
        EXPECT_EQ(pt_translate(root, UVA + 0x1000, &pa, &fl, &lv), -ENOENT);
        EXPECT_EQ(pt_map(root, UVA, 0x1000, 0, PT_R), -EEXIST);
        EXPECT_EQ(pt_unmap(root, UVA, &pa, &lv), 0);
        EXPECT_EQ(pa, 0x12345000);
        EXPECT_EQ(pt_unmap(root, UVA, &pa, &lv), -ENOENT);
        EXPECT_EQ(pt_translate(root, UVA, &pa, &fl, &lv), -ENOENT);
}

static void permissions_roundtrip(void)
{
        static const unsigned combos[] = {PT_R,        PT_R | PT_W,        PT_R | PT_X,
                                          PT_R | PT_U, PT_R | PT_W | PT_U, PT_R | PT_X | PT_U,
                                          PT_R | PT_G, PT_R | PT_W | PT_G, PT_R | PT_W | PT_X};
        for (unsigned i = 0; i < sizeof(combos) / sizeof(combos[0]); i++) {
                fresh();
                unsigned fl;
                EXPECT_EQ(pt_map(root, UVA, 0x5000, 0, combos[i]), 0);
                EXPECT_EQ(pt_translate(root, UVA, NULL, &fl, NULL), 0);
                unsigned mask = PT_R | PT_W | PT_X | PT_U;
                EXPECT_EQ(fl & mask, combos[i] & mask);
                EXPECT(pt_map(root, KVA, 0x200000, 1, combos[i] & ~PT_U) == 0);
                EXPECT_EQ(pt_translate(root, KVA + 0x1000, NULL, &fl, NULL), 0);
                EXPECT_EQ(fl & mask, combos[i] & mask & ~PT_U);
        }
}

static void large_pages(void)
{
        fresh();
        paddr_t pa;
        int lv;
        // The largest leaf the format allows (x86_64 without PDPE1GB: 2 MiB).
        int big = pte_leaf_allowed(2) ? 2 : 1;
        uint64_t sz = PT_LEVEL_SIZE(big);
        EXPECT(pte_leaf_allowed(1));
        EXPECT(!pte_leaf_allowed(PT_LEVELS - 1) || PT_LEVELS == 3);
        EXPECT_EQ(pt_map(root, KVA, 0x40000000, big, PT_R | PT_W), 0);
        EXPECT_EQ(pt_translate(root, KVA + sz - 0x10, &pa, NULL, &lv), 0);
        EXPECT_EQ(pa, 0x40000000 + sz - 0x10);
        EXPECT_EQ(lv, big);
        // A 4K map inside a large page is refused, as is unmapping inside it.
        EXPECT_EQ(pt_map(root, KVA + 0x1000, 0x1000, 0, PT_R), -EEXIST);
        EXPECT_EQ(pt_unmap(root, KVA + 0x100000, NULL, NULL), -EINVAL);
        EXPECT_EQ(pt_unmap(root, KVA, &pa, &lv), 0);
        EXPECT_EQ(lv, big);
        EXPECT_EQ(pt_map(root, KVA + 0x200000, 0x200000, 1, PT_R), 0);
        EXPECT_EQ(pt_map(root, KVA + 0x1000, 0x1000, 1, PT_R), -EINVAL); // misaligned
        EXPECT_EQ(pt_map(root, KVA, 0x1000, PT_LEVELS, PT_R), -EINVAL);  // no such level
}

static void map_range_picks_large(void)
{
        fresh();
        paddr_t pa;
        int lv;
        // 1 GiB + 2 MiB + 4 KiB starting 4K before a 2M boundary.
        uint64_t va = KVA - 0x40000000 - 0x1000, len = 0x40000000 + 0x200000 + 0x2000;
        EXPECT_EQ(pt_map_range(root, va, va & 0xffffffffffull, len, PT_R | PT_W), 0);
        EXPECT_EQ(pt_translate(root, va, &pa, NULL, &lv), 0);
        EXPECT_EQ(lv, 0);
        EXPECT_EQ(pt_translate(root, va + 0x1000, &pa, NULL, &lv), 0);
        EXPECT(lv >= 1);
        EXPECT_EQ(pa, (va + 0x1000) & 0xffffffffffull);
        EXPECT_EQ(pt_translate(root, va + len - 1, &pa, NULL, &lv), 0);
        EXPECT_EQ(pt_translate(root, va + len, &pa, NULL, &lv), -ENOENT);
        EXPECT(nused < 12); // large pages, not 4K everywhere
        EXPECT_EQ(pt_map_range(root, va, 0, 0x1001, PT_R), -EINVAL);
}

static void map_range_rolls_back(void)
{
        fresh();
        // Block the middle of the range: the whole call must leave nothing.
        EXPECT_EQ(pt_map(root, UVA + 0x5000, 0x9000, 0, PT_R), 0);
        EXPECT_EQ(pt_map_range(root, UVA, 0x100000, 0x10000, PT_R), -EEXIST);
        for (uint64_t off = 0; off < 0x10000; off += 0x1000)
                EXPECT_EQ(pt_translate(root, UVA + off, NULL, NULL, NULL),
                          off == 0x5000 ? 0 : -ENOENT);
        // Running out of table frames is reported, not a crash.
        fresh();
        fail_alloc = 1;
        EXPECT_EQ(pt_map(root, UVA, 0x1000, 0, PT_R), -ENOMEM);
}

static void map_replace(void)
{
        fresh();
        paddr_t pa;
        unsigned fl;
        EXPECT_EQ(pt_map_replace(root, UVA, 0x5000, PT_R | PT_U), 0);
        EXPECT_EQ(pt_map_replace(root, UVA, 0x6000, PT_R | PT_W | PT_U), 1);
        EXPECT_EQ(pt_translate(root, UVA, &pa, &fl, NULL), 0);
        EXPECT_EQ(pa, 0x6000);
        EXPECT_EQ(fl & (PT_R | PT_W | PT_U), PT_R | PT_W | PT_U);
        EXPECT_EQ(pt_map_replace(root, UVA + 8, 0x6000, PT_R), -EINVAL);
        EXPECT_EQ(pt_map(root, KVA, 0x200000, 1, PT_R), 0);
        EXPECT_EQ(pt_map_replace(root, KVA + 0x1000, 0x1000, PT_R), -EEXIST);
        fail_alloc = 1;
        EXPECT_EQ(pt_map_replace(root, UVA + 0x40000000ull, 0x1000, PT_R), -ENOMEM);
}

static uint64_t unmapped_sum;
static void sum_cb(void *ctx, vaddr_t va, paddr_t pa)
{
        unmapped_sum += pa;
}

static void unmap_range(void)
{
        fresh();
        for (int i = 0; i < 40; i++)
                EXPECT_EQ(pt_map(root, UVA + (uint64_t)i * 0x1000 * 131, 0x1000 * (i + 1), 0, PT_R),
                          0);
        unmapped_sum = 0;
        // A range covering the middle 20 pages.
        uint64_t lo = UVA + 10ull * 0x1000 * 131, hi = UVA + 30ull * 0x1000 * 131;
        EXPECT_EQ(pt_unmap_range(root, lo, hi, sum_cb, NULL), 20);
        uint64_t want = 0;
        for (int i = 10; i < 30; i++)
                want += 0x1000 * (i + 1);
        EXPECT_EQ(unmapped_sum, want);
        for (int i = 0; i < 40; i++)
                EXPECT_EQ(pt_translate(root, UVA + (uint64_t)i * 0x1000 * 131, NULL, NULL, NULL),
                          (i >= 10 && i < 30) ? -ENOENT : 0);
        EXPECT_EQ(pt_unmap_range(root, lo, hi, NULL, NULL), 0);
        EXPECT_EQ(pt_unmap_range(root, 0, 1ull << 38, NULL, NULL), 20);
}

static void free_tables(void)
{
        fresh();
        for (int i = 0; i < 64; i++)
                EXPECT_EQ(
                    pt_map(root, UVA + (uint64_t)i * 0x40000000ull / 8, 0x1000, 0, PT_R | PT_U), 0);
        EXPECT_EQ(pt_map(root, KVA, 0x1000, 0, PT_R), 0);
        int before = nused;
        pt_free_tables(root, 0, 1ull << 38);
        EXPECT(nused < before);
        EXPECT_EQ(pt_translate(root, UVA, NULL, NULL, NULL), -ENOENT);
        EXPECT_EQ(pt_translate(root, KVA, NULL, NULL, NULL), 0); // kernel half untouched
}

// An address space's range [0, 256 GiB) is smaller than what one root entry
// covers with 4 levels (512 GiB): freeing it must still free every table
// under the root, including the one under the first root entry (it leaked).
static void free_tables_all(void)
{
        fresh();
        EXPECT_EQ(pt_map(root, KVA, 0x1000, 0, PT_R), 0);
        int kernel_only = nused; // the root and the kernel half's tables
        EXPECT_EQ(pt_map(root, UVA, 0x1000, 0, PT_R | PT_U), 0);
        EXPECT_EQ(pt_map(root, (1ull << 38) - 0x1000, 0x2000, 0, PT_R | PT_U), 0);
        EXPECT_EQ(pt_map(root, 0x40000000ull, 0x200000, 1, PT_R | PT_U), 0); // a 2 MiB leaf
        EXPECT(nused > kernel_only);
        pt_free_tables(root, 0, 1ull << 38);
        EXPECT_EQ(nused, kernel_only);
        EXPECT_EQ(pt_translate(root, KVA, NULL, NULL, NULL), 0);
        // Something mapped beyond the range keeps its tables.
        if (PT_LEVELS == 4) {
                EXPECT_EQ(pt_map(root, UVA, 0x1000, 0, PT_R | PT_U), 0);
                EXPECT_EQ(pt_map(root, 1ull << 38, 0x1000, 0, PT_R | PT_U), 0);
                pt_free_tables(root, 0, 1ull << 38);
                EXPECT_EQ(pt_translate(root, 1ull << 38, NULL, NULL, NULL), 0);
                EXPECT_EQ(pt_translate(root, UVA, NULL, NULL, NULL), -ENOENT);
                EXPECT_EQ(nused, kernel_only + 3);
        }
}

static void random_vs_model(void)
{
        enum { N = 512 };
        static paddr_t model[N];
        fresh();
        memset(model, 0, sizeof(model));
        for (int i = 0; i < 20000; i++) {
                unsigned k = h_rand() % N;
                uint64_t va = UVA + (uint64_t)k * 0x1000 * 97; // spread over tables
                if (h_rand() % 2) {
                        paddr_t pa = ((h_rand() % 0x100000) + 1) << 12;
                        int r = pt_map(root, va, pa, 0, PT_R | PT_U);
                        EXPECT_EQ(r, model[k] ? -EEXIST : 0);
                        if (!model[k])
                                model[k] = pa;
                } else {
                        paddr_t pa;
                        int r = pt_unmap(root, va, &pa, NULL);
                        EXPECT_EQ(r, model[k] ? 0 : -ENOENT);
                        if (model[k])
                                EXPECT_EQ(pa, model[k]);
                        model[k] = 0;
                }
        }
        for (unsigned k = 0; k < N; k++) {
                paddr_t pa;
                int r = pt_translate(root, UVA + (uint64_t)k * 0x1000 * 97, &pa, NULL, NULL);
                EXPECT_EQ(r, model[k] ? 0 : -ENOENT);
                if (model[k])
                        EXPECT_EQ(pa, model[k]);
        }
}

int main(void)
{
        h_suite = PT_SUITE;
        RUN(map_translate_unmap);
        RUN(permissions_roundtrip);
        RUN(large_pages);
        RUN(map_range_picks_large);
        RUN(map_range_rolls_back);
        RUN(map_replace);
        RUN(unmap_range);
        RUN(free_tables);
        RUN(free_tables_all);
        RUN(random_vs_model);
        return DONE();
}
