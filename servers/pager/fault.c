// SPDX-License-Identifier: MIT
// Page faults: find the region (growing the stack when the fault is just
// below it), let the policy decide (policy.c), carry the decision out with
// frames and the shadow map, and answer MAP or FAIL. Also the pages of files,
// which come from the VFS server's own memory (its page cache).
#include "pager.h"
#include <mk/vfs.h>

// Fails the fault; a failed fault is no progress toward a loop (mkp_loop_answer).
static bool fail(struct pproc *p, struct mkp_answer *a, uint64_t reason)
{
        mkp_loop_reset(&p->loop);
        mkp_answer_fail(a, reason);
        return true;
}

// A MAP or RETRY answer, unless it is the one that makes a fault loop
// (the loop detector is the library's, mk/pagerlib.h).
static void answer(struct pproc *p, const struct mkp_fault *f, struct mkp_answer *a, uint32_t perms)
{
        if (!mkp_loop_answer(&p->loop, perms))
                return;
        p->st.fault_loops++;
        mk_printf("pager: pid %u: fault loop at 0x%llx\n", p->pid, (unsigned long long)f->addr);
        mkp_answer_fail(a, MK_REASON_LOOP);
}

// Installs the frame of `entry` at va with the rights region r allows for it
// and answers MAP. Returns 0.
long map_page(struct pproc *p, uint64_t va, uint64_t entry, const struct region_desc *r)
{
        uint64_t *e = shadow_slot(&p->sh, va, true);
        return e ? map_slot(p, e, entry, r) : -ENOMEM;
}

// map_page for a slot already looked up.
long map_slot(struct pproc *p, uint64_t *e, uint64_t entry, const struct region_desc *r)
{
        uint32_t perms = fault_perms(r, entry);
        if (!(*e & SH_PRESENT))
                p->sh.pages++;
        *e = (entry & ~(uint64_t)(SH_MAPPED | SH_WRITE)) | SH_PRESENT | SH_MAPPED |
             ((perms & MK_PERM_W) ? SH_WRITE : 0);
        return perms;
}

// Reads len bytes of process q's memory at va through the frames behind it
// (pages it never touched read as zero). For the VFS inode table.
static void vmem_read(struct pproc *q, uint64_t va, void *buf, size_t len)
{
        char *out = buf;
        size_t all = len;
        while (len) {
                uint64_t e = shadow_get(&q->sh, va & ~(MK_PAGE_SIZE - 1));
                size_t off = va & (MK_PAGE_SIZE - 1), n = MK_PAGE_SIZE - off;
                if (n > len)
                        n = len;
                if (e & SH_PRESENT)
                        memcpy(out, (char *)frame_ptr(SH_PA(e)) + off, n);
                else
                        memset(out, 0, n);
                out += n;
                va += n;
                len -= n;
        }
        // Memory the VFS writes: an input of the pager's, recorded.
        if (rec_mode != REC_OFF)
                record_mem(buf, all);
}

// The size of VFS inode ino if it still is the file of that generation,
// from the VFS's inode table; -1 if it does not exist (any more). Untrusted
// data: only used for bounds.
int64_t vfs_file_size(uint64_t ino, uint64_t *generation)
{
        struct vfs_inode in;
        if (!vfs_idx || ino >= VFS_MAX_INODES)
                return -1;
        vmem_read(&procs[vfs_idx], VFS_INODE_TABLE_VA + ino * sizeof(in), &in, sizeof(in));
        if (!in.used || (generation && *generation != in.generation))
                return -1;
        return (int64_t)(in.size > VFS_FILE_MAX ? VFS_FILE_MAX : in.size);
}

