// SPDX-License-Identifier: MIT
// The VFS server: a RAM file system whose page cache is this process's own
// memory (mk/vfs.h, docs/vfs.md). The system pager starts it with the boot
// image, the inode table and the data area mapped; it loads every file of the
// boot image, then answers requests on its endpoint forever. While serving it
// calls only the pager (PGR_VFS_RELEASE, when an inode is done with), and the
// pager never calls it, so no call cycle can form.
#include "serve.h"
#include <mk/pager.h>
#include <mk/sys.h>

// Data pages the file system may write when the pager cannot say how many
// frames it has: 16 MiB.
#define VFS_BUDGET_DEFAULT_PAGES 4096
// Of the pager's free frames at start, the share file data may take.
#define VFS_BUDGET_SHARE_DIV 2

static struct ramfs fs;

// --- Threads (docs/vfs.md, "Threads") -----------------------------------------
// With several CPUs the server answers with one thread per CPU (at most
// MAX_THREADS). The locks are ramfs's (struct ramfs_config): the table lock
// and one lock per inode's data; each spins with the CPU's pause hint and
// yields every 64 turns. With one thread none is taken.
#define MAX_THREADS  8
#define THREAD_STACK 16384
static bool threaded;
static uint32_t table_lock, data_locks[VFS_MAX_INODES];
static uint8_t stacks[MAX_THREADS - 1][THREAD_STACK] __attribute__((aligned(16)));

static void relax(void *ctx)
{
#if defined(__x86_64__)
        __asm__ volatile("pause" ::: "memory");
#elif defined(__aarch64__)
        __asm__ volatile("yield" ::: "memory");
#endif
        mk_yield();
}

static void spin_lock(uint32_t *l)
{
        unsigned n = 0;
        if (!threaded)
                return;
        while (__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE))
                while (__atomic_load_n(l, __ATOMIC_RELAXED))
                        if (++n % 64 == 0)
                                relax(NULL);
}

static void spin_unlock(uint32_t *l)
{
        if (threaded)
                __atomic_store_n(l, 0, __ATOMIC_RELEASE);
}

static void table_lock_take(void *ctx)
{
        spin_lock(&table_lock);
}

static void table_lock_drop(void *ctx)
{
        spin_unlock(&table_lock);
}

static void data_lock_take(void *ctx, uint32_t ino)
{
        spin_lock(&data_locks[ino % VFS_MAX_INODES]);
}

static void data_lock_drop(void *ctx, uint32_t ino)
{
        spin_unlock(&data_locks[ino % VFS_MAX_INODES]);
}

// How many data pages the file system may write: a share of the free frames
// the pager reports, so a client filling files gets -ENOSPC long before the
// pager would have to refuse this server a frame.
static uint64_t budget_pages(void)
{
        static struct mk_msg m;
        memset(&m, 0, sizeof(m));
        m.tag = PGR_STATS;
        m.w[0] = (uint64_t)-1;
        if (mk_pager_ep < 0 || mk_call(mk_pager_ep, &m) < 0 || (int64_t)m.w[0] < 0 ||
            m.len < sizeof(struct pgr_stats))
                return VFS_BUDGET_DEFAULT_PAGES;
        struct pgr_stats st;
        memcpy(&st, m.buf, sizeof(st));
        return st.frames_free / VFS_BUDGET_SHARE_DIV ? st.frames_free / VFS_BUDGET_SHARE_DIV
                                                     : VFS_BUDGET_DEFAULT_PAGES;
}

// ramfs's release hook: asks the pager whether an inode we are done with is
// still mapped (PGR_VFS_RELEASE, docs/vfs.md). The pager never calls us, so
// calling it while serving a request cannot deadlock.
static long pager_release(void *ctx, uint32_t ino, uint64_t generation)
{
        static struct mk_msg m;
        memset(&m, 0, sizeof(m));
        m.tag = PGR_VFS_RELEASE;
        m.w[0] = ino;
        m.w[1] = generation;
        long r = mk_pager_ep < 0 ? -ENOSYS : mk_call(mk_pager_ep, &m);
        return r < 0 ? r : (long)m.w[0];
}

