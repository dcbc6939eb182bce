// SPDX-License-Identifier: MIT
// The frame pool of an external pager: frames the system pager gave us
// (PGR_FRAMES), a free list, and two hash tables: physical address -> frame,
// and (region, page) -> the frame the library mapped there. Portable: the
// system is reached through mkp_sys_* only (pagerlib_int.h).
#include "pagerlib_int.h"

#define HASH_MASK  (MKP_HASH_SIZE - 1)
#define HASH_MUL   0x9e3779b97f4a7c15ull // Fibonacci hashing
#define HASH_SHIFT 40
#define STATE_MAPS (MKP_FS_MAPPED | MKP_FS_WRITABLE | MKP_FS_MAYWRITE)

static uint32_t hash64(uint64_t k)
{
        return (uint32_t)((k * HASH_MUL) >> HASH_SHIFT) & HASH_MASK;
}

// A page and a region id as one key (pages are 4 KiB aligned, ids < 4096).
static uint32_t map_home(uint32_t region, uint64_t va)
{
        return hash64(va | region);
}

int mkp_pool_index(const struct mkp_pager *pg, uint64_t pa)
{
        for (uint32_t s = hash64(pa);; s = (s + 1) & HASH_MASK) {
                uint16_t e = mkp_priv(pg)->pa_hash[s];
                if (!e)
                        return -1;
                if (mkp_priv(pg)->frames[e - 1].pa == pa)
                        return e - 1;
        }
}

int mkp_pool_add(struct mkp_pager *pg, uint64_t pa, void *va)
{
        if (mkp_priv(pg)->nframes >= MKP_MAX_FRAMES)
                return -ENOSPC;
        if (mkp_pool_index(pg, pa) >= 0)
                return -EEXIST;
        uint32_t i = mkp_priv(pg)->nframes++;
        mkp_priv(pg)->frames[i] = (struct mkp_frame){pa, va};
        mkp_priv(pg)->state[i] = 0;
        mkp_priv(pg)->dirty[i] = 0;
        mkp_priv(pg)->mapped_va[i] = 0;
        uint32_t s = hash64(pa);
        while (mkp_priv(pg)->pa_hash[s])
                s = (s + 1) & HASH_MASK;
        mkp_priv(pg)->pa_hash[s] = (uint16_t)(i + 1);
        mkp_priv(pg)->free_list[mkp_priv(pg)->nfree++] = i;
        return 0;
}

static bool map_match(const struct mkp_pager *pg, int i, uint32_t region, uint64_t va)
{
        return (mkp_priv(pg)->state[i] & MKP_FS_MAPPED) &&
               mkp_priv(pg)->mapped_region[i] == region && mkp_priv(pg)->mapped_va[i] == va;
}

int mkp_map_lookup(const struct mkp_pager *pg, uint32_t region, uint64_t va)
{
        for (uint32_t s = map_home(region, va);; s = (s + 1) & HASH_MASK) {
                uint16_t e = mkp_priv(pg)->map_hash[s];
                if (!e)
                        return -1;
                if (map_match(pg, e - 1, region, va))
                        return e - 1;
        }
}

// Removes frame i's entry (linear probing, backward-shift deletion: every
// entry after the hole that may move into it does).
static void map_hash_remove(struct mkp_pager *pg, int i)
{
        uint32_t s = map_home(mkp_priv(pg)->mapped_region[i], mkp_priv(pg)->mapped_va[i]);
        while (mkp_priv(pg)->map_hash[s] != i + 1) {
                if (!mkp_priv(pg)->map_hash[s])
                        return;
                s = (s + 1) & HASH_MASK;
        }
        for (uint32_t j = s;;) {
                j = (j + 1) & HASH_MASK;
                uint16_t e = mkp_priv(pg)->map_hash[j];
                if (!e)
                        break;
                uint32_t h =
                    map_home(mkp_priv(pg)->mapped_region[e - 1], mkp_priv(pg)->mapped_va[e - 1]);
                // Stays if its home lies cyclically in (s, j].
                bool stays = s < j ? (h > s && h <= j) : (h > s || h <= j);
                if (stays)
                        continue;
                mkp_priv(pg)->map_hash[s] = e;
                s = j;
        }
        mkp_priv(pg)->map_hash[s] = 0;
}

void mkp_map_clear(struct mkp_pager *pg, int i)
{
        if (!(mkp_priv(pg)->state[i] & MKP_FS_MAPPED))
                return;
        map_hash_remove(pg, i);
        mkp_priv(pg)->state[i] &= (uint8_t)~STATE_MAPS;
        mkp_priv(pg)->mapped_va[i] = 0;
}

