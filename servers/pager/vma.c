// SPDX-License-Identifier: MIT
// The region tree: an AVL tree of non-overlapping regions ordered by address.
//
// AVL rather than red-black: the tree is read far more often (every fault
// looks a region up) than it changes, and AVL's stricter balance (height at
// most 1.44 log2 n against 2 log2 n) means fewer nodes per lookup; with
// parent pointers one upward retrace serves both rebalancing and the gap
// augmentation, which keeps the code short.
//
// Augmentation, as Linux's rb_subtree_gap: each node holds the free gap
// below its region,
//
//      prev end (or tree lo)              start - guard_below    start
//      |<------------------ gap ------------->|<-- guard gap -->|[region ...
//
// (0 when the guard gap reaches the previous region), and subtree_gap is the
// largest gap in its subtree. The free space above the last region, up to
// tree hi, is the "top gap": the search checks it on the rightmost spine.
// Invariants (vma_check): order, no overlap, AVL balance, gaps, and no two
// touching regions that region_mergeable() would join.
#include "vma.h"
#include <mk/errno.h>
#include <mk/layout.h>

#define PAGE_MASK (MK_PAGE_SIZE - 1)

// vma_check() answers.
enum {
        CHECK_OK = 0,
        CHECK_PARENT = -1,   // a child's parent pointer is wrong
        CHECK_HEIGHT = -2,   // a stored height is wrong
        CHECK_BALANCE = -3,  // children's heights differ by more than one
        CHECK_SUBTREE = -4,  // a stored subtree_gap is wrong
        CHECK_RANGE = -5,    // empty, unaligned or outside [lo, hi)
        CHECK_ORDER = -6,    // regions out of order or overlapping
        CHECK_GAP = -7,      // a stored gap is wrong
        CHECK_COUNT = -8,    // count differs from the number of nodes
        CHECK_UNMERGED = -9, // two touching regions should be one
};

static uint64_t max64(uint64_t a, uint64_t b)
{
        return a > b ? a : b;
}

static uint64_t min64(uint64_t a, uint64_t b)
{
        return a < b ? a : b;
}

static int32_t height(const struct vma *v)
{
        return v ? v->height : 0;
}

static uint64_t subtree_gap(const struct vma *v)
{
        return v ? v->subtree_gap : 0;
}

// The free gap below v when the region before it ends at prev_end.
static uint64_t gap_below(const struct vma *v, uint64_t prev_end)
{
        uint64_t space = v->d.start - prev_end;
        return space > v->d.guard_below ? space - v->d.guard_below : 0;
}

// Whether the guard gap below region `stack` keeps region `other` out: it
// keeps out everything but the pieces of the same stack (RK_STACK with the
// same guard_below), which mprotect and munmap leave and fork copies.
static bool guard_keeps_out(const struct region_desc *stack, const struct region_desc *other)
{
        return stack->guard_below && !(stack->kind == RK_STACK && other->kind == RK_STACK &&
                                       stack->guard_below == other->guard_below);
}

// Whether a region ending at `end` lies in the guard gap below r.
static bool in_guard_gap(uint64_t end, const struct region_desc *r)
{
        return r->start < r->guard_below || end > r->start - r->guard_below;
}

// --- Region descriptions: cutting and joining --------------------------------

// File bytes of d that lie below address m (d.start <= m <= d.end).
static uint64_t bytes_below(const struct region_desc *d, uint64_t m)
{
        uint64_t off = m - d->start;
        return off > d->data_off ? min64(off - d->data_off, d->file_size) : 0;
}

// Keeps the part of d below m (d.start < m < d.end).
static void desc_lower(struct region_desc *d, uint64_t m)
{
        if (d->backing != BK_NONE)
                d->file_size = bytes_below(d, m);
        d->end = m;
}

