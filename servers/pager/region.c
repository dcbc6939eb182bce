// SPDX-License-Identifier: MIT
// Per-client region lists: a small array sorted by address (the region tree
// of the full pager replaces it).
#include "pager.h"

struct region *region_find(struct client *c, uint64_t va)
{
        for (int i = 0; i < c->nregions; i++)
                if (va >= c->regions[i].start && va < c->regions[i].end)
                        return &c->regions[i];
        return NULL;
}

// Page presence: a two-level table in pager frames. The top frame holds up to
// 512 pointers to leaf frames of 512 physical addresses each (1 GiB of
// region); leaves are made on first use.
#define PER_FRAME 512

uint64_t region_page(const struct region *r, uint64_t va)
{
        uint64_t k = (va - r->start) / MK_PAGE_SIZE;
        uint64_t *leaf = (uint64_t *)r->pages[k / PER_FRAME];
        return leaf ? leaf[k % PER_FRAME] : 0;
}

int region_set_page(struct region *r, uint64_t va, uint64_t pa)
{
        uint64_t k = (va - r->start) / MK_PAGE_SIZE;
        uint64_t **slot = (uint64_t **)&r->pages[k / PER_FRAME];
        if (!*slot) {
                uint64_t f = frame_get();
                if (!f)
                        return -ENOMEM;
                page_zero(frame_ptr(f));
                *slot = frame_ptr(f);
        }
        (*slot)[k % PER_FRAME] = pa;
        return 0;
}

static uint64_t frame_of(const void *p)
{
        return (uint64_t)p - MK_PHYS_WINDOW;
}

struct region *region_add(struct client *c, uint64_t start, uint64_t end, uint32_t perms,
                          uint8_t type)
{
        if (c->nregions == MAX_REGIONS || start >= end || (start | end) & (MK_PAGE_SIZE - 1))
                return NULL;
        for (int i = 0; i < c->nregions; i++)
                if (start < c->regions[i].end && c->regions[i].start < end)
                        return NULL;
        if ((end - start) / MK_PAGE_SIZE > (uint64_t)PER_FRAME * PER_FRAME)
                return NULL;
        uint64_t top = frame_get();
        if (!top)
                return NULL;
        page_zero(frame_ptr(top));
        uint64_t *pages = frame_ptr(top);
        struct region *r = &c->regions[c->nregions++];
        *r = (struct region){
            .start = start, .end = end, .perms = perms, .type = type, .pages = pages};
        return r;
}

// Frees every frame the client's regions hold, and the presence tables.
void regions_release(struct client *c)
{
        for (int i = 0; i < c->nregions; i++) {
                struct region *r = &c->regions[i];
                for (unsigned t = 0; t < PER_FRAME; t++) {
                        uint64_t *leaf = (uint64_t *)r->pages[t];
                        if (!leaf)
                                continue;
                        for (unsigned k = 0; k < PER_FRAME; k++)
                                if (leaf[k])
                                        frame_put(leaf[k]);
                        frame_put(frame_of(leaf));
                }
                frame_put(frame_of(r->pages));
        }
        c->nregions = 0;
}
