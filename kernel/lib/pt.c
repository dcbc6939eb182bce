// SPDX-License-Identifier: MIT
// Generic page-table walker over the arch entry format in <arch/pte.h> (see
// kernel/include/kernel/pt.h for the contract and the level diagram).
#include <arch/pte.h>
#include <kernel/pt.h>
#include <mk/errno.h>

#define PT_TOP (PT_LEVELS - 1)

#ifdef KERNEL
// In the kernel every table is reached through the direct map: inline it,
// it is on the fault path (once per level).
#include <arch/memlayout.h>
#define pt_table_virt(pa) ((pte_t *)phys_to_virt(pa))
#endif

// Returns the table at `level` covering va, walking down from root and
// creating missing tables when `alloc` is set. NULL with *err on failure:
// -ENOMEM (no table frame), -EEXIST (a larger leaf covers va), -ENOENT.
static pte_t *walk(paddr_t root, vaddr_t va, int level, bool alloc, int *err)
{
        pte_t *t = pt_table_virt(root);
        for (int l = PT_TOP; l > level; l--) {
                pte_t *e = &t[PT_INDEX(va, l)];
                if (!pte_present(*e)) {
                        if (!alloc) {
                                *err = -ENOENT;
                                return NULL;
                        }
                        paddr_t nt = pt_table_alloc();
                        if (!nt) {
                                *err = -ENOMEM;
                                return NULL;
                        }
                        *e = pte_make_table(nt);
                } else if (!pte_is_table(*e, l)) {
                        *err = -EEXIST;
                        return NULL;
                }
                t = pt_table_virt(pte_paddr(*e));
        }
        return t;
}

int pt_map(paddr_t root, vaddr_t va, paddr_t pa, int level, unsigned flags)
{
        int err = 0;
        if (level < 0 || level > PT_TOP || !pte_leaf_allowed(level))
                return -EINVAL;
        uint64_t size = PT_LEVEL_SIZE(level);
        if (!IS_ALIGNED(va, size) || !IS_ALIGNED(pa, size))
                return -EINVAL;
        pte_t *t = walk(root, va, level, true, &err);
        if (!t)
                return err;
        pte_t *e = &t[PT_INDEX(va, level)];
        if (pte_present(*e))
                return -EEXIST;
        *e = pte_make_leaf(pa, flags, level);
        return 0;
}

int pt_map_replace(paddr_t root, vaddr_t va, paddr_t pa, unsigned flags)
{
        int err = 0;
        if (!IS_ALIGNED(va, PAGE_SIZE) || !IS_ALIGNED(pa, PAGE_SIZE))
                return -EINVAL;
        pte_t *t = walk(root, va, 0, true, &err);
        if (!t)
                return err;
        pte_t *e = &t[PT_INDEX(va, 0)];
        int replaced = pte_present(*e);
        *e = pte_make_leaf(pa, flags, 0);
        return replaced;
}

// Largest level whose leaf fits at va/pa with len bytes left.
static int best_level(vaddr_t va, paddr_t pa, uint64_t len)
{
        for (int l = PT_TOP; l > 0; l--) {
                uint64_t size = PT_LEVEL_SIZE(l);
                if (pte_leaf_allowed(l) && IS_ALIGNED(va, size) && IS_ALIGNED(pa, size) &&
                    len >= size)
                        return l;
        }
        return 0;
}

int pt_map_range(paddr_t root, vaddr_t va, paddr_t pa, uint64_t len, unsigned flags)
{
        if (!IS_ALIGNED(va, PAGE_SIZE) || !IS_ALIGNED(pa, PAGE_SIZE) ||
            !IS_ALIGNED(len, PAGE_SIZE) || va + len < va)
                return -EINVAL;
        uint64_t done = 0;
        while (done < len) {
                int l = best_level(va + done, pa + done, len - done);
                int err = pt_map(root, va + done, pa + done, l, flags);
                if (err) {
                        // Undo: every leaf mapped so far starts inside [va, va+done).
                        uint64_t off = 0;
                        while (off < done) {
                                int ul = 0;
                                pt_unmap(root, va + off, NULL, &ul);
                                off += PT_LEVEL_SIZE(ul);
                        }
                        return err;
                }
                done += PT_LEVEL_SIZE(l);
        }
        return 0;
}

// Finds the leaf covering va: returns its entry and level, or NULL.
static pte_t *find_leaf(paddr_t root, vaddr_t va, int *level)
{
        pte_t *t = pt_table_virt(root);
        for (int l = PT_TOP; l >= 0; l--) {
                pte_t *e = &t[PT_INDEX(va, l)];
                if (!pte_present(*e))
                        return NULL;
                if (l == 0 || !pte_is_table(*e, l)) {
                        *level = l;
                        return e;
                }
                t = pt_table_virt(pte_paddr(*e));
        }
        return NULL;
}

