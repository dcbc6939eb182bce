// SPDX-License-Identifier: MIT
// The system pager's fault handling on the host (pager_host.h: all of
// servers/pager/ on the fake kernel of the pager fuzz target), driven
// through the seam its loop uses: pager_serve with a fault message (built
// by the kernel's encoder, mk/fault.h) or a request, the reply decoded back
// into the full answer (action, every grant's address, frame and rights,
// failure reason) and checked: zero page, fills, fork and copy-on-write on
// both sides, out of memory, stack growth and the guard gap, no mapping,
// access violations, forged faults, fault loops, and file pages through a
// fake VFS (its page cache is its memory, as the real one's).
#include "cpio_build.h"
#include "../harness.h"
#include "../../../servers/pager/pager.h"
#include "pager_host.h"
#include <mk/errno.h>
#include <mk/vfs.h>

static struct mk_msg in, out;
static uint8_t img[64 * 1024];
static size_t img_len;

static void cpio_put(const char *name, const void *data, size_t size)
{
        cpio_append(img, sizeof(img), &img_len, name, data, size);
}

#include "../exec/elf_build.h"

// A fresh pager (what main() does before its loop) and one process.
static struct pproc *boot(void)
{
        static uint8_t elf[32 * 1024];
        if (!img_len) {
                struct eb_spec s = eb_typical(ELF_EM_X86_64);
                uint64_t n = eb_write(&s, elf, sizeof(elf));
                cpio_put("init", elf, n);
                cpio_put("vfs", elf, n); // the fake VFS: its memory is all that counts
                cpio_put("TRAILER!!!", "", 0);
        }
        pager_host_boot(img, img_len);
        if (vfs_start())
                return NULL;
        const char *argv[] = {"init", NULL}, *envp[] = {NULL}, *err;
        struct pproc *p = pproc_new("init", NULL);
        if (p && pproc_load(p, "init", argv, envp, NULL, true, &err))
                return NULL;
        return p;
}

static long request6(struct pproc *p, uint64_t tag, uint64_t w0, uint64_t w1, uint64_t w2,
                     uint64_t w3, uint64_t w4, uint64_t w5)
{
        memset(&in, 0, sizeof(in));
        in.tag = tag;
        in.badge = p->badge;
        in.w[0] = w0;
        in.w[1] = w1;
        in.w[2] = w2;
        in.w[3] = w3;
        in.w[4] = w4;
        in.w[5] = w5;
        pager_serve(&in, &out);
        return (long)out.w[0];
}

static long request(struct pproc *p, uint64_t tag, uint64_t w0, uint64_t w1, uint64_t w2,
                    uint64_t w3)
{
        return request6(p, tag, w0, w1, w2, w3, 0, 0);
}

// The full answer to a fault, decoded from the reply.
struct answer {
        bool replied;
        uint64_t action, reason;
        unsigned n;
        struct mk_grant g[MK_MAX_GRANTS];
};

static struct answer fault_as(struct pproc *p, uint32_t pid, uint64_t addr, unsigned access,
                              unsigned kind)
{
        struct answer a = {0};
        struct fault_info f = {.addr = addr,
                               .ip = 0x401000,
                               .access = (uint8_t)access,
                               .kind = (uint8_t)kind,
                               .arch = FAULT_ARCH_X86_64,
                               .level = FAULT_LEVEL_UNKNOWN,
                               .flags = FAULT_F_USER | FAULT_F_ADDR_VALID};
        memset(&in, 0, sizeof(in));
        in.tag = MK_TAG_FAULT;
        in.flags = MK_MSG_KERNEL;
        in.badge = p->badge;
        fault_msg_encode(in.w, &f, 1, pid);
        memset(&out, 0xa5, sizeof(out));
        a.replied = pager_serve(&in, &out);
        a.action = out.tag;
        if (out.tag == MK_FAULT_FAIL)
                a.reason = out.w[0];
        if (out.tag == MK_FAULT_MAP) {
                a.n = 1 + out.len / sizeof(struct mk_grant);
                a.g[0] = (struct mk_grant){out.w[0], out.w[1], out.w[2]};
                memcpy(&a.g[1], out.buf, out.len);
        }
        return a;
}

