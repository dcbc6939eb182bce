// SPDX-License-Identifier: MIT
// The region tree (servers/pager/vma.c) and region_mergeable: a case per
// function and edge, then randomized operations checked against a page model
// (model.h) after every step.
#include "harness.h"
#include "vma.h"
#include <mk/errno.h>
#include <mk/layout.h>
#include <mk/syscall.h>

#define PG         MK_PAGE_SIZE
#define BASE       0x100000ull // tree lo in these tests
#define NPAGES     1024        // tree hi = P(NPAGES)
#define P(n)       (BASE + (uint64_t)(n)*PG)
#define PROT_R     MK_PERM_R
#define PROT_RW    (MK_PERM_R | MK_PERM_W)
#define PROT_RX    (MK_PERM_R | MK_PERM_X)
#define NO_FAILURE (-1)

// Node memory with a live count (leaks) and failure injection: fail_in
// successful allocations, then NULL (NO_FAILURE: never).
static long live_nodes, fail_in = NO_FAILURE;

static struct vma *node_alloc(void *ctx)
{
        (void)ctx;
        if (fail_in == 0)
                return NULL;
        if (fail_in > 0)
                fail_in--;
        live_nodes++;
        return calloc(1, sizeof(struct vma));
}

static void node_free(void *ctx, struct vma *v)
{
        (void)ctx;
        live_nodes--;
        free(v);
}

static struct vma_tree t;

// A fresh tree (freeing what a failed case left behind).
static void setup(void)
{
        if (t.root)
                vma_tree_clear(&t);
        fail_in = NO_FAILURE;
        vma_tree_init(&t, P(0), P(NPAGES), node_alloc, node_free, NULL);
}

static struct region_desc anon(uint64_t s, uint64_t e, uint32_t prot)
{
        return (struct region_desc){
            .start = P(s), .end = P(e), .prot = prot, .kind = RK_ANON_PRIVATE};
}

static struct region_desc stack(uint64_t s, uint64_t e, uint64_t guard_pages)
{
        return (struct region_desc){.start = P(s),
                                    .end = P(e),
                                    .prot = PROT_RW,
                                    .kind = RK_STACK,
                                    .guard_below = guard_pages * PG};
}

static const uint8_t image_a[64 * 4096];

// Bytes [off, off + size) of image_a at [P(s), P(e)), read-execute.
static struct region_desc text(uint64_t s, uint64_t e, uint64_t off, uint64_t size)
{
        return (struct region_desc){.start = P(s),
                                    .end = P(e),
                                    .prot = PROT_RX,
                                    .kind = RK_TEXT,
                                    .backing = BK_IMAGE,
                                    .file_off = off,
                                    .file_size = size,
                                    .image = image_a,
                                    .image_size = sizeof(image_a),
                                    .name = "utest"};
}

// Inserts, expecting success.
static int put(struct region_desc d)
{
        return vma_insert(&t, &d, NULL);
}

// Whether the tree holds exactly the n ranges given as page pairs, in order.
static bool shape(int n, const uint64_t pages[][2])
{
        if (t.count != (size_t)n || vma_check(&t) != 0)
                return false;
        struct vma *v = vma_first(&t);
        for (int i = 0; i < n; i++, v = vma_next(v))
                if (!v || v->d.start != P(pages[i][0]) || v->d.end != P(pages[i][1]))
                        return false;
        return true;
}
#define SHAPE(...)                                                                                 \
        shape(sizeof((const uint64_t[][2]){__VA_ARGS__}) / sizeof(uint64_t[2]),                    \
              (const uint64_t[][2]){__VA_ARGS__})

// Records the pieces a callback sees.
static struct region_desc seen[8];
static int nseen;

static void record(void *ctx, const struct region_desc *piece)
{
        (void)ctx;
        if (nseen < 8)
                seen[nseen] = *piece;
        nseen++;
}

static void done(void)
{
        vma_tree_clear(&t);
}

// --- region_mergeable and region_kind_name ---------------------------------

static void mergeable_rules(void)
{
        struct region_desc a = anon(0, 2, PROT_RW), b = anon(2, 4, PROT_RW);
        EXPECT(region_mergeable(&a, &b));
        EXPECT(!region_mergeable(&b, &a)); // not touching in that order
        b.prot = PROT_R;
        EXPECT(!region_mergeable(&a, &b));
        b = anon(2, 4, PROT_RW);
        b.kind = RK_ANON_SHARED;
        EXPECT(!region_mergeable(&a, &b));
        b = anon(2, 4, PROT_RW);
        char name[] = "utest";
        a.name = "utest", b.name = name; // equal strings, different pointers
        EXPECT(region_mergeable(&a, &b));
        b.name = NULL;
        EXPECT(!region_mergeable(&a, &b));
        b.name = name, b.inode = 3;
        EXPECT(!region_mergeable(&a, &b));
        // Kinds that never merge.
        unsigned never[] = {RK_STACK, RK_HEAP, RK_GUARD, RK_EXTERNAL};
        for (unsigned i = 0; i < sizeof(never) / sizeof(never[0]); i++) {
                a = anon(0, 2, PROT_RW), b = anon(2, 4, PROT_RW);
                a.kind = b.kind = (uint8_t)never[i];
                EXPECT(!region_mergeable(&a, &b));
        }
}

