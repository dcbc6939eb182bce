// SPDX-License-Identifier: MIT
// Host tests of the pager side of libsys/pagerlib/posix_hook.c (POSIX
// anonymous memory in an external pager): per-page rights from MKP_REQ_POSIX,
// the fault check before the handler (no mapping, guard page, access
// violation, the held frame given back), the grant clamp after it, munmap and
// MAP_FIXED dropping frames and telling the pager, bad requests. Driven
// through the library's own mkp_serve with the host's fake system
// (libsys/pagerlib/replay.c).
#include "harness.h"
#include "pagerlib_int.h"
#include "posix_hook.h"

#define P      MK_PAGE_SIZE
#define VA     0x40000000ull
#define PROC   7 // fake client process handle
#define NPAGES 16
#define BUDGET 8
#define RW     (MK_PERM_R | MK_PERM_W)

static struct mkp_pager pg;
static unsigned handler_calls, around;
static uint32_t handler_perms; // what the handler grants (setup: R|W|X)
static uint64_t discarded_off, discarded_len;
static unsigned discards;

static int fill(struct mkp_pager *p, struct mkp_region *r, uint64_t va, struct mkp_frame *fr)
{
        if (mkp_frame_alloc(p, fr))
                return -1;
        mkp_fill_zero(fr);
        return 0;
}

// Anonymous memory, everything allowed (the layer takes away what it must),
// plus `around` pages of fault-around.
static void handler(struct mkp_pager *p, const struct mkp_fault *f, struct mkp_answer *a)
{
        struct mkp_frame fr;
        handler_calls++;
        if (fill(p, f->region, f->page, &fr)) {
                mkp_answer_fail(a, MK_REASON_OOM);
                return;
        }
        mkp_answer_map(a, f->page, &fr, handler_perms);
        mkp_answer_around(p, f, a, around, MK_PERM_R | MK_PERM_W, fill);
}

static void on_discard(struct mkp_pager *p, struct mkp_region *r, uint64_t off, uint64_t len)
{
        discards++;
        discarded_off = off;
        discarded_len = len;
}

// Sends a request through the library, as the client of region w0 does
// (through the handle minted for it: badge w0 + 1); the reply's w0.
static long request(uint64_t tag, uint64_t w0, uint64_t w1, uint64_t w2, uint64_t w3)
{
        struct mk_msg in = {.tag = tag, .badge = w0 + 1, .w = {w0, w1, w2, w3}}, out;
        struct mkp_rec rec;
        if (mkp_serve(&pg, &in, &out, &rec))
                mkp_commit(&pg);
        return (long)out.w[0];
}

static long posix(uint64_t off, uint64_t len, uint64_t st)
{
        return request(MKP_REQ_POSIX, 0, off, len, st);
}

// Serves a fault at page `page` of the region; the reply (committed).
static struct mk_msg fault(uint64_t page, unsigned access, unsigned kind)
{
        struct mk_msg in = {.tag = MK_TAG_FAULT, .badge = 1, .flags = MK_MSG_KERNEL}, out;
        struct mkp_rec rec;
        struct fault_info fi = {
            .addr = VA + page * P + 8, .access = (uint8_t)access, .kind = (uint8_t)kind};
        fault_msg_encode(in.w, &fi, 5, MKP_HOST_PID);
        if (mkp_serve(&pg, &in, &out, &rec))
                mkp_commit(&pg);
        return out;
}

// A fresh pager with the layer on and one region of NPAGES pages (id 0).
static void setup(void)
{
        mkp_host_reset();
        EXPECT_EQ(mkp_init(&pg, -1, BUDGET, handler, NULL), 0);
        mkp_posix_enable(&pg);
        pg.discard = on_discard;
        pg.track_dirty = true; // as compress, the pager these tests stand for
        EXPECT_EQ(request(MKP_REQ_ATTACH, VA, NPAGES * P, PROC, 0), 0);
        handler_calls = around = discards = 0;
        handler_perms = MK_PERM_R | MK_PERM_W | MK_PERM_X;
}