static struct answer fault(struct pproc *p, uint64_t addr, unsigned access, unsigned kind)
{
        return fault_as(p, p->pid, addr, access, kind);
}

#define R  MK_PERM_R
#define RW (MK_PERM_R | MK_PERM_W)

// The answer is MAP of exactly one page: want_va with frame want_pa (0: any
// frame of ours but the zero page) and rights want_perms.
#define EXPECT_MAP(a, want_va, want_pa, want_perms)                                                \
        do {                                                                                       \
                EXPECT((a).replied);                                                               \
                EXPECT_EQ((a).action, MK_FAULT_MAP);                                               \
                EXPECT_EQ((a).n, 1);                                                               \
                EXPECT_EQ((a).g[0].va, (want_va));                                                 \
                if (want_pa)                                                                       \
                        EXPECT_EQ((a).g[0].pa, (want_pa));                                         \
                else                                                                               \
                        EXPECT((a).g[0].pa != zero_page && frame_ours((a).g[0].pa));               \
                EXPECT_EQ((a).g[0].perms, (want_perms));                                           \
        } while (0)
#define EXPECT_FAIL(a, why)                                                                        \
        do {                                                                                       \
                EXPECT((a).replied);                                                               \
                EXPECT_EQ((a).action, MK_FAULT_FAIL);                                              \
                EXPECT_EQ((a).reason, (why));                                                      \
        } while (0)

static uint64_t mmap_anon(struct pproc *p, uint64_t len, uint64_t prot)
{
        return (uint64_t)request(p, PGR_MMAP, 0, len, prot, PGR_MAP_PRIVATE | PGR_MAP_ANON);
}

static struct vma *region_of_kind(struct pproc *p, unsigned kind)
{
        for (struct vma *v = vma_first(&p->tree); v; v = vma_next(v))
                if (v->d.kind == kind)
                        return v;
        return NULL;
}

// A read of an untouched anonymous page gets the zero page read-only; the
// write after it a zeroed frame of its own, writable.
static void zero_page_then_fill(void)
{
        struct pproc *p = boot();
        EXPECT(p != NULL);
        uint64_t va = mmap_anon(p, 4 * MK_PAGE_SIZE, RW);
        EXPECT((long)va > 0);
        struct answer a = fault(p, va + 8, FAULT_READ, FAULT_NOT_PRESENT);
        EXPECT_MAP(a, va, zero_page, R);
        a = fault(p, va + 8, FAULT_WRITE, FAULT_PROTECTION);
        EXPECT_MAP(a, va, 0, RW);
        const uint8_t *b = frame_ptr(a.g[0].pa);
        for (unsigned i = 0; i < MK_PAGE_SIZE; i++)
                EXPECT_EQ(b[i], 0);
        // A first write: a frame at once.
        a = fault(p, va + MK_PAGE_SIZE, FAULT_WRITE, FAULT_NOT_PRESENT);
        EXPECT_MAP(a, va + MK_PAGE_SIZE, 0, RW);
        EXPECT_EQ(p->st.zero_maps, 1);
        EXPECT_EQ(p->st.fill_anon, 2);
}

// Fork: both sides see the parent's page read-only and copy-on-write; the
// first to write gets a copy, the last one keeps the frame.
static void fork_copy_on_write_both_sides(void)
{
        struct pproc *p = boot();
        EXPECT(p != NULL);
        uint64_t va = mmap_anon(p, MK_PAGE_SIZE, RW);
        struct answer a = fault(p, va, FAULT_WRITE, FAULT_NOT_PRESENT);
        EXPECT_MAP(a, va, 0, RW);
        uint64_t pa = a.g[0].pa;
        memset(frame_ptr(pa), 0x5a, MK_PAGE_SIZE);
        long pid = request(p, PGR_FORK, 0, 0, 0, 0);
        EXPECT(pid > 0);
        struct pproc *c = NULL;
        for (uint32_t i = 1; i < MAX_PROCS; i++)
                if (procs[i].used && procs[i].pid == (uint32_t)pid)
                        c = &procs[i];
        EXPECT(c != NULL && c != p);
        // The child reads: the shared frame, read-only.
        a = fault(c, va, FAULT_READ, FAULT_NOT_PRESENT);
        EXPECT_MAP(a, va, pa, R);
        // The parent writes: a copy (the child still holds the frame).
        a = fault(p, va, FAULT_WRITE, FAULT_PROTECTION);
        EXPECT_MAP(a, va, 0, RW);
        EXPECT(a.g[0].pa != pa);
        EXPECT_EQ(((uint8_t *)frame_ptr(a.g[0].pa))[MK_PAGE_SIZE - 1], 0x5a);
        EXPECT_EQ(p->st.cow_copies, 1);
        // The child writes: it is the frame's only holder now, no copy.
        a = fault(c, va, FAULT_WRITE, FAULT_PROTECTION);
        EXPECT_MAP(a, va, pa, RW);
        EXPECT_EQ(c->st.cow_reuses, 1);
        EXPECT_EQ(c->st.cow_copies, 0);
}