static void mergeable_files(void)
{
        // Image: contiguous offsets merge; a gap in offsets, another image or
        // any data_off does not.
        struct region_desc a = text(0, 2, 0x3000, 2 * PG), b = text(2, 3, 0x5000, PG);
        EXPECT(region_mergeable(&a, &b));
        b.file_off = 0x6000;
        EXPECT(!region_mergeable(&a, &b));
        b.file_off = 0x5000, b.image = image_a + 1;
        EXPECT(!region_mergeable(&a, &b));
        b.image = image_a, a.data_off = 0x10;
        EXPECT(!region_mergeable(&a, &b));
        a.data_off = 0, b.data_off = 0x10;
        EXPECT(!region_mergeable(&a, &b));
        // A zeroed tail in a: only a b without bytes may follow.
        b.data_off = 0, a.file_size = PG + 100;
        EXPECT(!region_mergeable(&a, &b));
        b.file_size = 0;
        EXPECT(region_mergeable(&a, &b));
        // VFS: same inode and contiguous offsets; file_size plays no part.
        struct region_desc f = {.start = P(0),
                                .end = P(1),
                                .prot = PROT_R,
                                .kind = RK_FILE_SHARED,
                                .backing = BK_VFS,
                                .inode = 7,
                                .file_off = 0x1000,
                                .name = "f"};
        struct region_desc g = f;
        g.start = P(1), g.end = P(3), g.file_off = 0x2000, g.file_size = 12345;
        EXPECT(region_mergeable(&f, &g));
        g.inode = 8;
        EXPECT(!region_mergeable(&f, &g));
        g.inode = 7, g.file_off = 0x1000;
        EXPECT(!region_mergeable(&f, &g));
}

static void kind_names(void)
{
        EXPECT(!strcmp(region_kind_name(RK_TEXT), "text"));
        EXPECT(!strcmp(region_kind_name(RK_STACK), "stack"));
        EXPECT(!strcmp(region_kind_name(RK_ANON_SHARED), "anon_shared"));
        EXPECT(!strcmp(region_kind_name(RK_EXTERNAL), "external"));
        EXPECT(!strcmp(region_kind_name(RK_COUNT), "?"));
        for (unsigned k = 0; k < RK_COUNT; k++)
                EXPECT(strcmp(region_kind_name(k), "?") != 0);
}

// --- Lookup -------------------------------------------------------------------

static void empty_tree(void)
{
        setup();
        uint64_t a = 0;
        EXPECT_EQ(vma_check(&t), 0);
        EXPECT(!vma_find(&t, P(5)));
        EXPECT(!vma_find_above(&t, P(0)));
        EXPECT(!vma_first(&t));
        EXPECT_EQ(vma_find_free(&t, 4 * PG, PG, 0, ~0ull, &a), 0);
        EXPECT_EQ(a, P(NPAGES - 4));
        EXPECT_EQ(vma_find_free(&t, (NPAGES + 1) * PG, PG, 0, ~0ull, &a), -ENOMEM);
        EXPECT_EQ(vma_remove_range(&t, P(1), P(3), record, NULL), 0);
        EXPECT_EQ(vma_protect_range(&t, P(1), P(3), PROT_R, NULL, NULL), -ENOMEM);
        vma_tree_clear(&t);
        EXPECT_EQ(t.count, 0);
}

static void find_and_walk(void)
{
        setup();
        for (int i = 0; i < 5; i++)
                EXPECT_EQ(put(anon(10 * i + 1, 10 * i + 4, i & 1 ? PROT_R : PROT_RW)), 0);
        EXPECT(SHAPE({1, 4}, {11, 14}, {21, 24}, {31, 34}, {41, 44}));
        EXPECT(!vma_find(&t, P(0)));
        EXPECT_EQ(vma_find(&t, P(1))->d.start, P(1));
        EXPECT_EQ(vma_find(&t, P(4) - 1)->d.start, P(1));
        EXPECT(!vma_find(&t, P(4)));
        EXPECT_EQ(vma_find(&t, P(23) + 5)->d.start, P(21));
        EXPECT_EQ(vma_find_above(&t, P(4))->d.start, P(11));
        EXPECT_EQ(vma_find_above(&t, P(12))->d.start, P(11));
        EXPECT(!vma_find_above(&t, P(44)));
        struct vma *v = vma_find(&t, P(31));
        EXPECT_EQ(vma_prev(v)->d.start, P(21));
        EXPECT_EQ(vma_next(v)->d.start, P(41));
        EXPECT(!vma_next(vma_next(v)));
        EXPECT(!vma_prev(vma_first(&t)));
        uint64_t before = t.visits;
        vma_find(&t, P(41));
        EXPECT(t.visits > before);
        done();
}

