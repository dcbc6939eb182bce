// SPDX-License-Identifier: MIT
// POSIX anonymous memory served by an external pager (posix_hook.h): the
// pager side (portable: per-page protection state, the MKP_REQ_POSIX
// request, the fault check and the grant clamp) and, on the target only,
// the client side (the mmap/munmap/mprotect hooks) and the pager's watchdog.
#include "posix_hook.h"
#include "pagerlib_int.h"
#include <mk/pager.h>

#define PERMS_ALL   (MK_PERM_R | MK_PERM_W | MK_PERM_X)
#define PS_GUARD    0x40 // page state: an mmap PROT_NONE guard
#define PS_UNMAPPED 0x80 // page state: munmapped
#define POSIX_FLAGS (MKP_POSIX_UNMAPPED | MKP_POSIX_DISCARD)
#define POSIX_KNOWN (PERMS_ALL | POSIX_FLAGS | MKP_POSIX_GUARD)
// Pages of POSIX state per region (32 MiB): larger mmaps stay with the
// system pager (the attach is refused with -E2BIG). The tables are BSS, so
// a pager pays only for the pages of them it touches.
#define POSIX_MAX_PAGES 8192

// --- Pager side ---------------------------------------------------------------

// The POSIX state of a region: which region it describes, and one byte per
// page: MK_PERM_* bits, or PS_GUARD, or PS_UNMAPPED.
static struct posix_region {
        bool used;
        uint64_t start, len;
        long proc;
        uint8_t page[POSIX_MAX_PAGES];
} posix_regions[MKP_MAX_REGIONS];

// The POSIX state of r, or NULL if r has none (the ids of detached regions
// are reused: the state counts only for the same range and client).
static struct posix_region *state_of(const struct mkp_region *r)
{
        if (!r || r->id >= MKP_MAX_REGIONS)
                return NULL;
        struct posix_region *p = &posix_regions[r->id];
        if (!p->used || p->start != r->start || p->len != r->len || p->proc != r->proc)
                return NULL;
        return p;
}

uint32_t mkp_posix_perms(const struct mkp_pager *pg, const struct mkp_region *r, uint64_t offset)
{
        const struct posix_region *p = state_of(r);
        if (!p)
                return MK_PERM_R | MK_PERM_W;
        return p->page[offset / MK_PAGE_SIZE] & PERMS_ALL;
}

static uint32_t access_perm(unsigned access)
{
        return access == FAULT_WRITE ? MK_PERM_W : access == FAULT_EXEC ? MK_PERM_X : MK_PERM_R;
}

bool mkp_posix_fault(struct mkp_pager *pg, const struct mkp_fault *f, struct mkp_answer *a)
{
        const struct posix_region *p = state_of(f->region);
        if (!p)
                return false;
        uint8_t s = p->page[f->offset / MK_PAGE_SIZE];
        if (s & PS_UNMAPPED) {
                mkp_answer_fail(a, MK_REASON_NOMAP);
                return true;
        }
        if (s & PS_GUARD) {
                mkp_answer_fail(a, MK_REASON_GUARD);
                return true;
        }
        if (!(s & access_perm(f->access))) {
                mkp_answer_fail(a, MK_REASON_ACCESS);
                return true;
        }
        // A page whose rights changed was unmapped from the client but its
        // frame kept (held): give the same frame back, with the new rights,
        // never more than the handler gave it. An access the handler never
        // allowed goes to the handler: it decides every upgrade.
        int i = mkp_map_lookup(pg, f->region->id, f->page);
        if (i < 0 || !(mkp_priv(pg)->state[i] & MKP_FS_HELD))
                return false;
        uint32_t perms = s & PERMS_ALL & mkp_priv(pg)->granted[i];
        if (!(perms & access_perm(f->access)))
                return false;
        mkp_answer_map(a, f->page, &mkp_priv(pg)->frames[i], perms);
        return true;
}

