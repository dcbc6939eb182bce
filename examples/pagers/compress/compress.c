// SPDX-License-Identifier: MIT
// compress: an external pager with a memory budget. It holds COMPRESS_BUDGET
// frames. A fault on a page it never saw gets a zeroed frame; when no frame
// is free it evicts one (mkp_evict) chosen by a clock over its frames, and if
// the page was written since it was mapped, compresses it (lz.c; all-zero
// pages take nothing, incompressible ones are kept raw) into its store,
// memory it maps from the system pager like any process. A clean page
// needs no copy: it is zero, or the store still holds what was restored. The
// next fault of an evicted page decompresses it into a frame.
//
// The clock: the kernel does not show accessed bits to pagers, so the clock
// makes its own (as VAX/VMS did): when the hand reaches a mapped page it
// unmaps it from the client but keeps the frame ("sampled"); a touch faults
// and gets the same frame back, clearing the mark. A page still sampled when
// the hand comes round again was not used for a whole turn: it is evicted.
// That is second-chance clock, an approximation of LRU.
#include "compress.h"
#include "pagecodec.h"
#include "store.h"
#include <mk/pager.h>

#define CP_SAMPLED 0x01 // unmapped by the clock, not touched since
#define CP_LOST    0x02 // its data could not be kept (the store could not grow)

struct cpage {
        uint8_t *blk;  // the kept copy (PAGE_LZ, PAGE_RAW) or NULL
        uint16_t len;  // its bytes
        uint8_t code;  // enum page_code of the kept copy, 0: none (the page is zero)
        uint8_t flags; // CP_*
};

struct cregion {
        struct cpage *pages;
        uint64_t npages;
};

static struct mkp_pager pg;
static struct cregion cregions[MKP_MAX_REGIONS];
static struct compress_stats cs;
static struct store store;
static struct lz_work work;
static uint8_t encoded[PAGE_BYTES];
static uint32_t hand;

// Anonymous read-write memory from the system pager, or NULL.
static void *sys_mmap(size_t len)
{
        struct mk_msg m = {.tag = PGR_MMAP,
                           .w = {0, len, MK_PERM_R | MK_PERM_W, PGR_MAP_PRIVATE | PGR_MAP_ANON}};
        if (mk_call(mk_pager_ep, &m) < 0 || (long)m.w[0] < 0)
                return NULL;
        return (void *)m.w[0];
}

static void sys_munmap(void *p, size_t len)
{
        struct mk_msg m = {.tag = PGR_MUNMAP, .w = {(uint64_t)p, len}};
        mk_call(mk_pager_ep, &m);
}

static void *store_grow(void *ctx, size_t len)
{
        return sys_mmap(len);
}

static size_t table_bytes(uint64_t npages)
{
        return (npages * sizeof(struct cpage) + MK_PAGE_SIZE - 1) & ~(size_t)(MK_PAGE_SIZE - 1);
}

// Our page table for region r, made on its first fault; NULL if no memory.
static struct cregion *cregion_of(struct mkp_region *r)
{
        if (r->user)
                return r->user;
        struct cregion *cr = &cregions[r->id];
        cr->npages = r->len / MK_PAGE_SIZE;
        cr->pages = sys_mmap(table_bytes(cr->npages)); // zero-filled
        if (!cr->pages)
                return NULL;
        r->user = cr;
        return cr;
}

static void copy_drop(struct cpage *cp)
{
        store_free(&store, cp->blk, cp->len);
        cp->blk = NULL;
        cp->len = 0;
        cp->code = 0;
}