// Keeps the part of d at and above m (d.start < m < d.end): its file bytes
// start past the ones left below.
static void desc_upper(struct region_desc *d, uint64_t m)
{
        if (d->backing != BK_NONE) {
                uint64_t off = m - d->start;
                uint64_t skip = off > d->data_off ? off - d->data_off : 0; // file positions
                d->file_off += skip;
                d->file_size = d->file_size > skip ? d->file_size - skip : 0;
                d->data_off = d->data_off > off ? d->data_off - off : 0;
        }
        d->start = m;
}

// The part of d inside [start, end) (which must intersect it).
static struct region_desc desc_clip(const struct region_desc *d, uint64_t start, uint64_t end)
{
        struct region_desc p = *d;
        if (p.start < start)
                desc_upper(&p, start);
        if (p.end > end)
                desc_lower(&p, end);
        return p;
}

// Appends b to a, for region_mergeable(a, b): with a's bytes filling a, b's
// follow them; with a zeroed tail in a, b holds no bytes.
static void desc_join(struct region_desc *a, const struct region_desc *b)
{
        uint64_t len = a->end - a->start;
        if (a->backing != BK_NONE && a->file_size >= len)
                a->file_size = len + b->file_size;
        a->end = b->end;
}

// --- Tree shape ---------------------------------------------------------------

// Recomputes v's height and subtree gap from its children.
static void update(struct vma *v)
{
        v->height = 1 + (height(v->left) > height(v->right) ? height(v->left) : height(v->right));
        v->subtree_gap = max64(v->gap, max64(subtree_gap(v->left), subtree_gap(v->right)));
}

// Puts child where old was under parent (the root if parent is NULL).
static void replace_child(struct vma_tree *t, struct vma *parent, struct vma *old,
                          struct vma *child)
{
        if (!parent)
                t->root = child;
        else if (parent->left == old)
                parent->left = child;
        else
                parent->right = child;
        if (child)
                child->parent = parent;
}

// Rotates x's right child above x; returns it.
static struct vma *rotate_left(struct vma_tree *t, struct vma *x)
{
        struct vma *y = x->right;
        replace_child(t, x->parent, x, y);
        x->right = y->left;
        if (x->right)
                x->right->parent = x;
        y->left = x;
        x->parent = y;
        update(x);
        update(y);
        return y;
}

// Rotates x's left child above x; returns it.
static struct vma *rotate_right(struct vma_tree *t, struct vma *x)
{
        struct vma *y = x->left;
        replace_child(t, x->parent, x, y);
        x->left = y->right;
        if (x->left)
                x->left->parent = x;
        y->right = x;
        x->parent = y;
        update(x);
        update(y);
        return y;
}

// Updates n and restores its balance; returns the root of n's subtree.
static struct vma *rebalance(struct vma_tree *t, struct vma *n)
{
        update(n);
        int32_t bal = height(n->left) - height(n->right);
        if (bal > 1) {
                if (height(n->left->left) < height(n->left->right))
                        rotate_left(t, n->left);
                return rotate_right(t, n);
        }
        if (bal < -1) {
                if (height(n->right->right) < height(n->right->left))
                        rotate_right(t, n->right);
                return rotate_left(t, n);
        }
        return n;
}

// Rebalances and re-derives heights and subtree gaps from n up to the root.
static void retrace(struct vma_tree *t, struct vma *n)
{
        while (n)
                n = rebalance(t, n)->parent;
}

static struct vma *leftmost(struct vma *v)
{
        while (v && v->left)
                v = v->left;
        return v;
}

static struct vma *rightmost(struct vma *v)
{
        while (v && v->right)
                v = v->right;
        return v;
}

// The end of the region before v, or tree lo.
static uint64_t prev_end(const struct vma_tree *t, const struct vma *v)
{
        const struct vma *p = vma_prev(v);
        return p ? p->d.end : t->lo;
}

// Re-derives v's gap after its start or its predecessor's end moved.
static void refresh(struct vma_tree *t, struct vma *v)
{
        if (!v)
                return;
        v->gap = gap_below(v, prev_end(t, v));
        retrace(t, v);
}