void mkp_posix_clamp(struct mkp_pager *pg, const struct mkp_fault *f, struct mkp_answer *a)
{
        const struct mkp_region *r = f->region;
        const struct posix_region *p = state_of(r);
        if (!p || a->action != MKP_MAP)
                return;
        unsigned n = 0;
        for (unsigned k = 0; k < a->ngrants; k++) {
                struct mk_grant g = a->grants[k];
                if (g.va >= r->start && g.va - r->start < r->len) {
                        uint8_t s = p->page[(g.va - r->start) / MK_PAGE_SIZE];
                        if (!(s & MK_PERM_R))
                                continue; // nothing may be mapped there
                        g.perms &= s & PERMS_ALL;
                }
                a->grants[n++] = g;
        }
        a->ngrants = n; // 0: the library fails the fault ("access violation")
}

void mkp_posix_enable(struct mkp_pager *pg)
{
        mkp_priv(pg)->prefault = mkp_posix_fault;
        mkp_priv(pg)->postfault = mkp_posix_clamp;
        mkp_priv(pg)->layer_request = mkp_posix_request;
}

static void watchdog_start(struct mkp_pager *pg, const struct mkp_region *r, uint64_t send1);

long mkp_posix_request(struct mkp_pager *pg, const struct mk_msg *in, struct mk_msg *out)
{
        if (in->tag != MKP_REQ_POSIX)
                return -ENOSYS;
        uint64_t id = in->w[0], off = in->w[1], len = in->w[2], st = in->w[3];
        if (id >= MKP_MAX_REGIONS || !pg->regions[id].used)
                return -EINVAL;
        if (in->badge != id + 1)
                return -EPERM; // only through the handle we minted for the region
        struct mkp_region *r = &pg->regions[id];
        if ((off | len) & MKP_PAGE_MASK || !len || off >= r->len || len > r->len - off ||
            (st & ~(uint64_t)POSIX_KNOWN))
                return -EINVAL;
        // Writing or executing implies reading, as mmap and mprotect say (and
        // the MMUs need): a page's rights never hold W or X without R.
        if (st & (MK_PERM_W | MK_PERM_X))
                st |= MK_PERM_R;
        struct posix_region *p = state_of(r);
        if (!p) {
                if (r->len / MK_PAGE_SIZE > POSIX_MAX_PAGES)
                        return -E2BIG;
                p = &posix_regions[id];
                *p = (struct posix_region){
                    .used = true, .start = r->start, .len = r->len, .proc = r->proc};
                memset(p->page, MK_PERM_R | MK_PERM_W, r->len / MK_PAGE_SIZE);
        }
        if (in->w[4])
                watchdog_start(pg, r, in->w[4]);
        uint8_t s = (st & MKP_POSIX_UNMAPPED)                     ? PS_UNMAPPED
                    : (st & MKP_POSIX_GUARD) && !(st & PERMS_ALL) ? PS_GUARD
                                                                  : (uint8_t)(st & PERMS_ALL);
        for (uint64_t o = off; o < off + len; o += MK_PAGE_SIZE) {
                uint64_t va = r->start + o;
                int i = mkp_map_lookup(pg, r->id, va);
                if (i >= 0 && (st & POSIX_FLAGS)) {
                        mkp_frame_free(pg, mkp_priv(pg)->frames[i].pa); // unmaps it first
                } else if (i >= 0 && s != p->page[o / MK_PAGE_SIZE]) {
                        // New rights: out of the client now, the frame kept
                        // (mkp_posix_fault maps it again with the new rights);
                        // no dirty-tracking upgrade past them.
                        mkp_sys_unmap(r->proc, va);
                        mkp_priv(pg)->state[i] &= (uint8_t) ~(MKP_FS_WRITABLE | MKP_FS_MAYWRITE);
                        mkp_priv(pg)->state[i] |= MKP_FS_HELD;
                }
                p->page[o / MK_PAGE_SIZE] = s;
        }
        if ((st & POSIX_FLAGS) && pg->discard)
                pg->discard(pg, r, off, len);
        long left = 0;
        for (uint64_t k = 0; k < r->len / MK_PAGE_SIZE; k++)
                left += !(p->page[k] & PS_UNMAPPED);
        return left;
}