int vfs_fd_lookup(uint64_t badge, uint64_t fd, uint32_t *ino, uint32_t *flags)
{
        if (!vfs_idx || !badge || fd < VFS_FD_BASE || fd - VFS_FD_BASE >= VFS_MAX_FDS)
                return -1;
        for (uint32_t i = 0; i < VFS_MAX_CLIENTS; i++) {
                uint64_t va = VFS_CLIENT_TABLE_VA + i * sizeof(struct vfs_client);
                struct vfs_client c;
                vmem_read(&procs[vfs_idx], va, &c, offsetof(struct vfs_client, fd));
                if (!c.used || c.badge != badge)
                        continue;
                struct vfs_open o;
                vmem_read(&procs[vfs_idx],
                          va + offsetof(struct vfs_client, fd) +
                              (fd - VFS_FD_BASE) * sizeof(struct vfs_open),
                          &o, sizeof(o));
                if (!o.used || o.ino >= VFS_MAX_INODES)
                        return -1;
                *ino = o.ino;
                *flags = o.flags;
                return 0;
        }
        return -1;
}

// The current generation of inode ino into *generation; -1 if no such file.
int64_t vfs_file_generation(uint64_t ino, uint64_t *generation)
{
        struct vfs_inode in;
        if (!vfs_idx || ino >= VFS_MAX_INODES)
                return -1;
        vmem_read(&procs[vfs_idx], VFS_INODE_TABLE_VA + ino * sizeof(in), &in, sizeof(in));
        if (!in.used)
                return -1;
        *generation = in.generation;
        return 0;
}

// The page-cache frame of file page `off` of inode ino (the frame behind the
// VFS's own page at VFS_DATA_VA(ino) + off), or 0 when that page is a hole
// (never written: it reads as zero and has no frame).
static uint64_t vfs_page_frame(uint64_t ino, uint64_t off)
{
        uint64_t e = shadow_get(&procs[vfs_idx].sh, VFS_DATA_VA(ino) + off);
        return (e & SH_PRESENT) && !(e & SH_ZERO) ? SH_PA(e) : 0;
}

// Inodes some process maps a hole of with the zero page (C4): only for them
// must a hole that gets a frame be looked for in other processes.
static bool zero_mapped[VFS_MAX_INODES];

// The page-cache frame of file page `off` of inode ino, given to the VFS now
// if it has none (for a write through a shared mapping), charged to p.
// Returns the frame or 0 (out of memory).
static uint64_t vfs_cache_frame(struct pproc *p, uint64_t ino, uint64_t off)
{
        uint64_t pa = vfs_page_frame(ino, off);
        if (pa)
                return pa;
        struct pproc *v = &procs[vfs_idx];
        uint64_t dva = VFS_DATA_VA(ino) + off;
        if (!shadow_slot(&v->sh, dva, true) || !(pa = frame_alloc(p)))
                return 0;
        page_zero(frame_ptr(pa));
        uint64_t *e = shadow_slot(&v->sh, dva, true); // (frame_alloc may have ended others)
        if (!e || frame_ref(pa) ||
            SYSREC("map", mk_map(v->proc, dva, pa, MK_PERM_R | MK_PERM_W)) < 0) {
                frame_put(pa);
                return 0;
        }
        if (!(*e & SH_PRESENT))
                v->sh.pages++;
        *e = pa | SH_PRESENT | SH_MAPPED | SH_WRITE | SH_SHARED;
        vfs_page_filled(ino, off);
        return pa;
}

struct fill_ctx {
        uint64_t ino, off;
};

void vfs_page_filled(uint64_t ino, uint64_t off)
{
        if (ino >= VFS_MAX_INODES || !zero_mapped[ino])
                return;
        for (uint32_t i = 1; i < MAX_PROCS; i++) {
                struct pproc *q = &procs[i];
                if (!q->used || q->is_vfs || q->oom_killed)
                        continue;
                for (struct vma *v = vma_first(&q->tree); v; v = vma_next(v)) {
                        const struct region_desc *d = &v->d;
                        if (d->backing != BK_VFS || d->inode != ino || off < d->file_off ||
                            off - d->file_off >= d->end - d->start)
                                continue;
                        uint64_t va = d->start + (off - d->file_off);
                        uint64_t *e = shadow_slot(&q->sh, va, false);
                        if (!e || !(*e & SH_ZERO))
                                continue;
                        long r = (*e & SH_MAPPED) && q->proc >= 0
                                     ? SYSREC("unmap", mk_unmap(q->proc, va))
                                     : 0;
                        if (r < 0 && r != -ENOENT && r != -ESRCH)
                                continue; // still mapped: keep the entry that says so
                        *e = 0;
                        q->sh.pages--;
                        mkp_loop_reset(&q->loop);
                }
        }
}

