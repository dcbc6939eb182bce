// SPDX-License-Identifier: MIT
// The region map of one address space: a balanced binary search tree of
// non-overlapping regions keyed by address, augmented with the largest free
// gap in each subtree (as Linux's rb_subtree_gap), so that lookup and the
// top-down search for a free range are O(log n). Portable C: host-tested
// against a reference model and benchmarked at 10 .. 100,000 regions.
#pragma once
#include "region_desc.h"

struct vma {
        struct region_desc d;  // the region (callers may read; change only via the API)
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
// [lo, hi); -EEXIST if it overlaps a region, or lies in the guard gap below a
// stack region (guard_below), or its own guard gap would cover a region.
// Merges with touching neighbours when region_mergeable() allows.
// Returns 0 and, if out is not NULL, the node now holding the range.
int vma_insert(struct vma_tree *t, const struct region_desc *d, struct vma **out);

// Top-down search for a free, `align`-aligned range of len bytes inside
// [lo, hi): the highest address that fits, counting stack guard gaps as taken.
// Returns 0 and the address, or -ENOMEM. O(log n).
int vma_find_free(struct vma_tree *t, uint64_t len, uint64_t align, uint64_t lo, uint64_t hi,
                  uint64_t *addr);

// Removes [start, end) from every region it touches, splitting regions that
// stick out on either side. For every removed piece calls cb (may be NULL)
// before the nodes change. Returns 0, -EINVAL, or -ENOMEM (a split needed a
// node: nothing changed then).
int vma_remove_range(struct vma_tree *t, uint64_t start, uint64_t end,
                     void (*cb)(void *ctx, const struct region_desc *piece), void *ctx);

// Sets prot on [start, end), splitting and re-merging as needed. Every byte
// of the range must be covered by regions (-ENOMEM otherwise, Linux's answer).
// calls cb for each piece whose protection changes (with the new prot set).
int vma_protect_range(struct vma_tree *t, uint64_t start, uint64_t end, uint32_t prot,
                      void (*cb)(void *ctx, const struct region_desc *piece), void *ctx);

// Moves a region's start down to new_start (stack growth) or its end up to
// new_end (heap growth), keeping the tree valid. -EEXIST if that would overlap
// a neighbour or its guard gap, -EINVAL if misaligned.
int vma_expand(struct vma_tree *t, struct vma *v, uint64_t new_start, uint64_t new_end);

// Checks every invariant (order, no overlap, balance, augmentation); returns 0
// or a negative number identifying the broken one. For tests.
int vma_check(const struct vma_tree *t);