// Links node v (holding a range that overlaps nothing) into the tree.
static void link_node(struct vma_tree *t, struct vma *v)
{
        struct vma *parent = NULL, **slot = &t->root, *pred = NULL, *succ = NULL;
        while (*slot) {
                parent = *slot;
                if (v->d.start < parent->d.start) {
                        succ = parent;
                        slot = &parent->left;
                } else {
                        pred = parent;
                        slot = &parent->right;
                }
        }
        *slot = v;
        v->parent = parent;
        v->left = v->right = NULL;
        v->gap = gap_below(v, pred ? pred->d.end : t->lo);
        if (succ)
                succ->gap = gap_below(succ, v->d.end);
        t->count++;
        retrace(t, v);
        if (succ)
                retrace(t, succ);
}

// Takes v out of the tree (the caller frees it). The region after v now
// follows the region before v: v's range becomes free space.
static void unlink_node(struct vma_tree *t, struct vma *v)
{
        struct vma *succ = vma_next(v), *from;
        if (succ)
                succ->gap = gap_below(succ, prev_end(t, v));
        if (!v->left || !v->right) {
                from = v->parent;
                replace_child(t, v->parent, v, v->left ? v->left : v->right);
        } else {
                // succ is the leftmost node of v's right subtree: it takes v's place.
                if (succ->parent == v) {
                        from = succ;
                } else {
                        from = succ->parent;
                        replace_child(t, succ->parent, succ, succ->right);
                        succ->right = v->right;
                        succ->right->parent = succ;
                }
                succ->left = v->left;
                succ->left->parent = succ;
                replace_child(t, v->parent, v, succ);
        }
        t->count--;
        retrace(t, from);
        if (succ)
                retrace(t, succ);
}

// Merges b (right after a, region_mergeable) into a and frees b.
static void absorb_next(struct vma_tree *t, struct vma *a, struct vma *b)
{
        desc_join(&a->d, &b->d);
        unlink_node(t, b);
        t->free(t->ctx, b);
}

// The first region with end > addr, without counting visits.
static struct vma *first_above(const struct vma_tree *t, uint64_t addr)
{
        struct vma *n = t->root, *best = NULL;
        while (n) {
                if (n->d.end > addr) {
                        best = n;
                        if (n->d.start <= addr)
                                break;
                        n = n->left;
                } else {
                        n = n->right;
                }
        }
        return best;
}

// Whether [start, end) is a non-empty page-aligned range inside [lo, hi).
static bool range_ok(const struct vma_tree *t, uint64_t start, uint64_t end)
{
        return start < end && !((start | end) & PAGE_MASK) && start >= t->lo && end <= t->hi;
}

// --- The API --------------------------------------------------------------------

void vma_tree_init(struct vma_tree *t, uint64_t lo, uint64_t hi, struct vma *(*alloc)(void *),
                   void (*free)(void *, struct vma *), void *ctx)
{
        *t = (struct vma_tree){.lo = lo, .hi = hi, .alloc = alloc, .free = free, .ctx = ctx};
}

void vma_tree_clear(struct vma_tree *t)
{
        struct vma *n = t->root;
        while (n) {
                if (n->left) {
                        n = n->left;
                } else if (n->right) {
                        n = n->right;
                } else {
                        struct vma *p = n->parent;
                        if (p && p->left == n)
                                p->left = NULL;
                        else if (p)
                                p->right = NULL;
                        t->free(t->ctx, n);
                        n = p;
                }
        }
        t->root = NULL;
        t->count = 0;
}

struct vma *vma_find(struct vma_tree *t, uint64_t addr)
{
        struct vma *n = t->root;
        while (n) {
                t->visits++;
                if (addr < n->d.start)
                        n = n->left;
                else if (addr >= n->d.end)
                        n = n->right;
                else
                        return n;
        }
        return NULL;
}

struct vma *vma_find_above(struct vma_tree *t, uint64_t addr)
{
        struct vma *n = t->root, *best = NULL;
        while (n) {
                t->visits++;
                if (n->d.end > addr) {
                        best = n;
                        if (n->d.start <= addr)
                                break;
                        n = n->left;
                } else {
                        n = n->right;
                }
        }
        return best;
}

