// SPDX-License-Identifier: MIT
// The processes the pager serves: creating them from boot-image programs
// (exec.c builds the image), the VFS server, fork, spawn, and releasing
// everything when one ends.
#include "pager.h"
#include <common/cpio.h>
#include <mk/vfs.h>

#define GIVEN_PER_PAGE (MK_PAGE_SIZE / 8) // entries of one page of pproc.given

struct pproc procs[MAX_PROCS];
struct acct acct[MAX_PROCS];
uint64_t default_frame_limit = ACCT_NO_LIMIT;
struct pproc *serving;
static uint32_t next_vfs_badge = 1;
uint32_t oom_pending;
static struct slab vma_slab = {sizeof(struct vma), NULL};

static struct vma *node_alloc(void *ctx)
{
        return slab_alloc(&vma_slab);
}

static void node_free(void *ctx, struct vma *v)
{
        slab_free(&vma_slab, v);
}

struct pproc *pproc_new(const char *name, struct pproc *parent)
{
        for (uint32_t i = 1; i < MAX_PROCS; i++) {
                struct pproc *p = &procs[i];
                if (p->used || acct[i].used)
                        continue;
                // A top-level tree gets the default limits; a child is bounded
                // by its ancestors' until someone sets its own (PGR_LIMIT).
                if (acct_add(acct, MAX_PROCS, i, parent ? parent->idx : 0,
                             parent ? ACCT_NO_LIMIT : default_frame_limit,
                             parent ? UINT32_MAX : DEFAULT_PROC_LIMIT))
                        return NULL;
                // A new generation: messages still queued under the slot's
                // old badge (its previous process's) name nobody.
                uint32_t gen = p->idx ? p->gen + 1 : 0; // (0: the slot's first use)
                memset(p, 0, sizeof(*p));
                p->used = true;
                p->idx = i;
                p->gen = gen;
                p->badge = i | (uint64_t)gen << BADGE_IDX_BITS;
                p->parent = parent ? parent->idx : 0;
                p->vfs_badge = next_vfs_badge++; // never reused: no inherited old files
                p->proc = -1;
                p->sh.owner = i;
                size_t n = strlen(name);
                memcpy(p->name, name, n < sizeof(p->name) - 1 ? n : sizeof(p->name) - 1);
                vma_tree_init(&p->tree, MK_USER_BASE, MK_USER_TOP, node_alloc, node_free, NULL);
                return p;
        }
        return NULL;
}

// Frees the accounting node of slot i and of its ended ancestors once nothing
// is left under them; frames still charged to such a node (page-cache frames
// it caused) go to the VFS server's account.
void node_gc(uint32_t i)
{
        while (i && acct[i].used && !acct[i].live && acct[i].tree_procs == 1) {
                uint32_t parent = acct[i].parent;
                if (acct[i].frames)
                        frame_owner_move(i, vfs_idx != i ? vfs_idx : 0);
                if (!acct_collect(acct, MAX_PROCS, i))
                        return;
                i = parent;
        }
}

// Removes the mapping of va from p's page tables; false if it may still be
// there (then its frame must not be reused).
static bool unmap_checked(struct pproc *p, uint64_t va)
{
        long r = p->proc >= 0 ? SYSREC("unmap", mk_unmap(p->proc, va)) : -ESRCH;
        if (r >= 0 || r == -ENOENT || r == -ESRCH)
                return true; // unmapped, was not mapped, or the process is gone
        mk_printf("pager: pid %u: unmap of 0x%llx failed (%s): frame kept\n", p->pid,
                  (unsigned long long)va, err_name(r));
        return false;
}

static void drop_one(void *ctx, uint64_t va, uint64_t *e)
{
        struct pproc *p = ctx;
        if ((*e & SH_MAPPED) && !unmap_checked(p, va))
                return; // leave the entry: the frame stays referenced
        if (!(*e & SH_ZERO))
                frame_unref(SH_PA(*e));
        *e = 0;
        p->sh.pages--;
}

