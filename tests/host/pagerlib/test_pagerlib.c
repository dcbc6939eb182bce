// SPDX-License-Identifier: MIT
// The pager library's portable part on the host: answer encoding, the frame
// pool, fault-around limits, dirty tracking (read-only first, the library's
// own upgrade on write, the dirty bit eviction reports), refused replies,
// fault loops, faults outside any region, the requests, and the record line
// format. The fake system is libsys/pagerlib/replay.c's.
#include "harness.h"
#include "pagerlib_int.h"

#define P      MK_PAGE_SIZE
#define VA     0x40000000ull
#define PROC   7 // fake client process handle
#define NPAGES 64

static struct mkp_pager pg;
static unsigned handler_calls;
static uint32_t handler_perms = MK_PERM_R | MK_PERM_W;
static unsigned around_n;

// Anonymous memory: the frame mapped there, or a new zeroed one; plus
// fault-around of around_n pages.
static int fill(struct mkp_pager *p, struct mkp_region *r, uint64_t va, struct mkp_frame *fr)
{
        if (mkp_frame_alloc(p, fr))
                return -1;
        mkp_fill_zero(fr);
        return 0;
}

static void handler(struct mkp_pager *p, const struct mkp_fault *f, struct mkp_answer *a)
{
        struct mkp_frame fr;
        handler_calls++;
        if (mkp_mapped_at(p, f->region, f->page, &fr) && fill(p, f->region, f->page, &fr)) {
                mkp_answer_fail(a, MK_REASON_OOM);
                return;
        }
        mkp_answer_map(a, f->page, &fr, handler_perms);
        mkp_answer_around(p, f, a, around_n, handler_perms, fill);
}

// A fresh pager with a budget of n frames (0: grows) and one region of
// NPAGES pages at VA (id 0).
static void setup(uint32_t n)
{
        mkp_host_reset();
        EXPECT_EQ(mkp_init(&pg, -1, n, handler, NULL), 0);
        EXPECT_EQ(mkp_region_add(&pg, VA, NPAGES * P, PROC), 0);
        handler_calls = 0;
        handler_perms = MK_PERM_R | MK_PERM_W;
        around_n = 0;
}

// Serves a fault at va with access; commits the reply (the kernel took it).
static void fault(uint64_t va, unsigned access, unsigned kind, struct mk_msg *out,
                  struct mkp_rec *rec)
{
        struct mk_msg in = {.tag = MK_TAG_FAULT, .badge = 1, .flags = MK_MSG_KERNEL};
        struct fault_info fi = {.addr = va, .access = (uint8_t)access, .kind = (uint8_t)kind};
        fault_msg_encode(in.w, &fi, 5, MKP_HOST_PID);
        if (mkp_serve(&pg, &in, out, rec))
                mkp_commit(&pg);
}

static void encode_map(void)
{
        struct mkp_answer a = {0};
        struct mk_msg m;
        struct mkp_frame f1 = {0x5000, NULL}, f2 = {0x9000, NULL};
        mkp_answer_map(&a, 0x10000, &f1, MK_PERM_R);
        mkp_answer_map(&a, 0x11000, &f2, MK_PERM_R | MK_PERM_W);
        mkp_answer_map(&a, 0x12000, &f1, MK_PERM_R | MK_PERM_X);
        memset(&m, 0xab, sizeof(m));
        mkp_answer_encode(&a, &m);
        EXPECT_EQ(m.tag, MK_FAULT_MAP);
        EXPECT_EQ(m.w[0], 0x10000);
        EXPECT_EQ(m.w[1], 0x5000);
        EXPECT_EQ(m.w[2], MK_PERM_R);
        EXPECT_EQ(m.len, 2 * sizeof(struct mk_grant));
        struct mk_grant g[2];
        memcpy(g, m.buf, sizeof(g));
        EXPECT_EQ(g[0].va, 0x11000);
        EXPECT_EQ(g[0].pa, 0x9000);
        EXPECT_EQ(g[0].perms, MK_PERM_R | MK_PERM_W);
        EXPECT_EQ(g[1].va, 0x12000);
        EXPECT_EQ(g[1].perms, MK_PERM_R | MK_PERM_X);
}

static void encode_fail_retry(void)
{
        struct mkp_answer a = {0};
        struct mk_msg m;
        struct mkp_frame f = {0x5000, NULL};
        mkp_answer_map(&a, 0x10000, &f, MK_PERM_R);
        mkp_answer_fail(&a, MK_REASON_GUARD); // replaces the map
        mkp_answer_encode(&a, &m);
        EXPECT_EQ(m.tag, MK_FAULT_FAIL);
        EXPECT_EQ(m.w[0], MK_REASON_GUARD);
        EXPECT_EQ(m.len, 0);
        mkp_answer_retry(&a);
        mkp_answer_encode(&a, &m);
        EXPECT_EQ(m.tag, MK_FAULT_RETRY);
        EXPECT_EQ(m.w[0], 0);
        EXPECT_EQ(m.len, 0);
}

static void encode_grant_limit(void)
{
        struct mkp_answer a = {0};
        struct mk_msg m;
        struct mkp_frame f = {0x5000, NULL};
        for (unsigned i = 0; i < MK_MAX_GRANTS + 5; i++)
                mkp_answer_map(&a, 0x10000 + i * P, &f, MK_PERM_R);
        EXPECT_EQ(a.ngrants, MK_MAX_GRANTS);
        mkp_answer_encode(&a, &m);
        EXPECT_EQ(m.len, (MK_MAX_GRANTS - 1) * sizeof(struct mk_grant));
        EXPECT(m.len <= MK_MSG_BUF);
}