// ramfs's truncate hook: the pager drops every mapping of the file's pages
// past its new end (PGR_VFS_TRUNCATED). (Several threads may truncate
// different files at once: the message is this thread's own.)
static void pager_truncated(void *ctx, uint32_t ino, uint64_t generation, uint64_t size)
{
        struct mk_msg m;
        memset(&m, 0, offsetof(struct mk_msg, buf));
        m.tag = PGR_VFS_TRUNCATED;
        m.w[0] = ino;
        m.w[1] = generation;
        m.w[2] = size;
        if (mk_pager_ep >= 0)
                mk_call(mk_pager_ep, &m);
}

static void load_bootimg(void)
{
        struct vfs_load_result res;
        const char *err = "";
        int r = vfs_load_cpio(&fs, (const void *)VFS_BOOTIMG_VA, mk_bootimg_size, &res, &err);
        if (r)
                mk_printf("vfs: boot image: %s (loaded what came before)\n", err);
        if (res.skipped)
                mk_printf("vfs: skipped %u boot image entries, last '%s' (%s)\n", res.skipped,
                          res.last_skipped,
                          res.last_error ? err_name(res.last_error) : "not a file");
        mk_printf("vfs: %u files, %llu bytes from the boot image, budget %llu pages\n", res.files,
                  (unsigned long long)res.bytes, (unsigned long long)fs.cfg.max_pages);
}

static __attribute__((noreturn)) void serve_loop(uint64_t unused);

#ifdef __x86_64__
#define ENTRY_SP_BIAS 8 // as if called: the return address slot below 16-byte alignment
#else
#define ENTRY_SP_BIAS 0
#endif

// One thread per CPU beside this one (none with one CPU).
static void threads_start(void)
{
        long ncpus = mk_info(MK_INFO_NCPUS, 0);
        unsigned n = ncpus > MAX_THREADS ? MAX_THREADS : ncpus < 1 ? 1 : (unsigned)ncpus;
        if (n == 1)
                return;
        long self = mk_handle_give(MK_SELF, MK_SELF, 0, 0);
        if (self < 0)
                return;
        threaded = true;
        unsigned started = 1;
        for (unsigned i = 0; i + 1 < n; i++) {
                uint64_t sp = (uint64_t)(stacks[i] + THREAD_STACK) - ENTRY_SP_BIAS;
                if (mk_thread_start(self, (uint64_t)serve_loop, sp, 0) >= 0)
                        started++;
        }
        mk_handle_close(self);
        mk_printf("vfs: %u threads\n", started);
}

int main(int argc, char **argv, char **envp)
{
        const struct ramfs_config cfg = {
            .itab = (struct vfs_inode *)VFS_INODE_TABLE_VA,
            .clients = (struct vfs_client *)VFS_CLIENT_TABLE_VA,
            .data = (uint8_t *)VFS_DATA_BASE,
            .max_inodes = VFS_MAX_INODES,
            .file_max = VFS_FILE_MAX,
            .max_pages = budget_pages(),
            .release = pager_release,
            .truncated = pager_truncated,
            .lock = table_lock_take,
            .unlock = table_lock_drop,
            .data_lock = data_lock_take,
            .data_unlock = data_lock_drop,
            .relax = relax,
        };
        if (mk_vfs_serve < 0 || ramfs_init(&fs, &cfg) < 0) {
                mk_printf("vfs: no endpoint to serve or bad layout: not started by the pager?\n");
                return 1;
        }
        load_bootimg();
        threads_start();
        serve_loop(0);
}

// One thread's loop: receive, answer (the locks are taken inside), reply
// with the next receive.
static __attribute__((noreturn)) void serve_loop(uint64_t unused)
{
        static struct mk_msg bufs[MAX_THREADS][2];
        static uint32_t next;
        struct mk_msg *in, *out;
        {
                uint32_t me = __atomic_fetch_add(&next, 1, __ATOMIC_RELAXED) % MAX_THREADS;
                in = &bufs[me][0];
                out = &bufs[me][1];
        }
        bool have_reply = false;
        for (;;) {
                bool replying = have_reply;
                long r =
                    replying ? mk_reply_recv(mk_vfs_serve, out, in) : mk_recv(mk_vfs_serve, in);
                have_reply = false;
                if (r < 0) {
                        // A refused reply (the kernel receives only after a reply
                        // that went through or found no caller): receive afresh.
                        if (replying)
                                continue;
                        mk_printf("vfs: cannot receive (%s)\n", err_name(r));
                        for (;;) // (no client can send any more)
                                mk_yield();
                }
                vfs_serve(&fs, in, out);
                have_reply = true;
        }
}