static void drop_quiet(void *ctx, uint64_t va, uint64_t *e)
{
        struct pproc *p = ctx;
        if (!(*e & SH_ZERO))
                frame_unref(SH_PA(*e));
        *e = 0;
        p->sh.pages--;
}

void pproc_drop_pages(struct pproc *p, uint64_t start, uint64_t end, bool unmap)
{
        shadow_each(&p->sh, start, end, unmap ? drop_one : drop_quiet, p);
        if (unmap)
                shadow_prune(&p->sh, start, end); // give back tables left empty
        mkp_loop_reset(&p->loop);
}

void pproc_reclaim(struct pproc *p)
{
        // Frames it was given came back to us when it ended (the kernel
        // returns an external pager's frames to the system pager).
        for (uint32_t i = 0; i < p->ngiven; i++)
                frame_put(p->given[i / GIVEN_PER_PAGE][i % GIVEN_PER_PAGE]);
        for (uint32_t i = 0; i < sizeof(p->given) / sizeof(p->given[0]); i++)
                if (p->given[i])
                        frame_put(frame_pa(p->given[i]));
        memset(p->given, 0, sizeof(p->given));
        p->ngiven = 0;
        // The kernel has removed its page tables already: no unmapping needed.
        pproc_drop_pages(p, MK_USER_BASE, MK_USER_TOP, false);
        shadow_free(&p->sh);
        vma_tree_clear(&p->tree);
        p->vcache = NULL;
        if (p->proc >= 0)
                SYSREC("handle_close", mk_handle_close(p->proc));
        p->proc = -1;
        // (Its file mappings may have been the last of an inode the VFS let
        // go: the main loop calls vfs_release_pending after this message.)
}

void stats_add_events(struct pgr_stats *to, const struct pgr_stats *from)
{
        // The event counters are the fields from faults to fault_loops.
        uint64_t *t = &to->faults;
        const uint64_t *f = &from->faults;
        for (size_t i = 0; i <= (size_t)(&from->fault_loops - &from->faults); i++)
                t[i] += f[i];
}

void pproc_release(struct pproc *p)
{
        pproc_reclaim(p);
        if (!p->used)
                return; // (releasing again is harmless)
        stats_add_events(&ended_stats, &p->st);
        p->used = false;
        p->oom_killed = false;
        acct[p->idx].exempt = false;
        acct[p->idx].live = false;
        node_gc(p->idx);
}

bool oom_kill(struct pproc *v)
{
        if (!v->used || v->is_vfs || v->oom_killed)
                return false;
        mk_printf("pager: out of memory: ending pid %u (%s, %llu frames)\n", v->pid, v->name,
                  (unsigned long long)acct[v->idx].frames);
        // The kernel ends it at once (its page tables go), so its frames can
        // be reused right away; its end is recorded after the current message.
        if (v->proc >= 0)
                SYSREC("proc_kill", mk_proc_kill(v->proc, MK_REASON_OOM));
        v->st.oom_kills++;
        acct[v->idx].exempt = true; // not chosen twice
        uint64_t before = frames_free();
        pproc_reclaim(v);
        v->oom_killed = true;
        oom_pending++;
        return frames_free() > before;
}