void mkp_map_set(struct mkp_pager *pg, int i, uint32_t region, uint64_t va)
{
        if (map_match(pg, i, region, va))
                return;
        int old = mkp_map_lookup(pg, region, va);
        if (old >= 0)
                mkp_map_clear(pg, old);
        mkp_map_clear(pg, i);
        mkp_priv(pg)->mapped_region[i] = region;
        mkp_priv(pg)->mapped_va[i] = va;
        mkp_priv(pg)->state[i] |= MKP_FS_USED | MKP_FS_MAPPED;
        uint32_t s = map_home(region, va);
        while (mkp_priv(pg)->map_hash[s])
                s = (s + 1) & HASH_MASK;
        mkp_priv(pg)->map_hash[s] = (uint16_t)(i + 1);
}

void mkp_pool_release(struct mkp_pager *pg, int i)
{
        if (!(mkp_priv(pg)->state[i] & MKP_FS_USED))
                return;
        mkp_map_clear(pg, i);
        mkp_priv(pg)->state[i] = 0;
        mkp_priv(pg)->granted[i] = 0;
        mkp_priv(pg)->dirty[i] = 0;
        mkp_priv(pg)->free_list[mkp_priv(pg)->nfree++] = (uint32_t)i;
}

void mkp_region_drop(struct mkp_pager *pg, struct mkp_region *r)
{
        if (!r->used)
                return;
        if (pg->detach)
                pg->detach(pg, r);
        // Its kept faults are abandoned (their threads take them again, and
        // find the region gone).
        for (unsigned k = 0; k < MKP_MAX_KEPT; k++) {
                struct mkp_kept *kp = &mkp_priv(pg)->kept[k];
                if (kp->used && kp->fault.region == r) {
                        mkp_sys_close(kp->reply);
                        kp->used = false;
                }
        }
        for (uint32_t i = 0; i < mkp_priv(pg)->nframes; i++)
                if ((mkp_priv(pg)->state[i] & MKP_FS_MAPPED) &&
                    mkp_priv(pg)->mapped_region[i] == r->id)
                        mkp_pool_release(pg, (int)i);
        if (r->proc >= 0)
                mkp_sys_close(r->proc);
        r->used = false;
        r->user = NULL;
}

uint32_t mkp_reap(struct mkp_pager *pg)
{
        uint32_t before = mkp_priv(pg)->nfree;
        for (uint32_t k = 0; k < MKP_MAX_REGIONS; k++) {
                struct mkp_region *r = &pg->regions[k];
                if (r->used && !mkp_sys_alive(r->proc))
                        mkp_region_drop(pg, r);
        }
        return mkp_priv(pg)->nfree - before;
}

int mkp_frame_alloc(struct mkp_pager *pg, struct mkp_frame *out)
{
        if (!mkp_priv(pg)->nfree)
                mkp_reap(pg);
        if (!mkp_priv(pg)->nfree && !mkp_priv(pg)->budget)
                mkp_sys_frames(pg, MKP_FRAMES_STEP);
        if (!mkp_priv(pg)->nfree)
                return -ENOMEM;
        uint32_t i = mkp_priv(pg)->free_list[--mkp_priv(pg)->nfree];
        mkp_priv(pg)->state[i] = MKP_FS_USED;
        mkp_priv(pg)->dirty[i] = 0;
        *out = mkp_priv(pg)->frames[i];
        return 0;
}

void mkp_frame_free(struct mkp_pager *pg, uint64_t pa)
{
        int i = mkp_pool_index(pg, pa);
        if (i < 0 || !(mkp_priv(pg)->state[i] & MKP_FS_USED))
                return;
        if (mkp_priv(pg)->state[i] & MKP_FS_MAPPED) {
                const struct mkp_region *r = &pg->regions[mkp_priv(pg)->mapped_region[i]];
                if (r->used)
                        mkp_sys_unmap(r->proc, mkp_priv(pg)->mapped_va[i]);
        }
        mkp_pool_release(pg, i);
}

uint32_t mkp_frames_free(const struct mkp_pager *pg)
{
        return mkp_priv(pg)->nfree;
}

int mkp_frame_find(const struct mkp_pager *pg, uint64_t pa, struct mkp_frame *out)
{
        int i = mkp_pool_index(pg, pa);
        if (i < 0)
                return -ENOENT;
        *out = mkp_priv(pg)->frames[i];
        return 0;
}

int mkp_mapped_at(const struct mkp_pager *pg, const struct mkp_region *r, uint64_t va,
                  struct mkp_frame *out)
{
        int i = mkp_map_lookup(pg, r->id, va & ~MKP_PAGE_MASK);
        if (i < 0)
                return -ENOENT;
        *out = mkp_priv(pg)->frames[i];
        return 0;
}

