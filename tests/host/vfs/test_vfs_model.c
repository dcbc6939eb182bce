// SPDX-License-Identifier: MIT
// Random sequences of file operations by several clients, checked step by
// step against a plain model (an array of bytes per file, fd tables with
// offsets): every result and error, every file's bytes in the data area, and
// the zero tail past EOF. "Mappers" store into files (seen by read) and past
// their ends (never seen).
#include "vfs_fixture.h"

#define M_INODES          8 // 7 usable: the inode limit is hit often
#define M_OBJS            32
#define M_CLIENTS         3
#define M_NAMES           6
#define M_STEPS           60000
#define M_CHECK_ALL_EVERY 64
#define M_MIN(a, b)       ((a) < (b) ? (a) : (b))

struct mfile {
        bool live, named;
        int name;
        uint32_t ino;
        uint64_t size;
        int nopen;
        bool scribbled; // bytes past EOF stored by a mapper since the last size change
        uint8_t bytes[FX_FILE_MAX];
};

struct mfd {
        bool used;
        int obj;
        uint32_t flags;
        uint64_t off;
};

static struct mfile obj[M_OBJS];
static struct mfd mfd[M_CLIENTS][RAMFS_MAX_FDS];
static const char *const names[M_NAMES] = {"n0", "/n1", "n2", "n3", "n4", "n5"};
static uint8_t buf[2 * FX_PAGE], src[2 * FX_PAGE];
static int step;