// Creates the kernel process and gives it its endpoint handles: the pager's
// at PGR_HANDLE_PAGER_EP and the VFS's at PGR_HANDLE_VFS_EP (mk/pager.h).
static int make_kernel_proc(struct pproc *p)
{
        // A fork or spawn child is charged to its parent's tree in the kernel too.
        struct pproc *parent = p->parent ? &procs[p->parent] : NULL;
        p->proc =
            parent && parent->proc >= 0
                ? SYSREC("proc_create_in", mk_proc_create_in(pager_ep, p->badge, 0, parent->proc))
                : SYSREC("proc_create", mk_proc_create(pager_ep, p->badge, 0));
        if (p->proc < 0)
                return (int)p->proc;
        p->pid = (uint32_t)SYSREC("pid", mk_info(MK_INFO_PROC_PID, (void *)p->proc));
        mk_proc_name(p->proc, p->name); // for console messages and tools/gdb
        if (p->is_vfs)
                acct[p->idx].exempt = true; // never an out-of-memory victim
        long h0 = SYSREC("handle_give", mk_handle_give(pager_ep, p->proc, p->badge, MK_RIGHT_SEND));
        long h1 =
            vfs_ep_handle >= 0
                ? SYSREC("handle_give",
                         mk_handle_give(vfs_ep_handle, p->proc, p->vfs_badge, MK_RIGHT_SEND))
                : SYSREC("handle_give", mk_handle_give(pager_ep, p->proc, p->badge, MK_RIGHT_SEND));
        return h0 == PGR_HANDLE_PAGER_EP && h1 == PGR_HANDLE_VFS_EP ? 0 : -ENOSPC;
}

int pproc_load(struct pproc *p, const char *prog, const char *const argv[],
               const char *const envp[], long *handle_out, bool start, const char **err)
{
        static struct exec_layout lay;
        struct cpio_file f;
        struct exec_aux aux[6] = {{AT_MK_PAGER_EP, PGR_HANDLE_PAGER_EP},
                                  {AT_MK_VFS_EP, PGR_HANDLE_VFS_EP}};
        int na = 2;
        if (p->is_vfs) {
                aux[na++] = (struct exec_aux){AT_MK_VFS_SERVE, PGR_HANDLE_VFS_SERVE};
                aux[na++] = (struct exec_aux){AT_MK_BOOTIMG_SIZE, bootimg.size};
        }
        aux[na] = (struct exec_aux){AT_NULL, 0};
        *err = "";
        if (cpio_find((void *)bootimg.va, bootimg.size, prog, &f)) {
                *err = "no such program in the boot image";
                return -ENOENT;
        }
        // The regions are named after the process (p->name is ours; prog may
        // point into a request's message buffer).
        int r =
            exec_build(&lay, f.data, f.size, pager_machine, false, p->name, argv, envp, aux, err);
        if (r)
                return r;
        for (int i = 0; i < lay.nregions; i++)
                if (lay.regions[i].start != lay.regions[i].end && // the empty heap placeholder
                    (r = vma_insert(&p->tree, &lay.regions[i], NULL))) {
                        *err = "cannot place the program's regions";
                        return r;
                }
        if ((r = make_kernel_proc(p))) {
                *err = "cannot create the process";
                return r;
        }
        // The top stack page holds argv, envp and auxv already.
        uint64_t top = EXEC_STACK_TOP - MK_PAGE_SIZE, pa = frame_alloc(p);
        struct vma *sv = vma_find(&p->tree, top);
        if (!pa || !sv || frame_ref(pa)) {
                if (pa)
                        frame_put(pa);
                *err = "out of memory";
                return -ENOMEM;
        }
        memcpy(frame_ptr(pa), lay.stack_page, MK_PAGE_SIZE);
        long perms = map_page(p, top, pa | SH_PRESENT, &sv->d);
        if (perms < 0)
                frame_unref(pa); // no page record holds it (no frame for the record)
        if (perms < 0 || SYSREC("map", mk_map(p->proc, top, pa, (uint64_t)perms)) < 0) {
                *err = "cannot map the initial stack";
                return -ENOMEM;
        }
        p->brk_start = p->brk = lay.brk;
        if (p->is_vfs) {
                // Its boot image copy, inode table and data area.
                struct region_desc img = {
                    .start = VFS_BOOTIMG_VA,
                    .end =
                        VFS_BOOTIMG_VA + ((bootimg.size + MK_PAGE_SIZE - 1) & ~(MK_PAGE_SIZE - 1)),
                    .prot = MK_PERM_R,
                    .kind = RK_RODATA,
                    .backing = BK_IMAGE,
                    .file_size = bootimg.size,
                    .image = (const uint8_t *)bootimg.va,
                    .image_size = bootimg.size,
                    .name = "bootimg"};
                _Static_assert(VFS_MAX_INODES * sizeof(struct vfs_inode) <=
                                   VFS_CLIENT_TABLE_VA - VFS_INODE_TABLE_VA,
                               "the inode table ends before the client table");
                _Static_assert(VFS_CLIENT_TABLE_VA + VFS_MAX_CLIENTS * sizeof(struct vfs_client) <=
                                   VFS_INODE_TABLE_VA + 0x100000,
                               "the client table is inside the region");
                struct region_desc it = {.start = VFS_INODE_TABLE_VA,
                                         .end = VFS_INODE_TABLE_VA + 0x100000,
                                         .prot = MK_PERM_R | MK_PERM_W,
                                         .kind = RK_ANON_SHARED,
                                         .name = "inodes"};
                struct region_desc da = {.start = VFS_DATA_BASE,
                                         .end = VFS_DATA_BASE + VFS_MAX_INODES * VFS_FILE_MAX,
                                         .prot = MK_PERM_R | MK_PERM_W,
                                         // Private: holes read as the zero page until
                                         // written (the VFS never forks); a page gets
                                         // its own frame before anyone maps it.
                                         .kind = RK_ANON_PRIVATE,
                                         .name = "page cache"};
                if (vma_insert(&p->tree, &img, NULL) || vma_insert(&p->tree, &it, NULL) ||
                    vma_insert(&p->tree, &da, NULL) ||
                    SYSREC("handle_give", mk_handle_give(vfs_ep_handle, p->proc, 0,
                                                         MK_RIGHT_RECV)) != PGR_HANDLE_VFS_SERVE) {
                        *err = "cannot set up the VFS server";
                        return -ENOMEM;
                }
        }
        p->entry = lay.entry;
        p->sp = lay.sp;
        if (handle_out)
                *handle_out = p->proc;
        if (!start) {
                p->suspended = true;
                return 0;
        }
        long tid = SYSREC("thread_start", mk_thread_start(p->proc, lay.entry, lay.sp, lay.sp));
        if (tid < 0) {
                *err = "cannot start its thread";
                return (int)tid;
        }
        if (handle_out)
                *handle_out = p->proc;
        return 0;
}