#ifdef MKP_HOST
// On the host (replay) there is no client process to watch.
static void watchdog_start(struct mkp_pager *pg, const struct mkp_region *r, uint64_t send1) {}
#else
#include <mk/sys.h>

// --- The watchdog (pager side, target) ----------------------------------------

#define WATCHDOG_STACK 4096
#ifdef __x86_64__
#define ENTRY_SP_BIAS 8 // as if called: the return address slot below 16-byte alignment
#else
#define ENTRY_SP_BIAS 0
#endif

static uint8_t watchdog_stack[WATCHDOG_STACK] __attribute__((aligned(16)));
static long watchdog_client = -1, watchdog_ep = -1;

// A second thread of the pager: waits for the client process to end, then
// asks our own loop to stop (MKP_REQ_SHUTDOWN), and waits for the main thread
// to end the process.
static __attribute__((noreturn)) void watchdog(uint64_t arg)
{
        struct mk_exit_info info;
        struct mk_msg m;
        mk_proc_wait(watchdog_client, &info, 0);
        memset(&m, 0, sizeof(m));
        m.tag = MKP_REQ_SHUTDOWN;
        mk_call(watchdog_ep, &m);
        for (;;)
                mk_yield();
}

// send1: 1 + our handle of a send right to our endpoint (the client gave it:
// the library's pagers hold only the receive right).
static void watchdog_start(struct mkp_pager *pg, const struct mkp_region *r, uint64_t send1)
{
        if (watchdog_client >= 0)
                return;
        long self = mk_handle_give(MK_SELF, MK_SELF, 0, 0);
        long client = mk_handle_give(r->proc, MK_SELF, 0, 0); // ours: r->proc closes at detach
        long tid = self < 0 || client < 0 ? -EBADF : 0;
        if (!tid) {
                watchdog_client = client;
                watchdog_ep = (long)send1 - 1;
                uint64_t sp = (uint64_t)(watchdog_stack + WATCHDOG_STACK) - ENTRY_SP_BIAS;
                tid = mk_thread_start(self, (uint64_t)watchdog, sp, 0);
        }
        if (tid < 0) {
                mk_printf("pagerlib: %s: no watchdog (%ld)\n", pg->name, tid);
                if (client >= 0)
                        mk_handle_close(client);
                watchdog_client = -1;
        }
        if (self >= 0)
                mk_handle_close(self);
}

// --- Client side (target) -----------------------------------------------------

#define ENV_KEY     "MK_PAGER="
#define ENV_KEY_LEN (sizeof(ENV_KEY) - 1)

// Our pager and the regions it serves for us. pid tells a fork child (which
// inherits this memory but not the pager's regions) from the process that
// started the pager.
static struct {
        long pid;
        bool started, watchdog;
        long ep, proc;
        struct hook_region {
                bool used;
                uint64_t start, len;
                uint32_t id;
                long ep; // our handle to the pager carrying the region's badge
        } reg[MK_MAX_EXT_REGIONS];
} hk;

const char *mk_posix_pager_name(void)
{
        for (char **e = environ; e && *e; e++)
                if (strncmp(*e, ENV_KEY, ENV_KEY_LEN) == 0 && (*e)[ENV_KEY_LEN])
                        return *e + ENV_KEY_LEN;
        return NULL;
}

// A call with tag and five words: the reply's w0, or the IPC error.
static long call5(long ep, uint64_t tag, uint64_t w0, uint64_t w1, uint64_t w2, uint64_t w3,
                  uint64_t w4)
{
        struct mk_msg m;
        memset(&m, 0, offsetof(struct mk_msg, buf));
        m.tag = tag;
        m.w[0] = w0;
        m.w[1] = w1;
        m.w[2] = w2;
        m.w[3] = w3;
        m.w[4] = w4;
        long r = mk_call(ep, &m);
        return r < 0 ? r : (long)m.w[0];
}

static long call4(long ep, uint64_t tag, uint64_t w0, uint64_t w1, uint64_t w2, uint64_t w3)
{
        return call5(ep, tag, w0, w1, w2, w3, 0);
}

