// SPDX-License-Identifier: MIT
// Fuzz target pagerlib: the pager library's message handling (mkp_serve,
// mkp_commit, mkp_discard: libsys/pagerlib/serve.c, pool.c, answer.c) on its
// host seam (replay.c's fake system), with the POSIX protection layer
// (posix_hook.c) on or off, fed a stream of hostile messages: faults with
// and without MK_MSG_KERNEL under any badge, pid and address, the library's
// requests (attach, detach, stats, shutdown, MKP_REQ_POSIX) from any badge,
// exit events, unknown tags; the kernel refusing replies; clients ending.
// The handler is scripted by the input too (map, fault-around, fail, retry,
// no answer, evict, map elsewhere). Also the recording format: every fault
// record formats to a line that parses back (mkp_rec_parse), and arbitrary
// lines parse or are refused cleanly.
//
// Checked after every message: the frame pool (free list, states, both hash
// tables) is consistent; only frames of live regions are recorded as mapped;
// a fault reply is a well-formed MAP, FAIL or RETRY; a pool frame is granted
// writable only for the page a write faulted on; a region with POSIX state
// gets no rights its pages lack; faults that are not the kernel's, or whose
// pid is not the region's client's, are never served.
#include "../../../libsys/pagerlib/posix_hook.c" // its state is reset per input
#include "fuzz.h"
#include <stddef.h>

#define MAX_MSGS   32
#define MAX_BUDGET 24
#define REGION_VA  0x40000000ull

static struct mkp_pager pg;
static struct fuzz_in *script; // the input: the handler's decisions come from it
static unsigned handler_calls;
static bool posix_used;

static const uint64_t near[] = {REGION_VA,
                                REGION_VA + 0x10000,
                                REGION_VA + 0x100000,
                                0x800000000ull,
                                MK_USER_TOP - 0x1000,
                                MK_USER_BASE,
                                0x1000,
                                0x10000,
                                MKP_REQ_ATTACH,
                                MKP_REQ_POSIX,
                                MKP_REQ_USER,
                                MK_TAG_FAULT,
                                (uint64_t)MKP_HOST_PID << 32 | 5,
                                MK_PERM_R | MK_PERM_W,
                                MKP_POSIX_UNMAPPED | MKP_POSIX_DISCARD,
                                MKP_POSIX_GUARD};

static int fill(struct mkp_pager *p, struct mkp_region *r, uint64_t va, struct mkp_frame *fr)
{
        if (mkp_frame_alloc(p, fr))
                return -1;
        mkp_fill_zero(fr);
        return 0;
}

// The handler: what it does comes from the input.
static void handler(struct mkp_pager *p, const struct mkp_fault *f, struct mkp_answer *a)
{
        struct mkp_frame fr;
        uint8_t h = fin_u8(script);
        uint32_t perms = (h >> 3) & 7;
        uint64_t pa;
        bool dirty;
        handler_calls++;
        switch (h % 8) {
        case 0:
        case 1: // anonymous memory, with fault-around
                if (mkp_mapped_at(p, f->region, f->page, &fr) && fill(p, f->region, f->page, &fr)) {
                        mkp_answer_fail(a, MK_REASON_OOM);
                        return;
                }
                mkp_answer_map(a, f->page, &fr, perms | MK_PERM_R);
                mkp_answer_around(p, f, a, fin_u8(script) % 40, perms, fill);
                return;
        case 2:
                mkp_answer_fail(a, fin_u8(script) % (MK_REASON_MAX + 2));
                return;
        case 3:
                mkp_answer_retry(a);
                return;
        case 4: // no answer: the library fails it
                return;
        case 5: { // evict a page of the region (maybe this one), then map a new frame
                uint64_t off = (uint64_t)fin_u8(script) * MK_PAGE_SIZE;
                if (off < f->region->len &&
                    !mkp_evict(p, f->region, f->region->start + off, &pa, &dirty))
                        mkp_frame_free(p, pa);
                if (fill(p, f->region, f->page, &fr)) {
                        mkp_answer_fail(a, MK_REASON_OOM);
                        return;
                }
                mkp_answer_map(a, f->page, &fr, perms);
                return;
        }
        case 6: // a sloppy handler: another page of the region too, or a frame twice
                if (fill(p, f->region, f->page, &fr)) {
                        mkp_answer_retry(a);
                        return;
                }
                mkp_answer_map(a, f->page, &fr, perms);
                mkp_answer_map(a, f->region->start + (uint64_t)fin_u8(script) * MK_PAGE_SIZE, &fr,
                               perms);
                return;
        default: // a frame that is not the pool's (the kernel refuses it)
                fr = (struct mkp_frame){0x1234000, NULL};
                mkp_answer_map(a, f->page, &fr, perms);
        }
}