// Keeps the contents of frame f for page cp: encoded into the store.
static void copy_keep(struct cpage *cp, const struct mkp_frame *f)
{
        size_t len;
        copy_drop(cp);
        enum page_code code = page_encode(&work, f->va, encoded, &len);
        if (code == PAGE_ZERO) {
                cs.kept_zero++;
                return; // code 0 means zero
        }
        uint8_t *blk = store_alloc(&store, len);
        if (!blk) {
                mk_printf("compress: the store cannot grow: a page is lost\n");
                cp->flags |= CP_LOST;
                cs.lost++;
                return;
        }
        memcpy(blk, encoded, len);
        cp->blk = blk;
        cp->len = (uint16_t)len;
        cp->code = (uint8_t)code;
        cs.kept_lz += code == PAGE_LZ;
        cs.kept_raw += code == PAGE_RAW;
        cs.bytes_in += PAGE_BYTES;
        cs.bytes_out += len;
}

// The clock: finds a page not used for a whole turn, evicts it, and returns
// its frame (still ours). 0 or -ENOMEM (nothing mapped to evict). The hand
// walks the pages the library has mapped, in its frames' order
// (mkp_mapped_next), two turns at most.
static int evict_one(struct mkp_frame *out)
{
        struct mkp_mapping m;
        for (int ends = 0; ends < 3;) {
                if (!mkp_mapped_next(&pg, &hand, &m)) {
                        hand = 0; // the end of a turn
                        ends++;
                        continue;
                }
                struct mkp_region *r = m.region;
                struct cregion *cr = r->user;
                if (!cr)
                        continue;
                struct cpage *cp = &cr->pages[(m.va - r->start) / MK_PAGE_SIZE];
                if (!(cp->flags & CP_SAMPLED)) {
                        mk_unmap(r->proc, m.va);
                        cp->flags |= CP_SAMPLED;
                        cs.samples++;
                        continue;
                }
                uint64_t pa;
                bool dirty;
                if (mkp_evict(&pg, r, m.va, &pa, &dirty))
                        continue;
                *out = m.frame;
                cp->flags &= (uint8_t)~CP_SAMPLED;
                if (dirty) {
                        copy_keep(cp, out);
                        cs.evict_dirty++;
                } else {
                        cs.evict_clean++;
                }
                return 0;
        }
        return -ENOMEM;
}

static void on_fault(struct mkp_pager *p, const struct mkp_fault *f, struct mkp_answer *a)
{
        struct mkp_region *r = f->region;
        struct mkp_frame fr;
        uint32_t perms = mkp_posix_perms(p, r, f->offset);
        cs.faults++;
        if (f->access == FAULT_EXEC && !(perms & MK_PERM_X)) {
                mkp_answer_fail(a, MK_REASON_ACCESS); // data, not code
                return;
        }
        struct cregion *cr = cregion_of(r);
        if (!cr) {
                mkp_answer_fail(a, MK_REASON_OOM);
                return;
        }
        struct cpage *cp = &cr->pages[f->offset / MK_PAGE_SIZE];
        if (mkp_mapped_at(p, r, f->page, &fr) == 0) { // sampled by the clock, and used
                cs.reuses++;
                mkp_answer_map(a, f->page, &fr, perms);
                return;
        }
        if (cp->flags & CP_LOST) {
                mkp_answer_fail(a, MK_REASON_OOM);
                return;
        }
        if (mkp_frame_alloc(p, &fr) && evict_one(&fr)) {
                mkp_answer_fail(a, MK_REASON_OOM);
                return;
        }
        if (!cp->code) {
                mkp_fill_zero(&fr);
                cs.zero_fills++;
        } else if (page_decode(cp->code, cp->blk, cp->len, fr.va) == 0) {
                cs.restores++;
        } else {
                mk_printf("compress: the copy of 0x%llx does not decode\n",
                          (unsigned long long)f->page);
                mkp_frame_free(p, fr.pa);
                mkp_answer_fail(a, MK_REASON_BUS);
                return;
        }
        mkp_answer_map(a, f->page, &fr, perms);
}

// Every final answer: a mapped page is in use (not sampled); a written one
// will be encoded again when evicted, so its old copy can go now.
static void on_answer(struct mkp_pager *p, const struct mkp_fault *f, const struct mkp_answer *a)
{
        if (!f->region || !f->region->user || a->action != MKP_MAP)
                return;
        struct cregion *cr = f->region->user;
        struct cpage *cp = &cr->pages[f->offset / MK_PAGE_SIZE];
        cp->flags &= (uint8_t)~CP_SAMPLED;
        if (f->access == FAULT_WRITE)
                copy_drop(cp);
}