static void pool_budget(void)
{
        struct mkp_frame f[9];
        setup(8);
        EXPECT_EQ(mkp_priv(&pg)->nframes, 8);
        EXPECT_EQ(mkp_frames_free(&pg), 8);
        for (int i = 0; i < 8; i++)
                EXPECT_EQ(mkp_frame_alloc(&pg, &f[i]), 0);
        EXPECT_EQ(mkp_frame_alloc(&pg, &f[8]), -ENOMEM); // a budget does not grow
        for (int i = 1; i < 8; i++)
                EXPECT(f[i].pa != f[0].pa && f[i].va != f[0].va);
        struct mkp_frame found;
        EXPECT_EQ(mkp_frame_find(&pg, f[3].pa, &found), 0);
        EXPECT(found.va == f[3].va);
        EXPECT_EQ(mkp_frame_find(&pg, 0x1234000, &found), -ENOENT);
        mkp_frame_free(&pg, f[3].pa);
        mkp_frame_free(&pg, f[3].pa); // twice: no effect
        EXPECT_EQ(mkp_frames_free(&pg), 1);
        EXPECT_EQ(mkp_frame_alloc(&pg, &f[8]), 0);
        EXPECT_EQ(f[8].pa, f[3].pa);
        EXPECT_EQ(mkp_pool_add(&pg, f[0].pa, f[0].va), -EEXIST);
}

static void pool_grows(void)
{
        struct mkp_frame f;
        setup(0);
        EXPECT_EQ(mkp_priv(&pg)->nframes, 0);
        for (int i = 0; i < MKP_FRAMES_STEP + 1; i++)
                EXPECT_EQ(mkp_frame_alloc(&pg, &f), 0);
        EXPECT_EQ(mkp_priv(&pg)->nframes, 2 * MKP_FRAMES_STEP);
        EXPECT_EQ(mkp_frames_free(&pg), MKP_FRAMES_STEP - 1);
}

static void pool_reaps_ended_clients(void)
{
        struct mk_msg out;
        struct mkp_rec rec;
        struct mkp_frame f;
        setup(4);
        for (int i = 0; i < 4; i++)
                fault(VA + i * P, FAULT_WRITE, FAULT_NOT_PRESENT, &out, &rec);
        EXPECT_EQ(mkp_frames_free(&pg), 0);
        mkp_host_dead[PROC] = true; // the client ended
        EXPECT_EQ(mkp_frame_alloc(&pg, &f), 0);
        EXPECT(!pg.regions[0].used);
        EXPECT_EQ(mkp_frames_free(&pg), 3);
}

// The pool runs dry while a fault of a region whose client has ended is
// served: that very region is reaped. Nothing may stay recorded as mapped in
// it, or the next attach, which gets its id, would find the old client's
// frames (and their contents) at its pages.
static void reaped_while_serving(void)
{
        struct mk_msg out;
        struct mkp_rec rec;
        struct mkp_frame f;
        setup(4);
        around_n = 8;
        mkp_host_dead[PROC] = true;
        fault(VA, FAULT_READ, FAULT_NOT_PRESENT, &out, &rec);
        EXPECT(!pg.regions[0].used);
        EXPECT_EQ(mkp_frames_free(&pg), 4);
        mkp_host_dead[PROC] = false;
        EXPECT_EQ(mkp_region_add(&pg, VA, NPAGES * P, PROC), 0);
        EXPECT(mkp_mapped_at(&pg, &pg.regions[0], VA, &f) != 0);
        EXPECT(mkp_mapped_at(&pg, &pg.regions[0], VA + P, &f) != 0);
}

static void around_limits(void)
{
        struct mk_msg out;
        struct mkp_rec rec;
        setup(0);
        around_n = 5;
        fault(VA + (NPAGES - 2) * P, FAULT_READ, FAULT_NOT_PRESENT, &out, &rec);
        EXPECT_EQ(rec.action, MKP_MAP);
        EXPECT_EQ(rec.arg, 2); // the region's end stops it
        around_n = 100;
        fault(VA, FAULT_READ, FAULT_NOT_PRESENT, &out, &rec);
        EXPECT_EQ(rec.arg, MK_MAX_GRANTS); // the message's limit
        EXPECT_EQ(out.len, (MK_MAX_GRANTS - 1) * sizeof(struct mk_grant));
        // Pages already mapped are skipped (and count toward n).
        around_n = 0;
        fault(VA + 24 * P, FAULT_READ, FAULT_NOT_PRESENT, &out, &rec);
        around_n = 3;
        fault(VA + 22 * P, FAULT_READ, FAULT_NOT_PRESENT, &out, &rec);
        EXPECT_EQ(rec.arg, 3); // 22, 23, 25
        struct mk_grant g[2];
        memcpy(g, out.buf, sizeof(g));
        EXPECT_EQ(g[0].va, VA + 23 * P);
        EXPECT_EQ(g[1].va, VA + 25 * P);
}

static void around_stops_when_fill_fails(void)
{
        struct mk_msg out;
        struct mkp_rec rec;
        setup(3);
        around_n = 10;
        fault(VA, FAULT_READ, FAULT_NOT_PRESENT, &out, &rec);
        EXPECT_EQ(rec.action, MKP_MAP);
        EXPECT_EQ(rec.arg, 3); // the budget ran out
}