// The counters of everyone (PGR_STATS of pid -1) are each process's events,
// the ended ones' included: each event is counted once, in its process.
static struct pgr_stats global_stats(struct pproc *p)
{
        struct pgr_stats st = {0};
        if (request(p, PGR_STATS, (uint64_t)-1, 0, 0, 0) == 0)
                memcpy(&st, out.buf, sizeof(st));
        return st;
}

static void global_counters_keep_ended_processes(void)
{
        struct pproc *p = boot();
        EXPECT(p != NULL);
        struct pgr_stats g0 = global_stats(p);
        EXPECT(g0.frames_free > 0); // the request was answered
        uint64_t va = mmap_anon(p, 2 * MK_PAGE_SIZE, RW);
        struct answer a = fault(p, va, FAULT_READ, FAULT_NOT_PRESENT);
        EXPECT_MAP(a, va, zero_page, R);
        long pid = request(p, PGR_FORK, 0, 0, 0, 0);
        EXPECT(pid > 0);
        struct pproc *c = NULL;
        for (uint32_t i = 1; i < MAX_PROCS; i++)
                if (procs[i].used && procs[i].pid == (uint32_t)pid)
                        c = &procs[i];
        EXPECT(c != NULL);
        a = fault(c, va + MK_PAGE_SIZE, FAULT_READ, FAULT_NOT_PRESENT);
        EXPECT_MAP(a, va + MK_PAGE_SIZE, zero_page, R);
        a = fault(c, 0x1000, FAULT_READ, FAULT_NOT_PRESENT);
        EXPECT_FAIL(a, MK_REASON_NOMAP);
        struct pgr_stats g1 = global_stats(p);
        EXPECT_EQ(g1.faults, g0.faults + 3);
        EXPECT_EQ(g1.zero_maps, g0.zero_maps + 2);
        EXPECT_EQ(g1.no_mapping, g0.no_mapping + 1);
        // The child ends: its events stay in the sums, counted once.
        memset(&in, 0, sizeof(in));
        in.tag = MK_TAG_EXIT;
        in.flags = MK_MSG_KERNEL;
        in.badge = c->badge;
        in.w[MK_XW_PID] = (uint64_t)pid;
        in.w[MK_XW_REASON] = MK_REASON_EXIT;
        EXPECT(!pager_serve(&in, &out));
        EXPECT(!c->used);
        struct pgr_stats g2 = global_stats(p);
        EXPECT_EQ(g2.faults, g1.faults);
        EXPECT_EQ(g2.zero_maps, g1.zero_maps);
        EXPECT_EQ(g2.no_mapping, g1.no_mapping);
        EXPECT_EQ(p->st.faults + c->st.faults, g2.faults - g0.faults);
}