// --- Insert and merge ---------------------------------------------------------

static void insert_refusals(void)
{
        setup();
        struct region_desc d = anon(2, 4, PROT_RW);
        d.start += 8;
        EXPECT_EQ(vma_insert(&t, &d, NULL), -EINVAL); // unaligned
        d = anon(4, 4, PROT_RW);
        EXPECT_EQ(vma_insert(&t, &d, NULL), -EINVAL); // empty
        d = anon(5, 4, PROT_RW);
        EXPECT_EQ(vma_insert(&t, &d, NULL), -EINVAL); // reversed
        d = anon(NPAGES - 1, NPAGES + 1, PROT_RW);
        EXPECT_EQ(vma_insert(&t, &d, NULL), -EINVAL); // beyond hi
        d = anon(0, 1, PROT_RW);
        d.start -= PG;
        EXPECT_EQ(vma_insert(&t, &d, NULL), -EINVAL); // below lo
        EXPECT_EQ(put(anon(10, 20, PROT_RW)), 0);
        EXPECT_EQ(put(anon(5, 11, PROT_R)), -EEXIST);
        EXPECT_EQ(put(anon(19, 25, PROT_R)), -EEXIST);
        EXPECT_EQ(put(anon(12, 13, PROT_R)), -EEXIST);
        EXPECT_EQ(put(anon(0, 40, PROT_R)), -EEXIST);
        EXPECT(SHAPE({10, 20}));
        fail_in = 0;
        EXPECT_EQ(put(anon(30, 31, PROT_R)), -ENOMEM);
        EXPECT(SHAPE({10, 20}));
        done();
}

static void insert_merges(void)
{
        setup();
        struct vma *out = NULL;
        struct region_desc d = anon(10, 12, PROT_RW);
        EXPECT_EQ(vma_insert(&t, &d, &out), 0);
        EXPECT_EQ(out->d.start, P(10));
        EXPECT_EQ(put(anon(12, 14, PROT_RW)), 0); // grows prev
        EXPECT(SHAPE({10, 14}));
        EXPECT_EQ(put(anon(8, 10, PROT_RW)), 0); // grows next down
        EXPECT(SHAPE({8, 14}));
        EXPECT_EQ(put(anon(16, 18, PROT_RW)), 0);
        d = anon(14, 16, PROT_RW);
        EXPECT_EQ(vma_insert(&t, &d, &out), 0); // joins both
        EXPECT(SHAPE({8, 18}));
        EXPECT_EQ(out->d.start, P(8));
        EXPECT_EQ(out->d.end, P(18));
        EXPECT_EQ(put(anon(18, 19, PROT_R)), 0); // other prot: separate
        EXPECT(SHAPE({8, 18}, {18, 19}));
        EXPECT_EQ(live_nodes, 2);
        done();
        EXPECT_EQ(live_nodes, 0);
}

static void never_merge_kinds(void)
{
        setup();
        struct region_desc h = anon(10, 12, PROT_RW);
        h.kind = RK_HEAP;
        EXPECT_EQ(put(h), 0);
        h.start = P(12), h.end = P(14);
        EXPECT_EQ(put(h), 0);
        struct region_desc s = stack(20, 22, 0);
        EXPECT_EQ(put(s), 0);
        s = stack(22, 24, 0);
        EXPECT_EQ(put(s), 0);
        struct region_desc g = anon(24, 25, 0);
        g.kind = RK_GUARD;
        EXPECT_EQ(put(g), 0);
        g.start = P(25), g.end = P(26);
        EXPECT_EQ(put(g), 0);
        EXPECT(SHAPE({10, 12}, {12, 14}, {20, 22}, {22, 24}, {24, 25}, {25, 26}));
        done();
}

static void file_merges_and_offsets(void)
{
        setup();
        EXPECT_EQ(put(text(10, 12, 0x2000, 2 * PG)), 0);
        EXPECT_EQ(put(text(12, 14, 0x4000, 2 * PG)), 0);
        EXPECT(SHAPE({10, 14}));
        struct vma *v = vma_find(&t, P(10));
        EXPECT_EQ(v->d.file_off, 0x2000);
        EXPECT_EQ(v->d.file_size, 4 * PG);
        EXPECT_EQ(put(text(14, 15, 0x9000, PG)), 0); // offsets jump: separate
        EXPECT(SHAPE({10, 14}, {14, 15}));
        // Insert in front: the node takes the new start and offset.
        EXPECT_EQ(put(text(9, 10, 0x1000, PG)), 0);
        EXPECT(SHAPE({9, 14}, {14, 15}));
        v = vma_find(&t, P(9));
        EXPECT_EQ(v->d.file_off, 0x1000);
        EXPECT_EQ(v->d.file_size, 5 * PG);
        // Cutting the middle out keeps each side's bytes where they were.
        EXPECT_EQ(vma_remove_range(&t, P(10), P(11), NULL, NULL), 0);
        EXPECT(SHAPE({9, 10}, {11, 14}, {14, 15}));
        v = vma_find(&t, P(11));
        EXPECT_EQ(v->d.file_off, 0x3000);
        EXPECT_EQ(v->d.file_size, 3 * PG);
        EXPECT_EQ(vma_find(&t, P(9))->d.file_size, PG);
        done();
}