static void without_state_nothing_changes(void)
{
        setup();
        EXPECT_EQ(mkp_posix_perms(&pg, &pg.regions[0], 0), RW);
        // The handler's answer as it gave it (R|W|X): writable and executable
        // together is refused by the library, the layer takes nothing away.
        struct mk_msg m = fault(0, FAULT_EXEC, FAULT_NOT_PRESENT);
        EXPECT_EQ(m.tag, MK_FAULT_FAIL);
        EXPECT_EQ(m.w[0], MK_REASON_BAD_REPLY);
        EXPECT_EQ(pg.bad_grants, 1);
        EXPECT_EQ(handler_calls, 1);
}

// A page the handler mapped read-only on purpose is not made writable by the
// layer (the page's POSIX rights allow writing): the write goes to the handler.
static void read_only_answer_kept(void)
{
        setup();
        EXPECT_EQ(posix(0, NPAGES * P, RW), NPAGES);
        handler_perms = MK_PERM_R;
        struct mk_msg m = fault(1, FAULT_READ, FAULT_NOT_PRESENT);
        EXPECT_EQ(m.tag, MK_FAULT_MAP);
        EXPECT_EQ(m.w[2], MK_PERM_R);
        m = fault(1, FAULT_WRITE, FAULT_PROTECTION);
        EXPECT_EQ(handler_calls, 2); // the handler decides the upgrade
        EXPECT_EQ(m.w[2], MK_PERM_R);
        // Also after mprotect took the page out and gave it back.
        EXPECT_EQ(posix(P, P, MK_PERM_R), NPAGES);
        EXPECT_EQ(posix(P, P, RW), NPAGES);
        m = fault(1, FAULT_WRITE, FAULT_NOT_PRESENT);
        EXPECT_EQ(handler_calls, 3);
}

static void rights_from_the_request(void)
{
        setup();
        EXPECT_EQ(posix(0, NPAGES * P, MK_PERM_R), NPAGES);
        EXPECT_EQ(mkp_posix_perms(&pg, &pg.regions[0], 3 * P), MK_PERM_R);
        struct mk_msg m = fault(3, FAULT_READ, FAULT_NOT_PRESENT);
        EXPECT_EQ(m.tag, MK_FAULT_MAP);
        EXPECT_EQ(m.w[2], MK_PERM_R); // clamped: no W, no X
        m = fault(3, FAULT_WRITE, FAULT_PROTECTION);
        EXPECT_EQ(m.tag, MK_FAULT_FAIL);
        EXPECT_EQ(m.w[0], MK_REASON_ACCESS);
        m = fault(4, FAULT_EXEC, FAULT_NOT_PRESENT);
        EXPECT_EQ(m.tag, MK_FAULT_FAIL);
        EXPECT_EQ(m.w[0], MK_REASON_ACCESS);
        EXPECT_EQ(handler_calls, 1);
}

static void protect_keeps_the_frame(void)
{
        setup();
        EXPECT_EQ(posix(0, NPAGES * P, RW), NPAGES);
        struct mk_msg m = fault(2, FAULT_WRITE, FAULT_NOT_PRESENT);
        EXPECT_EQ(m.w[2], RW);
        uint64_t pa = m.w[1];
        uint32_t free_before = mkp_frames_free(&pg);
        unsigned long unmaps = mkp_host_unmaps;
        // mprotect(PROT_READ): out of the client, the frame kept.
        EXPECT_EQ(posix(2 * P, P, MK_PERM_R), NPAGES);
        EXPECT_EQ(mkp_host_unmaps, unmaps + 1);
        EXPECT_EQ(mkp_frames_free(&pg), free_before);
        m = fault(2, FAULT_READ, FAULT_NOT_PRESENT);
        EXPECT_EQ(m.tag, MK_FAULT_MAP);
        EXPECT_EQ(m.w[1], pa); // the same frame, read-only
        EXPECT_EQ(m.w[2], MK_PERM_R);
        m = fault(2, FAULT_WRITE, FAULT_PROTECTION); // no upgrade past the new rights
        EXPECT_EQ(m.tag, MK_FAULT_FAIL);
        // PROT_NONE (mprotect): access violation; back to RW: the same frame.
        EXPECT_EQ(posix(2 * P, P, 0), NPAGES);
        m = fault(2, FAULT_READ, FAULT_NOT_PRESENT);
        EXPECT_EQ(m.w[0], MK_REASON_ACCESS);
        EXPECT_EQ(posix(2 * P, P, RW), NPAGES);
        m = fault(2, FAULT_WRITE, FAULT_NOT_PRESENT);
        EXPECT_EQ(m.tag, MK_FAULT_MAP);
        EXPECT_EQ(m.w[1], pa);
        EXPECT_EQ(m.w[2], RW);
        EXPECT_EQ(handler_calls, 1);
        uint64_t dpa;
        bool dirty;
        EXPECT_EQ(mkp_evict(&pg, &pg.regions[0], VA + 2 * P, &dpa, &dirty), 0);
        EXPECT(dirty); // written before the rights changed, and after
}