// Out of memory: a tree at its frame limit, alone in it, fails the fault.
static void out_of_memory(void)
{
        struct pproc *p = boot();
        EXPECT(p != NULL);
        uint64_t va = mmap_anon(p, 2 * MK_PAGE_SIZE, RW);
        struct answer a = fault(p, va, FAULT_WRITE, FAULT_NOT_PRESENT); // its page table is made
        EXPECT_MAP(a, va, 0, RW);
        EXPECT_EQ(request(p, PGR_LIMIT, 0, acct[p->idx].tree_frames, 0, 0), 0);
        a = fault(p, va + MK_PAGE_SIZE, FAULT_WRITE, FAULT_NOT_PRESENT);
        EXPECT_FAIL(a, MK_REASON_OOM);
        EXPECT_EQ(p->st.oom_kills, 1);
        // A read still gets the zero page (no frame needed).
        a = fault(p, va + MK_PAGE_SIZE, FAULT_READ, FAULT_NOT_PRESENT);
        EXPECT_MAP(a, va + MK_PAGE_SIZE, zero_page, R);
}

// The stack grows down to a fault just below it; a fault beyond its limit
// is in the guard gap.
static void stack_growth_and_guard_gap(void)
{
        struct pproc *p = boot();
        EXPECT(p != NULL);
        struct vma *s = region_of_kind(p, RK_STACK);
        EXPECT(s != NULL);
        uint64_t start = s->d.start, limit = s->d.limit;
        EXPECT(start - MK_PAGE_SIZE >= limit);
        struct answer a = fault(p, start - 16, FAULT_WRITE, FAULT_NOT_PRESENT);
        EXPECT_MAP(a, start - MK_PAGE_SIZE, 0, RW);
        EXPECT_EQ(region_of_kind(p, RK_STACK)->d.start, start - MK_PAGE_SIZE);
        a = fault(p, limit - 8, FAULT_WRITE, FAULT_NOT_PRESENT);
        EXPECT_FAIL(a, MK_REASON_GUARD);
        EXPECT_EQ(p->st.guard_hits, 1);
}

// No region: no mapping; a write to a read-only region: an access violation;
// a fault carrying another pid than the badge's process: refused.
static void failures(void)
{
        struct pproc *p = boot();
        EXPECT(p != NULL);
        struct answer a = fault(p, 0x1000, FAULT_READ, FAULT_NOT_PRESENT);
        EXPECT_FAIL(a, MK_REASON_NOMAP);
        uint64_t va = mmap_anon(p, MK_PAGE_SIZE, R);
        a = fault(p, va, FAULT_WRITE, FAULT_NOT_PRESENT);
        EXPECT_FAIL(a, MK_REASON_ACCESS);
        a = fault(p, va, FAULT_EXEC, FAULT_NOT_PRESENT);
        EXPECT_FAIL(a, MK_REASON_ACCESS);
        a = fault(p, va, FAULT_READ, FAULT_NOT_PRESENT);
        EXPECT_MAP(a, va, zero_page, R);
        a = fault_as(p, p->pid + 1, va, FAULT_READ, FAULT_NOT_PRESENT);
        EXPECT_FAIL(a, MK_REASON_NOMAP);
        EXPECT_EQ(p->st.no_mapping, 1);
        EXPECT_EQ(p->st.access_violations, 2);
}

// A message still queued under the badge of a process that has ended names
// nobody, even once its slot serves another process (with several pager
// threads, one may take such a request after another has handled the exit).
static void stale_badge(void)
{
        struct pproc *p = boot();
        EXPECT(p != NULL);
        struct pproc *c = pproc_new("old", p);
        EXPECT(c != NULL);
        uint32_t idx = c->idx;
        uint64_t old = c->badge;
        memset(&in, 0, sizeof(in));
        in.tag = MK_TAG_EXIT;
        in.flags = MK_MSG_KERNEL;
        in.badge = old;
        in.w[MK_XW_PID] = c->pid;
        pager_serve(&in, &out);
        EXPECT(!procs[idx].used);
        struct pproc *d = pproc_new("new", p);
        EXPECT(d != NULL && d->idx == idx);
        EXPECT(d->badge != old);
        EXPECT(badge_proc(old) == NULL && badge_proc(d->badge) == d);
        struct vma *before = vma_first(&d->tree);
        memset(&in, 0, sizeof(in));
        in.tag = PGR_MMAP;
        in.badge = old;
        in.w[1] = MK_PAGE_SIZE;
        in.w[2] = RW;
        in.w[3] = PGR_MAP_PRIVATE | PGR_MAP_ANON;
        EXPECT(!pager_serve(&in, &out)); // not answered: from nobody of ours
        EXPECT(vma_first(&d->tree) == before);
        EXPECT(mmap_anon(d, MK_PAGE_SIZE, RW) > 0); // its own badge works
}