struct vma *vma_next(const struct vma *v)
{
        if (v->right)
                return leftmost(v->right);
        while (v->parent && v->parent->right == v)
                v = v->parent;
        return v->parent;
}

struct vma *vma_prev(const struct vma *v)
{
        if (v->left)
                return rightmost(v->left);
        while (v->parent && v->parent->left == v)
                v = v->parent;
        return v->parent;
}

struct vma *vma_first(const struct vma_tree *t)
{
        return leftmost(t->root);
}

int vma_insert(struct vma_tree *t, const struct region_desc *d, struct vma **out)
{
        if (!range_ok(t, d->start, d->end))
                return -EINVAL;
        struct vma *next = first_above(t, d->start);
        if (next && next->d.start < d->end)
                return -EEXIST;
        struct vma *prev = next ? vma_prev(next) : rightmost(t->root);
        if (next && guard_keeps_out(&next->d, d) && in_guard_gap(d->end, &next->d))
                return -EEXIST; // in the guard gap below next
        if (prev && guard_keeps_out(d, &prev->d) && in_guard_gap(prev->d.end, d))
                return -EEXIST; // our guard gap would cover prev

        struct region_desc m = *d;
        bool with_prev = prev && region_mergeable(&prev->d, &m);
        if (with_prev) {
                struct region_desc joined = prev->d;
                desc_join(&joined, &m);
                m = joined;
        }
        if (next && region_mergeable(&m, &next->d)) {
                desc_join(&m, &next->d);
                if (with_prev) { // prev swallows d and next
                        prev->d = m;
                        unlink_node(t, next);
                        t->free(t->ctx, next);
                        next = prev;
                } else { // next grows down over d
                        next->d = m;
                        refresh(t, next);
                }
        } else if (with_prev) { // prev grows up over d
                prev->d = m;
                refresh(t, next);
                next = prev;
        } else {
                next = t->alloc(t->ctx);
                if (!next)
                        return -ENOMEM;
                next->d = m;
                link_node(t, next);
        }
        if (out)
                *out = next;
        return 0;
}

// The free-range query: len bytes at an align-aligned address in [lo, hi).
// A gap qualifies when it holds need = len + align - page size bytes (inside
// [lo, hi)): enough at any alignment, so that every subtree whose
// subtree_gap reaches need holds an answer and the search never backtracks
// over gaps that are long enough but wrongly aligned (Linux's
// vm_unmapped_area rule; with page alignment it is exact).
struct query {
        uint64_t len, align, need, lo, hi;
};

// The highest aligned address for the query in the free range [gs, ge), if
// that range (cut to [lo, hi)) qualifies.
static bool fit(const struct query *q, uint64_t gs, uint64_t ge, uint64_t *addr)
{
        gs = max64(gs, q->lo);
        ge = min64(ge, q->hi);
        if (ge <= gs || ge - gs < q->need)
                return false;
        *addr = (ge - q->len) & ~(q->align - 1);
        return true;
}

// Top-down search of n's subtree: the gaps of its right subtree, its own
// gap, then its left subtree. On the rightmost spine (spine), the top gap
// above the last region comes first, and subtree_gap does not bound it.
static bool search(struct vma_tree *t, struct vma *n, const struct query *q, bool spine,
                   uint64_t *addr)
{
        if (!n)
                return false;
        t->visits++;
        bool inside = n->subtree_gap >= q->need; // a gap in this subtree qualifies
        if (!spine && !inside)
                return false;
        // Everything above n starts at n's end or higher.
        if (n->d.end <= q->hi - q->need) {
                if (n->right ? search(t, n->right, q, spine, addr)
                             : spine && fit(q, n->d.end, t->hi, addr))
                        return true;
        }
        if (!inside)
                return false;
        if (n->gap >= q->need) {
                uint64_t ge = n->d.start - n->d.guard_below;
                if (fit(q, ge - n->gap, ge, addr))
                        return true;
        }
        // Everything below n ends at n's start or lower.
        return n->d.start >= q->lo + q->need && search(t, n->left, q, false, addr);
}