int vfs_start(void)
{
        const char *err;
        static const char *const argv[] = {"vfs", NULL};
        if (cpio_find((void *)bootimg.va, bootimg.size, "vfs", &(struct cpio_file){0}))
                return -ENOENT; // no VFS in this boot image
        long ep = SYSREC("ep_create", mk_ep_create());
        if (ep < 0)
                return (int)ep;
        vfs_ep_handle = ep;
        struct pproc *p = pproc_new("vfs", NULL);
        if (!p)
                return -ENOMEM;
        p->is_vfs = true;
        vfs_idx = p->idx;
        // Its own page budget bounds what it writes; page-cache frames that
        // mappers caused come to its account when they end: no frame limit
        // (a refused frame would end the VFS), and never a victim.
        acct[p->idx].frame_limit = ACCT_NO_LIMIT;
        static const char *const envp[] = {NULL};
        int r = pproc_load(p, "vfs", argv, envp, NULL, true, &err);
        if (r) {
                mk_printf("pager: cannot start the VFS server: %s\n", err);
                vfs_idx = 0;
                vfs_ep_handle = -1;
                pproc_release(p);
                return r;
        }
        // Keep only the rights to send and to mint client badges ourselves: the
        // VFS alone receives, so its clients get -EPIPE rather than hang if it ends.
        long send =
            SYSREC("handle_give", mk_handle_give(ep, MK_SELF, 0, MK_RIGHT_SEND | MK_RIGHT_MINT));
        if (send >= 0) {
                SYSREC("handle_close", mk_handle_close(ep));
                vfs_ep_handle = send;
        }
        return 0;
}

