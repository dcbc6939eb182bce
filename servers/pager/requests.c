// SPDX-License-Identifier: MIT
// Requests from the pager's processes (libsys/include/mk/pager.h): memory
// (mmap, munmap, mprotect, msync, brk), processes (fork, spawn), and the
// observability calls (maps, stats, trace). Every argument is checked.
#include "pager.h"
#include <mk/vfs.h>

#define PAGE_MASK_ (MK_PAGE_SIZE - 1)

static bool range_ok(uint64_t addr, uint64_t len)
{
        return !(addr & PAGE_MASK_) && len && addr >= MK_USER_BASE && addr < MK_USER_TOP &&
               len <= MK_USER_TOP - addr;
}

static uint64_t page_up(uint64_t x)
{
        return (x + PAGE_MASK_) & ~PAGE_MASK_;
}

// Removes [start, end) from p: its pages and its regions.
static void unmap_range(struct pproc *p, uint64_t start, uint64_t end)
{
        pproc_drop_pages(p, start, end, true);
        vma_remove_range(&p->tree, start, end, NULL, NULL);
}

static long do_mmap(struct pproc *p, const struct mk_msg *m)
{
        uint64_t hint = m->w[0], len = page_up(m->w[1]), prot = m->w[2], flags = m->w[3];
        if (m->w[1] == 0 || len < m->w[1] || len > (1ull << 34) ||
            (prot & ~(uint64_t)MK_PERM_ALL) || (flags & ~(uint64_t)PGR_MAP_ALL) ||
            !(flags & (PGR_MAP_PRIVATE | PGR_MAP_SHARED)) ||
            ((flags & PGR_MAP_PRIVATE) && (flags & PGR_MAP_SHARED)))
                return -EINVAL;
        struct region_desc d = {.prot = (uint32_t)prot, .name = NULL};
        bool shared = flags & PGR_MAP_SHARED;
        if (flags & PGR_MAP_EXTERNAL) {
                d.kind = RK_EXTERNAL; // faults go to the pager SYS_REGION_PAGER names
        } else if (flags & PGR_MAP_GUARD || prot == 0) {
                d.kind = RK_GUARD;
                d.prot = 0;
        } else if (flags & PGR_MAP_ANON) {
                d.kind = shared ? RK_ANON_SHARED : RK_ANON_PRIVATE;
        } else {
                // A VFS file, named by the caller's open descriptor (w4): it
                // must be open for reading, and for writing too if a shared
                // mapping is to be writable, now or ever (as Linux's mmap:
                // EACCES); the offset page-aligned.
                uint64_t fd = m->w[4], off = m->w[5];
                uint32_t ino, oflags;
                if (!vfs_idx)
                        return -ENODEV;
                if (vfs_fd_lookup(p->vfs_badge, fd, &ino, &oflags))
                        return -EBADF;
                uint32_t acc = oflags & VFS_O_ACCMODE;
                if (acc == VFS_O_WRONLY || (shared && (prot & MK_PERM_W) && acc != VFS_O_RDWR))
                        return -EACCES;
                if (shared && acc != VFS_O_RDWR)
                        d.deny = MK_PERM_W;
                if (off & PAGE_MASK_ || off >= VFS_FILE_MAX)
                        return -EINVAL;
                d.kind = shared ? RK_FILE_SHARED : RK_FILE_PRIVATE;
                d.backing = BK_VFS;
                d.inode = ino;
                d.file_off = off;
                if (vfs_file_generation(ino, &d.generation) < 0)
                        return -ENODEV; // no such file (any more)
        }
        if (d.kind != RK_GUARD && (prot & MK_PERM_W) && (prot & MK_PERM_X))
                return -EACCES; // our processes never get W+X pages
        uint64_t addr = hint & ~PAGE_MASK_;
        if (flags & PGR_MAP_FIXED) {
                if (hint & PAGE_MASK_ || !range_ok(addr, len))
                        return -EINVAL;
                unmap_range(p, addr, addr + len);
        } else {
                // The hint if that range is free (guard gaps count as taken),
                // else the highest free range below the stack.
                struct vma *a = range_ok(addr, len) ? vma_find_above(&p->tree, addr) : NULL;
                bool free =
                    range_ok(addr, len) && (!a || (a->d.start >= a->d.guard_below &&
                                                   a->d.start - a->d.guard_below >= addr + len));
                if (!hint || !free) {
                        if (vma_find_free(&p->tree, len, MK_PAGE_SIZE, MMAP_LO, MMAP_HI, &addr))
                                return -ENOMEM;
                }
        }
        d.start = addr;
        d.end = addr + len;
        int r = vma_insert(&p->tree, &d, NULL);
        return r ? (r == -EEXIST ? -ENOMEM : r) : (long)addr;
}