// Whether some process still maps inode ino of that generation.
static bool vfs_mapped(uint64_t ino, uint64_t generation)
{
        for (uint32_t i = 1; i < MAX_PROCS; i++) {
                struct pproc *q = &procs[i];
                if (!q->used || q->is_vfs || q->oom_killed)
                        continue;
                for (struct vma *v = vma_first(&q->tree); v; v = vma_next(v))
                        if (v->d.backing == BK_VFS && v->d.inode == ino &&
                            v->d.generation == generation)
                                return true;
        }
        return false;
}

long vfs_truncated(uint64_t ino, uint64_t generation, uint64_t size)
{
        if (!vfs_idx || ino == 0 || ino >= VFS_MAX_INODES || size > VFS_FILE_MAX)
                return -EINVAL;
        // The first file offset no page may keep: the page holding the new
        // end keeps its mappings (its tail reads zero in the page cache, as
        // on Linux; private copies keep what they hold).
        uint64_t cut = (size + MK_PAGE_SIZE - 1) & ~(MK_PAGE_SIZE - 1);
        for (uint32_t i = 1; i < MAX_PROCS; i++) {
                struct pproc *q = &procs[i];
                if (!q->used || q->is_vfs || q->oom_killed)
                        continue;
                for (struct vma *v = vma_first(&q->tree); v; v = vma_next(v)) {
                        const struct region_desc *d = &v->d;
                        if (d->backing != BK_VFS || d->inode != ino ||
                            d->generation != generation || d->file_off + (d->end - d->start) <= cut)
                                continue;
                        uint64_t lo = cut > d->file_off ? d->start + (cut - d->file_off) : d->start;
                        // Shared pages and private copies alike, unmapped first
                        // (a page the kernel cannot unmap keeps its frame).
                        pproc_drop_pages(q, lo, d->end, true);
                }
        }
        return 0;
}

// Inodes the VFS has let go while they were mapped (generation + 1; 0: none).
static uint64_t release_pending[VFS_MAX_INODES];
uint32_t vfs_npending;

// Ends inode ino in the VFS's inode table (used = 0: no new mapping, no new
// fault finds it) and gives back its page-cache frames: the VFS sees zeros
// there from now on. Nothing maps it, so no process reaches those frames.
static void vfs_inode_drop(uint64_t ino)
{
        struct pproc *v = &procs[vfs_idx];
        uint64_t iva = VFS_INODE_TABLE_VA + ino * sizeof(struct vfs_inode);
        uint64_t e = shadow_get(&v->sh, iva & ~(MK_PAGE_SIZE - 1));
        if ((e & SH_PRESENT) && !(e & SH_ZERO)) {
                struct vfs_inode *in =
                    (struct vfs_inode *)((char *)frame_ptr(SH_PA(e)) + (iva & (MK_PAGE_SIZE - 1)));
                __atomic_store_n(&in->used, 0, __ATOMIC_RELEASE);
        }
        pproc_drop_pages(v, VFS_DATA_VA(ino), VFS_DATA_VA(ino + 1), true);
        zero_mapped[ino] = false;
}