// What a parent may do with its fork children's handles: give them handles,
// wait for them, end them, limit their trees; not map into them or route
// their faults (MK_RIGHT_CONTROL). A spawner also controls the program it started (as a
// debugger would): it hands it handles while it is suspended (e.g. its pagers).
#define CHILD_RIGHTS (MK_RIGHT_GIVE | MK_RIGHT_WAIT | MK_RIGHT_KILL | MK_RIGHT_LIMIT)
#define SPAWN_RIGHTS (CHILD_RIGHTS | MK_RIGHT_CONTROL)

// fork: the child gets a copy of the region map; private pages become
// copy-on-write in both (the parent's writable ones are made read-only now),
// shared pages stay shared. The child's pages are mapped when it touches
// them.
struct fork_ctx {
        struct pproc *parent, *child;
        uint64_t run_start, run_end; // parent pages to make read-only
        uint32_t run_perms;
        int err;
};

// Largest range SYS_PROTECT takes at once.
#define PROTECT_MAX (1ull << 30)

long protect_checked(struct pproc *p, uint64_t start, uint64_t end, uint32_t perms)
{
        for (uint64_t a = start; a < end;) {
                uint64_t n = end - a > PROTECT_MAX ? PROTECT_MAX : end - a;
                long r = SYSREC("protect", mk_protect(p->proc, a, n, perms));
                if (r < 0) {
                        mk_printf("pager: pid %u: protect of 0x%llx+0x%llx failed (%s)\n", p->pid,
                                  (unsigned long long)a, (unsigned long long)n, err_name(r));
                        return r;
                }
                a += n;
        }
        return 0;
}

static void flush_run(struct fork_ctx *c)
{
        // The parent's pages must really be read-only now, or the child
        // would see its later writes: a refusal fails the fork.
        if (c->run_end > c->run_start &&
            protect_checked(c->parent, c->run_start, c->run_end, c->run_perms) && !c->err)
                c->err = -ENOMEM;
        c->run_start = c->run_end = 0;
}

static void fork_page(void *ctx, uint64_t va, uint64_t *e)
{
        struct fork_ctx *c = ctx;
        struct vma *v = vma_find(&c->parent->tree, va);
        uint64_t *ce = shadow_slot(&c->child->sh, va, true);
        if (!v || !ce || (!(*e & SH_ZERO) && frame_ref(SH_PA(*e)))) {
                c->err = -ENOMEM;
                return;
        }
        c->child->sh.pages++;
        bool shared = v->d.kind == RK_ANON_SHARED || v->d.kind == RK_FILE_SHARED;
        if (shared || (*e & SH_ZERO)) {
                *ce = *e & ~(uint64_t)(SH_MAPPED | SH_WRITE);
                return;
        }
        *ce = (*e & ~(uint64_t)(SH_MAPPED | SH_WRITE)) | SH_COW;
        if (*e & SH_WRITE) {
                uint32_t perms = fault_perms(&v->d, SH_COW);
                if (c->run_end != va || c->run_perms != perms) {
                        flush_run(c);
                        c->run_start = va;
                        c->run_perms = perms;
                }
                c->run_end = va + MK_PAGE_SIZE;
        }
        *e = (*e & ~(uint64_t)SH_WRITE) | SH_COW;
}