static long do_munmap(struct pproc *p, uint64_t addr, uint64_t len)
{
        len = page_up(len);
        if (!range_ok(addr, len))
                return -EINVAL;
        unmap_range(p, addr, addr + len);
        return 0;
}

// Takes the installed pages of [start, end) out of p's page tables (runs of
// mapped pages, each in pieces SYS_PROTECT accepts) and marks them unmapped.
// An error leaves the pages not yet done marked as mapped (they may be).
struct unmap_run {
        struct pproc *p;
        uint64_t start, end; // the current run of mapped pages
        uint64_t *first;     // (entries are marked once their run is out)
        long err;
};

static void run_flush(struct unmap_run *u)
{
        if (u->end > u->start && !u->err)
                u->err = protect_checked(u->p, u->start, u->end, 0);
        u->start = u->end = 0;
}

static void run_add(void *ctx, uint64_t va, uint64_t *e)
{
        struct unmap_run *u = ctx;
        if (!(*e & SH_MAPPED) || u->err)
                return;
        if (u->end != va) {
                run_flush(u);
                u->start = va;
        }
        u->end = va + MK_PAGE_SIZE;
}

static void unmapped_mark(void *ctx, uint64_t va, uint64_t *e)
{
        *e &= ~(uint64_t)(SH_MAPPED | SH_WRITE);
}

static long unmap_installed(struct pproc *p, uint64_t start, uint64_t end)
{
        struct unmap_run u = {.p = p};
        shadow_each(&p->sh, start, end, run_add, &u);
        run_flush(&u);
        if (u.err)
                return u.err;
        shadow_each(&p->sh, start, end, unmapped_mark, NULL);
        return 0;
}

static long do_mprotect(struct pproc *p, uint64_t addr, uint64_t len, uint64_t prot)
{
        len = page_up(len);
        if (!range_ok(addr, len) || (prot & ~(uint64_t)MK_PERM_ALL))
                return -EINVAL;
        if ((prot & MK_PERM_W) && (prot & MK_PERM_X))
                return -EACCES;
        for (uint64_t a = addr; a < addr + len;) {
                struct vma *v = vma_find(&p->tree, a);
                if (!v)
                        return -ENOMEM;
                if ((v->d.kind == RK_GUARD && prot) || (prot & v->d.deny))
                        return -EACCES; // (a file opened read-only stays so: Linux's EACCES)
                a = v->d.end;
        }
        // First the installed mappings go (they are made again, with the new
        // rights, on the next access): if the kernel refuses, our view of
        // the range is unchanged and the caller gets the error. Then the
        // regions change (vma_protect_range fails only before changing anything).
        long r = unmap_installed(p, addr, addr + len);
        if (r)
                return r;
        mkp_loop_reset(&p->loop);
        return vma_protect_range(&p->tree, addr, addr + len, (uint32_t)prot, NULL, NULL);
}

static long do_msync(struct pproc *p, uint64_t addr, uint64_t len)
{
        len = page_up(len);
        if (!range_ok(addr, len))
                return -EINVAL;
        for (uint64_t a = addr; a < addr + len;) {
                struct vma *v = vma_find(&p->tree, a);
                if (!v)
                        return -ENOMEM;
                a = v->d.end;
        }
        // Shared file pages are the VFS's own page-cache frames: a write
        // through the mapping is already what read() returns. Nothing to copy.
        return 0;
}

