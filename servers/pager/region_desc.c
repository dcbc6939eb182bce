// SPDX-License-Identifier: MIT
// Region descriptions: which neighbours may become one region, and the kind
// names of the maps view. Portable C (pager, host tools, host tests).
#include "region_desc.h"

static const char *const kind_names[RK_COUNT] = {
    [RK_TEXT] = "text",
    [RK_RODATA] = "rodata",
    [RK_DATA] = "data",
    [RK_BSS] = "bss",
    [RK_HEAP] = "heap",
    [RK_STACK] = "stack",
    [RK_ANON_PRIVATE] = "anon_private",
    [RK_ANON_SHARED] = "anon_shared",
    [RK_FILE_PRIVATE] = "file_private",
    [RK_FILE_SHARED] = "file_shared",
    [RK_GUARD] = "guard",
    [RK_EXTERNAL] = "external",
};

// The maps-view name of a region kind ("text", "stack", ...), "?" if unknown.
const char *region_kind_name(unsigned kind)
{
        return kind < RK_COUNT && kind_names[kind] ? kind_names[kind] : "?";
}

// Whether two names are equal (both NULL counts as equal). No libc: the pager
// is freestanding.
static bool same_name(const char *a, const char *b)
{
        if (a == b)
                return true;
        if (!a || !b)
                return false;
        while (*a && *a == *b)
                a++, b++;
        return *a == *b;
}

// Kinds that always stay one region per creation: the heap and the stack
// move one end (vma_expand), guard regions are markers, and each
// external region is a range registered with the kernel on its own.
static bool kind_never_merges(unsigned kind)
{
        return kind == RK_STACK || kind == RK_HEAP || kind == RK_GUARD || kind == RK_EXTERNAL;
}

// Whether a, followed directly by b, is one region: same kind, protection,
// backing, inode and name; for file backings also the same file bytes in
// order (data_off 0 on both, b's bytes right after a's). A BK_IMAGE region a
// whose file bytes stop inside it (a zeroed tail) is followed only by a b of
// zeros (file_size 0), else b's bytes would appear in a's tail.
bool region_mergeable(const struct region_desc *a, const struct region_desc *b)
{
        if (a->end != b->start || a->kind != b->kind || a->prot != b->prot || a->deny != b->deny ||
            a->backing != b->backing || a->inode != b->inode || a->generation != b->generation ||
            kind_never_merges(a->kind) || !same_name(a->name, b->name))
                return false;
        if (a->backing == BK_NONE)
                return true;
        uint64_t len = a->end - a->start;
        if (a->data_off != 0 || b->data_off != 0 || b->file_off != a->file_off + len)
                return false;
        if (a->backing == BK_IMAGE)
                return a->image == b->image && a->image_size == b->image_size &&
                       (a->file_size >= len || b->file_size == 0);
        return true;
}