static long request(struct mkp_pager *p, const struct mk_msg *in, struct mk_msg *out)
{
        out->len = (uint32_t)(in->w[1] % (MK_MSG_BUF + 1));
        memset(out->buf, 'q', out->len);
        return (long)in->w[0];
}

FUZZ_NOCOV static const char *pool_check(void)
{
        uint32_t used = 0;
        if (mkp_priv(&pg)->nfree > mkp_priv(&pg)->nframes ||
            mkp_priv(&pg)->nframes > MKP_MAX_FRAMES)
                return "pool: counts";
        for (uint32_t k = 0; k < mkp_priv(&pg)->nfree; k++) {
                uint32_t i = mkp_priv(&pg)->free_list[k];
                if (i >= mkp_priv(&pg)->nframes || mkp_priv(&pg)->state[i])
                        return "pool: a free-list frame in use";
        }
        for (uint32_t i = 0; i < mkp_priv(&pg)->nframes; i++) {
                if (mkp_pool_index(&pg, mkp_priv(&pg)->frames[i].pa) != (int)i)
                        return "pool: the pa hash does not find a frame";
                used += (mkp_priv(&pg)->state[i] & MKP_FS_USED) != 0;
                if (!(mkp_priv(&pg)->state[i] & MKP_FS_MAPPED))
                        continue;
                if (!(mkp_priv(&pg)->state[i] & MKP_FS_USED))
                        return "pool: a mapped frame not in use";
                if (mkp_priv(&pg)->mapped_region[i] >= MKP_MAX_REGIONS ||
                    !pg.regions[mkp_priv(&pg)->mapped_region[i]].used)
                        return "pool: a frame mapped in a region that is gone";
                if (mkp_map_lookup(&pg, mkp_priv(&pg)->mapped_region[i],
                                   mkp_priv(&pg)->mapped_va[i]) != (int)i)
                        return "pool: the map hash does not find a mapped frame";
        }
        if (used != mkp_priv(&pg)->nframes - mkp_priv(&pg)->nfree)
                return "pool: frames in use + free != frames";
        return NULL;
}

// A fault's reply, against the fault (f: decoded before it was served; the
// region may be reaped while it is served).
FUZZ_NOCOV static const char *reply_check(const struct mk_msg *in, const struct mkp_fault *fp,
                                          const struct mk_msg *out, const struct mkp_rec *rec)
{
        if (!(in->flags & MK_MSG_KERNEL))
                return out->tag == 0 && out->w[0] == (uint64_t)-EINVAL
                           ? NULL
                           : "a fault message not from the kernel was not refused";
        struct mkp_fault f = *fp;
        bool ours = f.region && f.pid == f.region->pid;
        if (!ours && (out->tag != MK_FAULT_FAIL || out->w[0] != MK_REASON_NOMAP))
                return "a fault of no region of ours (or of another pid) was served";
        if (out->tag == MK_FAULT_FAIL || out->tag == MK_FAULT_RETRY)
                return out->len ? "a FAIL or RETRY reply with grants" : NULL;
        if (out->tag != MK_FAULT_MAP || out->len % sizeof(struct mk_grant) || out->len > MK_MSG_BUF)
                return "a malformed fault reply";
        struct mk_grant g[MK_MAX_GRANTS];
        unsigned n = 1 + out->len / sizeof(struct mk_grant);
        g[0] = (struct mk_grant){out->w[0], out->w[1], out->w[2]};
        memcpy(g + 1, out->buf, out->len);
        if (rec->arg != n)
                return "the record's grant count differs from the reply's";
        if (!pg.track_dirty && rec->action == MKP_ACT_UPGRADE)
                return "an upgrade by the library without dirty tracking";
        const struct posix_region *ps = state_of(f.region);
        for (unsigned k = 0; k < n; k++) {
                bool written = g[k].va == f.page && f.access == FAULT_WRITE;
                if (pg.track_dirty && (g[k].perms & MK_PERM_W) && !written &&
                    mkp_pool_index(&pg, g[k].pa) >= 0)
                        return "dirty tracking: a pool frame granted writable for a page no write "
                               "faulted on";
                if (ps && g[k].va >= f.region->start && g[k].va - f.region->start < f.region->len) {
                        uint8_t s = ps->page[(g[k].va - f.region->start) / MK_PAGE_SIZE];
                        if (!(s & MK_PERM_R) || (g[k].perms & ~(uint64_t)(s & PERMS_ALL)))
                                return "a grant with rights its POSIX page lacks";
                }
        }
        return NULL;
}