// The same write answered writable again and again is a fault loop (the
// ninth answer); a request, or growing rights, is progress.
static void fault_loop(void)
{
        struct pproc *p = boot();
        EXPECT(p != NULL);
        uint64_t va = mmap_anon(p, MK_PAGE_SIZE, RW);
        struct answer a = fault(p, va, FAULT_READ, FAULT_NOT_PRESENT);
        EXPECT_MAP(a, va, zero_page, R);
        a = fault(p, va, FAULT_WRITE, FAULT_PROTECTION); // more rights: progress
        EXPECT_MAP(a, va, 0, RW);
        uint64_t pa = a.g[0].pa;
        for (int i = 1; i < MKP_LOOP_LIMIT; i++) {
                a = fault(p, va, FAULT_WRITE, FAULT_PROTECTION);
                EXPECT_MAP(a, va, pa, RW);
        }
        // Any request between resets the count.
        EXPECT_EQ(request(p, PGR_BRK, 0, 0, 0, 0), (long)p->brk);
        for (int i = 0; i < MKP_LOOP_LIMIT; i++) {
                a = fault(p, va, FAULT_WRITE, FAULT_PROTECTION);
                EXPECT_MAP(a, va, pa, RW);
        }
        a = fault(p, va, FAULT_WRITE, FAULT_PROTECTION);
        EXPECT_FAIL(a, MK_REASON_LOOP);
        EXPECT_EQ(p->st.fault_loops, 1);
}

// The fake VFS writes inode ino (size bytes) and fills page `page` of its
// data with `byte`, as the real one does: by touching its own memory (its
// faults are served like any process's). The page-cache frame of that page.
static uint64_t vfs_write(uint64_t ino, uint64_t size, uint64_t page, uint8_t byte)
{
        struct pproc *v = &procs[vfs_idx];
        uint64_t iva = VFS_INODE_TABLE_VA + ino * sizeof(struct vfs_inode);
        uint64_t dva = VFS_DATA_VA(ino) + page * MK_PAGE_SIZE;
        struct answer a = fault(v, iva, FAULT_WRITE, FAULT_NOT_PRESENT);
        if (a.action != MK_FAULT_MAP)
                return 0;
        struct vfs_inode node = {.size = size, .used = 1, .mode = 0100644, .generation = 7};
        memcpy((char *)frame_ptr(a.g[0].pa) + (iva & (MK_PAGE_SIZE - 1)), &node, sizeof(node));
        a = fault(v, dva, FAULT_WRITE, FAULT_NOT_PRESENT);
        if (a.action != MK_FAULT_MAP)
                return 0;
        memset(frame_ptr(a.g[0].pa), byte, MK_PAGE_SIZE);
        return a.g[0].pa;
}

// The fake VFS opens inode ino for p as descriptor fd with VFS_O_* flags, as
// the real one does: in its client table, in its own memory.
static bool vfs_open_for(struct pproc *p, uint64_t fd, uint32_t ino, uint32_t flags)
{
        struct pproc *v = &procs[vfs_idx];
        uint64_t cva = VFS_CLIENT_TABLE_VA; // client slot 0
        struct answer a = fault(v, cva, FAULT_WRITE, FAULT_NOT_PRESENT);
        if (a.action != MK_FAULT_MAP)
                return false;
        struct vfs_client *c =
            (struct vfs_client *)((char *)frame_ptr(a.g[0].pa) + (cva & (MK_PAGE_SIZE - 1)));
        c->used = true;
        c->badge = p->vfs_badge;
        c->fd[fd - VFS_FD_BASE] = (struct vfs_open){.used = true, .ino = ino, .flags = flags};
        return true;
}

