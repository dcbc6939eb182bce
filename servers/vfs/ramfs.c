// SPDX-License-Identifier: MIT
// RAM file system core: names, inodes and file data (see ramfs.h for the
// promises it keeps to the pager that maps the same memory).
#include "ramfs.h"
#include <common/string.h>

#define PAGE_OF(x) ((x) / RAMFS_PAGE)
#define PAGE_UP(x) (((x) + RAMFS_PAGE - 1) & ~(RAMFS_PAGE - 1))
#define WORD_BITS  64
#define MIN_INODES (RAMFS_FIRST_INODE + 1)

int ramfs_init(struct ramfs *fs, const struct ramfs_config *cfg)
{
        if (!cfg->itab || !cfg->data || cfg->max_inodes < MIN_INODES ||
            cfg->max_inodes > VFS_MAX_INODES || cfg->file_max == 0 ||
            cfg->file_max > VFS_FILE_MAX || cfg->file_max % RAMFS_PAGE)
                return -EINVAL;
        memset(fs, 0, sizeof(*fs));
        fs->cfg = *cfg;
        fs->client = cfg->clients ? cfg->clients : fs->own_clients;
        memset(fs->client, 0, RAMFS_MAX_CLIENTS * sizeof(struct ramfs_client));
        memset(cfg->itab, 0, cfg->max_inodes * sizeof(struct vfs_inode));
        return 0;
}

int ramfs_name(const char *buf, size_t buflen, char out[VFS_NAME_MAX + 1])
{
        size_t n = buf ? strnlen(buf, buflen) : buflen;
        if (n == buflen)
                return -EINVAL; // no NUL inside the buffer
        if (n == 0)
                return -ENOENT;
        while (*buf == '/')
                buf++, n--;
        if (n == 0 || strcmp(buf, ".") == 0 || strcmp(buf, "..") == 0)
                return -EISDIR;
        if (n > VFS_NAME_MAX)
                return -ENAMETOOLONG;
        for (size_t i = 0; i < n; i++)
                if (buf[i] == '/')
                        return -ENOENT; // no directories but the root
        memcpy(out, buf, n + 1);
        return 0;
}

const struct vfs_inode *ramfs_inode(const struct ramfs *fs, uint64_t ino)
{
        if (ino < RAMFS_FIRST_INODE || ino >= fs->cfg.max_inodes)
                return NULL;
        return &fs->cfg.itab[ino];
}

static uint8_t *file_data(struct ramfs *fs, uint32_t ino)
{
        return fs->cfg.data + (uint64_t)ino * fs->cfg.file_max;
}

// Publishes a new size to the pager: data stores before the size store.
static void set_size(struct vfs_inode *in, uint64_t size)
{
        __atomic_store_n(&in->size, size, __ATOMIC_RELEASE);
}

long ramfs_lookup(struct ramfs *fs, const char *name)
{
        for (uint32_t i = RAMFS_FIRST_INODE; i < fs->cfg.max_inodes; i++) {
                const struct vfs_inode *in = &fs->cfg.itab[i];
                if (in->used && in->name[0] && strcmp(in->name, name) == 0)
                        return i;
        }
        return -ENOENT;
}

static void node_forget(struct ramfs *fs, uint32_t ino);

long ramfs_create(struct ramfs *fs, const char *name, uint32_t mode)
{
        if (ramfs_lookup(fs, name) >= 0)
                return -EEXIST;
        ramfs_reap(fs);
        // A free inode; prefer the one whose pages are already charged (its
        // frames exist), so unlink/create cycles do not use up the budget.
        long best = -ENOSPC;
        for (uint32_t i = RAMFS_FIRST_INODE; i < fs->cfg.max_inodes; i++)
                if (!fs->cfg.itab[i].used &&
                    (best < 0 || fs->node[i].charged > fs->node[best].charged))
                        best = i;
        if (best < 0)
                return best;
        if (fs->node[best].mapped_only) // let go by the pager since ramfs_reap looked
                node_forget(fs, (uint32_t)best);
        struct vfs_inode *in = &fs->cfg.itab[best];
        memset(in->name, 0, sizeof(in->name));
        memcpy(in->name, name, strnlen(name, VFS_NAME_MAX));
        set_size(in, 0);
        in->mode = RAMFS_MODE_FILE | (mode & RAMFS_MODE_PERM);
        in->generation++;
        fs->node[best].unlinked = false;
        __atomic_store_n(&in->used, 1, __ATOMIC_RELEASE);
        return best;
}