// The pager of this process, started on first use. 0 or -errno.
static int pager_get(void)
{
        long pid = mk_info(MK_INFO_PID, 0);
        if (hk.pid != pid) // first use, or a fork child: not our parent's pager
                memset(&hk, 0, sizeof(hk)), hk.pid = pid;
        if (hk.started)
                return 0;
        const char *name = mk_posix_pager_name();
        int r = mkp_spawn_pager(name, &hk.ep, &hk.proc);
        if (r) {
                mk_printf("posix: cannot start the pager '%s' (MK_PAGER): %d\n", name, r);
                return r;
        }
        hk.started = true;
        return 0;
}

static long posix_call(const struct hook_region *h, uint64_t off, uint64_t len, uint64_t st)
{
        return call5(h->ep, MKP_REQ_POSIX, h->id, off, len, st, 0);
}

// Unreserves [va, va+len) at the system pager.
static void unreserve(uint64_t va, uint64_t len)
{
        call4(mk_pager_ep, PGR_MUNMAP, va, len, 0, 0);
}

// Takes region h away from the pager (the kernel unmaps its pages first).
static void region_detach(struct hook_region *h)
{
        mk_region_pager(MK_SELF, h->start, 0, -1, 0);
        call4(h->ep, MKP_REQ_DETACH, h->id, 0, 0, 0);
        mk_handle_close(h->ep);
        h->used = false;
}

// Reserves [addr, addr+len) (anywhere when !fixed) at the system pager as an
// external region, and has our pager serve it with prot. 0 and *va, or -errno.
static int region_attach(uint64_t addr, uint64_t len, uint32_t prot, bool fixed, uint64_t *va)
{
        struct hook_region *h = NULL;
        for (int k = 0; k < MK_MAX_EXT_REGIONS && !h; k++)
                if (!hk.reg[k].used)
                        h = &hk.reg[k];
        if (!h)
                return -ENOMEM; // the kernel's limit of external ranges per process
        long start =
            call4(mk_pager_ep, PGR_MMAP, addr, len, prot,
                  PGR_MAP_PRIVATE | PGR_MAP_ANON | PGR_MAP_EXTERNAL | (fixed ? PGR_MAP_FIXED : 0));
        if (start < 0)
                return (int)start;
        len = (len + MKP_PAGE_MASK) & ~MKP_PAGE_MASK;
        int r = pager_get();
        long hp = r ? r : mk_handle_give(MK_SELF, hk.proc, 0, 0);
        struct mk_msg am;
        memset(&am, 0, offsetof(struct mk_msg, buf));
        am.tag = MKP_REQ_ATTACH;
        am.w[0] = (uint64_t)start;
        am.w[1] = len;
        am.w[2] = (uint64_t)hp;
        long id = hp < 0 ? hp : mk_call(hk.ep, &am);
        id = id < 0 ? id : (long)am.w[0];
        if (id < 0) {
                unreserve((uint64_t)start, len);
                return (int)id;
        }
        // The pager minted us a handle carrying the region's badge: the
        // region's faults and requests go through it.
        *h = (struct hook_region){true, (uint64_t)start, len, (uint32_t)id, (long)am.w[1]};
        long e = mk_region_pager(MK_SELF, (uint64_t)start, len, h->ep, 0);
        // The first region also gives the pager a send right to its own
        // endpoint, for its watchdog.
        long w = e < 0 || hk.watchdog ? -1 : mk_handle_give(hk.ep, hk.proc, 0, MK_RIGHT_SEND);
        long s = e < 0 ? e : call5(h->ep, MKP_REQ_POSIX, h->id, 0, len, prot, (uint64_t)(w + 1));
        hk.watchdog = hk.watchdog || (s >= 0 && w >= 0);
        if (s < 0) {
                if (e == 0)
                        mk_region_pager(MK_SELF, (uint64_t)start, 0, -1, 0);
                call4(h->ep, MKP_REQ_DETACH, (uint64_t)id, 0, 0, 0);
                mk_handle_close(h->ep);
                h->used = false;
                unreserve((uint64_t)start, len);
                return (int)s;
        }
        *va = (uint64_t)start;
        return 0;
}