long do_fork(struct pproc *p, struct mk_msg *reply)
{
        if (p->is_vfs)
                return -EPERM;
        struct pproc *c = pproc_new(p->name, p);
        if (!c)
                return -EAGAIN;     // no slot, or its tree has all it may have
        acct[c->idx].exempt = true; // not an out-of-memory victim while we build it
        long r = -ENOMEM;
        c->vfs_badge = p->vfs_badge; // open files are shared with the parent
        for (struct vma *v = vma_first(&p->tree); v; v = vma_next(v))
                if (vma_insert(&c->tree, &v->d, NULL))
                        goto fail;
        c->brk_start = p->brk_start;
        c->brk = p->brk;
        if ((r = make_kernel_proc(c)) < 0) {
                if (r != -EAGAIN) // the kernel's limits of the parent's tree: EAGAIN
                        r = -ENOMEM;
                goto fail;
        }
        r = -ENOMEM;
        // Shared anonymous memory must be one set of frames for both: give
        // the parent's untouched pages of such regions their zeroed frames now.
        for (struct vma *v = vma_first(&p->tree); v; v = vma_next(v)) {
                if (v->d.kind != RK_ANON_SHARED)
                        continue;
                for (uint64_t va = v->d.start; va < v->d.end; va += MK_PAGE_SIZE) {
                        uint64_t *e = shadow_slot(&p->sh, va, true), pa;
                        if (e && (*e & SH_PRESENT))
                                continue;
                        if (!e || !(pa = frame_alloc(p)))
                                goto fail;
                        page_zero(frame_ptr(pa));
                        if (frame_ref(pa)) {
                                frame_put(pa);
                                goto fail;
                        }
                        *e = pa | SH_PRESENT | SH_SHARED;
                        p->sh.pages++;
                }
        }
        struct fork_ctx fc = {.parent = p, .child = c};
        shadow_each(&p->sh, MK_USER_BASE, MK_USER_TOP, fork_page, &fc);
        flush_run(&fc);
        if (fc.err)
                goto fail;
        if ((r = SYSREC("thread_fork", mk_thread_fork(c->proc))) < 0) {
                r = r == -EAGAIN ? r : -ENOMEM;
                goto fail;
        }
        acct[c->idx].exempt = false;
        mkp_loop_reset(&p->loop); // its pages changed (read-only now): not a fault loop
        reply->w[1] =
            (uint64_t)SYSREC("handle_give", mk_handle_give(c->proc, p->proc, 0, CHILD_RIGHTS));
        return c->pid;
fail:
        // Its kernel process (if any) ends now; its exit event is then
        // ignored (its record is gone).
        if (c->proc >= 0)
                SYSREC("proc_kill", mk_proc_kill(c->proc, MK_REASON_KILLED));
        pproc_release(c);
        return r;
}

long do_spawn(struct pproc *p, const struct mk_msg *m, struct mk_msg *reply)
{
        const char *argv[17], *envp[17];
        uint64_t argc = m->w[0], envc = m->w[2];
        const char *err;
        if (argc == 0 || argc > 16 || envc > 16 || m->len == 0 || m->len > MK_MSG_BUF ||
            m->buf[m->len - 1] != '\0' ||
            (m->w[1] & ~(uint64_t)(PGR_SPAWN_SUSPENDED | PGR_SPAWN_SHUTDOWN | PGR_SPAWN_TIED)))
                return -EINVAL;
        if ((m->w[1] & PGR_SPAWN_SHUTDOWN) && !p->can_shutdown)
                return -EPERM; // only a holder passes the right on
        const char *s = (const char *)m->buf, *end = s + m->len;
        for (uint64_t i = 0; i < argc + envc; i++) {
                if (s >= end)
                        return -EINVAL;
                if (i < argc)
                        argv[i] = s;
                else
                        envp[i - argc] = s;
                s += strlen(s) + 1;
        }
        argv[argc] = NULL;
        envp[envc] = NULL;
        struct pproc *c = pproc_new(argv[0], p);
        if (!c)
                return -EAGAIN;
        c->can_shutdown = m->w[1] & PGR_SPAWN_SHUTDOWN;
        c->tied = m->w[1] & PGR_SPAWN_TIED;
        long h;
        int r = pproc_load(c, argv[0], argv, envp, &h, !(m->w[1] & PGR_SPAWN_SUSPENDED), &err);
        if (r) {
                if (c->proc >= 0)
                        SYSREC("proc_kill", mk_proc_kill(c->proc, MK_REASON_KILLED));
                pproc_release(c);
                return r;
        }
        reply->w[1] =
            (uint64_t)SYSREC("handle_give", mk_handle_give(c->proc, p->proc, 0, SPAWN_RIGHTS));
        return c->pid;
}