// brk: the heap grows up from brk_start, bounded by EXEC_HEAP_MAX and by the
// next region; shrinking frees the pages above the new break.
static long do_brk(struct pproc *p, uint64_t want)
{
        if (want == 0)
                return (long)p->brk;
        if (want < p->brk_start || want > p->brk_start + EXEC_HEAP_MAX)
                return -ENOMEM;
        uint64_t old_end = page_up(p->brk), new_end = page_up(want);
        if (new_end > old_end) {
                struct vma *h = old_end > p->brk_start ? vma_find(&p->tree, old_end - 1) : NULL;
                int r;
                if (h && h->d.kind == RK_HEAP) {
                        r = vma_expand(&p->tree, h, h->d.start, new_end);
                } else {
                        struct region_desc d = {.start = old_end,
                                                .end = new_end,
                                                .prot = MK_PERM_R | MK_PERM_W,
                                                .kind = RK_HEAP,
                                                .limit = p->brk_start + EXEC_HEAP_MAX};
                        r = vma_insert(&p->tree, &d, NULL);
                }
                if (r)
                        return -ENOMEM;
        } else if (new_end < old_end) {
                unmap_range(p, new_end, old_end);
        }
        p->brk = want;
        return (long)want;
}

// The process with that pid (0: the caller), if it is the caller or one of
// its descendants: what a process may observe of others (PGR_MAPS,
// PGR_STATS) stays in its own tree. *err: -ESRCH or -EPERM.
static struct pproc *in_tree(struct pproc *self, uint64_t pid, long *err);

static struct pproc *by_pid(struct pproc *self, uint64_t pid)
{
        if (pid == 0)
                return self;
        for (int i = 1; i < MAX_PROCS; i++)
                if (procs[i].used && !procs[i].oom_killed && procs[i].pid == pid)
                        return &procs[i];
        return NULL;
}

static struct pproc *in_tree(struct pproc *self, uint64_t pid, long *err)
{
        struct pproc *q = by_pid(self, pid);
        *err = !q ? -ESRCH : !acct_within(acct, self->idx, q->idx) ? -EPERM : 0;
        return *err ? NULL : q;
}

// PGR_LIMIT: w0 pid (0: the caller), the caller itself or one of its
// descendants; w1 most user frames its tree may hold (0: unchanged), w2 most
// pager process slots (0: unchanged). Limits only go down (-EPERM otherwise).
long do_limit(struct pproc *p, const struct mk_msg *m)
{
        struct pproc *q = by_pid(p, m->w[0]);
        uint64_t frames = m->w[1], nprocs = m->w[2];
        if (!q)
                return -ESRCH;
        if (!acct_within(acct, p->idx, q->idx))
                return -EPERM; // not the caller's tree
        struct acct *a = &acct[q->idx];
        if ((frames && frames > a->frame_limit) || (nprocs && nprocs > a->proc_limit))
                return -EPERM; // only lower
        if (frames)
                a->frame_limit = frames;
        if (nprocs)
                a->proc_limit = (uint32_t)nprocs;
        return 0;
}

// The counters of q, with its frame accounting.
static void stats_of(struct pproc *q, struct pgr_stats *st)
{
        q->st.frames_used = q->sh.pages;
        q->st.frames_charged = acct[q->idx].frames;
        q->st.tree_frames = acct[q->idx].tree_frames;
        q->st.frames_limit = acct_frame_limit(acct, q->idx);
        uint32_t pl = UINT32_MAX;
        for (uint32_t i = q->idx; i; i = acct[i].parent)
                if (acct[i].proc_limit < pl)
                        pl = acct[i].proc_limit;
        q->st.procs_limit = pl;
        q->st.tree_procs = acct[q->idx].tree_procs;
        *st = q->st;
}

// The maps view of q, bytes [off, off + MK_MSG_BUF) of it, into reply.
static long do_maps(struct pproc *q, uint64_t off, struct mk_msg *reply)
{
        char line[160];
        uint64_t pos = 0;
        uint32_t n = 0;
        for (struct vma *v = vma_first(&q->tree); v; v = vma_next(v)) {
                int l = region_format(&v->d, line, sizeof(line) - 1);
                if (l < 0)
                        continue;
                if ((size_t)l > sizeof(line) - 2)
                        l = sizeof(line) - 2;
                line[l++] = '\n';
                for (int i = 0; i < l; i++, pos++)
                        if (pos >= off && n < MK_MSG_BUF)
                                reply->buf[n++] = (uint8_t)line[i];
        }
        reply->len = n;
        reply->w[1] = pos;
        return n;
}