static bool same_grants(const struct mkp_rec *a, const struct mkp_rec *b)
{
        if (a->ngrants != b->ngrants)
                return false;
        for (unsigned k = 0; k < a->ngrants; k++)
                if (a->grants[k].offset != b->grants[k].offset ||
                    a->grants[k].perms != b->grants[k].perms)
                        return false;
        return true;
}

// The fault's record formats to a line that parses back to it.
FUZZ_NOCOV static const char *record_check(const struct mkp_rec *rec)
{
        char line[MKP_REC_LINE_MAX];
        struct mkp_rec back;
        if (rec->access > FAULT_EXEC || rec->kind > FAULT_OTHER)
                return NULL; // a kernel that sent nonsense: nothing to replay
        mkp_rec_format(rec, line, sizeof(line));
        if (mkp_rec_parse(line, &back))
                return "a fault record that does not parse back";
        if (back.type != rec->type || strcmp(back.name, rec->name) || back.region != rec->region ||
            back.offset != rec->offset || back.access != rec->access || back.kind != rec->kind ||
            back.action != rec->action || back.arg != rec->arg || !same_grants(&back, rec))
                return "a fault record that parses back to something else";
        return NULL;
}

// Any text: parses or is refused; what parses formats and parses again the same.
FUZZ_NOCOV static const char *line_check(struct fuzz_in *in, uint64_t *digest)
{
        char line[600], again[MKP_REC_LINE_MAX];
        struct mkp_rec r, back;
        size_t n = fin_u16(in) % (sizeof(line) - 1), k;
        for (k = 0; k < n && fin_left(in); k++)
                line[k] = (char)fin_u8(in);
        line[k] = 0;
        if (mkp_rec_parse(line, &r))
                return NULL;
        fuzz_hash(digest, &r.offset, sizeof(r.offset));
        if (!memchr(r.name, 0, sizeof(r.name)))
                return "a parsed name not terminated";
        mkp_rec_format(&r, again, sizeof(again));
        if (mkp_rec_parse(again, &back) || back.type != r.type || strcmp(back.name, r.name) ||
            back.region != r.region || back.offset != r.offset ||
            (r.type == MKP_REC_FAULT &&
             (back.access != r.access || back.kind != r.kind || back.action != r.action ||
              back.arg != r.arg || !same_grants(&back, &r))))
                return "a parsed line that does not format and parse back the same";
        return NULL;
}