long vfs_release(uint64_t ino, uint64_t generation)
{
        uint64_t g;
        if (!vfs_idx || ino == 0 || ino >= VFS_MAX_INODES)
                return -EINVAL;
        if (vfs_file_generation(ino, &g) < 0 || g != generation)
                return -ENOENT;
        if (vfs_mapped(ino, generation)) {
                if (!release_pending[ino])
                        vfs_npending++;
                release_pending[ino] = generation + 1;
                return -EBUSY;
        }
        if (release_pending[ino]) {
                release_pending[ino] = 0;
                vfs_npending--;
        }
        vfs_inode_drop(ino);
        return 0;
}

void vfs_release_pending_all(void)
{
        if (!vfs_idx)
                return;
        for (uint64_t ino = 1; ino < VFS_MAX_INODES; ino++) {
                uint64_t g;
                if (!release_pending[ino] || vfs_mapped(ino, release_pending[ino] - 1))
                        continue;
                if (vfs_file_generation(ino, &g) == 0 && g == release_pending[ino] - 1)
                        vfs_inode_drop(ino);
                release_pending[ino] = 0;
                vfs_npending--;
        }
}

// Fills a new frame for va of an image-backed region: zero, then the file
// bytes that fall in this page (this zeroes the tail of the last data page).
static void fill_image(const struct region_desc *r, uint64_t va, void *p)
{
        page_zero(p);
        uint64_t lo = va - r->start, hi = lo + MK_PAGE_SIZE;
        uint64_t flo = r->data_off, fhi = r->data_off + r->file_size;
        uint64_t a = lo > flo ? lo : flo, b = hi < fhi ? hi : fhi;
        if (a < b && r->file_off + (b - flo) <= r->image_size)
                memcpy((char *)p + (a - lo), r->image + r->file_off + (a - flo), b - a);
}

static void count_fill(struct pproc *p, const struct region_desc *r)
{
        uint64_t *c = r->kind == RK_STACK     ? &p->st.fill_stack
                      : r->kind == RK_HEAP    ? &p->st.fill_heap
                      : r->backing != BK_NONE ? &p->st.fill_file
                                              : &p->st.fill_anon;
        (*c)++;
}

// No region covers addr: if it is just below a stack region, grow the stack
// down to it (within its limit, keeping its guard gap clear); returns the
// region then. *guard tells a fault in the guard gap (stack overflow).
static struct vma *stack_grow(struct pproc *p, uint64_t addr, bool *guard)
{
        struct vma *above = vma_find_above(&p->tree, addr);
        *guard = false;
        if (!above || above->d.kind != RK_STACK || addr >= above->d.start)
                return NULL;
        uint64_t va = addr & ~(MK_PAGE_SIZE - 1);
        if (va >= above->d.limit && vma_expand(&p->tree, above, va, above->d.end) == 0)
                return vma_find(&p->tree, addr);
        // Beyond the limit, or the next region is in the way: the guard gap.
        if (addr + above->d.guard_below >= above->d.limit ||
            addr >= above->d.start - above->d.guard_below)
                *guard = true;
        return NULL;
}

static inline void trace(struct pproc *p, uint64_t addr, uint64_t ip, unsigned access,
                         const struct region_desc *r, unsigned d)
{
        if (trace_on)
                mk_printf("trace pid %u addr 0x%llx %s region %s decision %s ip 0x%llx\n", p->pid,
                          (unsigned long long)addr, fault_access_name(access),
                          r ? region_kind_name(r->kind) : "none", fault_decision_name(d),
                          (unsigned long long)ip);
}