// Pages [off, off+len) of r were dropped (munmap, MAP_FIXED): forget them.
static void on_discard(struct mkp_pager *p, struct mkp_region *r, uint64_t off, uint64_t len)
{
        struct cregion *cr = r->user;
        for (uint64_t o = off; cr && o < off + len; o += MK_PAGE_SIZE) {
                copy_drop(&cr->pages[o / MK_PAGE_SIZE]);
                cr->pages[o / MK_PAGE_SIZE].flags = 0;
        }
}

static void on_detach(struct mkp_pager *p, struct mkp_region *r)
{
        struct cregion *cr = r->user;
        if (!cr)
                return;
        on_discard(p, r, 0, r->len);
        sys_munmap(cr->pages, table_bytes(cr->npages));
        cr->pages = NULL;
        r->user = NULL;
}

static long on_request(struct mkp_pager *p, const struct mk_msg *in, struct mk_msg *out)
{
        if (in->tag != COMPRESS_REQ_STATS)
                return -ENOSYS;
        cs.store_in_use = store.in_use;
        cs.store_arena = store.arena;
        out->w[1] = cs.evict_clean;
        out->w[2] = cs.restores;
        out->w[3] = cs.bytes_in;
        out->w[4] = cs.bytes_out;
        out->w[5] = cs.kept_raw;
        memcpy(out->buf, &cs, sizeof(cs));
        out->len = sizeof(cs);
        return (long)cs.evict_dirty;
}

// Two console lines of statistics, when there was something to evict.
static void summary(void)
{
        uint64_t in = cs.bytes_in, out = cs.bytes_out ? cs.bytes_out : 1;
        if (cs.evict_dirty + cs.evict_clean == 0)
                return;
        mk_printf("compress: %llu faults, %llu zero fills, %llu restores, %llu reuses, "
                  "%llu clock samples\n",
                  (unsigned long long)cs.faults, (unsigned long long)cs.zero_fills,
                  (unsigned long long)cs.restores, (unsigned long long)cs.reuses,
                  (unsigned long long)cs.samples);
        mk_printf("compress: %llu evictions (%llu dirty, %llu clean); kept %llu zero, %llu lz, "
                  "%llu raw; %llu KiB -> %llu KiB, ratio %llu.%02llu; store %llu KiB of %llu\n",
                  (unsigned long long)(cs.evict_dirty + cs.evict_clean),
                  (unsigned long long)cs.evict_dirty, (unsigned long long)cs.evict_clean,
                  (unsigned long long)cs.kept_zero, (unsigned long long)cs.kept_lz,
                  (unsigned long long)cs.kept_raw, (unsigned long long)(in >> 10),
                  (unsigned long long)(cs.bytes_out >> 10), (unsigned long long)(in / out),
                  (unsigned long long)(in * 100 / out % 100),
                  (unsigned long long)(store.in_use >> 10),
                  (unsigned long long)(store.arena >> 10));
}

int main(int argc, char **argv, char **envp)
{
        int r = mkp_init(&pg, MKP_SERVE_HANDLE, COMPRESS_BUDGET, on_fault, NULL);
        if (r) {
                mk_printf("compress: cannot get %d frames: %d\n", COMPRESS_BUDGET, r);
                return 1;
        }
        memcpy(pg.name, "compress", sizeof("compress"));
        pg.track_dirty = true; // eviction must know which pages were written
        pg.observe = on_answer;
        pg.request = on_request;
        pg.detach = on_detach;
        mkp_posix_enable(&pg); // serve POSIX mmaps too (tools/test --pager compress)
        pg.discard = on_discard;
        store_init(&store, store_grow, NULL);
        mkp_run(&pg);
        summary();
        return 0;
}