static void dirty_tracking(void)
{
        struct mk_msg out;
        struct mkp_rec rec;
        uint64_t pa;
        bool dirty;
        setup(0);
        pg.track_dirty = true;
        fault(VA + 3 * P + 8, FAULT_READ, FAULT_NOT_PRESENT, &out, &rec);
        EXPECT_EQ(handler_calls, 1);
        EXPECT_EQ(out.w[2], MK_PERM_R); // read first: read-only, although W was allowed
        uint64_t first_pa = out.w[1];
        fault(VA + 3 * P + 16, FAULT_WRITE, FAULT_PROTECTION, &out, &rec);
        EXPECT_EQ(handler_calls, 1); // the library's own answer
        EXPECT_EQ(rec.action, MKP_ACT_UPGRADE);
        EXPECT_EQ(out.tag, MK_FAULT_MAP);
        EXPECT_EQ(out.w[0], VA + 3 * P);
        EXPECT_EQ(out.w[1], first_pa); // the same frame
        EXPECT_EQ(out.w[2], MK_PERM_R | MK_PERM_W);
        EXPECT_EQ(pg.upgrades, 1);
        // A write to an untouched page is writable at once.
        fault(VA + 4 * P, FAULT_WRITE, FAULT_NOT_PRESENT, &out, &rec);
        EXPECT_EQ(out.w[2], MK_PERM_R | MK_PERM_W);
        // A page only read is clean.
        fault(VA + 5 * P, FAULT_READ, FAULT_NOT_PRESENT, &out, &rec);
        unsigned long unmaps = mkp_host_unmaps;
        EXPECT_EQ(mkp_evict(&pg, &pg.regions[0], VA + 3 * P, &pa, &dirty), 0);
        EXPECT(dirty);
        EXPECT_EQ(pa, first_pa);
        EXPECT_EQ(mkp_host_unmaps, unmaps + 1);
        EXPECT_EQ(mkp_evict(&pg, &pg.regions[0], VA + 4 * P, &pa, &dirty), 0);
        EXPECT(dirty);
        EXPECT_EQ(mkp_evict(&pg, &pg.regions[0], VA + 5 * P, &pa, &dirty), 0);
        EXPECT(!dirty);
        EXPECT_EQ(mkp_evict(&pg, &pg.regions[0], VA + 5 * P, &pa, &dirty), -ENOENT);
        EXPECT_EQ(pg.evictions, 3);
        // Evicted: the next write fault goes to the handler again.
        fault(VA + 3 * P, FAULT_WRITE, FAULT_NOT_PRESENT, &out, &rec);
        EXPECT_EQ(handler_calls, 4);
}

static void read_only_handler_not_upgraded(void)
{
        struct mk_msg out;
        struct mkp_rec rec;
        setup(0);
        handler_perms = MK_PERM_R; // the handler never allows writing
        fault(VA, FAULT_READ, FAULT_NOT_PRESENT, &out, &rec);
        fault(VA, FAULT_WRITE, FAULT_PROTECTION, &out, &rec);
        EXPECT_EQ(handler_calls, 2); // the handler decides
        EXPECT_EQ(out.w[2], MK_PERM_R);
}

// Without dirty tracking (the default) a grant goes in as the handler gave
// it, and a frame granted writable counts as dirty.
static void no_tracking_by_default(void)
{
        struct mk_msg out;
        struct mkp_rec rec;
        uint64_t pa;
        bool dirty;
        setup(0);
        fault(VA + 2 * P, FAULT_READ, FAULT_NOT_PRESENT, &out, &rec);
        EXPECT_EQ(out.w[2], MK_PERM_R | MK_PERM_W);
        EXPECT_EQ(mkp_evict(&pg, &pg.regions[0], VA + 2 * P, &pa, &dirty), 0);
        EXPECT(dirty);
        EXPECT_EQ(pg.upgrades, 0);
}

// mkp_clean write-protects a dirty page in place; with dirty tracking the
// next write is the library's upgrade, without it the handler's.
static void clean_without_evicting(void)
{
        struct mk_msg out;
        struct mkp_rec rec;
        bool dirty;
        setup(0);
        pg.track_dirty = true;
        fault(VA, FAULT_WRITE, FAULT_NOT_PRESENT, &out, &rec);
        uint64_t pa = out.w[1];
        EXPECT_EQ(mkp_clean(&pg, &pg.regions[0], VA, &dirty), 0);
        EXPECT(dirty);
        EXPECT_EQ(mkp_host_protects, 1);
        EXPECT_EQ(mkp_host_last_protect, MK_PERM_R);
        EXPECT_EQ(mkp_host_unmaps, 0); // still mapped, read-only
        EXPECT_EQ(mkp_clean(&pg, &pg.regions[0], VA, &dirty), 0);
        EXPECT(!dirty);
        EXPECT_EQ(mkp_host_protects, 1); // already read-only
        fault(VA, FAULT_WRITE, FAULT_PROTECTION, &out, &rec);
        EXPECT_EQ(rec.action, MKP_ACT_UPGRADE);
        EXPECT_EQ(out.w[1], pa);
        EXPECT_EQ(handler_calls, 1);
        pg.track_dirty = false;
        EXPECT_EQ(mkp_clean(&pg, &pg.regions[0], VA, &dirty), 0);
        EXPECT(dirty);
        fault(VA, FAULT_WRITE, FAULT_PROTECTION, &out, &rec);
        EXPECT_EQ(handler_calls, 2); // the handler decides
        EXPECT_EQ(out.w[1], pa);
        EXPECT_EQ(mkp_clean(&pg, &pg.regions[0], VA + P, &dirty), -ENOENT);
}

// mkp_mapped_next walks every page the library has mapped.
static void mapped_iterator(void)
{
        struct mk_msg out;
        struct mkp_rec rec;
        struct mkp_mapping m;
        uint64_t pa;
        bool dirty;
        setup(0);
        pg.track_dirty = true;
        fault(VA, FAULT_READ, FAULT_NOT_PRESENT, &out, &rec);
        fault(VA + 2 * P, FAULT_WRITE, FAULT_NOT_PRESENT, &out, &rec);
        fault(VA + 5 * P, FAULT_READ, FAULT_NOT_PRESENT, &out, &rec);
        uint32_t cur = 0;
        unsigned n = 0, ndirty = 0;
        uint64_t pages = 0;
        while (mkp_mapped_next(&pg, &cur, &m)) {
                n++;
                ndirty += m.dirty;
                pages |= 1ull << ((m.va - VA) / P);
                EXPECT(m.region == &pg.regions[0]);
                EXPECT(m.frame.va != NULL);
                EXPECT_EQ(m.writable, m.va == VA + 2 * P);
        }
        EXPECT_EQ(n, 3);
        EXPECT_EQ(ndirty, 1);
        EXPECT_EQ(pages, 1 | 4 | 32);
        EXPECT_EQ(mkp_evict(&pg, &pg.regions[0], VA + 5 * P, &pa, &dirty), 0);
        for (cur = 0, n = 0; mkp_mapped_next(&pg, &cur, &m);)
                n++;
        EXPECT_EQ(n, 2);
}