// Inlined into the loop's step, its one caller (main.c), in the pager's
// link-time optimisation: this is every fault's path.
//
// unref_later (threads: lock.h): where to leave a frame whose reference
// goes once the answer is sent; NULL: none goes later.
// shared: the caller holds pg_world shared and p->lock (lock.h). Then a
// fault that needs more (another process's memory: file regions, the VFS's
// own faults; a change of p's regions: stack growth; a new shadow table; a
// frame only ending a process for memory would give) returns false having
// changed nothing, and the caller retries it holding pg_world exclusively.
#ifdef __clang__
__attribute__((always_inline))
#endif
bool handle_fault(struct pproc *p, const struct mkp_fault *f, struct mkp_answer *a, bool shared,
                  uint64_t *unref_later)
{
        uint64_t addr = f->addr;
        unsigned access = f->access, kind = f->kind;
        uint64_t va = f->page;

        // Most faults land in the region the previous one did.
        struct vma *v = p->vcache;
        if (!v || addr < v->d.start || addr >= v->d.end)
                v = p->vcache = vma_find(&p->tree, addr);
        if (shared && (!v || v->d.backing == BK_VFS || p->is_vfs))
                return false;
        // Only regions need a slot (addresses outside the user range have none).
        uint64_t *slot = v ? shadow_slot(&p->sh, va, !shared) : NULL;
        if (shared && !slot)
                return false;
        // A fault loop: the same page and access faulting again and again
        // although our answers already allowed that access and nothing
        // changed since (we reset p->loop whenever we change p's mappings:
        // fork, mprotect, munmap, ...). Faults that make progress (the
        // copy-on-write fault on the stack after each fork) do not count.
        // The answers below go through answer() or fail(), which count them.
        // One detector per process, keyed by page and access (thread 0: a
        // loop of two threads on one page counts too).
        mkp_loop_fault(&p->loop, mkp_loop_key(va, access, 0));
        bool guard = false;
        if (!v)
                v = p->vcache = stack_grow(p, addr, &guard);
        if (v && !slot && !(slot = shadow_slot(&p->sh, va, true))) {
                p->st.faults++;
                goto oom;
        }
        struct fault_in in = {.r = v ? &v->d : NULL, .access = access, .kind = kind};
        in.entry = slot ? *slot : 0;
        if ((in.entry & SH_PRESENT) && !(in.entry & SH_ZERO)) {
                if (shared)
                        pg_spin_lock(&pg_mem);
                in.refs = frame_refs(SH_PA(in.entry));
                if (shared)
                        pg_spin_unlock(&pg_mem);
        }
        int64_t fsize = 0;
        if (v && v->d.backing == BK_VFS) {
                fsize = vfs_file_size(v->d.inode, &v->d.generation);
                in.beyond_eof = fsize < 0 || v->d.file_off + (va - v->d.start) >= (uint64_t)fsize;
        }
        enum fault_decision d = guard ? FD_FAIL_GUARD : fault_decide(&in);
        if (trace_on)
                trace(p, addr, f->ip, access, in.r, d);

        uint64_t entry = in.entry, pa = 0, old;
        const struct region_desc *r = in.r;
        if (shared && (d == FD_FILL_ZERO || d == FD_FILL_IMAGE || d == FD_COW_COPY)) {
                if (shared)
                        pg_spin_lock(&pg_mem);
                pa = frame_alloc_try(p);
                if (shared)
                        pg_spin_unlock(&pg_mem);
                if (!pa)
                        return false; // (nothing counted yet)
        }
        p->st.faults++;
        switch (d) {
        case FD_FAIL_NOMAP:
                p->st.no_mapping++;
                return fail(p, a, MK_REASON_NOMAP);
        case FD_FAIL_ACCESS:
                p->st.access_violations++;
                return fail(p, a, MK_REASON_ACCESS);
        case FD_FAIL_GUARD:
                p->st.guard_hits++;
                mk_printf("pager: pid %u: %s at 0x%llx (ip 0x%llx)\n", p->pid,
                          guard ? "stack overflow into the guard gap" : "guard page hit",
                          (unsigned long long)addr, (unsigned long long)f->ip);
                return fail(p, a, MK_REASON_GUARD);
        case FD_FAIL_BUS:
                p->st.bus_errors++;
                return fail(p, a, MK_REASON_BUS);
        case FD_MAP_ZERO:
                entry = zero_page | SH_PRESENT | SH_ZERO;
                p->st.zero_maps++;
                break;
        case FD_FILL_ZERO:
        case FD_FILL_IMAGE:
        case FD_COPY_FILE:
        case FD_COW_COPY:
                if (!pa && !(pa = frame_alloc(p)))
                        goto oom;
                // (Ending an out-of-memory victim may have freed shadow tables,
                // never p's own: slot still holds.)
                if (d == FD_FILL_ZERO)
                        page_zero(frame_ptr(pa));
                else if (d == FD_FILL_IMAGE)
                        fill_image(r, va, frame_ptr(pa));
                else if (d == FD_COW_COPY)
                        page_copy(frame_ptr(pa), frame_ptr(SH_PA(entry)));
                else {
                        // A private copy of a file page; a hole copies zeros
                        // without giving the VFS a frame.
                        uint64_t src = vfs_page_frame(r->inode, r->file_off + (va - r->start));
                        if (src)
                                page_copy(frame_ptr(pa), frame_ptr(src));
                        else
                                page_zero(frame_ptr(pa));
                }
                if (shared)
                        pg_spin_lock(&pg_mem);
                if (frame_ref(pa)) {
                        frame_put(pa);
                        if (shared)
                                if (shared)
                                        pg_spin_unlock(&pg_mem);
                        goto oom;
                }
                old = entry;
                entry = pa | SH_PRESENT |
                        ((r->kind == RK_ANON_SHARED || r->kind == RK_FILE_SHARED) ? SH_SHARED : 0);
                // The copy-on-write source: p maps it until our answer
                // replaces it, so with several threads its reference goes
                // only after the answer (another sharer must not reuse it
                // while p may still read it).
                if ((old & SH_PRESENT) && !(old & SH_ZERO)) {
                        if (unref_later)
                                *unref_later = SH_PA(old);
                        else
                                frame_unref(SH_PA(old));
                }
                if (shared)
                        pg_spin_unlock(&pg_mem);
                if (p->is_vfs && d == FD_FILL_ZERO && va >= VFS_DATA_BASE &&
                    va < VFS_DATA_VA(VFS_MAX_INODES))
                        // A hole of a file gets a frame: mappers of it that
                        // have the zero page there must see the data now.
                        vfs_page_filled((va - VFS_DATA_BASE) / VFS_FILE_MAX,
                                        (va - VFS_DATA_BASE) % VFS_FILE_MAX);
                if (d == FD_COW_COPY) {
                        p->st.cow_copies++;
                } else {
                        count_fill(p, r);
                }
                break;
        case FD_MAP_FILE:
                if (access != FAULT_WRITE &&
                    !vfs_page_frame(r->inode, r->file_off + (va - r->start))) {
                        // Reading a hole: the zero page, read-only, no frame
                        // (vfs_page_filled takes it away when the page gets data).
                        entry = zero_page | SH_PRESENT | SH_ZERO;
                        zero_mapped[r->inode] = true;
                        p->st.zero_maps++;
                        break;
                }
                pa = vfs_cache_frame(p, r->inode, r->file_off + (va - r->start));
                if (!pa || frame_ref(pa))
                        goto oom;
                entry = pa | SH_PRESENT | (r->kind == RK_FILE_SHARED ? SH_SHARED : SH_COW);
                count_fill(p, r);
                break;
        case FD_COW_REUSE:
                entry &= ~(uint64_t)SH_COW;
                p->st.cow_reuses++;
                break;
        case FD_REMAP:
        default:
                break;
        }
        long perms = map_slot(p, slot, entry, r);
        a->action = MKP_MAP;
        a->reason = 0;
        a->ngrants = 1;
        a->grants[0] = (struct mk_grant){va, SH_PA(entry), (uint64_t)perms};
        answer(p, f, a, (uint32_t)perms);
        return true;
oom:
        p->st.oom_kills++;
        mk_printf("pager: pid %u: out of memory at 0x%llx (%llu frames free)\n", p->pid,
                  (unsigned long long)addr, (unsigned long long)frames_free());
        return fail(p, a, MK_REASON_OOM);
}