static const char *one(const uint8_t *data, size_t size, uint64_t *digest)
{
        static struct mk_msg in, out;
        struct fuzz_in fin = {data, size};
        const char *why;
        script = &fin;
        handler_calls = 0;
        mkp_host_reset();
        if (posix_used) // (only an input with the layer on writes its state)
                memset(posix_regions, 0, sizeof(posix_regions));
        // Set-up: a budget of 0 to MAX_BUDGET frames, or none (the pool grows
        // 64 frames at a time: costly on the host, so 1 input in 16); the
        // POSIX layer on or off.
        uint8_t setup = fin_u8(&fin);
        uint32_t budget = (setup & 0xb0) == 0xb0 ? 0 : 1 + setup % MAX_BUDGET;
        if (mkp_init(&pg, -1, budget, handler, NULL))
                return "mkp_init";
        pg.request = request;
        pg.track_dirty = (setup & 0x08) != 0; // the library's dirty tracking, or the handler's
        posix_used = setup & 0x40;
        if (posix_used)
                mkp_posix_enable(&pg);
        for (unsigned k = 0; k < MAX_MSGS && fin_left(&fin) && !mkp_priv(&pg)->stop; k++) {
                uint8_t sel = fin_u8(&fin);
                struct mkp_rec rec;
                memset(&in, 0, offsetof(struct mk_msg, buf));
                in.badge = fin_u8(&fin) % (MKP_MAX_REGIONS + 2);
                in.flags = (sel & 0x40) ? 0 : MK_MSG_KERNEL;
                switch (sel & 15) {
                case 0:
                case 1:
                case 2:
                case 3:
                case 4:
                case 5: { // a fault
                        uint8_t r = fin_u8(&fin);
                        const struct mkp_region *reg = &pg.regions[r % MKP_MAX_REGIONS];
                        in.tag = MK_TAG_FAULT;
                        struct fault_info fi = {0};
                        if (r & 0x80) {
                                fi.addr = fin_word(&fin, near, ARRAY_SIZE(near));
                        } else {
                                fi.addr = reg->start + fin_u16(&fin) % 64 * 4096;
                                fi.addr += fin_u8(&fin);
                        }
                        uint64_t info = 0;
                        if (r & 0x40) {
                                info = fin_u64(&fin);
                        } else {
                                fi.access = (uint8_t)(fin_u8(&fin) % 3);
                                fi.kind = (uint8_t)(fin_u8(&fin) % 3);
                        }
                        fault_msg_encode(in.w, &fi, 5, MKP_HOST_PID);
                        if (r & 0x40)
                                in.w[MK_FW_INFO] = info;
                        if (r & 0x20)
                                in.w[MK_FW_IDS] = fin_u64(&fin);
                        break;
                }
                case 6:
                        in.tag = MKP_REQ_ATTACH;
                        break;
                case 7:
                        in.tag = MKP_REQ_DETACH;
                        break;
                case 8:
                        in.tag = MKP_REQ_STATS;
                        break;
                case 9:
                        in.tag = MKP_REQ_SHUTDOWN;
                        break;
                case 10:
                        in.tag = MKP_REQ_POSIX;
                        break;
                case 11:
                        in.tag = MK_TAG_EXIT;
                        break;
                case 12:
                        in.tag = fin_word(&fin, near, ARRAY_SIZE(near));
                        break;
                case 13: // a client process ends (its regions are reaped when frames run out)
                        mkp_host_dead[fin_u8(&fin) % MKP_HOST_PROCS] = true;
                        continue;
                default:
                        if ((why = line_check(&fin, digest)))
                                return why;
                        continue;
                }
                if (in.tag != MK_TAG_FAULT)
                        for (int w = 0; w < 5; w++)
                                in.w[w] = fin_word(&fin, near, ARRAY_SIZE(near));
                memset(&out, 0xa5, sizeof(out));
                unsigned calls = handler_calls;
                struct mkp_fault pre;
                mkp_fault_decode(&pg, &in, &pre);
                if (mkp_serve(&pg, &in, &out, &rec)) {
                        if (in.tag == MK_TAG_FAULT && (why = reply_check(&in, &pre, &out, &rec)))
                                return why;
                        if (in.tag == MK_TAG_FAULT && (in.flags & MK_MSG_KERNEL) &&
                            (why = record_check(&rec)))
                                return why;
                        // The kernel takes the reply, or refuses it (a bad grant).
                        bool refused = (sel & 0x80) || (out.tag == MK_FAULT_MAP &&
                                                        mkp_pool_index(&pg, out.w[1]) < 0);
                        if (refused && in.tag == MK_TAG_FAULT) {
                                mkp_discard(&pg, &out);
                                if (out.tag != MK_FAULT_FAIL || out.w[0] != MK_REASON_BAD_REPLY)
                                        return "mkp_discard: not a FAIL BAD_REPLY";
                        } else {
                                mkp_commit(&pg);
                        }
                        fuzz_hash(digest, out.w, sizeof(out.w));
                        fuzz_hash64(digest, out.tag);
                } else if (in.tag != MK_TAG_EXIT) {
                        return "no reply to a call";
                }
                if (!(in.flags & MK_MSG_KERNEL) && in.tag == MK_TAG_FAULT && handler_calls != calls)
                        return "the handler ran for a fault the kernel did not send";
                if ((why = pool_check()))
                        return why;
        }
        fuzz_hash64(digest, pg.faults);
        fuzz_hash64(digest, pg.maps);
        fuzz_hash64(digest, mkp_priv(&pg)->nfree);
        return NULL;
}

// Seed records (see one()).
#define NO_HANDLER 0xff
static void attach(struct fuzz_buf *b, uint64_t va, uint64_t pages, uint8_t proc)
{
        fbuf_u8(b, 6);
        fbuf_u8(b, 0);
        fbuf_word(b, va);
        fbuf_word(b, pages * MK_PAGE_SIZE);
        fbuf_small(b, proc);
        fbuf_small(b, 0);
        fbuf_small(b, 0);
}

static void fault(struct fuzz_buf *b, uint8_t region, uint16_t page, uint8_t access, uint8_t hnd,
                  uint8_t around, bool refused)
{
        fbuf_u8(b, refused ? 0x80 : 0);
        fbuf_u8(b, region + 1); // badge
        fbuf_u8(b, region);
        fbuf_u16(b, page);
        fbuf_u8(b, 8);
        fbuf_u8(b, access);
        fbuf_u8(b, access == FAULT_WRITE ? 1 : 0);
        if (hnd == NO_HANDLER)
                return;  // answered by the library: the handler reads nothing
        fbuf_u8(b, hnd); // the handler's choice
        if (hnd % 8 < 3 || hnd % 8 == 5 || hnd % 8 == 6)
                fbuf_u8(b, around);
}