// Applies st (MK_PERM_* | MKP_POSIX_*) to the parts of our regions in
// [addr, addr+len); detaches regions left with no page. Returns how many
// regions the range touched.
static int regions_apply(uint64_t addr, uint64_t len, uint64_t st)
{
        int touched = 0;
        uint64_t end = addr + len;
        for (int k = 0; k < MK_MAX_EXT_REGIONS; k++) {
                struct hook_region *h = &hk.reg[k];
                if (!h->used || end <= h->start || addr >= h->start + h->len)
                        continue;
                uint64_t s = addr > h->start ? addr : h->start;
                uint64_t e = end < h->start + h->len ? end : h->start + h->len;
                touched++;
                if (posix_call(h, s - h->start, e - s, st) == 0)
                        region_detach(h);
        }
        return touched;
}

// The region of ours holding all of [addr, addr+len), or NULL.
static struct hook_region *region_holding(uint64_t addr, uint64_t len)
{
        for (int k = 0; k < MK_MAX_EXT_REGIONS; k++) {
                struct hook_region *h = &hk.reg[k];
                if (h->used && addr >= h->start && len <= h->len && addr - h->start <= h->len - len)
                        return h;
        }
        return NULL;
}

// Whether the hooks are on in this process (and hk is its own).
static bool hooks_on(void)
{
        if (!mk_posix_pager_name())
                return false;
        long pid = mk_info(MK_INFO_PID, 0);
        if (hk.pid != pid)
                memset(&hk, 0, sizeof(hk)), hk.pid = pid;
        return true;
}

int mk_posix_mmap_hook(uint64_t addr, uint64_t len, uint32_t prot, uint32_t flags, uint64_t *va)
{
        if (!hooks_on() || ((prot & MK_PERM_W) && (prot & MK_PERM_X)))
                return -ENOSYS;
        bool fixed = flags & MK_POSIX_FIXED;
        uint64_t plen = (len + MKP_PAGE_MASK) & ~MKP_PAGE_MASK;
        if (fixed && !(addr & MKP_PAGE_MASK) && plen >= len) {
                struct hook_region *h = region_holding(addr, plen);
                if (h) {
                        // Inside one of ours: the system pager's map of the
                        // range changes, our pager drops the old contents.
                        long r = call4(mk_pager_ep, PGR_MMAP, addr, len, prot,
                                       PGR_MAP_PRIVATE | PGR_MAP_ANON | PGR_MAP_EXTERNAL |
                                           PGR_MAP_FIXED);
                        if (r < 0)
                                return (int)r;
                        r = posix_call(h, addr - h->start, plen,
                                       prot | MKP_POSIX_DISCARD | MKP_POSIX_GUARD);
                        if (r < 0)
                                return (int)r;
                        *va = addr;
                        return 0;
                }
                // Partly over ours: those parts are gone; the new mapping is
                // the system pager's (see the header: faults there still come
                // to our pager, which fails them).
                if (regions_apply(addr, plen, MKP_POSIX_UNMAPPED | MKP_POSIX_DISCARD))
                        return -ENOSYS;
        }
        if (prot == 0)
                return -ENOSYS; // a guard region: the system pager's
        int r = region_attach(addr, len, prot, fixed, va);
        return r == -E2BIG ? -ENOSYS : r;
}

int mk_posix_munmap_hook(uint64_t addr, uint64_t len)
{
        if (!hooks_on())
                return -ENOSYS;
        len = (len + MKP_PAGE_MASK) & ~MKP_PAGE_MASK;
        regions_apply(addr, len, MKP_POSIX_UNMAPPED | MKP_POSIX_DISCARD);
        return 0;
}

int mk_posix_mprotect_hook(uint64_t addr, uint64_t len, uint32_t prot)
{
        if (!hooks_on())
                return -ENOSYS;
        len = (len + MKP_PAGE_MASK) & ~MKP_PAGE_MASK;
        regions_apply(addr, len, prot & PERMS_ALL);
        return 0;
}
#endif