// A handler answering exactly bad_grant.
static struct mk_grant bad_grant;
static struct mk_grant bad_grant2; // a second grant when its va is not 0

static void grant_handler(struct mkp_pager *p, const struct mkp_fault *f, struct mkp_answer *a)
{
        struct mkp_frame fr = {bad_grant.pa, NULL}, fr2 = {bad_grant2.pa, NULL};
        handler_calls++;
        mkp_answer_map(a, bad_grant.va, &fr, (uint32_t)bad_grant.perms);
        if (bad_grant2.va)
                mkp_answer_map(a, bad_grant2.va, &fr2, (uint32_t)bad_grant2.perms);
}

// Every grant the kernel would refuse fails the fault with "bad pager reply"
// before it is sent, and mkp_grant_problem names the rule.
static void grant_rules(void)
{
        struct mk_msg out;
        struct mkp_rec rec;
        struct mkp_frame fr;
        setup(4);
        mkp_priv(&pg)->handler = grant_handler;
        EXPECT_EQ(mkp_frame_alloc(&pg, &fr), 0);
        const uint64_t R = MK_PERM_R, W = MK_PERM_W, X = MK_PERM_X;
        const struct {
                struct mk_grant g;
                const char *rule;
        } cases[] = {
            {{VA + 8, fr.pa, R}, "not page-aligned"},
            {{VA + NPAGES * P, fr.pa, R}, "outside the faulting region"},
            {{VA - P, fr.pa, R}, "outside the faulting region"},
            {{VA, fr.pa, W}, "no MK_PERM_R"},
            {{VA, fr.pa, R | 0x10}, "unknown permission bits"},
            {{VA, fr.pa, R | W | X}, "writable and executable together"},
            {{VA, 0x123000, R}, "not one of the pager's"},
        };
        for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                const char *why = mkp_grant_problem(&pg, &pg.regions[0], &cases[i].g);
                EXPECT(why && strstr(why, cases[i].rule));
                bad_grant = cases[i].g;
                fault(VA, FAULT_READ, FAULT_NOT_PRESENT, &out, &rec);
                EXPECT_EQ(out.tag, MK_FAULT_FAIL);
                EXPECT_EQ(out.w[0], MK_REASON_BAD_REPLY);
                EXPECT_EQ(pg.bad_grants, i + 1);
        }
        EXPECT_EQ(handler_calls, sizeof(cases) / sizeof(cases[0]));
        // A good grant goes through, read-execute included.
        bad_grant = (struct mk_grant){VA, fr.pa, R | X};
        EXPECT(!mkp_grant_problem(&pg, &pg.regions[0], &bad_grant));
        fault(VA, FAULT_READ, FAULT_NOT_PRESENT, &out, &rec);
        EXPECT_EQ(out.tag, MK_FAULT_MAP);
        EXPECT_EQ(out.w[2], R | X);
        EXPECT(!strcmp(mkp_perms_name(R | X), "r-x"));
        EXPECT(!strcmp(mkp_perms_name(0x10), "bad"));
}

// Debug mode names grants of a frame mapped at another page, granted twice
// in one answer, or freed back to the pool; without it they pass silently.
static void debug_mode_warnings(void)
{
        struct mk_msg out;
        struct mkp_rec rec;
        struct mkp_frame fr, fr2;
        setup(4);
        mkp_priv(&pg)->handler = grant_handler;
        EXPECT_EQ(mkp_frame_alloc(&pg, &fr), 0);
        EXPECT_EQ(mkp_frame_alloc(&pg, &fr2), 0);
        bad_grant = (struct mk_grant){VA, fr.pa, MK_PERM_R};
        bad_grant2 = (struct mk_grant){0, 0, 0};
        fault(VA, FAULT_READ, FAULT_NOT_PRESENT, &out, &rec);
        bad_grant.va = VA + P; // the same frame at a second page, debug off
        fault(VA + P, FAULT_READ, FAULT_NOT_PRESENT, &out, &rec);
        EXPECT_EQ(out.tag, MK_FAULT_MAP);
        EXPECT_EQ(pg.debug_warnings, 0);
        pg.debug = true;
        bad_grant.va = VA + 2 * P; // mapped at VA + P
        fault(VA + 2 * P, FAULT_READ, FAULT_NOT_PRESENT, &out, &rec);
        EXPECT_EQ(out.tag, MK_FAULT_MAP); // accepted (a shared read-only page may be meant)
        EXPECT_EQ(pg.debug_warnings, 1);
        bad_grant = (struct mk_grant){VA + 3 * P, fr2.pa, MK_PERM_R};
        bad_grant2 = (struct mk_grant){VA + 4 * P, fr2.pa, MK_PERM_R};
        fault(VA + 3 * P, FAULT_READ, FAULT_NOT_PRESENT, &out, &rec);
        EXPECT_EQ(pg.debug_warnings, 2); // twice in one answer
        mkp_frame_free(&pg, fr2.pa);
        bad_grant = (struct mk_grant){VA + 5 * P, fr2.pa, MK_PERM_R};
        bad_grant2 = (struct mk_grant){0, 0, 0};
        fault(VA + 5 * P, FAULT_READ, FAULT_NOT_PRESENT, &out, &rec);
        EXPECT_EQ(pg.debug_warnings, 3); // freed back to the pool
        bad_grant2 = (struct mk_grant){0, 0, 0};
}