static void guard_and_unmapped(void)
{
        setup();
        EXPECT_EQ(posix(0, NPAGES * P, RW), NPAGES);
        EXPECT_EQ(posix(5 * P, P, MKP_POSIX_GUARD | MKP_POSIX_DISCARD), NPAGES);
        struct mk_msg m = fault(5, FAULT_READ, FAULT_NOT_PRESENT);
        EXPECT_EQ(m.w[0], MK_REASON_GUARD);
        EXPECT_EQ(posix(6 * P, 2 * P, MKP_POSIX_UNMAPPED | MKP_POSIX_DISCARD), NPAGES - 2);
        m = fault(7, FAULT_WRITE, FAULT_NOT_PRESENT);
        EXPECT_EQ(m.tag, MK_FAULT_FAIL);
        EXPECT_EQ(m.w[0], MK_REASON_NOMAP);
        EXPECT_EQ(discards, 2);
        EXPECT_EQ(discarded_off, 6 * P);
        EXPECT_EQ(discarded_len, 2 * P);
        EXPECT_EQ(handler_calls, 0);
        // Every page unmapped: nothing left (the client then detaches).
        EXPECT_EQ(posix(0, NPAGES * P, MKP_POSIX_UNMAPPED | MKP_POSIX_DISCARD), 0);
}

static void discard_frees_frames(void)
{
        setup();
        EXPECT_EQ(posix(0, NPAGES * P, RW), NPAGES);
        uint32_t free0 = mkp_frames_free(&pg);
        struct mk_msg m = fault(1, FAULT_WRITE, FAULT_NOT_PRESENT);
        EXPECT_EQ(mkp_frames_free(&pg), free0 - 1);
        uint64_t *w = NULL;
        struct mkp_frame fr;
        EXPECT_EQ(mkp_mapped_at(&pg, &pg.regions[0], VA + P, &fr), 0);
        w = fr.va;
        w[0] = 42;
        // MAP_FIXED over it: the contents go; the next fault is a fresh page.
        EXPECT_EQ(posix(P, P, RW | MKP_POSIX_DISCARD), NPAGES);
        EXPECT_EQ(mkp_frames_free(&pg), free0);
        EXPECT(mkp_mapped_at(&pg, &pg.regions[0], VA + P, &fr) != 0);
        m = fault(1, FAULT_READ, FAULT_NOT_PRESENT);
        EXPECT_EQ(m.tag, MK_FAULT_MAP);
        EXPECT_EQ(handler_calls, 2);
}

static void clamp_around(void)
{
        setup();
        EXPECT_EQ(posix(0, NPAGES * P, RW), NPAGES);
        EXPECT_EQ(posix(2 * P, P, MK_PERM_R), NPAGES);
        EXPECT_EQ(posix(3 * P, P, MKP_POSIX_GUARD), NPAGES);
        around = 4;
        struct mk_msg m = fault(1, FAULT_READ, FAULT_NOT_PRESENT);
        EXPECT_EQ(m.tag, MK_FAULT_MAP);
        EXPECT_EQ(m.w[2], MK_PERM_R); // page 1: RW allowed, mapped read-only first
        // Grants after the first: page 2 read-only, page 3 (guard) dropped,
        // pages 4 and 5 read-only first (dirty tracking).
        EXPECT_EQ(m.len, 3 * sizeof(struct mk_grant));
        const struct mk_grant *g = (const struct mk_grant *)m.buf;
        EXPECT_EQ(g[0].va, VA + 2 * P);
        EXPECT_EQ(g[0].perms, MK_PERM_R);
        EXPECT_EQ(g[1].va, VA + 4 * P);
        EXPECT_EQ(g[2].va, VA + 5 * P);
}