static void data_off_split(void)
{
        // An ELF segment starting mid-page: 0x1800 bytes at 0x120 into the region.
        setup();
        struct region_desc d = text(10, 13, 0x5120, 0x1800);
        d.data_off = 0x120;
        EXPECT_EQ(put(d), 0);
        EXPECT_EQ(vma_protect_range(&t, P(11), P(12), PROT_R, NULL, NULL), 0);
        EXPECT(SHAPE({10, 11}, {11, 12}, {12, 13}));
        struct vma *lo = vma_find(&t, P(10)), *mid = vma_find(&t, P(11)), *hi = vma_find(&t, P(12));
        EXPECT_EQ(lo->d.data_off, 0x120);
        EXPECT_EQ(lo->d.file_size, PG - 0x120);
        EXPECT_EQ(mid->d.data_off, 0);
        EXPECT_EQ(mid->d.file_off, 0x5120 + PG - 0x120);
        EXPECT_EQ(mid->d.file_size, 0x1800 - (PG - 0x120));
        EXPECT_EQ(hi->d.file_size, 0); // the bytes ended inside mid
        // Back to read-execute: the data_off piece stays apart (its rule),
        // the other two join.
        EXPECT_EQ(vma_protect_range(&t, P(11), P(12), PROT_RX, NULL, NULL), 0);
        EXPECT(SHAPE({10, 11}, {11, 13}));
        done();
}

// --- Remove -------------------------------------------------------------------

static void remove_middle(void)
{
        setup();
        EXPECT_EQ(put(anon(10, 20, PROT_RW)), 0);
        nseen = 0;
        EXPECT_EQ(vma_remove_range(&t, P(13), P(15), record, NULL), 0);
        EXPECT(SHAPE({10, 13}, {15, 20}));
        EXPECT_EQ(nseen, 1);
        EXPECT_EQ(seen[0].start, P(13));
        EXPECT_EQ(seen[0].end, P(15));
        // Unaligned, empty, outside.
        EXPECT_EQ(vma_remove_range(&t, P(1) + 1, P(3), NULL, NULL), -EINVAL);
        EXPECT_EQ(vma_remove_range(&t, P(3), P(3), NULL, NULL), -EINVAL);
        EXPECT_EQ(vma_remove_range(&t, P(3), P(NPAGES + 1), NULL, NULL), -EINVAL);
        // A split with no node left: nothing changes.
        fail_in = 0;
        nseen = 0;
        EXPECT_EQ(vma_remove_range(&t, P(16), P(17), record, NULL), -ENOMEM);
        EXPECT_EQ(nseen, 0);
        EXPECT(SHAPE({10, 13}, {15, 20}));
        // Trimming needs no node.
        EXPECT_EQ(vma_remove_range(&t, P(19), P(30), NULL, NULL), 0);
        EXPECT(SHAPE({10, 13}, {15, 19}));
        done();
}

static void remove_across(void)
{
        setup();
        EXPECT_EQ(put(anon(10, 14, PROT_RW)), 0);
        EXPECT_EQ(put(anon(14, 16, PROT_R)), 0);
        EXPECT_EQ(put(anon(18, 20, PROT_RW)), 0);
        EXPECT_EQ(put(anon(22, 26, PROT_RX)), 0);
        EXPECT_EQ(put(anon(30, 31, PROT_RX)), 0);
        nseen = 0;
        EXPECT_EQ(vma_remove_range(&t, P(12), P(24), record, NULL), 0);
        EXPECT(SHAPE({10, 12}, {24, 26}, {30, 31}));
        EXPECT_EQ(nseen, 4);
        EXPECT(seen[0].start == P(12) && seen[0].end == P(14) && seen[0].prot == PROT_RW);
        EXPECT(seen[1].start == P(14) && seen[1].end == P(16) && seen[1].prot == PROT_R);
        EXPECT(seen[2].start == P(18) && seen[2].end == P(20));
        EXPECT(seen[3].start == P(22) && seen[3].end == P(24) && seen[3].prot == PROT_RX);
        EXPECT_EQ(vma_remove_range(&t, P(0), P(NPAGES), NULL, NULL), 0);
        EXPECT_EQ(t.count, 0);
        EXPECT_EQ(live_nodes, 0);
        done();
}