static void refused_reply(void)
{
        struct mk_msg in = {.tag = MK_TAG_FAULT, .badge = 1, .flags = MK_MSG_KERNEL}, out;
        struct mkp_rec rec;
        setup(4);
        around_n = 1;
        fault_msg_encode(in.w, &(struct fault_info){.addr = VA}, 5, MKP_HOST_PID);
        EXPECT(mkp_serve(&pg, &in, &out, &rec));
        EXPECT_EQ(mkp_frames_free(&pg), 2);
        mkp_discard(&pg, &out); // the kernel said no
        EXPECT_EQ(out.tag, MK_FAULT_FAIL);
        EXPECT_EQ(out.w[0], MK_REASON_BAD_REPLY);
        EXPECT_EQ(mkp_frames_free(&pg), 4); // both frames back
        EXPECT_EQ(pg.maps, 0);
        EXPECT_EQ(pg.fails, 1);
        struct mkp_frame f;
        EXPECT_EQ(mkp_mapped_at(&pg, &pg.regions[0], VA, &f), -ENOENT);
}

static void fault_loop(void)
{
        struct mk_msg out;
        struct mkp_rec rec;
        setup(0);
        handler_perms = MK_PERM_R; // a handler that never lets the write happen
        for (int i = 0; i < MKP_LOOP_LIMIT; i++) {
                fault(VA, FAULT_WRITE, FAULT_PROTECTION, &out, &rec);
                EXPECT_EQ(rec.action, MKP_MAP);
        }
        fault(VA, FAULT_WRITE, FAULT_PROTECTION, &out, &rec);
        EXPECT_EQ(rec.action, MKP_FAIL);
        EXPECT_EQ(out.w[0], MK_REASON_LOOP);
}

// The one loop detector (mk/pagerlib.h), as the library and the system pager
// use it: only answers that give the faulting page nothing new count.
static bool step(struct mkp_loop *l, uint64_t key, uint32_t perms)
{
        mkp_loop_fault(l, key);
        return mkp_loop_answer(l, perms);
}

static int loops_within(struct mkp_loop *l, uint64_t key, uint32_t perms, int n)
{
        for (int i = 0; i < n; i++)
                if (step(l, key, perms))
                        return i + 1; // the answer that was a loop
        return 0;
}

static void loop_progress(void)
{
        const uint64_t va = 0x40000000;
        const uint32_t R = MK_PERM_R, RW = MK_PERM_R | MK_PERM_W;
        uint64_t w = mkp_loop_key(va, FAULT_WRITE, 5), r = mkp_loop_key(va, FAULT_READ, 5);
        struct mkp_loop l = {0};
        // The same write answered writable again and again: the answer after
        // MKP_LOOP_LIMIT of them is a loop, and the detector starts over.
        EXPECT_EQ(loops_within(&l, w, RW, 2 * MKP_LOOP_LIMIT), MKP_LOOP_LIMIT + 1);
        EXPECT_EQ(loops_within(&l, w, RW, MKP_LOOP_LIMIT), 0);
        // A handler that never lets the write happen (read-only each time): a loop.
        mkp_loop_reset(&l);
        EXPECT_EQ(loops_within(&l, w, R, 2 * MKP_LOOP_LIMIT), MKP_LOOP_LIMIT + 1);
        // Progress: the rights grow (read-only, then writable) ...
        mkp_loop_reset(&l);
        EXPECT_EQ(loops_within(&l, w, R, MKP_LOOP_LIMIT), 0);
        EXPECT(!step(&l, w, RW));
        EXPECT_EQ(loops_within(&l, w, RW, MKP_LOOP_LIMIT - 1), 0);
        EXPECT(step(&l, w, RW));
        // ... the pager changed the mappings (a fork: the copy-on-write
        // fault on the same stack page each time) ...
        for (int i = 0; i < 4 * MKP_LOOP_LIMIT; i++) {
                mkp_loop_reset(&l);
                EXPECT(!step(&l, w, RW));
        }
        // ... another access, page or thread in between.
        mkp_loop_reset(&l);
        for (int i = 0; i < 4 * MKP_LOOP_LIMIT; i++) {
                EXPECT(!step(&l, w, RW));
                EXPECT(!step(&l, i & 1 ? r : mkp_loop_key(va, FAULT_WRITE, 6), RW));
        }
        EXPECT(!step(&l, mkp_loop_key(va + 0x1000, FAULT_WRITE, 5), RW));
        // A counted RETRY (the system pager's) gives nothing: a loop.
        mkp_loop_reset(&l);
        EXPECT_EQ(loops_within(&l, r, MKP_LOOP_RETRY, 2 * MKP_LOOP_LIMIT), MKP_LOOP_LIMIT + 1);
}

static void no_region(void)
{
        struct mk_msg in = {.tag = MK_TAG_FAULT, .badge = 1, .flags = MK_MSG_KERNEL}, out;
        struct mkp_rec rec;
        setup(0);
        in.w[MK_FW_ADDR] = VA + NPAGES * P; // just past the region
        mkp_serve(&pg, &in, &out, &rec);
        EXPECT_EQ(out.tag, MK_FAULT_FAIL);
        EXPECT_EQ(out.w[0], MK_REASON_NOMAP);
        EXPECT_EQ(rec.region, MKP_NO_REGION);
        in.badge = MKP_MAX_REGIONS + 1; // a badge no region has
        in.w[MK_FW_ADDR] = VA;
        mkp_serve(&pg, &in, &out, &rec);
        EXPECT_EQ(out.w[0], MK_REASON_NOMAP);
        EXPECT_EQ(handler_calls, 0);
}

