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

int main(int argc, char **argv, char **envp)
{
        static struct mk_msg in, out;
        const struct ramfs_config cfg = {
            .itab = (struct vfs_inode *)VFS_INODE_TABLE_VA,
            .clients = (struct vfs_client *)VFS_CLIENT_TABLE_VA,
            .data = (uint8_t *)VFS_DATA_BASE,
            .max_inodes = VFS_MAX_INODES,
            .file_max = VFS_FILE_MAX,
            .max_pages = budget_pages(),
            .release = pager_release,
        };
        if (mk_vfs_serve < 0 || ramfs_init(&fs, &cfg) < 0) {
                mk_printf("vfs: no endpoint to serve or bad layout: not started by the pager?\n");
                return 1;
        }
        load_bootimg();
        bool have_reply = false;
        for (;;) {
                bool replying = have_reply;
                long r =
                    replying ? mk_reply_recv(mk_vfs_serve, &out, &in) : mk_recv(mk_vfs_serve, &in);
                have_reply = false;
                if (r < 0) {
                        // A refused reply (the kernel receives only after a reply
                        // that went through or found no caller): receive afresh.
                        if (replying)
                                continue;
                        mk_printf("vfs: cannot receive (%s)\n", err_name(r));
                        return 1;
                }
                vfs_serve(&fs, &in, &out);
                have_reply = true;
        }
}