// --- Protect ------------------------------------------------------------------

static void protect_split_and_back(void)
{
        setup();
        EXPECT_EQ(put(anon(10, 20, PROT_RW)), 0);
        nseen = 0;
        EXPECT_EQ(vma_protect_range(&t, P(12), P(15), PROT_R, record, NULL), 0);
        EXPECT(SHAPE({10, 12}, {12, 15}, {15, 20}));
        EXPECT_EQ(vma_find(&t, P(13))->d.prot, PROT_R);
        EXPECT_EQ(vma_find(&t, P(15))->d.prot, PROT_RW);
        EXPECT_EQ(nseen, 1);
        EXPECT(seen[0].start == P(12) && seen[0].end == P(15) && seen[0].prot == PROT_R);
        // The same protection again changes nothing and calls nobody.
        nseen = 0;
        EXPECT_EQ(vma_protect_range(&t, P(10), P(12), PROT_RW, record, NULL), 0);
        EXPECT_EQ(nseen, 0);
        EXPECT(SHAPE({10, 12}, {12, 15}, {15, 20}));
        // Back: one region again.
        EXPECT_EQ(vma_protect_range(&t, P(12), P(15), PROT_RW, record, NULL), 0);
        EXPECT(SHAPE({10, 20}));
        EXPECT_EQ(live_nodes, 1);
        // A prefix, then the rest: joins at the far boundary too.
        EXPECT_EQ(vma_protect_range(&t, P(10), P(13), PROT_RX, NULL, NULL), 0);
        EXPECT(SHAPE({10, 13}, {13, 20}));
        EXPECT_EQ(vma_protect_range(&t, P(13), P(20), PROT_RX, NULL, NULL), 0);
        EXPECT(SHAPE({10, 20}));
        done();
}

static void protect_refusals(void)
{
        setup();
        EXPECT_EQ(put(anon(10, 14, PROT_RW)), 0);
        EXPECT_EQ(put(anon(15, 20, PROT_RW)), 0);
        EXPECT_EQ(vma_protect_range(&t, P(12), P(17), PROT_R, NULL, NULL), -ENOMEM); // hole
        EXPECT_EQ(vma_protect_range(&t, P(8), P(11), PROT_R, NULL, NULL), -ENOMEM);
        EXPECT_EQ(vma_protect_range(&t, P(19), P(21), PROT_R, NULL, NULL), -ENOMEM);
        EXPECT_EQ(vma_protect_range(&t, P(12) + 1, P(13), PROT_R, NULL, NULL), -EINVAL);
        EXPECT(SHAPE({10, 14}, {15, 20}));
        // Two splits needed; the first or the second node missing: no change.
        for (long ok = 0; ok < 2; ok++) {
                fail_in = ok;
                nseen = 0;
                EXPECT_EQ(vma_protect_range(&t, P(16), P(18), PROT_R, record, NULL), -ENOMEM);
                EXPECT_EQ(nseen, 0);
                EXPECT(SHAPE({10, 14}, {15, 20}));
                EXPECT_EQ(live_nodes, 2);
        }
        fail_in = NO_FAILURE;
        EXPECT_EQ(vma_protect_range(&t, P(16), P(18), PROT_R, NULL, NULL), 0);
        EXPECT(SHAPE({10, 14}, {15, 16}, {16, 18}, {18, 20}));
        done();
}

static void protect_across_merges(void)
{
        // Three regions of three protections become one.
        setup();
        EXPECT_EQ(put(anon(10, 12, PROT_RW)), 0);
        EXPECT_EQ(put(anon(12, 14, PROT_R)), 0);
        EXPECT_EQ(put(anon(14, 16, PROT_RX)), 0);
        EXPECT_EQ(vma_protect_range(&t, P(10), P(16), PROT_R, NULL, NULL), 0);
        EXPECT(SHAPE({10, 16}));
        EXPECT_EQ(live_nodes, 1);
        done();
}

// --- Guard gaps ---------------------------------------------------------------

static void guard_gaps(void)
{
        setup();
        EXPECT_EQ(put(stack(100, 110, 8)), 0); // guard [92, 100)
        EXPECT_EQ(put(anon(95, 96, PROT_RW)), -EEXIST);
        EXPECT_EQ(put(anon(90, 93, PROT_RW)), -EEXIST);
        EXPECT_EQ(put(anon(90, 92, PROT_RW)), 0); // ends where the guard starts
        EXPECT_EQ(put(stack(60, 70, 8)), 0);
        EXPECT_EQ(put(stack(75, 80, 16)), -EEXIST); // its guard would cover [60, 70)
        EXPECT_EQ(put(stack(78, 80, 8)), 0);
        EXPECT(SHAPE({60, 70}, {78, 80}, {90, 92}, {100, 110}));
        // Guard gaps count as taken: [70, 70) free, [80, 90) free, [92, 100) guard.
        uint64_t a;
        EXPECT_EQ(vma_find_free(&t, 10 * PG, PG, P(70), P(100), &a), 0);
        EXPECT_EQ(a, P(80));
        EXPECT_EQ(vma_find_free(&t, 11 * PG, PG, P(60), P(110), &a), -ENOMEM);
        // A guard gap below lo: only what lies below it is affected.
        struct region_desc s = stack(2, 4, 8);
        EXPECT_EQ(put(s), 0);
        done();
}