// PGR_RESUME: starts a child the caller spawned suspended.
long do_resume(struct pproc *p, uint64_t pid)
{
        for (uint32_t i = 1; i < MAX_PROCS; i++) {
                struct pproc *c = &procs[i];
                if (!c->used || c->pid != pid || c->parent != p->idx)
                        continue;
                if (!c->suspended)
                        return -EINVAL;
                c->suspended = false;
                long tid = SYSREC("thread_start", mk_thread_start(c->proc, c->entry, c->sp, c->sp));
                return tid < 0 ? tid : 0;
        }
        return -ESRCH;
}

// PGR_FRAMES: count frames for an external pager: mapped read-write at a
// fresh range of its address space, then given to it; their physical
// addresses go back in the reply. Up to PGR_FRAMES_MAX per process.
long do_frames(struct pproc *p, uint64_t count, struct mk_msg *reply)
{
        if (count == 0 || count > MK_MSG_BUF / 8)
                return -EINVAL;
        if (p->ngiven + count > PGR_FRAMES_MAX)
                return -ENOSPC;
        // The index pages the new entries need.
        for (uint32_t i = p->ngiven / GIVEN_PER_PAGE; i <= (p->ngiven + count - 1) / GIVEN_PER_PAGE;
             i++) {
                if (p->given[i])
                        continue;
                uint64_t f = frame_alloc(p);
                if (!f)
                        return -ENOMEM;
                p->given[i] = frame_ptr(f);
        }
        uint64_t va;
        if (vma_find_free(&p->tree, count * MK_PAGE_SIZE, MK_PAGE_SIZE, MMAP_LO, MMAP_HI, &va))
                return -ENOMEM;
        struct region_desc d = {.start = va,
                                .end = va + count * MK_PAGE_SIZE,
                                .prot = MK_PERM_R | MK_PERM_W,
                                .kind = RK_EXTERNAL,
                                .name = "frames"};
        if (vma_insert(&p->tree, &d, NULL))
                return -ENOMEM;
        uint64_t *list = (uint64_t *)reply->buf;
        for (uint64_t i = 0; i < count; i++) {
                uint64_t pa = frame_alloc(p), at = va + i * MK_PAGE_SIZE;
                bool mapped =
                    pa && SYSREC("map", mk_map(p->proc, at, pa, MK_PERM_R | MK_PERM_W)) >= 0;
                if (!mapped || SYSREC("frame_give", mk_frame_give(p->proc, pa, 1)) < 0) {
                        if (pa && (!mapped || unmap_checked(p, at))) {
                                frame_put(pa);
                        } else if (pa) {
                                // Still mapped in p (the unmap failed): ours to
                                // take back when p ends, as the frames it was given.
                                p->given[p->ngiven / GIVEN_PER_PAGE][p->ngiven % GIVEN_PER_PAGE] =
                                    pa;
                                p->ngiven++;
                        }
                        // What was given stays given; the rest of the range is unused.
                        reply->len = (uint32_t)(i * 8);
                        reply->w[1] = va;
                        return i ? (long)i : -ENOMEM;
                }
                page_zero(frame_ptr(pa));
                p->given[p->ngiven / GIVEN_PER_PAGE][p->ngiven % GIVEN_PER_PAGE] = pa;
                p->ngiven++;
                list[i] = pa;
        }
        reply->len = (uint32_t)(count * 8);
        reply->w[1] = va;
        return (long)count;
}