#define CHECK_EQ(got, want)                                                                        \
        do {                                                                                       \
                long long _g = (long long)(got), _w = (long long)(want);                           \
                if (_g != _w) {                                                                    \
                        printf("not ok host vfs_model.%s: step %d: %s = %lld, model %lld\n",       \
                               h_case, step, #got, _g, _w);                                        \
                        h_failed_now = 1;                                                          \
                        return 0;                                                                  \
                }                                                                                  \
        } while (0)

static const char *base_name(int n)
{
        return names[n][0] == '/' ? names[n] + 1 : names[n];
}

static int find_named(int n)
{
        for (int i = 0; i < M_OBJS; i++)
                if (obj[i].live && obj[i].named && obj[i].name == n)
                        return i;
        return -1;
}

static int live_count(void)
{
        int c = 0;
        for (int i = 0; i < M_OBJS; i++)
                c += obj[i].live;
        return c;
}

static struct mfd *model_fd(int c, uint64_t fd)
{
        if (fd < RAMFS_FD_BASE || fd - RAMFS_FD_BASE >= RAMFS_MAX_FDS)
                return NULL;
        struct mfd *f = &mfd[c][fd - RAMFS_FD_BASE];
        return f->used ? f : NULL;
}

static void set_size(struct mfile *m, uint64_t size)
{
        if (size < m->size)
                memset(m->bytes + size, 0, m->size - size);
        if (size != m->size)
                m->scribbled = false;
        m->size = size;
}

// One model file against the server's: size, bytes, zero tail.
static int check_file(const struct mfile *m)
{
        const struct vfs_inode *in = &fx.itab[m->ino];
        CHECK_EQ(in->used, 1);
        CHECK_EQ(in->size, m->size);
        CHECK_EQ(memcmp(fx_file(m->ino), m->bytes, m->size), 0);
        if (!m->scribbled)
                CHECK_EQ(fx_zero(m->ino, m->size, PAGE_END(m->size)), 1);
        CHECK_EQ(in->name[0] != 0, m->named);
        if (m->named)
                CHECK_EQ(strcmp(in->name, base_name(m->name)), 0);
        return 1;
}

static int check_all(void)
{
        int used = 0;
        for (int i = 0; i < M_OBJS; i++)
                if (obj[i].live && !check_file(&obj[i]))
                        return 0;
        for (uint32_t i = 0; i < M_INODES; i++)
                used += fx.itab[i].used;
        CHECK_EQ(used, live_count());
        return 1;
}

static uint64_t rand_off(void)
{
        switch (h_rand() % 8) {
        case 0:
                return RAMFS_CUR;
        case 1:
                return FX_FILE_MAX - h_rand() % 3000;
        case 2:
                return h_rand() % 2 ? RAMFS_OFF_MAX + 1 : FX_FILE_MAX + h_rand() % 10;
        default:
                return h_rand() % (FX_FILE_MAX / 2);
        }
}

static uint64_t rand_fd(void)
{
        return h_rand() % 8 ? RAMFS_FD_BASE + h_rand() % 6 : h_rand() % (RAMFS_MAX_FDS + 8);
}

static int op_open(int c)
{
        static const uint64_t flag_set[] = {VFS_O_RDONLY,
                                            VFS_O_WRONLY,
                                            VFS_O_RDWR,
                                            VFS_O_RDWR | VFS_O_CREAT,
                                            VFS_O_WRONLY | VFS_O_CREAT | VFS_O_TRUNC,
                                            VFS_O_RDWR | VFS_O_CREAT | VFS_O_APPEND,
                                            VFS_O_RDONLY | VFS_O_TRUNC,
                                            VFS_O_ACCMODE,
                                            VFS_O_RDWR | 0x1000};
        uint64_t flags = flag_set[h_rand() % (sizeof(flag_set) / sizeof(flag_set[0]))];
        int n = (int)(h_rand() % M_NAMES);
        struct ramfs_stat st;
        long got = ramfs_open(fx.fs, (uint64_t)c, names[n], strlen(names[n]) + 1, flags, &st);
        long want;
        int k = 0;
        while (k < RAMFS_MAX_FDS && mfd[c][k].used)
                k++;
        int o = find_named(n);
        if ((flags & ~(uint64_t)RAMFS_OPEN_FLAGS) || (flags & VFS_O_ACCMODE) == VFS_O_ACCMODE)
                want = -EINVAL;
        else if (k == RAMFS_MAX_FDS)
                want = -EMFILE;
        else if (o < 0 && !(flags & VFS_O_CREAT))
                want = -ENOENT;
        else if (o < 0 && live_count() >= M_INODES - RAMFS_FIRST_INODE)
                want = -ENOSPC;
        else
                want = k + RAMFS_FD_BASE;
        CHECK_EQ(got, want);
        if (want < 0)
                return 1;
        if (o < 0) {
                o = 0;
                while (obj[o].live)
                        o++;
                memset(&obj[o], 0, sizeof(obj[o]));
                obj[o].live = obj[o].named = true;
                obj[o].name = n;
                obj[o].ino = (uint32_t)st.inode;
                for (int i = 0; i < M_OBJS; i++) // a fresh inode: no live file has it
                        CHECK_EQ(i != o && obj[i].live && obj[i].ino == obj[o].ino, 0);
        }
        CHECK_EQ(st.inode, obj[o].ino);
        if (flags & VFS_O_TRUNC)
                set_size(&obj[o], 0);
        CHECK_EQ(st.size, obj[o].size);
        obj[o].nopen++;
        mfd[c][k] = (struct mfd){true, o, (uint32_t)(flags & (VFS_O_ACCMODE | VFS_O_APPEND)), 0};
        return check_file(&obj[o]);
}

static void release(int o)
{
        if (--obj[o].nopen == 0 && !obj[o].named)
                obj[o].live = false;
}

static int op_close(int c)
{
        uint64_t fd = rand_fd();
        struct mfd *f = model_fd(c, fd);
        CHECK_EQ(ramfs_close(fx.fs, (uint64_t)c, fd), f ? 0 : -EBADF);
        if (f) {
                f->used = false;
                release(f->obj);
        }
        return 1;
}

static int op_read(int c)
{
        uint64_t fd = rand_fd(), off = rand_off(), len = h_rand() % sizeof(buf);
        struct mfd *f = model_fd(c, fd);
        long got = ramfs_read(fx.fs, (uint64_t)c, fd, buf, len, off);
        if (off != RAMFS_CUR && off > RAMFS_OFF_MAX) {
                CHECK_EQ(got, -EINVAL);
                return 1;
        }
        if (!f || (f->flags & VFS_O_ACCMODE) == VFS_O_WRONLY) {
                CHECK_EQ(got, -EBADF);
                return 1;
        }
        struct mfile *m = &obj[f->obj];
        uint64_t at = off == RAMFS_CUR ? f->off : off;
        uint64_t n = at >= m->size ? 0 : M_MIN(len, m->size - at);
        CHECK_EQ(got, n);
        CHECK_EQ(memcmp(buf, m->bytes + (n ? at : 0), n), 0);
        if (off == RAMFS_CUR)
                f->off += n;
        return 1;
}

static int op_write(int c)
{
        uint64_t fd = rand_fd(), off = rand_off(), len = h_rand() % sizeof(src);
        for (uint64_t i = 0; i < len; i++)
                src[i] = (uint8_t)(h_rand() | 1);
        struct mfd *f = model_fd(c, fd);
        long got = ramfs_write(fx.fs, (uint64_t)c, fd, src, len, off);
        if (off != RAMFS_CUR && off > RAMFS_OFF_MAX) {
                CHECK_EQ(got, -EINVAL);
                return 1;
        }
        if (!f || (f->flags & VFS_O_ACCMODE) == VFS_O_RDONLY) {
                CHECK_EQ(got, -EBADF);
                return 1;
        }
        struct mfile *m = &obj[f->obj];
        uint64_t at = (f->flags & VFS_O_APPEND) ? m->size : off == RAMFS_CUR ? f->off : off;
        if (at >= FX_FILE_MAX) {
                CHECK_EQ(got, -EFBIG);
                return 1;
        }
        uint64_t n = M_MIN(len, FX_FILE_MAX - at);
        CHECK_EQ(got, n);
        memcpy(m->bytes + at, src, n);
        if (n && at + n > m->size)
                set_size(m, at + n);
        if (off == RAMFS_CUR && n)
                f->off = at + n;
        return check_file(m);
}

static int op_seek(int c)
{
        uint64_t fd = rand_fd(), whence = h_rand() % 4;
        int64_t off = h_rand() % 4 ? (int64_t)(h_rand() % (2 * FX_FILE_MAX)) - (int64_t)FX_FILE_MAX
                                   : (int64_t)h_rand();
        struct mfd *f = model_fd(c, fd);
        long got = ramfs_seek(fx.fs, (uint64_t)c, fd, off, whence);
        if (!f) {
                CHECK_EQ(got, -EBADF);
                return 1;
        }
        int64_t base = whence == RAMFS_SEEK_SET   ? 0
                       : whence == RAMFS_SEEK_CUR ? (int64_t)f->off
                                                  : (int64_t)obj[f->obj].size;
        // Both within +-2^62 here or off is huge: __int128 keeps it exact.
        __int128 pos = (__int128)base + off;
        if (whence > RAMFS_SEEK_END || pos < 0 || pos > FX_FILE_MAX) {
                CHECK_EQ(got, -EINVAL);
                return 1;
        }
        CHECK_EQ(got, (long)pos);
        f->off = (uint64_t)pos;
        return 1;
}

static int op_truncate(int c)
{
        uint64_t fd = rand_fd();
        uint64_t size = h_rand() % 8 ? h_rand() % (FX_FILE_MAX + 2) : h_rand();
        struct mfd *f = model_fd(c, fd);
        long got = ramfs_ftruncate(fx.fs, (uint64_t)c, fd, size);
        long want = size > RAMFS_OFF_MAX                         ? -EINVAL
                    : !f                                         ? -EBADF
                    : (f->flags & VFS_O_ACCMODE) == VFS_O_RDONLY ? -EINVAL
                    : size > FX_FILE_MAX                         ? -EFBIG
                                                                 : 0;
        CHECK_EQ(got, want);
        if (want == 0) {
                set_size(&obj[f->obj], size);
                return check_file(&obj[f->obj]);
        }
        return 1;
}

static int op_unlink(void)
{
        int n = (int)(h_rand() % M_NAMES);
        int o = find_named(n);
        long got = ramfs_unlink_path(fx.fs, names[n], strlen(names[n]) + 1);
        CHECK_EQ(got, o < 0 ? -ENOENT : 0);
        if (o >= 0) {
                obj[o].named = false;
                if (obj[o].nopen == 0)
                        obj[o].live = false;
                else
                        CHECK_EQ(fx.itab[obj[o].ino].used, 1);
        }
        return 1;
}

static int op_fstat(int c)
{
        uint64_t fd = rand_fd();
        struct mfd *f = model_fd(c, fd);
        struct ramfs_stat st;
        CHECK_EQ(ramfs_fstat(fx.fs, (uint64_t)c, fd, &st), f ? 0 : -EBADF);
        if (f) {
                CHECK_EQ(st.size, obj[f->obj].size);
                CHECK_EQ(st.inode, obj[f->obj].ino);
        }
        return 1;
}

// A shared mapping's stores: inside the file (part of it), or past its end
// in the last page (never part of it).
static int op_mapper(void)
{
        int o = (int)(h_rand() % M_OBJS);
        struct mfile *m = &obj[o];
        if (!m->live || m->size == 0)
                return 1;
        if (h_rand() % 2) {
                uint64_t at = h_rand() % m->size;
                uint8_t v = (uint8_t)h_rand();
                m->bytes[at] = v;
                fx_file(m->ino)[at] = v;
        } else if (m->size % FX_PAGE) {
                memset(fx_file(m->ino) + m->size, 0xb7, PAGE_END(m->size) - m->size);
                m->scribbled = true;
        }
        return 1;
}

static int one_step(void)
{
        int c = (int)(h_rand() % M_CLIENTS);
        switch (h_rand() % 20) {
        case 0 ... 3:
                return op_open(c);
        case 4 ... 6:
                return op_close(c);
        case 7 ... 9:
                return op_read(c);
        case 10 ... 12:
                return op_write(c);
        case 13:
                return op_seek(c);
        case 14:
        case 15:
                return op_truncate(c);
        case 16:
                return op_unlink();
        case 17:
                return op_fstat(c);
        default:
                return op_mapper();
        }
}

static void random_ops(void)
{
        fx_setup_geom(M_INODES, FX_FILE_MAX, 0);
        memset(obj, 0, sizeof(obj));
        memset(mfd, 0, sizeof(mfd));
        for (step = 0; step < M_STEPS; step++) {
                if (!one_step())
                        return;
                if (step % M_CHECK_ALL_EVERY == 0 && !check_all())
                        return;
        }
        if (!check_all())
                return;
        // Everyone closes: every unlinked file goes.
        for (int c = 0; c < M_CLIENTS; c++)
                ramfs_close_all(fx.fs, (uint64_t)c);
        int named = 0, used = 0;
        for (int i = 0; i < M_OBJS; i++)
                named += obj[i].live && obj[i].named;
        for (uint32_t i = 0; i < M_INODES; i++)
                used += fx.itab[i].used;
        EXPECT_EQ(used, named);
}

int main(void)
{
        h_suite = "vfs_model";
        RUN(random_ops);
        return DONE();
}