int mkp_evict(struct mkp_pager *pg, struct mkp_region *r, uint64_t va, uint64_t *pa, bool *dirty)
{
        va &= ~MKP_PAGE_MASK;
        int i = mkp_map_lookup(pg, r->id, va);
        if (i < 0)
                return -ENOENT;
        // A client that has ended has no mapping left to remove.
        mkp_sys_unmap(r->proc, va);
        *pa = mkp_priv(pg)->frames[i].pa;
        *dirty = mkp_priv(pg)->dirty[i] || (mkp_priv(pg)->state[i] & MKP_FS_WRITABLE);
        mkp_map_clear(pg, i);
        mkp_priv(pg)->dirty[i] = 0;
        pg->evictions++;
        return 0;
}

int mkp_clean(struct mkp_pager *pg, struct mkp_region *r, uint64_t va, bool *was_dirty)
{
        va &= ~MKP_PAGE_MASK;
        int i = mkp_map_lookup(pg, r->id, va);
        if (i < 0)
                return -ENOENT;
        if (was_dirty)
                *was_dirty = mkp_priv(pg)->dirty[i] || (mkp_priv(pg)->state[i] & MKP_FS_WRITABLE);
        if (mkp_priv(pg)->state[i] & MKP_FS_WRITABLE) {
                long e =
                    mkp_sys_protect(r->proc, va, mkp_priv(pg)->granted[i] & (uint8_t)~MK_PERM_W);
                if (e < 0 && e != -ESRCH)
                        return (int)e;
                mkp_priv(pg)->state[i] &= (uint8_t)~MKP_FS_WRITABLE;
                if (pg->track_dirty)
                        mkp_priv(pg)->state[i] |= MKP_FS_MAYWRITE;
        }
        mkp_priv(pg)->dirty[i] = 0;
        return 0;
}

bool mkp_mapped_next(struct mkp_pager *pg, uint32_t *cursor, struct mkp_mapping *out)
{
        for (uint32_t i = *cursor; i < mkp_priv(pg)->nframes; i++) {
                if (!(mkp_priv(pg)->state[i] & MKP_FS_MAPPED) ||
                    mkp_priv(pg)->mapped_region[i] >= MKP_MAX_REGIONS)
                        continue;
                *out = (struct mkp_mapping){.region = &pg->regions[mkp_priv(pg)->mapped_region[i]],
                                            .va = mkp_priv(pg)->mapped_va[i],
                                            .frame = mkp_priv(pg)->frames[i],
                                            .writable = mkp_priv(pg)->state[i] & MKP_FS_WRITABLE,
                                            .dirty = mkp_priv(pg)->dirty[i] ||
                                                     (mkp_priv(pg)->state[i] & MKP_FS_WRITABLE)};
                *cursor = i + 1;
                return true;
        }
        *cursor = mkp_priv(pg)->nframes;
        return false;
}

void mkp_fill_zero(const struct mkp_frame *f)
{
        memset(f->va, 0, MK_PAGE_SIZE);
}

void mkp_fill_copy(const struct mkp_frame *f, const void *src, size_t n)
{
        if (n > MK_PAGE_SIZE)
                n = MK_PAGE_SIZE;
        memcpy(f->va, src, n);
        memset((char *)f->va + n, 0, MK_PAGE_SIZE - n);
}

long mkp_region_add(struct mkp_pager *pg, uint64_t va, uint64_t len, long proc)
{
        if ((va | len) & MKP_PAGE_MASK || !len || va < MK_USER_BASE || va >= MK_USER_TOP ||
            len > MK_USER_TOP - va)
                return -EINVAL;
        for (uint32_t k = 0; k < MKP_MAX_REGIONS; k++) {
                struct mkp_region *r = &pg->regions[k];
                if (r->used)
                        continue;
                *r = (struct mkp_region){.start = va,
                                         .len = len,
                                         .proc = proc,
                                         .pid = mkp_sys_pid(proc),
                                         .id = k,
                                         .used = true};
                return k;
        }
        return -ENOSPC;
}

unsigned mkp_answer_around(struct mkp_pager *pg, const struct mkp_fault *f, struct mkp_answer *a,
                           unsigned n, uint32_t perms,
                           int (*fill)(struct mkp_pager *, struct mkp_region *, uint64_t va,
                                       struct mkp_frame *))
{
        struct mkp_region *r = f->region;
        unsigned added = 0;
        if (a->action != MKP_MAP || !r || !fill)
                return 0;
        uint64_t end = r->start + r->len;
        for (uint64_t va = f->page + MK_PAGE_SIZE; n && va < end && a->ngrants < MK_MAX_GRANTS;
             va += MK_PAGE_SIZE, n--) {
                if (mkp_map_lookup(pg, r->id, va) >= 0)
                        continue; // already there
                struct mkp_frame fr;
                if (fill(pg, r, va, &fr))
                        break;
                mkp_answer_map(a, va, &fr, perms);
                added++;
        }
        return added;
}