// The pager dropped the data pages of ino: they read zero, hold no frame.
static void node_forget(struct ramfs *fs, uint32_t ino)
{
        struct ramfs_node *nd = &fs->node[ino];
        fs->pages_charged -= nd->charged;
        nd->charged = 0;
        nd->dirty_end = 0;
        memset(nd->written, 0, sizeof(nd->written));
        if (nd->mapped_only) {
                nd->mapped_only = false;
                fs->nmapped_only--;
        }
}

uint32_t ramfs_reap(struct ramfs *fs)
{
        uint32_t n = 0;
        for (uint32_t i = RAMFS_FIRST_INODE; fs->nmapped_only && i < fs->cfg.max_inodes; i++)
                if (fs->node[i].mapped_only &&
                    !__atomic_load_n(&fs->cfg.itab[i].used, __ATOMIC_ACQUIRE)) {
                        node_forget(fs, i);
                        n++;
                }
        return n;
}

// The inode is done with (no name, no fd). Without a pager to ask, or when
// the pager says nobody maps it, it is free at once (the pager sees used == 0
// first); while mapped it stays in use for the mappers (POSIX: a mapping
// keeps its file), and the pager frees it when the last mapping goes.
static void inode_free(struct ramfs *fs, uint32_t ino)
{
        struct vfs_inode *in = &fs->cfg.itab[ino];
        struct ramfs_node *nd = &fs->node[ino];
        long r = fs->cfg.release ? fs->cfg.release(fs->cfg.release_ctx, ino, in->generation) : 1;
        nd->unlinked = false;
        if (r == -EBUSY) {
                memset(in->name, 0, sizeof(in->name));
                nd->mapped_only = true;
                fs->nmapped_only++;
                return;
        }
        __atomic_store_n(&in->used, 0, __ATOMIC_RELEASE);
        memset(in->name, 0, sizeof(in->name));
        if (r == 0)
                node_forget(fs, ino);
}

long ramfs_unlink(struct ramfs *fs, const char *name)
{
        long ino = ramfs_lookup(fs, name);
        if (ino < 0)
                return ino;
        struct vfs_inode *in = &fs->cfg.itab[ino];
        if (fs->node[ino].nopen || fs->node[ino].busy) {
                in->name[0] = 0; // nameless until the last close
                fs->node[ino].unlinked = true;
        } else {
                inode_free(fs, (uint32_t)ino);
        }
        return 0;
}

// The last fd on ino closed, or the last request using its data done.
void ramfs_released(struct ramfs *fs, uint32_t ino)
{
        if (fs->node[ino].unlinked && fs->node[ino].nopen == 0 && fs->node[ino].busy == 0)
                inode_free(fs, ino);
}

long ramfs_list(struct ramfs *fs, uint64_t index)
{
        for (uint32_t i = RAMFS_FIRST_INODE; i < fs->cfg.max_inodes; i++) {
                const struct vfs_inode *in = &fs->cfg.itab[i];
                if (in->used && in->name[0] && index-- == 0)
                        return i;
        }
        return -ENOENT;
}

long ramfs_pread(struct ramfs *fs, uint32_t ino, void *buf, size_t len, uint64_t off)
{
        uint64_t size = fs->cfg.itab[ino].size;
        if (off >= size)
                return 0;
        if (len > size - off)
                len = size - off;
        memcpy(buf, file_data(fs, ino) + off, len);
        return (long)len;
}

static bool all_zero(const uint8_t *p, uint64_t n)
{
        while (n && ((uintptr_t)p % sizeof(uint64_t)))
                if (n--, *p++)
                        return false;
        for (; n >= sizeof(uint64_t); n -= sizeof(uint64_t), p += sizeof(uint64_t))
                if (*(const uint64_t *)p)
                        return false;
        while (n--)
                if (*p++)
                        return false;
        return true;
}