// Pieces of one stack (mprotect, munmap) may lie in each other's guard gap,
// so that fork can copy them one by one; other regions may not.
static void stack_pieces(void)
{
        setup();
        EXPECT_EQ(put(anon(80, 90, PROT_RW)), 0);
        EXPECT_EQ(put(stack(100, 120, 8)), 0);
        EXPECT_EQ(vma_protect_range(&t, P(100), P(105), PROT_R, NULL, NULL), 0);
        EXPECT_EQ(vma_remove_range(&t, P(105), P(106), NULL, NULL), 0);
        EXPECT(SHAPE({80, 90}, {100, 105}, {106, 120})); // [106, 120)'s guard covers [100, 105)
        EXPECT_EQ(put(anon(105, 106, PROT_RW)), -EEXIST);
        struct vma_tree copy;
        vma_tree_init(&copy, P(0), P(NPAGES), node_alloc, node_free, NULL);
        for (struct vma *v = vma_first(&t); v; v = vma_next(v))
                EXPECT_EQ(vma_insert(&copy, &v->d, NULL), 0);
        EXPECT_EQ(copy.count, 3);
        EXPECT_EQ(vma_check(&copy), 0);
        vma_tree_clear(&copy);
        // Descending order too.
        vma_tree_init(&copy, P(0), P(NPAGES), node_alloc, node_free, NULL);
        for (struct vma *v = vma_find(&t, P(106)); v; v = vma_prev(v))
                EXPECT_EQ(vma_insert(&copy, &v->d, NULL), 0);
        EXPECT_EQ(copy.count, 3);
        vma_tree_clear(&copy);
        // A piece grows into the other's guard gap, not into other regions'.
        struct vma *lo = vma_find(&t, P(100));
        EXPECT_EQ(vma_expand(&t, lo, P(100), P(107)), -EEXIST);
        EXPECT_EQ(vma_expand(&t, lo, P(100), P(106)), 0);
        EXPECT_EQ(vma_expand(&t, lo, P(97), P(106)), -EEXIST); // guard reaches 90
        EXPECT_EQ(vma_expand(&t, lo, P(98), P(106)), 0);
        // A stack with another guard size is another stack.
        EXPECT_EQ(put(stack(70, 72, 4)), 0);
        EXPECT_EQ(put(stack(92, 93, 4)), -EEXIST); // in [98, 106)'s guard gap
        EXPECT(SHAPE({70, 72}, {80, 90}, {98, 106}, {106, 120}));
        done();
}

// --- Free-range search --------------------------------------------------------

static void find_free_topdown(void)
{
        setup();
        // Free: [0, 10) [12, 20) [21, 24) [26, 40) [42, NPAGES).
        EXPECT_EQ(put(anon(10, 12, PROT_R)), 0);
        EXPECT_EQ(put(anon(20, 21, PROT_R)), 0);
        EXPECT_EQ(put(anon(24, 26, PROT_R)), 0);
        EXPECT_EQ(put(anon(40, 42, PROT_R)), 0);
        uint64_t a;
        EXPECT_EQ(vma_find_free(&t, 4 * PG, PG, 0, ~0ull, &a), 0);
        EXPECT_EQ(a, P(NPAGES - 4)); // the top gap first
        EXPECT_EQ(vma_find_free(&t, 4 * PG, PG, 0, P(40), &a), 0);
        EXPECT_EQ(a, P(36));
        EXPECT_EQ(vma_find_free(&t, 14 * PG, PG, 0, P(40), &a), 0); // exact fit
        EXPECT_EQ(a, P(26));
        EXPECT_EQ(vma_find_free(&t, 3 * PG, PG, 0, P(26), &a), 0); // exact fit
        EXPECT_EQ(a, P(21));
        EXPECT_EQ(vma_find_free(&t, 8 * PG, PG, 0, P(26), &a), 0); // exact fit
        EXPECT_EQ(a, P(12));
        EXPECT_EQ(vma_find_free(&t, 9 * PG, PG, 0, P(26), &a), 0);
        EXPECT_EQ(a, P(1));
        EXPECT_EQ(vma_find_free(&t, 11 * PG, PG, 0, P(26), &a), -ENOMEM); // no room
        EXPECT_EQ(vma_find_free(&t, 2 * PG, PG, P(13), P(19), &a), 0);    // window
        EXPECT_EQ(a, P(17));
        EXPECT_EQ(vma_find_free(&t, 2 * PG, PG, P(20), P(22), &a), -ENOMEM);
        EXPECT_EQ(vma_find_free(&t, 0, PG, 0, ~0ull, &a), -EINVAL);
        EXPECT_EQ(vma_find_free(&t, PG + 1, PG, 0, ~0ull, &a), -EINVAL);
        EXPECT_EQ(vma_find_free(&t, PG, 3 * PG, 0, ~0ull, &a), -EINVAL);
        EXPECT_EQ(vma_find_free(&t, PG, PG / 2, 0, ~0ull, &a), -EINVAL);
        done();
}

