// SPDX-License-Identifier: MIT
// The region map of one address space: an AVL tree of non-overlapping
// regions keyed by address, augmented with the largest free gap in each
// subtree (as Linux's rb_subtree_gap), so that lookup and the top-down search
// for a free range are O(log n). Regions stay maximal: touching regions that
// region_mergeable() allows are always one node. Node pointers stay valid
// until the next call that changes the tree (a merge may free a node).
// Portable C: host-tested against a page model (tests/host/vma) and
// benchmarked at 10 .. 100,000 regions (bench_vma).
#pragma once
#include "region_desc.h"

struct vma {
        struct region_desc d; // the region (callers may read; change only via the API)
        // Tree linkage and augmentation: private to vma.c.
        struct vma *left, *right, *parent;
        uint64_t gap;         // free space below this region, guard gap excluded (see vma.c)
        uint64_t subtree_gap; // largest gap in this subtree
        int32_t height;       // AVL height (a leaf is 1)
        uint32_t pad;
};

struct vma_tree {
        struct vma *root;
        size_t count;
        uint64_t lo, hi; // the address range regions may occupy
        // Node memory: the tree calls these (splits need new nodes).
        struct vma *(*alloc)(void *ctx);
        void (*free)(void *ctx, struct vma *v);
        void *ctx;
        uint64_t visits; // nodes visited by lookups and searches (benchmarks)
};

void vma_tree_init(struct vma_tree *t, uint64_t lo, uint64_t hi, struct vma *(*alloc)(void *),
                   void (*free)(void *, struct vma *), void *ctx);
// Frees every node.
void vma_tree_clear(struct vma_tree *t);

// The region containing addr, or NULL. O(log n).
struct vma *vma_find(struct vma_tree *t, uint64_t addr);
// The first region with end > addr (containing addr or above it), or NULL.
struct vma *vma_find_above(struct vma_tree *t, uint64_t addr);
// In-order neighbours.
struct vma *vma_next(const struct vma *v);
struct vma *vma_prev(const struct vma *v);
struct vma *vma_first(const struct vma_tree *t);

// Inserts a region. -EINVAL for an unaligned or empty range or one outside
// [lo, hi); -EEXIST if it overlaps a region, or lies in the guard gap below
// the next region up (its guard_below), or its own guard gap would cover the
// region below; -ENOMEM if alloc fails. Merges with touching neighbours when
// region_mergeable() allows. Returns 0 and, if out is not NULL, the node now
// holding the range.
int vma_insert(struct vma_tree *t, const struct region_desc *d, struct vma **out);

// Top-down search for a free, `align`-aligned range of len bytes inside
// [lo, hi) (cut to the tree's), counting guard gaps as taken: the highest
// aligned address in the highest free gap that holds len + align - page size
// bytes inside [lo, hi) (Linux's vm_unmapped_area rule: exact for page
// alignment; with a larger one, a gap that fits only at a lucky alignment is
// passed over, which keeps the search O(log n)). Returns 0 and the address,
// -EINVAL (len 0 or unaligned, align not a power of two >= page size), or
// -ENOMEM.
int vma_find_free(struct vma_tree *t, uint64_t len, uint64_t align, uint64_t lo, uint64_t hi,
                  uint64_t *addr);

// Removes [start, end) from every region it touches, splitting regions that
// stick out on either side. For every removed piece calls cb (may be NULL)
// before the nodes change. Returns 0 (also when nothing was mapped), -EINVAL
// (unaligned, empty or outside [lo, hi)), or -ENOMEM (a split needed a node:
// nothing changed then).
int vma_remove_range(struct vma_tree *t, uint64_t start, uint64_t end,
                     void (*cb)(void *ctx, const struct region_desc *piece), void *ctx);

// Sets prot on [start, end), splitting and re-merging as needed. Every byte
// of the range must be covered by regions (-ENOMEM otherwise, Linux's answer;
// also when alloc fails for a split: nothing changed then). -EINVAL as for
// vma_remove_range. Calls cb (may be NULL) for each piece whose protection
// changes, with the new prot set, before the nodes change.
int vma_protect_range(struct vma_tree *t, uint64_t start, uint64_t end, uint32_t prot,
                      void (*cb)(void *ctx, const struct region_desc *piece), void *ctx);

// Moves a region's start down to new_start (stack growth) or its end up to
// new_end (heap growth), or both, keeping the tree valid; v stays the node
// holding the region (it absorbs a neighbour it now may merge with).
// -EINVAL if misaligned, shrinking, outside [lo, hi), or moving the start of
// a file-backed region; -ENOMEM beyond the region's limit (RK_STACK: new_start
// below a non-zero limit; RK_HEAP: new_end above it); -EEXIST if it would
// overlap a neighbour, put the region in the next one's guard gap, or put the
// region below in its own guard gap.
int vma_expand(struct vma_tree *t, struct vma *v, uint64_t new_start, uint64_t new_end);

// Checks every invariant (order, no overlap, balance, augmentation, maximal
// regions); returns 0 or a negative number identifying the broken one (the
// CHECK_* list in vma.c). For tests.
int vma_check(const struct vma_tree *t);
