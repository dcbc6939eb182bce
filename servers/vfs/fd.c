// SPDX-License-Identifier: MIT
// Open files of the RAM file system: one fd table per client (the badge of
// its endpoint handle), with offsets and access modes. Errors follow Linux.
#include "ramfs.h"
#include <common/string.h>

static long close_all_locked(struct ramfs *fs, uint64_t badge);

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
                close_all_locked(fs, lru->badge);
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

// Pins ino: its data stays (no free) while a request uses it outside the
// table lock. Under the table lock, as unpin.
static void pin(struct ramfs *fs, uint32_t ino)
{
        fs->node[ino].busy++;
}

static void unpin(struct ramfs *fs, uint32_t ino)
{
        fs->node[ino].busy--;
        ramfs_released(fs, ino);
}

static long open_locked(struct ramfs *fs, uint64_t badge, const char *name, uint64_t flags)
{
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
        struct ramfs_fd *f = &c->fd[k];
        uint16_t seq = (uint16_t)(f->seq + 1);
        memset(f, 0, sizeof(*f));
        f->used = true;
        f->seq = seq;
        f->ino = (uint32_t)ino;
        f->flags = (uint32_t)(flags & (VFS_O_ACCMODE | VFS_O_APPEND));
        c->nfds++;
        fs->node[ino].nopen++;
        return k + RAMFS_FD_BASE;
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
        RAMFS_LOCK(fs);
        long fd = open_locked(fs, badge, name, flags);
        uint32_t ino = fd >= 0 ? client_find(fs, badge)->fd[fd - RAMFS_FD_BASE].ino : 0;
        if (fd >= 0 && (flags & VFS_O_TRUNC)) {
                // (Data lock before the table lock: the truncate outside it.)
                pin(fs, ino);
                RAMFS_UNLOCK(fs);
                RAMFS_DATA_LOCK(fs, ino);
                ramfs_truncate(fs, ino, 0);
                RAMFS_DATA_UNLOCK(fs, ino);
                RAMFS_LOCK(fs);
                unpin(fs, ino);
        }
        if (fd >= 0)
                stat_fill(fs, ino, st);
        RAMFS_UNLOCK(fs);
        return fd;
}

// The open file of a read, write or truncate, taken under the table lock
// (-EBADF, nothing taken, if it is not open or is open with the access
// mode deny): its inode pinned, and for an access at the fd's offset (cur)
// the fd marked busy (one such access per fd at a time, as Linux keeps the
// file position's updates in order). 0 or -EBADF.
struct fd_use {
        struct ramfs_fd *f;
        uint32_t ino;
        uint16_t seq;
        bool cur;
        uint64_t off; // the fd's offset when taken
};

#define DENY_NONE UINT32_MAX // fd_take's deny: any access mode will do
static long fd_take(struct ramfs *fs, uint64_t badge, uint64_t fd, uint32_t deny, bool cur,
                    struct fd_use *u)
{
        for (;;) {
                RAMFS_LOCK(fs);
                struct ramfs_fd *f = fd_get(fs, badge, fd);
                if (!f || (f->flags & VFS_O_ACCMODE) == deny) {
                        RAMFS_UNLOCK(fs);
                        return -EBADF;
                }
                if (cur && f->busy) { // another access at this fd's offset: wait for it
                        RAMFS_UNLOCK(fs);
                        if (fs->cfg.relax)
                                fs->cfg.relax(fs->cfg.lock_ctx);
                        continue;
                }
                *u = (struct fd_use){f, f->ino, f->seq, cur, f->off};
                if (cur)
                        f->busy = 1;
                pin(fs, f->ino);
                RAMFS_UNLOCK(fs);
                return 0;
        }
}

// The end of a use: the fd's new offset (if it is still the same open file
// and at != UINT64_MAX), the pin and the busy mark go.
static void fd_done(struct ramfs *fs, const struct fd_use *u, uint64_t at)
{
        RAMFS_LOCK(fs);
        bool same = u->f->used && u->f->seq == u->seq;
        if (same && at != UINT64_MAX)
                u->f->off = at;
        if (same && u->cur)
                u->f->busy = 0;
        unpin(fs, u->ino);
        RAMFS_UNLOCK(fs);
}

long ramfs_read(struct ramfs *fs, uint64_t badge, uint64_t fd, void *buf, size_t len, uint64_t off)
{
        struct fd_use u;
        if (off != RAMFS_CUR && off > RAMFS_OFF_MAX)
                return -EINVAL; // Linux checks a pread offset before the fd
        if (fd_take(fs, badge, fd, VFS_O_WRONLY, off == RAMFS_CUR, &u))
                return -EBADF;
        uint64_t at = off == RAMFS_CUR ? u.off : off;
        RAMFS_DATA_LOCK(fs, u.ino);
        long n = ramfs_pread(fs, u.ino, buf, len, at);
        RAMFS_DATA_UNLOCK(fs, u.ino);
        fd_done(fs, &u, n > 0 && off == RAMFS_CUR ? at + (uint64_t)n : UINT64_MAX);
        return n;
}