static void find_free_alignment(void)
{
        setup();
        const uint64_t align = 16 * PG; // BASE is 256 pages: P(16k) is aligned
        // Fill all but [32, 48) (aligned, exactly 16 pages), [60, 76) (16 pages,
        // unaligned) and [100, 120).
        EXPECT_EQ(put(anon(0, 32, PROT_R)), 0);
        EXPECT_EQ(put(anon(48, 60, PROT_R)), 0);
        EXPECT_EQ(put(anon(76, 100, PROT_R)), 0);
        EXPECT_EQ(put(anon(120, NPAGES, PROT_R)), 0);
        // A gap qualifies when it holds len + align - PG: 4 pages at 16 need 19.
        uint64_t a;
        EXPECT_EQ(vma_find_free(&t, 4 * PG, align, 0, ~0ull, &a), 0);
        EXPECT_EQ(a, P(112));
        EXPECT_EQ(vma_find_free(&t, 5 * PG, align, 0, ~0ull, &a), 0); // needs all 20
        EXPECT_EQ(a, P(112));
        EXPECT_EQ(vma_find_free(&t, PG, align, 0, P(100), &a), 0); // needs 16
        EXPECT_EQ(a, P(64));
        EXPECT_EQ(vma_find_free(&t, PG, align, 0, P(74), &a), 0); // [60, 74) too short
        EXPECT_EQ(a, P(32));
        EXPECT_EQ(vma_find_free(&t, 6 * PG, align, 0, ~0ull, &a), -ENOMEM);
        // The aligned exact fit [32, 48) is not found: Linux's rule (it would
        // cost a visit per long-enough misaligned gap).
        EXPECT_EQ(vma_find_free(&t, 16 * PG, align, 0, ~0ull, &a), -ENOMEM);
        EXPECT_EQ(vma_find_free(&t, 17 * PG, PG, 0, ~0ull, &a), 0); // page aligned: exact
        EXPECT_EQ(a, P(103));
        EXPECT_EQ(vma_find_free(&t, 16 * PG, PG, 0, P(100), &a), 0);
        EXPECT_EQ(a, P(60));
        EXPECT_EQ(vma_find_free(&t, PG, 1ull << 62, 0, ~0ull, &a), -ENOMEM); // huge align
        EXPECT_EQ(vma_find_free(&t, PG, 1ull << 63, 0, ~0ull, &a), -ENOMEM); // need overflows
        done();
}

// --- Expand -------------------------------------------------------------------

static void expand_stack_and_heap(void)
{
        setup();
        struct region_desc h = anon(10, 12, PROT_RW);
        h.kind = RK_HEAP, h.limit = P(40);
        struct vma *heap, *stk;
        EXPECT_EQ(vma_insert(&t, &h, &heap), 0);
        struct region_desc s = stack(100, 110, 8);
        s.limit = P(60);
        EXPECT_EQ(vma_insert(&t, &s, &stk), 0);
        EXPECT_EQ(put(anon(45, 47, PROT_RW)), 0);
        EXPECT_EQ(vma_expand(&t, heap, P(10), P(30)), 0);
        EXPECT_EQ(vma_expand(&t, stk, P(80), P(110)), 0);
        EXPECT(SHAPE({10, 30}, {45, 47}, {80, 110}));
        // Refusals: misaligned, shrinking, beyond the limit, into a
        // neighbour, into a guard gap, a file region's start, outside.
        EXPECT_EQ(vma_expand(&t, heap, P(10), P(31) + 8), -EINVAL);
        EXPECT_EQ(vma_expand(&t, heap, P(10), P(29)), -EINVAL);
        EXPECT_EQ(vma_expand(&t, heap, P(11), P(30)), -EINVAL);
        EXPECT_EQ(vma_expand(&t, heap, P(10), P(41)), -ENOMEM);
        EXPECT_EQ(vma_expand(&t, stk, P(59), P(110)), -ENOMEM);
        EXPECT_EQ(vma_expand(&t, stk, P(54), P(110)), -ENOMEM);
        EXPECT_EQ(vma_expand(&t, stk, P(60), P(110)), 0); // its guard [52, 60) is free
        EXPECT_EQ(vma_expand(&t, stk, P(60), P(NPAGES + 1)), -EINVAL);
        EXPECT(SHAPE({10, 30}, {45, 47}, {60, 110}));
        struct vma *mid = vma_find(&t, P(45));
        EXPECT_EQ(vma_expand(&t, mid, P(45), P(53)), -EEXIST); // stack guard [52, 60)
        EXPECT_EQ(vma_expand(&t, mid, P(45), P(52)), 0);
        s = stack(200, 210, 8);
        EXPECT_EQ(vma_insert(&t, &s, &stk), 0);
        EXPECT_EQ(put(anon(180, 190, PROT_RW)), 0);
        EXPECT_EQ(vma_expand(&t, stk, P(197), P(210)), -EEXIST); // guard reaches 190
        EXPECT_EQ(vma_expand(&t, stk, P(198), P(210)), 0);
        EXPECT_EQ(vma_expand(&t, heap, P(10), P(45)), -ENOMEM); // limit first
        struct region_desc f = text(300, 302, 0, 2 * PG);
        struct vma *fv;
        EXPECT_EQ(vma_insert(&t, &f, &fv), 0);
        EXPECT_EQ(vma_expand(&t, fv, P(299), P(302)), -EINVAL);
        EXPECT_EQ(vma_expand(&t, fv, P(300), P(304)), 0); // zero-filled end
        EXPECT_EQ(fv->d.file_size, 2 * PG);
        EXPECT_EQ(vma_check(&t), 0);
        done();
}