// Rights with W or X but not R (mprotect always sends R with them, a hostile
// client need not) mean R too, as on Linux: the held frame is never granted
// without R (a grant the kernel refuses), and the clamp keeps such pages.
static void write_implies_read(void)
{
        setup();
        EXPECT_EQ(posix(0, NPAGES * P, RW), NPAGES);
        struct mk_msg m = fault(1, FAULT_WRITE, FAULT_NOT_PRESENT);
        EXPECT_EQ(m.tag, MK_FAULT_MAP);
        EXPECT_EQ(posix(P, P, MK_PERM_W), NPAGES); // new rights: the frame is held
        EXPECT_EQ(mkp_posix_perms(&pg, &pg.regions[0], P), RW);
        m = fault(1, FAULT_WRITE, FAULT_NOT_PRESENT); // the held frame, granted again
        EXPECT_EQ(m.tag, MK_FAULT_MAP);
        EXPECT_EQ(m.w[2], RW);
        EXPECT_EQ(posix(2 * P, P, MK_PERM_X), NPAGES);
        m = fault(2, FAULT_READ, FAULT_NOT_PRESENT); // the handler's answer, clamped
        EXPECT_EQ(m.tag, MK_FAULT_MAP);
        EXPECT_EQ(m.w[2], MK_PERM_R | MK_PERM_X);
}

static void bad_requests(void)
{
        setup();
        EXPECT_EQ(posix(1, P, RW), -EINVAL);                     // unaligned
        EXPECT_EQ(posix(0, 0, RW), -EINVAL);                     // empty
        EXPECT_EQ(posix(NPAGES * P, P, RW), -EINVAL);            // past the end
        EXPECT_EQ(posix(0, (NPAGES + 1) * P, RW), -EINVAL);      // longer than the region
        EXPECT_EQ(posix(0, P, RW | 0x8000), -EINVAL);            // unknown bit
        EXPECT_EQ(request(MKP_REQ_POSIX, 3, 0, P, RW), -EINVAL); // no region 3
        struct mk_msg other = {.tag = MKP_REQ_POSIX, .badge = 2, .w = {0, 0, P, RW}}, oout;
        struct mkp_rec orec;
        mkp_serve(&pg, &other, &oout, &orec); // region 0, but not through its handle
        EXPECT_EQ((long)oout.w[0], -EPERM);
        EXPECT_EQ(request(MKP_REQ_ATTACH, VA + 0x10000000, 0x40000000, PROC, 0), 1);
        EXPECT_EQ(request(MKP_REQ_POSIX, 1, 0, P, RW), -E2BIG); // 1 GiB: the system pager's
        // A detached region's state does not stick to the next one with its id.
        EXPECT_EQ(posix(0, NPAGES * P, MK_PERM_R), NPAGES);
        EXPECT_EQ(request(MKP_REQ_DETACH, 0, 0, 0, 0), 0);
        EXPECT_EQ(request(MKP_REQ_ATTACH, VA, 2 * NPAGES * P, PROC, 0), 0);
        EXPECT_EQ(mkp_posix_perms(&pg, &pg.regions[0], 0), RW);
}

int main(int argc, char **argv, char **envp)
{
        h_suite = "posix_hook";
        RUN(without_state_nothing_changes);
        RUN(read_only_answer_kept);
        RUN(rights_from_the_request);
        RUN(protect_keeps_the_frame);
        RUN(guard_and_unmapped);
        RUN(discard_frees_frames);
        RUN(clamp_around);
        RUN(write_implies_read);
        RUN(bad_requests);
        return DONE();
}