long ramfs_write(struct ramfs *fs, uint64_t badge, uint64_t fd, const void *buf, size_t len,
                 uint64_t off)
{
        struct fd_use u;
        if (off != RAMFS_CUR && off > RAMFS_OFF_MAX)
                return -EINVAL;
        if (fd_take(fs, badge, fd, VFS_O_RDONLY, off == RAMFS_CUR, &u))
                return -EBADF;
        RAMFS_DATA_LOCK(fs, u.ino);
        // (An append's place is the size under the data lock.)
        uint64_t at = (u.f->flags & VFS_O_APPEND) ? fs->cfg.itab[u.ino].size
                      : off == RAMFS_CUR          ? u.off
                                                  : off;
        long n = ramfs_pwrite(fs, u.ino, buf, len, at);
        RAMFS_DATA_UNLOCK(fs, u.ino);
        fd_done(fs, &u, n > 0 && off == RAMFS_CUR ? at + (uint64_t)n : UINT64_MAX);
        return n;
}

static long seek_locked(struct ramfs *fs, uint64_t badge, uint64_t fd, int64_t off, uint64_t whence)
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

long ramfs_seek(struct ramfs *fs, uint64_t badge, uint64_t fd, int64_t off, uint64_t whence)
{
        for (;;) {
                RAMFS_LOCK(fs);
                struct ramfs_fd *f = fd_get(fs, badge, fd);
                if (f && f->busy) { // a read or write at its offset: after it
                        RAMFS_UNLOCK(fs);
                        if (fs->cfg.relax)
                                fs->cfg.relax(fs->cfg.lock_ctx);
                        continue;
                }
                long r = seek_locked(fs, badge, fd, off, whence);
                RAMFS_UNLOCK(fs);
                return r;
        }
}

long ramfs_fstat(struct ramfs *fs, uint64_t badge, uint64_t fd, struct ramfs_stat *st)
{
        RAMFS_LOCK(fs);
        struct ramfs_fd *f = fd_get(fs, badge, fd);
        if (f)
                stat_fill(fs, f->ino, st);
        RAMFS_UNLOCK(fs);
        return f ? 0 : -EBADF;
}

long ramfs_ftruncate(struct ramfs *fs, uint64_t badge, uint64_t fd, uint64_t size)
{
        if (size > RAMFS_OFF_MAX)
                return -EINVAL; // a negative length, checked first as Linux does
        struct fd_use u;
        if (fd_take(fs, badge, fd, DENY_NONE, false, &u))
                return -EBADF;
        long r = -EINVAL;
        if ((u.f->flags & VFS_O_ACCMODE) != VFS_O_RDONLY) {
                RAMFS_DATA_LOCK(fs, u.ino);
                r = ramfs_truncate(fs, u.ino, size);
                RAMFS_DATA_UNLOCK(fs, u.ino);
        }
        fd_done(fs, &u, UINT64_MAX);
        return r;
}

static long close_locked(struct ramfs *fs, uint64_t badge, uint64_t fd)
{
        struct ramfs_fd *f = fd_get(fs, badge, fd);
        if (!f)
                return -EBADF;
        struct ramfs_client *c = client_find(fs, badge);
        uint32_t ino = f->ino;
        uint16_t seq = f->seq;
        memset(f, 0, sizeof(*f));
        f->seq = seq; // (an access still in flight sees another open file here)
        fs->node[ino].nopen--;
        ramfs_released(fs, ino);
        if (--c->nfds == 0)
                c->used = false;
        return 0;
}

long ramfs_close(struct ramfs *fs, uint64_t badge, uint64_t fd)
{
        RAMFS_LOCK(fs);
        long r = close_locked(fs, badge, fd);
        RAMFS_UNLOCK(fs);
        return r;
}

static long close_all_locked(struct ramfs *fs, uint64_t badge)
{
        long n = 0;
        for (uint64_t fd = RAMFS_FD_BASE; fd < RAMFS_FD_BASE + RAMFS_MAX_FDS; fd++)
                if (close_locked(fs, badge, fd) == 0)
                        n++;
        return n;
}

long ramfs_close_all(struct ramfs *fs, uint64_t badge)
{
        RAMFS_LOCK(fs);
        long n = close_all_locked(fs, badge);
        RAMFS_UNLOCK(fs);
        return n;
}

long ramfs_unlink_path(struct ramfs *fs, const char *path, size_t buflen)
{
        char name[VFS_NAME_MAX + 1];
        int r = ramfs_name(path, buflen, name);
        if (r)
                return r;
        RAMFS_LOCK(fs);
        long u = ramfs_unlink(fs, name);
        RAMFS_UNLOCK(fs);
        return u;
}