static void request_rec(struct fuzz_buf *b, uint8_t what, uint8_t badge, uint64_t w0, uint64_t w1,
                        uint64_t w2, uint64_t w3)
{
        fbuf_u8(b, what);
        fbuf_u8(b, badge);
        fbuf_word(b, w0);
        fbuf_word(b, w1);
        fbuf_word(b, w2);
        fbuf_word(b, w3);
        fbuf_small(b, 0);
}

static void seeds(fuzz_add_fn add)
{
        static struct fuzz_buf b;
        const uint8_t rw = (MK_PERM_W) << 3, ro = 0;
        for (int posix = 0; posix < 2; posix++) {
                b.n = 0;
                fbuf_u8(&b, (uint8_t)(posix ? 0x40 | 7 : 7)); // budget 8
                attach(&b, REGION_VA, 16, 7);
                attach(&b, REGION_VA + 0x100000, 64, 8);
                fault(&b, 0, 0, FAULT_READ, rw, 3, false);          // map + 3 around, read-only
                fault(&b, 0, 0, FAULT_WRITE, NO_HANDLER, 0, false); // the library's upgrade
                fault(&b, 0, 5, FAULT_WRITE, rw, 0, false);
                fault(&b, 1, 2, FAULT_READ, 2, 1, false);       // FAIL
                fault(&b, 1, 3, FAULT_READ, 3, 0, false);       // RETRY
                fault(&b, 1, 4, FAULT_READ, 4, 0, false);       // no answer
                fault(&b, 0, 9, FAULT_WRITE, 5 | rw, 0, false); // evict page 0
                fault(&b, 0, 10, FAULT_READ, 6 | ro, 11, false);
                fault(&b, 0, 11, FAULT_READ, 7, 0, false); // a bad frame: refused
                fault(&b, 0, 12, FAULT_READ, ro, 0, true); // refused by the kernel
                if (posix) {
                        request_rec(&b, 10, 1, 0, 0, 16 * MK_PAGE_SIZE, MK_PERM_R);
                        fault(&b, 0, 1, FAULT_WRITE, NO_HANDLER, 0, false); // access violation
                        fault(&b, 0, 1, FAULT_READ, rw, 0, false);          // clamped to R
                        request_rec(&b, 10, 1, 0, 0x2000, 0x2000, MKP_POSIX_UNMAPPED | 0x200);
                        request_rec(&b, 10, 1, 0, 0x4000, 0x1000, MKP_POSIX_GUARD);
                        fault(&b, 0, 2, FAULT_READ, NO_HANDLER, 0, false); // no mapping
                        fault(&b, 0, 4, FAULT_READ, NO_HANDLER, 0, false); // guard page
                }
                request_rec(&b, 8, 0, 0, 0, 0, 0); // stats
                request_rec(&b, 12, 2, MKP_REQ_USER, 3, 5, 0);
                fbuf_u8(&b, 13); // client 8 ends
                fbuf_u8(&b, 0);
                fbuf_u8(&b, 8);
                request_rec(&b, 7, 2, 1, 0, 0, 0); // detach region 1
                request_rec(&b, 7, 5, 0, 0, 0, 0); // detach region 0 with the wrong badge
                fbuf_u8(&b, 14);                   // a recorded line
                fbuf_u8(&b, 0);
                const char *line = "mkp-rec pattern fault 0 0x4000 read not-present map 4\n";
                fbuf_u16(&b, (uint16_t)strlen(line));
                fbuf_put(&b, line, strlen(line));
                request_rec(&b, 9, 0, 0, 0, 0, 0); // shutdown
                add(b.b, b.n, posix ? "session-posix" : "session");
        }
        // Hostile: faults not from the kernel, other pids, bad badges.
        b.n = 0;
        fbuf_u8(&b, 0xb0); // no budget: the pool grows
        attach(&b, REGION_VA, 4, 3);
        for (unsigned k = 0; k < 6; k++) {
                fbuf_u8(&b, (uint8_t)(k & 1 ? 0x40 : 0));
                fbuf_u8(&b, (uint8_t)(k % 3));
                fbuf_u8(&b, 0x20);
                fbuf_u16(&b, 1);
                fbuf_u8(&b, 0);
                fbuf_u8(&b, 1);
                fbuf_u8(&b, 0);
                fbuf_u64(&b, 5 | (uint64_t)(k + 2) << 32);
        }
        add(b.b, b.n, "hostile");
}

const struct fuzz_target fuzz_target = {
    .name = "pagerlib",
    .one = one,
    .seeds = seeds,
    .smoke_mutants = 15000,
    .max_len = 4096,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        return fuzz_entry(&fuzz_target, data, size);
}
