// SPDX-License-Identifier: MIT
// The client side of an external pager: starting one, attaching a range of
// our address space to it, detaching, and its requests (stats, shutdown).
#include "pagerlib_int.h"
#include <mk/pager.h>

// A call to ep with tag and words w0..w2: the reply's w0 (result or -errno).
static long call3(long ep, uint64_t tag, uint64_t w0, uint64_t w1, uint64_t w2, struct mk_msg *m)
{
        memset(m, 0, sizeof(*m));
        m->tag = tag;
        m->w[0] = w0;
        m->w[1] = w1;
        m->w[2] = w2;
        long r = mk_call(ep, m);
        return r < 0 ? r : (long)m->w[0];
}

// The handles pagers minted us for our regions (badge = region id + 1):
// requests about a region go through them.
static struct {
        long pager_ep, handle;
        uint32_t id;
        bool used;
} region_handles[MK_MAX_EXT_REGIONS];

// Unreserves [va, va+len) at the system pager.
static void unreserve(uint64_t va, uint64_t len)
{
        struct mk_msg m;
        call3(mk_pager_ep, PGR_MUNMAP, va, len, 0, &m);
}

int mkp_attach(long pager_ep, long pager_proc, uint64_t len, uint64_t *va, uint32_t *region_id)
{
        struct mk_msg m;
        if (!len || (len & MKP_PAGE_MASK))
                return -EINVAL; // a whole number of pages, never rounded behind the caller's back
        memset(&m, 0, sizeof(m));
        m.tag = PGR_MMAP;
        m.w[1] = len;
        m.w[2] = MK_PERM_R | MK_PERM_W;
        m.w[3] = PGR_MAP_PRIVATE | PGR_MAP_ANON | PGR_MAP_EXTERNAL;
        long r = mk_call(mk_pager_ep, &m);
        if (r < 0 || (long)m.w[0] < 0)
                return r < 0 ? (int)r : (int)(long)m.w[0];
        uint64_t addr = m.w[0];
        // The pager gets a handle to us, to unmap pages it evicts.
        long h = mk_handle_give(MK_SELF, pager_proc, 0, 0);
        long id = h < 0 ? h : call3(pager_ep, MKP_REQ_ATTACH, addr, len, (uint64_t)h, &m);
        if (id < 0) {
                unreserve(addr, len);
                return (int)id;
        }
        // The pager gave us a handle to it carrying this region's badge.
        long rh = (long)m.w[1];
        int k = 0;
        while (k < MK_MAX_EXT_REGIONS && region_handles[k].used)
                k++;
        r = k == MK_MAX_EXT_REGIONS ? -ENOSPC : mk_region_pager(MK_SELF, addr, len, rh, 0);
        if (r < 0) {
                call3(rh, MKP_REQ_DETACH, (uint64_t)id, 0, 0, &m);
                mk_handle_close(rh);
                unreserve(addr, len);
                return (int)r;
        }
        region_handles[k].pager_ep = pager_ep;
        region_handles[k].handle = rh;
        region_handles[k].id = (uint32_t)id;
        region_handles[k].used = true;
        *va = addr;
        *region_id = (uint32_t)id;
        return 0;
}

int mkp_detach(long pager_ep, uint64_t va, uint32_t region_id)
{
        struct mk_msg m;
        // First out of the pager's hands (the kernel unmaps its pages), then
        // the pager may reuse the frames.
        long r = mk_region_pager(MK_SELF, va, 0, -1, 0);
        if (r < 0)
                return (int)r;
        long rh = -1;
        for (int k = 0; k < MK_MAX_EXT_REGIONS; k++) {
                if (region_handles[k].used && region_handles[k].pager_ep == pager_ep &&
                    region_handles[k].id == region_id) {
                        rh = region_handles[k].handle;
                        region_handles[k].used = false;
                }
        }
        if (rh < 0)
                return -EINVAL;
        r = call3(rh, MKP_REQ_DETACH, region_id, 0, 0, &m);
        mk_handle_close(rh);
        uint64_t len = m.w[1];
        if (r == 0 && len)
                unreserve(va, len);
        return (int)r;
}

int mkp_spawn_pager(const char *prog, long *ep, long *proc)
{
        struct mk_msg m;
        size_t n = strlen(prog) + 1;
        if (n > MK_MSG_BUF)
                return -EINVAL;
        long e = mk_ep_create();
        if (e < 0)
                return (int)e;
        memset(&m, 0, sizeof(m));
        m.tag = PGR_SPAWN;
        m.w[0] = 1; // argc
        // Tied: the system pager ends it when we end, so a pager started for
        // us never outlives us (also when it stopped answering and our fault
        // timed out: we end PAGER_TIMEOUT, it ends KILLED).
        m.w[1] = PGR_SPAWN_SUSPENDED | PGR_SPAWN_TIED;
        m.len = (uint32_t)n;
        memcpy(m.buf, prog, n);
        long r = mk_call(mk_pager_ep, &m);
        if (r >= 0)
                r = (long)m.w[0];
        if (r < 0) {
                mk_handle_close(e);
                return (int)r;
        }
        uint64_t pid = m.w[0];
        long ph = (long)m.w[1];
        long g = mk_handle_give(e, ph, 0, MK_RIGHT_RECV | MK_RIGHT_SEND | MK_RIGHT_MINT);
        // We keep only a send right: when the pager ends, nobody can receive.
        long s = g == MKP_SERVE_HANDLE ? mk_handle_give(e, MK_SELF, 0, MK_RIGHT_SEND) : -EBADF;
        mk_handle_close(e);
        r = s < 0 ? s : call3(mk_pager_ep, PGR_RESUME, pid, 0, 0, &m);
        if (r < 0) {
                mk_proc_kill(ph, MK_REASON_KILLED);
                mk_handle_close(ph);
                if (s >= 0)
                        mk_handle_close(s);
                return (int)r;
        }
        *ep = s;
        *proc = ph;
        return 0;
}

long mkp_shutdown(long pager_ep)
{
        struct mk_msg m;
        return call3(pager_ep, MKP_REQ_SHUTDOWN, 0, 0, 0, &m);
}

long mkp_stats(long pager_ep, uint64_t out[6])
{
        struct mk_msg m;
        long r = call3(pager_ep, MKP_REQ_STATS, 0, 0, 0, &m);
        if (r < 0)
                return r;
        memcpy(out, m.w, 6 * sizeof(uint64_t));
        return 0;
}