// A fault message the kernel did not send, or one from another pid under the
// client's badge, never reaches the handler and maps nothing.
static void forged_fault(void)
{
        struct mk_msg in = {.tag = MK_TAG_FAULT, .badge = 1}, out;
        struct mkp_rec rec;
        setup(4);
        fault_msg_encode(in.w, &(struct fault_info){.addr = VA}, 5, MKP_HOST_PID);
        EXPECT(mkp_serve(&pg, &in, &out, &rec)); // a call: answered with an error
        EXPECT_EQ(out.tag, 0);
        EXPECT_EQ(out.w[0], (uint64_t)-EINVAL);
        in.flags = MK_MSG_KERNEL;
        fault_msg_encode(in.w, &(struct fault_info){.addr = VA}, 5,
                         MKP_HOST_PID + 1); // not the client's pid
        EXPECT(mkp_serve(&pg, &in, &out, &rec));
        EXPECT_EQ(out.tag, MK_FAULT_FAIL);
        EXPECT_EQ(out.w[0], MK_REASON_NOMAP);
        EXPECT_EQ(handler_calls, 0);
        EXPECT_EQ(mkp_frames_free(&pg), 4);
        fault_msg_encode(in.w, &(struct fault_info){.addr = VA}, 5,
                         MKP_HOST_PID); // the client itself
        EXPECT(mkp_serve(&pg, &in, &out, &rec));
        EXPECT_EQ(out.tag, MK_FAULT_MAP);
        EXPECT_EQ(handler_calls, 1);
}

static void silent_handler(struct mkp_pager *p, const struct mkp_fault *f, struct mkp_answer *a) {}

static void empty_answer(void)
{
        struct mk_msg out;
        struct mkp_rec rec;
        setup(0);
        mkp_priv(&pg)->handler = silent_handler; // answers nothing
        fault(VA, FAULT_READ, FAULT_NOT_PRESENT, &out, &rec);
        EXPECT_EQ(out.tag, MK_FAULT_FAIL);
        EXPECT_EQ(out.w[0], MK_REASON_NOMAP);
}

static long user_request(struct mkp_pager *p, const struct mk_msg *in, struct mk_msg *out)
{
        out->w[1] = in->w[0] * 2;
        return 42;
}

static void requests(void)
{
        struct mk_msg in = {.tag = MKP_REQ_ATTACH}, out;
        struct mkp_rec rec;
        setup(0);
        in.w[0] = 0x50000123; // unaligned
        in.w[1] = P;
        EXPECT(mkp_serve(&pg, &in, &out, &rec));
        EXPECT_EQ(out.w[0], (uint64_t)-EINVAL);
        in.w[0] = 0x50000000;
        mkp_serve(&pg, &in, &out, &rec);
        EXPECT_EQ(out.w[0], 1); // region 0 is setup's
        EXPECT_EQ(rec.type, MKP_REC_ATTACH);
        in = (struct mk_msg){.tag = MKP_REQ_DETACH, .badge = 1, .w = {1}};
        mkp_serve(&pg, &in, &out, &rec);
        EXPECT_EQ(out.w[0], (uint64_t)-EPERM); // not through region 1's handle
        in.badge = 2;
        mkp_serve(&pg, &in, &out, &rec);
        EXPECT_EQ(out.w[0], 0);
        EXPECT_EQ(out.w[1], P);
        mkp_serve(&pg, &in, &out, &rec);
        EXPECT_EQ(out.w[0], (uint64_t)-EINVAL); // not attached any more
        in = (struct mk_msg){.tag = MKP_REQ_STATS};
        mkp_serve(&pg, &in, &out, &rec);
        EXPECT_EQ(out.w[0], 0);
        in = (struct mk_msg){.tag = MKP_REQ_USER + 3, .w = {21}};
        mkp_serve(&pg, &in, &out, &rec);
        EXPECT_EQ(out.w[0], (uint64_t)-ENOSYS);
        pg.request = user_request;
        mkp_serve(&pg, &in, &out, &rec);
        EXPECT_EQ(out.w[0], 42);
        EXPECT_EQ(out.w[1], 42);
        in = (struct mk_msg){.tag = MK_TAG_EXIT};
        EXPECT(!mkp_serve(&pg, &in, &out, &rec)); // an event: no reply
        in = (struct mk_msg){.tag = MKP_REQ_SHUTDOWN};
        EXPECT(mkp_serve(&pg, &in, &out, &rec));
        EXPECT(mkp_priv(&pg)->stop);
}

// Deferred answers: a handler keeps page 2's faults (mkp_defer); the loop
// sends nothing for them and serves other faults; mkp_complete later sends
// the answer through the kept reply, checked like a handler's; a token is
// one use; a thread that no longer waits gives -ESRCH and its frames go back.
static int kept_tokens[MKP_MAX_KEPT + 2];
static unsigned nkept;
static void defer_handler(struct mkp_pager *p, const struct mkp_fault *f, struct mkp_answer *a)
{
        if (f->offset == 2 * P) {
                int t = mkp_defer(p, f, a);
                if (t >= 0)
                        kept_tokens[nkept++] = t;
                else
                        mkp_answer_fail(a, MK_REASON_OOM);
                return;
        }
        handler(p, f, a);
}

static long keep_request(struct mkp_pager *p, const struct mk_msg *in, struct mk_msg *out)
{
        return mkp_request_keep(p) >= 0 ? MKP_NO_REPLY : -EIO;
}