// Inlined into its callers in the pager's link-time optimisation (the
// one-thread loop, where every request goes; the threads' step): out of
// line, its call cost 40 instructions per request.
#ifdef __clang__
__attribute__((always_inline))
#endif
void handle_request(struct pproc *p, const struct mk_msg *m, struct mk_msg *reply)
{
        long r = 0;
        struct pproc *q;
        p->vcache = NULL;         // requests may change the region tree
        mkp_loop_reset(&p->loop); // it ran to make a request: not a fault loop
        reply->tag = 0;
        reply->len = 0;
        switch (m->tag) {
        case PGR_MMAP:
                r = do_mmap(p, m);
                break;
        case PGR_MUNMAP:
                r = do_munmap(p, m->w[0], m->w[1]);
                break;
        case PGR_MPROTECT:
                r = do_mprotect(p, m->w[0], m->w[1], m->w[2]);
                break;
        case PGR_MSYNC:
                r = do_msync(p, m->w[0], m->w[1]);
                break;
        case PGR_BRK:
                r = do_brk(p, m->w[0]);
                break;
        case PGR_FORK:
                r = do_fork(p, reply);
                break;
        case PGR_SPAWN:
                r = do_spawn(p, m, reply);
                break;
        case PGR_MAPS:
                q = in_tree(p, m->w[0], &r);
                if (q)
                        r = do_maps(q, m->w[1], reply);
                break;
        case PGR_STATS:
                q = m->w[0] == (uint64_t)-1 ? NULL : in_tree(p, m->w[0], &r);
                if (m->w[0] == (uint64_t)-1) {
                        // The events of every process, ended or running.
                        struct pgr_stats st = ended_stats;
                        for (uint32_t i = 1; i < MAX_PROCS; i++)
                                if (procs[i].used)
                                        stats_add_events(&st, &procs[i].st);
                        st.frames_free = frames_free();
                        st.frames_used = frames_total() - frames_free();
                        st.frames_limit = default_frame_limit;
                        st.procs_limit = DEFAULT_PROC_LIMIT;
                        memcpy(reply->buf, &st, sizeof(st));
                } else if (q) {
                        struct pgr_stats st;
                        stats_of(q, &st);
                        memcpy(reply->buf, &st, sizeof(st));
                } else {
                        break; // r: -ESRCH or -EPERM (not the caller's tree)
                }
                reply->len = sizeof(struct pgr_stats);
                break;
        case PGR_FRAMES:
                r = do_frames(p, m->w[0], reply);
                break;
        case PGR_RESUME:
                r = do_resume(p, m->w[0]);
                break;
        case PGR_TRACE:
                // The trace is global (every fault on the console): only
                // for the programs started from the command line (and those
                // they passed the right to), as PGR_SHUTDOWN.
                if (!p->can_shutdown) {
                        r = -EPERM;
                        break;
                }
                trace_on = m->w[0] != 0;
                break;
        case PGR_SHUTDOWN:
                // Only processes holding the right: the programs we started
                // from the command line, and those they passed it to.
                if (!p->can_shutdown) {
                        r = -EPERM;
                        break;
                }
                mk_printf("pager: shutdown requested by pid %u, status %lld\n", p->pid,
                          (long long)m->w[0]);
                mk_shutdown((long)m->w[0]);
        case PGR_LIMIT:
                r = do_limit(p, m);
                break;
        case PGR_VFS_RELEASE:
                r = p->is_vfs ? vfs_release(m->w[0], m->w[1]) : -EPERM;
                break;
        case PGR_VFS_TRUNCATED:
                r = p->is_vfs ? vfs_truncated(m->w[0], m->w[1], m->w[2]) : -EPERM;
                break;
        case PGR_PING:
                break;
        default:
                r = -ENOSYS;
        }
        reply->w[0] = (uint64_t)r;
}