// Zeroes bytes [from, to) of ino that may be non-zero, a page at a time,
// storing only into pages that hold a non-zero byte (those have frames: a
// zero page needs no store, and reading it costs no frame).
static void zero_range(struct ramfs *fs, uint32_t ino, uint64_t from, uint64_t to)
{
        uint8_t *d = file_data(fs, ino);
        if (to > fs->node[ino].dirty_end)
                to = fs->node[ino].dirty_end;
        while (from < to) {
                uint64_t end = MIN(PAGE_UP(from + 1), to);
                if (!all_zero(d + from, end - from))
                        memset(d + from, 0, end - from);
                from = end;
        }
}

// The file grows from old to new bytes: everything past old up to the new
// last page's end must read zero, whatever an earlier life of these pages or a
// mapper's store beyond EOF left there.
static void grow(struct ramfs *fs, uint32_t ino, uint64_t old, uint64_t new)
{
        struct ramfs_node *nd = &fs->node[ino];
        zero_range(fs, ino, old, PAGE_UP(new));
        if (PAGE_UP(new) > nd->dirty_end)
                nd->dirty_end = PAGE_UP(new);
}

static bool page_written(const struct ramfs_node *nd, uint64_t pg)
{
        return nd->written[pg / WORD_BITS] >> (pg % WORD_BITS) & 1;
}

// How much of a write of len bytes at off fits in the page budget.
static uint64_t budget_fit(struct ramfs *fs, uint32_t ino, uint64_t off, uint64_t len)
{
        const struct ramfs_node *nd = &fs->node[ino];
        if (!fs->cfg.max_pages)
                return len;
        uint64_t need = 0;
        for (uint64_t pg = PAGE_OF(off); pg <= PAGE_OF(off + len - 1); pg++) {
                if (page_written(nd, pg))
                        continue;
                if (fs->pages_charged + need + 1 > fs->cfg.max_pages)
                        return pg * RAMFS_PAGE > off ? pg * RAMFS_PAGE - off : 0;
                need++;
        }
        return len;
}

static void charge(struct ramfs *fs, uint32_t ino, uint64_t off, uint64_t len)
{
        struct ramfs_node *nd = &fs->node[ino];
        for (uint64_t pg = PAGE_OF(off); pg <= PAGE_OF(off + len - 1); pg++) {
                if (page_written(nd, pg))
                        continue;
                nd->written[pg / WORD_BITS] |= 1ull << (pg % WORD_BITS);
                nd->charged++;
                fs->pages_charged++;
        }
}

long ramfs_pwrite(struct ramfs *fs, uint32_t ino, const void *buf, size_t len, uint64_t off)
{
        struct vfs_inode *in = &fs->cfg.itab[ino];
        if (off >= fs->cfg.file_max)
                return -EFBIG;
        if (len == 0)
                return 0;
        if (len > fs->cfg.file_max - off)
                len = fs->cfg.file_max - off;
        // (The page budget is the table's: fit and charge under its lock.)
        RAMFS_LOCK(fs);
        len = budget_fit(fs, ino, off, len);
        if (len)
                charge(fs, ino, off, len);
        RAMFS_UNLOCK(fs);
        if (len == 0)
                return -ENOSPC;
        uint64_t end = off + len;
        if (end > in->size)
                grow(fs, ino, in->size, end);
        memcpy(file_data(fs, ino) + off, buf, len);
        if (end > in->size)
                set_size(in, end);
        return (long)len;
}

long ramfs_truncate(struct ramfs *fs, uint32_t ino, uint64_t size)
{
        struct vfs_inode *in = &fs->cfg.itab[ino];
        uint64_t old = in->size;
        if (size > fs->cfg.file_max)
                return -EFBIG;
        if (size > old) {
                grow(fs, ino, old, size);
                set_size(in, size);
        } else if (size < old) {
                // Mappers see the new last page at once: cut bytes read zero;
                // the pages past it leave every mapping before we answer.
                set_size(in, size);
                zero_range(fs, ino, size, PAGE_UP(size));
                if (fs->cfg.truncated && PAGE_UP(size) < PAGE_UP(old))
                        fs->cfg.truncated(fs->cfg.release_ctx, ino, in->generation, size);
        }
        return 0;
}