static void deferred_answers(void)
{
        struct mk_msg out;
        struct mkp_rec rec;
        struct mkp_answer a = {0};
        struct mkp_frame fr;
        setup(0);
        mkp_priv(&pg)->handler = defer_handler;
        nkept = 0;
        struct mk_msg in = {.tag = MK_TAG_FAULT, .badge = 1, .flags = MK_MSG_KERNEL};
        struct fault_info fi = {.addr = VA + 2 * P + 8, .access = FAULT_READ};
        fault_msg_encode(in.w, &fi, 5, MKP_HOST_PID);
        EXPECT(!mkp_serve(&pg, &in, &out, &rec)); // kept: no reply now
        EXPECT_EQ(nkept, 1);
        EXPECT_EQ(rec.action, MKP_DEFER);
        EXPECT_EQ(rec.arg, (uint64_t)kept_tokens[0]);
        const struct mkp_fault *kf = mkp_kept_fault(&pg, kept_tokens[0]);
        EXPECT(kf != NULL && kf->page == VA + 2 * P && kf->region == &pg.regions[0]);
        // Another page is served meanwhile.
        fault(VA, FAULT_WRITE, FAULT_NOT_PRESENT, &out, &rec);
        EXPECT_EQ(out.tag, MK_FAULT_MAP);
        EXPECT_EQ(mkp_host_replies, 0);
        // The answer arrives: sent through the kept reply, and committed.
        EXPECT_EQ(mkp_frame_alloc(&pg, &fr), 0);
        mkp_answer_map(&a, VA + 2 * P, &fr, MK_PERM_R | MK_PERM_W);
        EXPECT_EQ(mkp_complete(&pg, kept_tokens[0], &a), 0);
        EXPECT_EQ(mkp_host_replies, 1);
        EXPECT_EQ(mkp_host_last_reply_handle, 0x200);
        EXPECT_EQ(mkp_host_last_reply.tag, MK_FAULT_MAP);
        EXPECT_EQ(mkp_host_last_reply.w[0], VA + 2 * P);
        EXPECT_EQ(mkp_host_last_reply.w[1], fr.pa);
        struct mkp_frame at;
        EXPECT_EQ(mkp_mapped_at(&pg, &pg.regions[0], VA + 2 * P, &at), 0);
        EXPECT_EQ(at.pa, fr.pa);
        // One use.
        EXPECT_EQ(mkp_complete(&pg, kept_tokens[0], &a), -EINVAL);
        EXPECT(mkp_kept_fault(&pg, kept_tokens[0]) == NULL);
        // A bad grant in a completion fails the fault instead (checked as a
        // handler's answer is).
        EXPECT(!mkp_serve(&pg, &in, &out, &rec));
        struct mkp_answer bad = {0};
        struct mkp_frame outside = {0x123000, NULL};
        mkp_answer_map(&bad, VA + 2 * P, &outside, MK_PERM_R);
        EXPECT_EQ(mkp_complete(&pg, kept_tokens[1], &bad), 0);
        EXPECT_EQ(mkp_host_last_reply.tag, MK_FAULT_FAIL);
        EXPECT_EQ(mkp_host_last_reply.w[0], MK_REASON_BAD_REPLY);
        // The thread no longer waits: -ESRCH, and the frame is free again.
        EXPECT(!mkp_serve(&pg, &in, &out, &rec));
        uint32_t free0 = mkp_frames_free(&pg);
        EXPECT_EQ(mkp_frame_alloc(&pg, &fr), 0);
        struct mkp_answer a2 = {0};
        mkp_answer_map(&a2, VA + 2 * P, &fr, MK_PERM_R);
        mkp_host_reply_err = -ESRCH;
        EXPECT_EQ(mkp_complete(&pg, kept_tokens[2], &a2), -ESRCH);
        mkp_host_reply_err = 0;
        EXPECT_EQ(mkp_frames_free(&pg), free0);
        // At most MKP_MAX_KEPT at once: the next is answered now (here: OOM).
        nkept = 0;
        for (unsigned i = 0; i < MKP_MAX_KEPT; i++)
                EXPECT(!mkp_serve(&pg, &in, &out, &rec));
        EXPECT_EQ(nkept, MKP_MAX_KEPT);
        EXPECT(mkp_serve(&pg, &in, &out, &rec));
        EXPECT_EQ(out.tag, MK_FAULT_FAIL);
        // Detaching the region abandons its kept faults (tokens free again).
        struct mk_msg d = {.tag = MKP_REQ_DETACH, .badge = 1, .w = {0}};
        mkp_serve(&pg, &d, &out, &rec);
        EXPECT_EQ(out.w[0], 0);
        for (unsigned i = 0; i < MKP_MAX_KEPT; i++)
                EXPECT(mkp_kept_fault(&pg, (int)i) == NULL);
        // A request kept by pg->request gets no reply now.
        pg.request = keep_request;
        struct mk_msg rq = {.tag = MKP_REQ_USER + 1};
        EXPECT(!mkp_serve(&pg, &rq, &out, &rec));
        pg.request = NULL;
}

// A protection layer: page 1 forbids everything, nothing is writable.
static bool layer_pre(struct mkp_pager *p, const struct mkp_fault *f, struct mkp_answer *a)
{
        if (f->offset != P)
                return false;
        mkp_answer_fail(a, MK_REASON_GUARD);
        return true;
}

static void layer_post(struct mkp_pager *p, const struct mkp_fault *f, struct mkp_answer *a)
{
        for (unsigned k = 0; k < a->ngrants; k++)
                a->grants[k].perms &= ~(uint64_t)MK_PERM_W;
}

static long layer_req(struct mkp_pager *p, const struct mk_msg *in, struct mk_msg *out)
{
        return in->tag == MK_TAG_USER + 0x84 ? 7 : -ENOSYS;
}

