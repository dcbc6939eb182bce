// SPDX-License-Identifier: MIT
// bench_vma: how many tree nodes a lookup (vma_find) and a top-down
// free-range search (vma_find_free) visit, on average, in region trees of
// 10, 1,000 and 100,000 regions with random gaps, and the tree height.
// Counts, not times: the output is the same on every run and machine.
//   bench host vma_find_visits_1000 9.8         average per lookup
//   bench host vma_find_free_visits_1000 8.2    average per search
//   bench host vma_find_max_visits_1000 12      worst lookup
//   bench host vma_find_free_max_visits_1000 24 worst search
//   bench host vma_height_1000 12
#include "vma.h"
#include <mk/layout.h>
#include <mk/syscall.h>
#include <stdio.h>
#include <stdlib.h>

#define PG        MK_PAGE_SIZE
#define BASE      MK_USER_BASE
#define QUERIES   100000
#define MAX_GAP   16 // pages between regions: 0 .. MAX_GAP - 1
#define MAX_LEN   8  // pages per region: 1 .. MAX_LEN
#define MAX_ALIGN 4  // find_free alignments: 1, 2, 4 or 8 pages

static unsigned long long rng = 0x9e3779b97f4a7c15ull;

// Deterministic pseudo-random numbers (xorshift64*).
static uint64_t rnd(uint64_t n)
{
        rng ^= rng >> 12;
        rng ^= rng << 25;
        rng ^= rng >> 27;
        return rng * 0x2545f4914f6cdd1dull % n;
}

static struct vma *node_alloc(void *ctx)
{
        (void)ctx;
        return malloc(sizeof(struct vma));
}

static void node_free(void *ctx, struct vma *v)
{
        (void)ctx;
        free(v);
}

// Builds a tree of n regions in random order: alternating protections keep
// touching neighbours apart, random gaps (some none) separate the others.
static void build(struct vma_tree *t, size_t n)
{
        uint64_t *start = malloc(n * sizeof(*start)), *len = malloc(n * sizeof(*len));
        uint64_t at = BASE;
        for (size_t i = 0; i < n; i++) {
                at += rnd(MAX_GAP) * PG;
                start[i] = at;
                len[i] = (1 + rnd(MAX_LEN)) * PG;
                at += len[i];
        }
        vma_tree_init(t, BASE, at, node_alloc, node_free, NULL);
        size_t *order = malloc(n * sizeof(*order));
        for (size_t i = 0; i < n; i++)
                order[i] = i;
        for (size_t i = n; i > 1; i--) { // shuffle the insertion order
                size_t j = rnd(i), o = order[i - 1];
                order[i - 1] = order[j];
                order[j] = o;
        }
        for (size_t k = 0; k < n; k++) {
                size_t i = order[k];
                struct region_desc d = {.start = start[i],
                                        .end = start[i] + len[i],
                                        .prot = i & 1 ? MK_PERM_R : MK_PERM_R | MK_PERM_W,
                                        .kind = RK_ANON_PRIVATE};
                if (vma_insert(t, &d, NULL))
                        abort();
        }
        free(order);
        free(start);
        free(len);
}

int main(void)
{
        static const size_t sizes[] = {10, 1000, 100000};
        for (unsigned k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
                struct vma_tree t;
                size_t n = sizes[k];
                build(&t, n);
                if (vma_check(&t))
                        abort();
                // Lookups at random addresses of the whole range (hits and misses).
                uint64_t total = 0, find_max = 0, free_max = 0;
                for (int q = 0; q < QUERIES; q++) {
                        t.visits = 0;
                        vma_find(&t, t.lo + rnd(t.hi - t.lo));
                        total += t.visits;
                        find_max = t.visits > find_max ? t.visits : find_max;
                }
                double find = (double)total / QUERIES;
                // Free ranges of random length and alignment below a random
                // ceiling (the whole range has no free top).
                unsigned found = 0;
                total = 0;
                for (int q = 0; q < QUERIES; q++) {
                        uint64_t a, len = (1 + rnd(MAX_GAP)) * PG;
                        uint64_t align = PG << rnd(MAX_ALIGN);
                        uint64_t hi = t.lo + rnd(t.hi - t.lo);
                        t.visits = 0;
                        found += vma_find_free(&t, len, align, t.lo, hi, &a) == 0;
                        total += t.visits;
                        free_max = t.visits > free_max ? t.visits : free_max;
                }
                double find_free = (double)total / QUERIES;
                printf("bench host vma_find_visits_%zu %.1f\n", n, find);
                printf("bench host vma_find_free_visits_%zu %.1f\n", n, find_free);
                printf("bench host vma_find_max_visits_%zu %llu\n", n,
                       (unsigned long long)find_max);
                printf("bench host vma_find_free_max_visits_%zu %llu\n", n,
                       (unsigned long long)free_max);
                printf("bench host vma_height_%zu %d\n", n, t.root->height);
                printf("# %zu regions: %zu nodes, %u of %d searches found room\n", n, t.count,
                       found, QUERIES);
                vma_tree_clear(&t);
        }
        return 0;
}