static void expand_merges(void)
{
        setup();
        struct vma *v;
        struct region_desc d = anon(20, 22, PROT_RW);
        EXPECT_EQ(vma_insert(&t, &d, &v), 0);
        EXPECT_EQ(put(anon(10, 15, PROT_RW)), 0);
        EXPECT_EQ(put(anon(25, 30, PROT_RW)), 0);
        EXPECT_EQ(vma_expand(&t, v, P(15), P(25)), 0); // touches both: one region
        EXPECT(SHAPE({10, 30}));
        EXPECT_EQ(v->d.start, P(10)); // v still holds the range
        EXPECT_EQ(v->d.end, P(30));
        EXPECT_EQ(live_nodes, 1);
        done();
}

// --- vma_check finds damage ---------------------------------------------------

static void check_detects(void)
{
        setup();
        for (int i = 0; i < 20; i++)
                EXPECT_EQ(put(anon(3 * i, 3 * i + 2, PROT_RW)), 0);
        EXPECT_EQ(vma_check(&t), 0);
        struct vma *v = vma_find(&t, P(30));
        v->gap += PG;
        EXPECT(vma_check(&t) < 0);
        v->gap -= PG;
        v->subtree_gap += PG;
        EXPECT(vma_check(&t) < 0);
        v->subtree_gap -= PG;
        v->height++;
        EXPECT(vma_check(&t) < 0);
        v->height--;
        v->d.end += PG;
        EXPECT(vma_check(&t) < 0); // touches and mergeable
        v->d.end -= PG;
        t.count++;
        EXPECT(vma_check(&t) < 0);
        t.count--;
        EXPECT_EQ(vma_check(&t), 0);
        done();
}

// Ascending and descending inserts of many regions keep AVL height.
static void balance(void)
{
        setup();
        for (int i = 0; i < 300; i++)
                EXPECT_EQ(put(anon(2 * i, 2 * i + 1, PROT_RW)), 0);
        EXPECT_EQ(vma_check(&t), 0);
        EXPECT(t.root->height <= 12); // 1.44 log2(302)
        for (int i = 0; i < 300; i += 2)
                EXPECT_EQ(vma_remove_range(&t, P(2 * i), P(2 * i + 1), NULL, NULL), 0);
        EXPECT_EQ(vma_check(&t), 0);
        EXPECT_EQ(t.count, 150);
        done();
        EXPECT_EQ(live_nodes, 0);
}

#include "model.h"

int main(void)
{
        setvbuf(stdout, NULL, _IONBF, 0); // every line out, even if LeakSanitizer ends us
        h_suite = "vma";
        RUN(mergeable_rules);
        RUN(mergeable_files);
        RUN(kind_names);
        RUN(empty_tree);
        RUN(find_and_walk);
        RUN(insert_refusals);
        RUN(insert_merges);
        RUN(never_merge_kinds);
        RUN(file_merges_and_offsets);
        RUN(data_off_split);
        RUN(remove_middle);
        RUN(remove_across);
        RUN(protect_split_and_back);
        RUN(protect_refusals);
        RUN(protect_across_merges);
        RUN(guard_gaps);
        RUN(stack_pieces);
        RUN(find_free_topdown);
        RUN(find_free_alignment);
        RUN(expand_stack_and_heap);
        RUN(expand_merges);
        RUN(check_detects);
        RUN(balance);
        RUN(random_ops);
        setup();
        return DONE();
}