int vma_find_free(struct vma_tree *t, uint64_t len, uint64_t align, uint64_t lo, uint64_t hi,
                  uint64_t *addr)
{
        if (!len || (len & PAGE_MASK) || align < MK_PAGE_SIZE || (align & (align - 1)))
                return -EINVAL;
        struct query q = {len, align, len + (align - MK_PAGE_SIZE), max64(lo, t->lo),
                          min64(hi, t->hi)};
        if (q.need < len || q.hi <= q.lo || q.hi - q.lo < q.need)
                return -ENOMEM;
        if (!t->root)
                return fit(&q, t->lo, t->hi, addr) ? 0 : -ENOMEM;
        return search(t, t->root, &q, true, addr) ? 0 : -ENOMEM;
}

int vma_remove_range(struct vma_tree *t, uint64_t start, uint64_t end,
                     void (*cb)(void *ctx, const struct region_desc *piece), void *ctx)
{
        if (!range_ok(t, start, end))
                return -EINVAL;
        struct vma *v = first_above(t, start), *spare = NULL;
        if (v && v->d.start < start && v->d.end > end) { // a hole in the middle of v
                spare = t->alloc(t->ctx);
                if (!spare)
                        return -ENOMEM;
        }
        if (cb)
                for (struct vma *w = v; w && w->d.start < end; w = vma_next(w)) {
                        struct region_desc piece = desc_clip(&w->d, start, end);
                        cb(ctx, &piece);
                }
        while (v && v->d.start < end) {
                struct vma *next = vma_next(v);
                if (spare) {
                        spare->d = v->d;
                        desc_upper(&spare->d, end);
                        desc_lower(&v->d, start);
                        link_node(t, spare); // also re-derives next's gap
                        break;
                }
                if (v->d.start < start) {
                        desc_lower(&v->d, start);
                        refresh(t, next);
                } else if (v->d.end > end) {
                        desc_upper(&v->d, end);
                        refresh(t, v);
                } else {
                        unlink_node(t, v);
                        t->free(t->ctx, v);
                }
                v = next;
        }
        return 0;
}

// Splits v at m (v.start < m < v.end) using node n for the upper part.
static void split_at(struct vma_tree *t, struct vma *v, uint64_t m, struct vma *n)
{
        n->d = v->d;
        desc_upper(&n->d, m);
        desc_lower(&v->d, m);
        link_node(t, n);
}

int vma_protect_range(struct vma_tree *t, uint64_t start, uint64_t end, uint32_t prot,
                      void (*cb)(void *ctx, const struct region_desc *piece), void *ctx)
{
        if (!range_ok(t, start, end))
                return -EINVAL;
        struct vma *first = first_above(t, start), *last = NULL;
        uint64_t at = start;
        for (struct vma *w = first; at < end; w = vma_next(w)) {
                if (!w || w->d.start > at)
                        return -ENOMEM; // a hole in the range
                at = w->d.end;
                last = w;
        }
        // Nodes for the splits at start and end: all or nothing.
        struct vma *spare[2] = {NULL, NULL};
        int need = (first->d.start < start && first->d.prot != prot) +
                   (last->d.end > end && last->d.prot != prot);
        for (int i = 0; i < need; i++) {
                spare[i] = t->alloc(t->ctx);
                if (!spare[i]) {
                        if (i)
                                t->free(t->ctx, spare[0]);
                        return -ENOMEM;
                }
        }
        if (cb)
                for (struct vma *w = first; w && w->d.start < end; w = vma_next(w))
                        if (w->d.prot != prot) {
                                struct region_desc piece = desc_clip(&w->d, start, end);
                                piece.prot = prot;
                                cb(ctx, &piece);
                        }
        int used = 0;
        for (struct vma *w = first; w && w->d.start < end; w = vma_next(w)) {
                if (w->d.prot == prot)
                        continue;
                if (w->d.start < start) {
                        split_at(t, w, start, spare[used]);
                        w = spare[used++];
                }
                if (w->d.end > end)
                        split_at(t, w, end, spare[used++]);
                w->d.prot = prot;
        }
        // Re-merge across every boundary in [start, end].
        struct vma *a = first_above(t, start ? start - 1 : 0);
        for (struct vma *b; (b = vma_next(a)) && b->d.start <= end;) {
                if (region_mergeable(&a->d, &b->d))
                        absorb_next(t, a, b);
                else
                        a = b;
        }
        return 0;
}

