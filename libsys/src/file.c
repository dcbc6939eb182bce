// SPDX-License-Identifier: MIT
// The VFS client (mk/file.h): one call on mk_vfs_ep per request; transfers
// longer than a message are split into MK_MSG_BUF pieces.
#include <mk/file.h>
#include <mk/sys.h>

#define OFF_CURRENT ((uint64_t)-1) // the offset word for "the fd's offset"

// Sends m (tag set by the caller) and returns the reply's result word.
static long vfs_call(struct mk_msg *m)
{
        if (mk_vfs_ep < 0)
                return -ENODEV;
        long r = mk_call(mk_vfs_ep, m);
        return r < 0 ? r : (long)m->w[0];
}

// Puts a path into m's buffer.
static long put_path(struct mk_msg *m, const char *path)
{
        if (!path)
                return -EFAULT;
        size_t n = strlen(path) + 1;
        if (n > MK_MSG_BUF)
                return -ENAMETOOLONG;
        memcpy(m->buf, path, n);
        m->len = (uint32_t)n;
        return 0;
}

long mk_open(const char *path, int flags)
{
        struct mk_msg m = {.tag = VFS_OPEN, .w = {(uint64_t)(unsigned)flags}};
        long r = put_path(&m, path);
        return r ? r : vfs_call(&m);
}

// Reads up to len bytes at off (OFF_CURRENT: the fd's offset).
static long read_at(long fd, void *buf, size_t len, uint64_t off)
{
        struct mk_msg m;
        size_t done = 0;
        do {
                size_t n = len - done > MK_MSG_BUF ? MK_MSG_BUF : len - done;
                memset(&m, 0, sizeof(m) - MK_MSG_BUF);
                m.tag = VFS_READ;
                m.w[0] = (uint64_t)fd;
                m.w[1] = n;
                m.w[2] = off == OFF_CURRENT ? OFF_CURRENT : off + done;
                long r = vfs_call(&m);
                if (r >= 0 && ((size_t)r > n || m.len < (size_t)r))
                        r = -EIO; // the server answered more than asked
                if (r < 0)
                        return done ? (long)done : r;
                memcpy((char *)buf + done, m.buf, (size_t)r);
                done += (size_t)r;
                if ((size_t)r < n)
                        break;
        } while (done < len);
        return (long)done;
}

// Writes len bytes at off (OFF_CURRENT: the fd's offset).
static long write_at(long fd, const void *buf, size_t len, uint64_t off)
{
        struct mk_msg m;
        size_t done = 0;
        do {
                size_t n = len - done > MK_MSG_BUF ? MK_MSG_BUF : len - done;
                memset(&m, 0, sizeof(m) - MK_MSG_BUF);
                m.tag = VFS_WRITE;
                m.w[0] = (uint64_t)fd;
                m.w[1] = n;
                m.w[2] = off == OFF_CURRENT ? OFF_CURRENT : off + done;
                m.len = (uint32_t)n;
                memcpy(m.buf, (const char *)buf + done, n);
                long r = vfs_call(&m);
                if (r >= 0 && (size_t)r > n)
                        r = -EIO;
                if (r < 0)
                        return done ? (long)done : r;
                done += (size_t)r;
                if ((size_t)r < n)
                        break;
        } while (done < len);
        return (long)done;
}

long mk_read(long fd, void *buf, size_t len)
{
        return read_at(fd, buf, len, OFF_CURRENT);
}

long mk_write(long fd, const void *buf, size_t len)
{
        return write_at(fd, buf, len, OFF_CURRENT);
}

long mk_pread(long fd, void *buf, size_t len, int64_t off)
{
        return off < 0 ? -EINVAL : read_at(fd, buf, len, (uint64_t)off);
}

long mk_pwrite(long fd, const void *buf, size_t len, int64_t off)
{
        return off < 0 ? -EINVAL : write_at(fd, buf, len, (uint64_t)off);
}

long mk_lseek(long fd, int64_t off, int whence)
{
        struct mk_msg m = {.tag = VFS_SEEK, .w = {(uint64_t)fd, (uint64_t)off, (uint64_t)whence}};
        return vfs_call(&m);
}

long mk_fstat(long fd, struct mk_stat *st)
{
        struct mk_msg m = {.tag = VFS_STAT, .w = {(uint64_t)fd}};
        long r = vfs_call(&m);
        if (r < 0)
                return r;
        st->size = (uint64_t)r;
        st->inode = m.w[1];
        st->mode = (uint32_t)m.w[2];
        st->pad = 0;
        st->generation = m.w[3];
        return 0;
}

long mk_ftruncate(long fd, int64_t len)
{
        struct mk_msg m = {.tag = VFS_TRUNCATE, .w = {(uint64_t)fd, (uint64_t)len}};
        return vfs_call(&m);
}

long mk_close(long fd)
{
        struct mk_msg m = {.tag = VFS_CLOSE, .w = {(uint64_t)fd}};
        return vfs_call(&m);
}

long mk_unlink(const char *path)
{
        struct mk_msg m = {.tag = VFS_UNLINK};
        long r = put_path(&m, path);
        return r ? r : vfs_call(&m);
}

long mk_vfs_list(uint64_t index, char name[VFS_NAME_MAX + 1], struct mk_stat *st)
{
        struct mk_msg m = {.tag = VFS_LIST, .w = {index}};
        long r = vfs_call(&m);
        if (r < 0)
                return r;
        size_t n = m.len > VFS_NAME_MAX + 1 ? VFS_NAME_MAX + 1 : m.len;
        memcpy(name, m.buf, n);
        name[n ? n - 1 : 0] = 0;
        st->size = m.w[1];
        st->inode = (uint64_t)r;
        st->mode = (uint32_t)m.w[2];
        st->pad = 0;
        st->generation = m.w[3];
        return 0;
}