int pt_unmap(paddr_t root, vaddr_t va, paddr_t *pa_out, int *level_out)
{
        int l;
        pte_t *e = find_leaf(root, va, &l);
        if (!e)
                return -ENOENT;
        if (!IS_ALIGNED(va, PT_LEVEL_SIZE(l)))
                return -EINVAL;
        if (pa_out)
                *pa_out = pte_paddr(*e);
        if (level_out)
                *level_out = l;
        *e = 0;
        return 0;
}

int pt_translate(paddr_t root, vaddr_t va, paddr_t *pa_out, unsigned *flags_out, int *level_out)
{
        int l;
        pte_t *e = find_leaf(root, va, &l);
        if (!e)
                return -ENOENT;
        if (pa_out)
                *pa_out = pte_paddr(*e) + (va & (PT_LEVEL_SIZE(l) - 1));
        if (flags_out)
                *flags_out = pte_flags(*e, l);
        if (level_out)
                *level_out = l;
        return 0;
}

static uint64_t unmap_level(pte_t *t, int l, vaddr_t base, vaddr_t lo, vaddr_t hi,
                            void (*cb)(void *, vaddr_t, paddr_t), bool (*match)(void *, paddr_t),
                            void *ctx)
{
        uint64_t size = PT_LEVEL_SIZE(l), n = 0;
        unsigned first = base < lo ? (unsigned)((lo - base) / size) : 0;
        for (unsigned i = first; i < PT_ENTRIES; i++) {
                vaddr_t s = base + i * size;
                if (s >= hi)
                        break;
                if (!pte_present(t[i]))
                        continue;
                if (l > 0 && pte_is_table(t[i], l)) {
                        n += unmap_level(pt_table_virt(pte_paddr(t[i])), l - 1, s, lo, hi, cb,
                                         match, ctx);
                } else if (l == 0 && (!match || match(ctx, pte_paddr(t[i])))) {
                        if (cb)
                                cb(ctx, s, pte_paddr(t[i]));
                        t[i] = 0;
                        n++;
                }
        }
        return n;
}

uint64_t pt_unmap_range(paddr_t root, vaddr_t lo, vaddr_t hi,
                        void (*cb)(void *ctx, vaddr_t va, paddr_t pa), void *ctx)
{
        return hi > lo ? unmap_level(pt_table_virt(root), PT_TOP, 0, lo, hi, cb, NULL, ctx) : 0;
}

uint64_t pt_unmap_matching(paddr_t root, vaddr_t lo, vaddr_t hi,
                           bool (*match)(void *ctx, paddr_t pa), void *ctx)
{
        return hi > lo ? unmap_level(pt_table_virt(root), PT_TOP, 0, lo, hi, NULL, match, ctx) : 0;
}

// Whether table t has no valid entry.
static bool table_empty(const pte_t *t)
{
        for (unsigned i = 0; i < PT_ENTRIES; i++)
                if (pte_present(t[i]))
                        return false;
        return true;
}

// Frees the tables below entry range [lo, hi) of the table t at level l.
// Entries wholly inside the range are cleared (tables are freed bottom-up);
// a table only partly inside the range is freed too once nothing is left in
// it: with 4 levels the first root entry spans 512 GiB, more than the user
// range, and its table must go with the address space.
static void free_level(pte_t *t, int l, vaddr_t base, vaddr_t lo, vaddr_t hi)
{
        uint64_t size = PT_LEVEL_SIZE(l);
        for (unsigned i = 0; i < PT_ENTRIES; i++) {
                vaddr_t s = base + i * size, e = s + size - 1;
                if (e < lo || s > hi - 1 || !pte_present(t[i]))
                        continue;
                bool inside = s >= lo && e <= hi - 1;
                if (!pte_is_table(t[i], l)) {
                        if (inside)
                                t[i] = 0; // a leaf: its frame is not ours
                        continue;
                }
                paddr_t child = pte_paddr(t[i]);
                free_level(pt_table_virt(child), l - 1, s, lo, hi);
                if (inside || table_empty(pt_table_virt(child))) {
                        t[i] = 0;
                        pt_table_free(child);
                }
        }
}

void pt_free_tables(paddr_t root, vaddr_t lo, vaddr_t hi)
{
        if (hi > lo)
                free_level(pt_table_virt(root), PT_TOP, 0, lo, hi);
}
