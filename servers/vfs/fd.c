// SPDX-License-Identifier: MIT
// Open files of the RAM file system: one fd table per client (the badge of
// its endpoint handle), with offsets and access modes. Errors follow Linux.
#include "ramfs.h"
#include <common/string.h>

// The client's table, or NULL if it has no open file. Marks it used now.
static struct ramfs_client *client_find(struct ramfs *fs, uint64_t badge)
{
        for (int i = 0; i < RAMFS_MAX_CLIENTS; i++) {
                struct ramfs_client *c = &fs->client[i];
                if (c->used && c->badge == badge) {
                        c->last_use = ++fs->clock;
                        return c;
                }
        }
        return NULL;
}

// The client's table, made if needed. When every slot is taken, the client
// idle longest loses its fds: the VFS is never told that a process ended, so
// a process that exits with files open holds its slot until then.
static struct ramfs_client *client_get(struct ramfs *fs, uint64_t badge)
{
        struct ramfs_client *c = client_find(fs, badge), *lru = NULL;
        if (c)
                return c;
        for (int i = 0; i < RAMFS_MAX_CLIENTS && !c; i++) {
                if (!fs->client[i].used)
                        c = &fs->client[i];
                else if (!lru || fs->client[i].last_use < lru->last_use)
                        lru = &fs->client[i];
        }
        if (!c) {
                ramfs_close_all(fs, lru->badge);
                fs->evictions++;
                c = lru;
        }
        memset(c, 0, sizeof(*c));
        c->used = true;
        c->badge = badge;
        c->last_use = ++fs->clock;
        return c;
}

// The open file `fd` of the client, or NULL.
static struct ramfs_fd *fd_get(struct ramfs *fs, uint64_t badge, uint64_t fd)
{
        if (fd < RAMFS_FD_BASE || fd - RAMFS_FD_BASE >= RAMFS_MAX_FDS)
                return NULL;
        struct ramfs_client *c = client_find(fs, badge);
        if (!c || !c->fd[fd - RAMFS_FD_BASE].used)
                return NULL;
        return &c->fd[fd - RAMFS_FD_BASE];
}

static void stat_fill(const struct ramfs *fs, uint32_t ino, struct ramfs_stat *st)
{
        const struct vfs_inode *in = &fs->cfg.itab[ino];
        st->size = in->size;
        st->inode = ino;
        st->generation = in->generation;
        st->mode = in->mode;
}

long ramfs_open(struct ramfs *fs, uint64_t badge, const char *path, size_t buflen, uint64_t flags,
                struct ramfs_stat *st)
{
        char name[VFS_NAME_MAX + 1];
        if ((flags & ~(uint64_t)RAMFS_OPEN_FLAGS) || (flags & VFS_O_ACCMODE) == VFS_O_ACCMODE)
                return -EINVAL;
        int r = ramfs_name(path, buflen, name);
        if (r)
                return r;
        struct ramfs_client *c = client_get(fs, badge);
        int k = 0;
        while (k < RAMFS_MAX_FDS && c->fd[k].used)
                k++;
        if (k == RAMFS_MAX_FDS)
                return -EMFILE;
        long ino = ramfs_lookup(fs, name);
        if (ino == -ENOENT && (flags & VFS_O_CREAT))
                ino = ramfs_create(fs, name, RAMFS_MODE_DEFAULT);
        if (ino < 0) {
                if (c->nfds == 0)
                        c->used = false;
                return ino;
        }
        if (flags & VFS_O_TRUNC)
                ramfs_truncate(fs, (uint32_t)ino, 0);
        struct ramfs_fd *f = &c->fd[k];
        f->used = true;
        f->ino = (uint32_t)ino;
        f->flags = (uint32_t)(flags & (VFS_O_ACCMODE | VFS_O_APPEND));
        f->off = 0;
        c->nfds++;
        fs->node[ino].nopen++;
        stat_fill(fs, (uint32_t)ino, st);
        return k + RAMFS_FD_BASE;
}