static void layer_hooks(void)
{
        struct mk_msg out, in = {.tag = MK_TAG_USER + 0x84};
        struct mkp_rec rec;
        setup(0);
        mkp_priv(&pg)->prefault = layer_pre;
        mkp_priv(&pg)->postfault = layer_post;
        mkp_priv(&pg)->layer_request = layer_req;
        fault(VA + P, FAULT_READ, FAULT_NOT_PRESENT, &out, &rec);
        EXPECT_EQ(out.tag, MK_FAULT_FAIL);
        EXPECT_EQ(out.w[0], MK_REASON_GUARD);
        EXPECT_EQ(handler_calls, 0);
        fault(VA + 2 * P, FAULT_WRITE, FAULT_NOT_PRESENT, &out, &rec);
        EXPECT_EQ(handler_calls, 1);
        EXPECT_EQ(out.w[2], MK_PERM_R); // the layer took W away
        fault(VA + 2 * P, FAULT_WRITE, FAULT_PROTECTION, &out, &rec);
        EXPECT_EQ(handler_calls, 2); // no upgrade: the handler's W never reached the page
        mkp_serve(&pg, &in, &out, &rec);
        EXPECT_EQ(out.w[0], 7);
        in.tag = MKP_REQ_USER;
        mkp_serve(&pg, &in, &out, &rec);
        EXPECT_EQ(out.w[0], (uint64_t)-ENOSYS); // neither the layer nor the pager
}

static void record_format_parse(void)
{
        static const char *const lines[] = {
            "mkp-rec pattern init 0\n",
            "mkp-rec pattern attach 3 0x40000\n",
            "mkp-rec pattern detach 3\n",
            "mkp-rec trace fault 1 0x5000 write protection upgrade 1\n",
            "mkp-rec trace fault - 0x70000000 read not-present fail 1\n",
            "mkp-rec x fault 0 0x0 exec other retry 0\n",
            "mkp-rec pattern fault 0 0x4000 read not-present map 2 0x4000:r-- 0x5000:rw-\n",
            "mkp-rec trace fault 1 0x5000 write protection upgrade 1 0x5000:rw-\n",
            // The system pager's: REGION the badge, addresses, who faulted.
            "mkp-rec pager@1 fault 40 0x3fefff8 write not-present map 1 0x3fefff000:rw- tid=3 "
            "pid=41 flags=0x3\n",
        };
        char buf[MKP_REC_LINE_MAX];
        struct mkp_rec r;
        for (unsigned i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
                EXPECT_EQ(mkp_rec_parse(lines[i], &r), 0);
                EXPECT(!strcmp(mkp_rec_format(&r, buf, sizeof(buf)), lines[i]));
        }
        // Console noise before the line and a CR after it are fine.
        EXPECT_EQ(mkp_rec_parse("xx mkp-rec a fault 2 0x1000 read not-present map 4\r\n", &r), 0);
        EXPECT_EQ(r.region, 2);
        EXPECT_EQ(r.arg, 4);
        EXPECT_EQ(r.action, MKP_MAP);
        EXPECT_EQ(mkp_rec_parse("mkp-rec a fault 2 0x1000 read not-present map\n", &r), -1);
        EXPECT_EQ(mkp_rec_parse("mkp-rec a fault 2 0x1000 peek not-present map 1\n", &r), -1);
        EXPECT_EQ(mkp_rec_parse("mkp-rec a fault 65536 0x1000 read not-present map 1\n", &r), -1);
        EXPECT_EQ(
            mkp_rec_parse("mkp-rec a fault 2 0x1000 read not-present map 1 tid=1 pid=2\n", &r), -1);
        EXPECT_EQ(mkp_rec_parse("mkp-rec a fault 2 0x1000 read not-present jump 1\n", &r), -1);
        EXPECT_EQ(mkp_rec_parse("mkp-rec a attach 2 0x1000z\n", &r), -1);
        EXPECT_EQ(mkp_rec_parse("no record here\n", &r), -1);
        // The full answer: every grant's page and rights, all of them or none.
        EXPECT_EQ(mkp_rec_parse("mkp-rec a fault 2 0x1000 read not-present map 2 0x1000:r-x "
                                "0x2000:rw-\n",
                                &r),
                  0);
        EXPECT_EQ(r.ngrants, 2);
        EXPECT_EQ(r.grants[0].offset, 0x1000);
        EXPECT_EQ(r.grants[0].perms, MK_PERM_R | MK_PERM_X);
        EXPECT_EQ(r.grants[1].perms, MK_PERM_R | MK_PERM_W);
        EXPECT_EQ(mkp_rec_parse("mkp-rec a fault 2 0x1000 read not-present map 2 0x1000:r--\n", &r),
                  -1);
        EXPECT_EQ(mkp_rec_parse("mkp-rec a fault 2 0x1000 read not-present map 1 0x1000:r-?\n", &r),
                  -1);
        EXPECT_EQ(
            mkp_rec_parse("mkp-rec a fault 2 0x1000 read not-present fail 1 0x1000:r--\n", &r), -1);
}

int main(int argc, char **argv, char **envp)
{
        h_suite = "pagerlib";
        RUN(encode_map);
        RUN(encode_fail_retry);
        RUN(encode_grant_limit);
        RUN(pool_budget);
        RUN(pool_grows);
        RUN(pool_reaps_ended_clients);
        RUN(reaped_while_serving);
        RUN(around_limits);
        RUN(around_stops_when_fill_fails);
        RUN(dirty_tracking);
        RUN(read_only_handler_not_upgraded);
        RUN(no_tracking_by_default);
        RUN(grant_rules);
        RUN(clean_without_evicting);
        RUN(mapped_iterator);
        RUN(debug_mode_warnings);
        RUN(refused_reply);
        RUN(deferred_answers);
        RUN(fault_loop);
        RUN(loop_progress);
        RUN(no_region);
        RUN(forged_fault);
        RUN(empty_answer);
        RUN(requests);
        RUN(layer_hooks);
        RUN(record_format_parse);
        mkp_host_reset();
        return DONE();
}