// File pages come from the VFS's page cache: a private mapping reads the
// cache frame read-only and writes a copy; a shared one writes the cache
// frame; a hole reads as the zero page; past the end is a bus error.
static void file_fills(void)
{
        struct pproc *p = boot();
        EXPECT(p != NULL && vfs_idx);
        const uint64_t ino = 3, size = 3 * MK_PAGE_SIZE - 100; // page 1 a hole
        uint64_t cache = vfs_write(ino, size, 0, 0x42);
        EXPECT(cache != 0);
        struct answer a0;
        // Mapped through descriptors: a file never opened cannot be mapped; one
        // open read-only maps shared but never writable (mprotect neither).
        const uint64_t fd = 5, fd_ro = 6;
        EXPECT_EQ(request6(p, PGR_MMAP, 0, 4 * MK_PAGE_SIZE, R, PGR_MAP_SHARED, fd, 0), -EBADF);
        EXPECT(vfs_open_for(p, fd, ino, VFS_O_RDWR) && vfs_open_for(p, fd_ro, ino, VFS_O_RDONLY));
        EXPECT_EQ(request6(p, PGR_MMAP, 0, 4 * MK_PAGE_SIZE, RW, PGR_MAP_SHARED, fd_ro, 0),
                  -EACCES);
        long ro = request6(p, PGR_MMAP, 0, MK_PAGE_SIZE, R, PGR_MAP_SHARED, fd_ro, 0);
        EXPECT(ro > 0);
        EXPECT_EQ(request(p, PGR_MPROTECT, (uint64_t)ro, MK_PAGE_SIZE, RW, 0), -EACCES);
        a0 = fault(p, (uint64_t)ro, FAULT_WRITE, FAULT_NOT_PRESENT);
        EXPECT_FAIL(a0, MK_REASON_ACCESS);
        // A private map of it may be written (copy-on-write, as Linux).
        EXPECT(request6(p, PGR_MMAP, 0, MK_PAGE_SIZE, RW, PGR_MAP_PRIVATE, fd_ro, 0) > 0);
        uint64_t priv =
            (uint64_t)request6(p, PGR_MMAP, 0, 4 * MK_PAGE_SIZE, RW, PGR_MAP_PRIVATE, fd, 0);
        uint64_t shr =
            (uint64_t)request6(p, PGR_MMAP, 0, 4 * MK_PAGE_SIZE, RW, PGR_MAP_SHARED, fd, 0);
        EXPECT((long)priv > 0 && (long)shr > 0);
        struct answer a = fault(p, priv, FAULT_READ, FAULT_NOT_PRESENT);
        EXPECT_MAP(a, priv, cache, R);
        a = fault(p, priv, FAULT_WRITE, FAULT_PROTECTION);
        EXPECT_MAP(a, priv, 0, RW);
        EXPECT(a.g[0].pa != cache);
        EXPECT_EQ(((uint8_t *)frame_ptr(a.g[0].pa))[123], 0x42);
        a = fault(p, shr, FAULT_WRITE, FAULT_NOT_PRESENT);
        EXPECT_MAP(a, shr, cache, RW);
        a = fault(p, priv + MK_PAGE_SIZE, FAULT_READ, FAULT_NOT_PRESENT);
        EXPECT_MAP(a, priv + MK_PAGE_SIZE, zero_page, R);
        // A private write of a hole: a zeroed frame of its own.
        a = fault(p, priv + 2 * MK_PAGE_SIZE, FAULT_WRITE, FAULT_NOT_PRESENT);
        EXPECT_MAP(a, priv + 2 * MK_PAGE_SIZE, 0, RW);
        EXPECT_EQ(((uint8_t *)frame_ptr(a.g[0].pa))[0], 0);
        a = fault(p, priv + 3 * MK_PAGE_SIZE, FAULT_READ, FAULT_NOT_PRESENT);
        EXPECT_FAIL(a, MK_REASON_BUS);
        EXPECT_EQ(p->st.bus_errors, 1);
}

int main(int argc, char **argv, char **envp)
{
        h_suite = "pager_faults";
        RUN(zero_page_then_fill);
        RUN(fork_copy_on_write_both_sides);
        RUN(global_counters_keep_ended_processes);
        RUN(out_of_memory);
        RUN(stack_growth_and_guard_gap);
        RUN(failures);
        RUN(fault_loop);
        RUN(stale_badge);
        RUN(file_fills);
        return DONE();
}