int vma_expand(struct vma_tree *t, struct vma *v, uint64_t new_start, uint64_t new_end)
{
        struct region_desc *d = &v->d;
        if (((new_start | new_end) & PAGE_MASK) || new_start > d->start || new_end < d->end ||
            new_start < t->lo || new_end > t->hi)
                return -EINVAL;
        if (new_start < d->start && d->backing != BK_NONE)
                return -EINVAL; // file offsets cannot move below the file
        if ((d->kind == RK_STACK && d->limit && new_start < d->limit) ||
            (d->kind == RK_HEAP && d->limit && new_end > d->limit))
                return -ENOMEM;
        struct vma *prev = vma_prev(v), *next = vma_next(v);
        struct region_desc grown = *d;
        grown.start = new_start, grown.end = new_end;
        if (prev && new_start < d->start &&
            (new_start < prev->d.end ||
             (guard_keeps_out(&grown, &prev->d) && in_guard_gap(prev->d.end, &grown))))
                return -EEXIST;
        if (next && new_end > d->end &&
            (new_end > next->d.start ||
             (guard_keeps_out(&next->d, &grown) && in_guard_gap(new_end, &next->d))))
                return -EEXIST;
        if (new_start < d->start) {
                d->start = new_start;
                refresh(t, v);
        }
        if (new_end > d->end) {
                d->end = new_end;
                refresh(t, next);
        }
        // Keep regions maximal; v stays the node holding the range.
        if (prev && region_mergeable(&prev->d, d)) {
                struct region_desc joined = prev->d;
                desc_join(&joined, d);
                *d = joined;
                unlink_node(t, prev); // v's gap now comes from below prev
                t->free(t->ctx, prev);
        }
        if (next && region_mergeable(d, &next->d))
                absorb_next(t, v, next);
        return 0;
}

// Checks n's subtree: parents, heights, balance, subtree gaps. Returns the
// height or a CHECK_* error.
static int32_t check_shape(const struct vma *n)
{
        if (!n)
                return 0;
        if ((n->left && n->left->parent != n) || (n->right && n->right->parent != n))
                return CHECK_PARENT;
        int32_t hl = check_shape(n->left), hr = check_shape(n->right);
        if (hl < 0)
                return hl;
        if (hr < 0)
                return hr;
        if (n->height != 1 + (hl > hr ? hl : hr))
                return CHECK_HEIGHT;
        if (hl - hr > 1 || hr - hl > 1)
                return CHECK_BALANCE;
        if (n->subtree_gap != max64(n->gap, max64(subtree_gap(n->left), subtree_gap(n->right))))
                return CHECK_SUBTREE;
        return n->height;
}

int vma_check(const struct vma_tree *t)
{
        if (t->root && t->root->parent)
                return CHECK_PARENT;
        int32_t h = check_shape(t->root);
        if (h < 0)
                return h;
        size_t n = 0;
        const struct vma *prev = NULL;
        for (const struct vma *v = vma_first(t); v; prev = v, v = vma_next(v), n++) {
                if (!range_ok(t, v->d.start, v->d.end))
                        return CHECK_RANGE;
                if (prev && prev->d.end > v->d.start)
                        return CHECK_ORDER;
                if (v->gap != gap_below(v, prev ? prev->d.end : t->lo))
                        return CHECK_GAP;
                if (prev && region_mergeable(&prev->d, &v->d))
                        return CHECK_UNMERGED;
        }
        return n == t->count ? CHECK_OK : CHECK_COUNT;
}