long ramfs_read(struct ramfs *fs, uint64_t badge, uint64_t fd, void *buf, size_t len, uint64_t off)
{
        if (off != RAMFS_CUR && off > RAMFS_OFF_MAX)
                return -EINVAL; // Linux checks a pread offset before the fd
        struct ramfs_fd *f = fd_get(fs, badge, fd);
        if (!f || (f->flags & VFS_O_ACCMODE) == VFS_O_WRONLY)
                return -EBADF;
        long n = ramfs_pread(fs, f->ino, buf, len, off == RAMFS_CUR ? f->off : off);
        if (n > 0 && off == RAMFS_CUR)
                f->off += (uint64_t)n;
        return n;
}

long ramfs_write(struct ramfs *fs, uint64_t badge, uint64_t fd, const void *buf, size_t len,
                 uint64_t off)
{
        if (off != RAMFS_CUR && off > RAMFS_OFF_MAX)
                return -EINVAL;
        struct ramfs_fd *f = fd_get(fs, badge, fd);
        if (!f || (f->flags & VFS_O_ACCMODE) == VFS_O_RDONLY)
                return -EBADF;
        uint64_t at = (f->flags & VFS_O_APPEND) ? fs->cfg.itab[f->ino].size
                      : off == RAMFS_CUR        ? f->off
                                                : off;
        long n = ramfs_pwrite(fs, f->ino, buf, len, at);
        if (n > 0 && off == RAMFS_CUR)
                f->off = at + (uint64_t)n;
        return n;
}

long ramfs_seek(struct ramfs *fs, uint64_t badge, uint64_t fd, int64_t off, uint64_t whence)
{
        struct ramfs_fd *f = fd_get(fs, badge, fd);
        if (!f)
                return -EBADF;
        uint64_t base; // at most file_max: offsets and sizes never pass it
        switch (whence) {
        case RAMFS_SEEK_SET:
                base = 0;
                break;
        case RAMFS_SEEK_CUR:
                base = f->off;
                break;
        case RAMFS_SEEK_END:
                base = fs->cfg.itab[f->ino].size;
                break;
        default:
                return -EINVAL;
        }
        if (off < 0) {
                uint64_t back = (uint64_t)(-(off + 1)) + 1;
                if (back > base)
                        return -EINVAL;
                f->off = base - back;
        } else {
                if ((uint64_t)off > fs->cfg.file_max - base)
                        return -EINVAL;
                f->off = base + (uint64_t)off;
        }
        return (long)f->off;
}

long ramfs_fstat(struct ramfs *fs, uint64_t badge, uint64_t fd, struct ramfs_stat *st)
{
        struct ramfs_fd *f = fd_get(fs, badge, fd);
        if (!f)
                return -EBADF;
        stat_fill(fs, f->ino, st);
        return 0;
}

long ramfs_ftruncate(struct ramfs *fs, uint64_t badge, uint64_t fd, uint64_t size)
{
        if (size > RAMFS_OFF_MAX)
                return -EINVAL; // a negative length, checked first as Linux does
        struct ramfs_fd *f = fd_get(fs, badge, fd);
        if (!f)
                return -EBADF;
        if ((f->flags & VFS_O_ACCMODE) == VFS_O_RDONLY)
                return -EINVAL;
        return ramfs_truncate(fs, f->ino, size);
}

long ramfs_close(struct ramfs *fs, uint64_t badge, uint64_t fd)
{
        struct ramfs_fd *f = fd_get(fs, badge, fd);
        if (!f)
                return -EBADF;
        struct ramfs_client *c = client_find(fs, badge);
        uint32_t ino = f->ino;
        memset(f, 0, sizeof(*f));
        fs->node[ino].nopen--;
        ramfs_released(fs, ino);
        if (--c->nfds == 0)
                c->used = false;
        return 0;
}

long ramfs_close_all(struct ramfs *fs, uint64_t badge)
{
        long n = 0;
        for (uint64_t fd = RAMFS_FD_BASE; fd < RAMFS_FD_BASE + RAMFS_MAX_FDS; fd++)
                if (ramfs_close(fs, badge, fd) == 0)
                        n++;
        return n;
}

long ramfs_unlink_path(struct ramfs *fs, const char *path, size_t buflen)
{
        char name[VFS_NAME_MAX + 1];
        int r = ramfs_name(path, buflen, name);
        return r ? r : ramfs_unlink(fs, name);
}
