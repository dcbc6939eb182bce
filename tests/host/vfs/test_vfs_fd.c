// SPDX-License-Identifier: MIT
// The VFS's open files (servers/vfs/fd.c): flags, per-client fd tables,
// offsets, access modes, seek, unlink while open, client eviction, and the
// errors Linux gives for each misuse.
#include "vfs_fixture.h"

#define C1 101 // client badges
#define C2 202

static void open_flags(void)
{
        fx_setup();
        EXPECT_EQ(fx_open(C1, "a", VFS_O_RDONLY), -ENOENT);
        EXPECT_EQ(fx_open(C1, "a", VFS_O_ACCMODE | VFS_O_CREAT), -EINVAL);
        EXPECT_EQ(fx_open(C1, "a", VFS_O_RDWR | 0x80), -EINVAL); // O_EXCL: not ours
        EXPECT_EQ(fx_open(C1, "a", 1ull << 40), -EINVAL);
        EXPECT_EQ(fx_open(C1, "a", UINT64_MAX), -EINVAL);
        EXPECT_EQ(ramfs_lookup(fx.fs, "a"), -ENOENT); // none of that created it
        EXPECT_EQ(fx_open(C1, "", VFS_O_RDONLY), -ENOENT);
        EXPECT_EQ(fx_open(C1, "/", VFS_O_RDONLY), -EISDIR);
        EXPECT_EQ(fx_open(C1, "d/a", VFS_O_RDWR | VFS_O_CREAT), -ENOENT);
        struct ramfs_stat st;
        EXPECT_EQ(ramfs_open(fx.fs, C1, "abc", 3, VFS_O_RDWR | VFS_O_CREAT, &st), -EINVAL);
        long fd = fx_open(C1, "/a", VFS_O_RDWR | VFS_O_CREAT);
        EXPECT_EQ(fd, RAMFS_FD_BASE);
        EXPECT(ramfs_lookup(fx.fs, "a") > 0);
        // The client's table is freed with its last fd; failures leave none.
        EXPECT_EQ(ramfs_close(fx.fs, C1, fd), 0);
        EXPECT_EQ(fx_open(C2, "nope", VFS_O_RDONLY), -ENOENT);
        for (int i = 0; i < RAMFS_MAX_CLIENTS; i++)
                EXPECT(!fx.fs->client[i].used);
}

static void open_reports_inode_and_size(void)
{
        fx_setup();
        long ino = fx_make("f", 1234, 'f');
        struct ramfs_stat st;
        long fd = ramfs_open(fx.fs, C1, "f", 2, VFS_O_RDONLY, &st);
        EXPECT(fd >= RAMFS_FD_BASE);
        EXPECT_EQ(st.inode, ino);
        EXPECT_EQ(st.size, 1234);
        EXPECT_EQ(st.mode, 0100644);
        EXPECT_EQ(st.generation, 1);
        memset(&st, 0, sizeof(st));
        EXPECT_EQ(ramfs_fstat(fx.fs, C1, fd, &st), 0);
        EXPECT_EQ(st.inode, ino);
        EXPECT_EQ(st.size, 1234);
        EXPECT_EQ(ramfs_fstat(fx.fs, C2, fd, &st), -EBADF);
        EXPECT_EQ(ramfs_fstat(fx.fs, C1, fd + 1, &st), -EBADF);
}

static void trunc_and_append(void)
{
        fx_setup();
        fx_make("t", 5000, 't');
        long fd = fx_open(C1, "t", VFS_O_WRONLY | VFS_O_TRUNC);
        EXPECT(fd >= 0);
        EXPECT_EQ(fx.itab[ramfs_lookup(fx.fs, "t")].size, 0);
        EXPECT_EQ(ramfs_write(fx.fs, C1, fd, "abc", 3, RAMFS_CUR), 3);
        EXPECT_EQ(ramfs_close(fx.fs, C1, fd), 0);
        // O_TRUNC with O_RDONLY truncates too (Linux does).
        fd = fx_open(C1, "t", VFS_O_RDONLY | VFS_O_TRUNC);
        EXPECT_EQ(fx.itab[ramfs_lookup(fx.fs, "t")].size, 0);
        EXPECT_EQ(ramfs_close(fx.fs, C1, fd), 0);
        // O_APPEND: every write goes to the end, pwrite's offset too (Linux).
        long ino = fx_make("ap", 4, 'a');
        fd = fx_open(C1, "ap", VFS_O_RDWR | VFS_O_APPEND);
        EXPECT_EQ(ramfs_write(fx.fs, C1, fd, "1", 1, RAMFS_CUR), 1);
        EXPECT_EQ(ramfs_write(fx.fs, C1, fd, "2", 1, 0), 1);
        EXPECT_EQ(ramfs_seek(fx.fs, C1, fd, 0, RAMFS_SEEK_CUR), 5); // pwrite left it
        EXPECT_EQ(ramfs_seek(fx.fs, C1, fd, 0, RAMFS_SEEK_SET), 0);
        EXPECT_EQ(ramfs_write(fx.fs, C1, fd, "3", 1, RAMFS_CUR), 1);
        EXPECT_EQ(ramfs_seek(fx.fs, C1, fd, 0, RAMFS_SEEK_CUR), 7);
        EXPECT(memcmp(fx_file(ino), "aaaa123", 7) == 0);
        char buf[8];
        EXPECT_EQ(ramfs_read(fx.fs, C1, fd, buf, 8, 0), 7); // reads are not appended
}

static void fd_numbers_per_client(void)
{
        fx_setup();
        fx_make("f", 10, 'f');
        long a1 = fx_open(C1, "f", VFS_O_RDONLY), a2 = fx_open(C1, "f", VFS_O_RDONLY);
        long b1 = fx_open(C2, "f", VFS_O_RDONLY);
        EXPECT_EQ(a1, RAMFS_FD_BASE);
        EXPECT_EQ(a2, RAMFS_FD_BASE + 1);
        EXPECT_EQ(b1, RAMFS_FD_BASE); // numbering is per client
        char buf[4];
        EXPECT_EQ(ramfs_read(fx.fs, C2, a2, buf, 4, RAMFS_CUR), -EBADF); // C2 has no fd 4
        uint64_t bad[] = {
            0, 1, 2, RAMFS_FD_BASE + RAMFS_MAX_FDS, 1000, UINT64_MAX, (uint64_t)-RAMFS_FD_BASE};
        for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                struct ramfs_stat st;
                EXPECT_EQ(ramfs_read(fx.fs, C1, bad[i], buf, 4, RAMFS_CUR), -EBADF);
                EXPECT_EQ(ramfs_write(fx.fs, C1, bad[i], buf, 4, RAMFS_CUR), -EBADF);
                EXPECT_EQ(ramfs_seek(fx.fs, C1, bad[i], 0, RAMFS_SEEK_SET), -EBADF);
                EXPECT_EQ(ramfs_fstat(fx.fs, C1, bad[i], &st), -EBADF);
                EXPECT_EQ(ramfs_ftruncate(fx.fs, C1, bad[i], 0), -EBADF);
                EXPECT_EQ(ramfs_close(fx.fs, C1, bad[i]), -EBADF);
        }
        // A closed number is free again, lowest first.
        EXPECT_EQ(ramfs_close(fx.fs, C1, a1), 0);
        EXPECT_EQ(ramfs_close(fx.fs, C1, a1), -EBADF);
        EXPECT_EQ(ramfs_read(fx.fs, C1, a1, buf, 4, RAMFS_CUR), -EBADF);
        EXPECT_EQ(fx_open(C1, "f", VFS_O_RDONLY), a1);
}

static void offsets(void)
{
        fx_setup();
        long fd = fx_open(C1, "o", VFS_O_RDWR | VFS_O_CREAT);
        EXPECT_EQ(ramfs_write(fx.fs, C1, fd, "hello ", 6, RAMFS_CUR), 6);
        EXPECT_EQ(ramfs_write(fx.fs, C1, fd, "world", 5, RAMFS_CUR), 5);
        EXPECT_EQ(ramfs_seek(fx.fs, C1, fd, 0, RAMFS_SEEK_CUR), 11);
        char buf[16] = {0};
        EXPECT_EQ(ramfs_read(fx.fs, C1, fd, buf, 16, RAMFS_CUR), 0); // at EOF
        EXPECT_EQ(ramfs_read(fx.fs, C1, fd, buf, 5, 6), 5);          // pread
        EXPECT(memcmp(buf, "world", 5) == 0);
        EXPECT_EQ(ramfs_seek(fx.fs, C1, fd, 0, RAMFS_SEEK_CUR), 11); // pread left it
        EXPECT_EQ(ramfs_write(fx.fs, C1, fd, "W", 1, 6), 1);         // pwrite
        EXPECT_EQ(ramfs_seek(fx.fs, C1, fd, 0, RAMFS_SEEK_CUR), 11);
        EXPECT_EQ(ramfs_seek(fx.fs, C1, fd, 0, RAMFS_SEEK_SET), 0);
        EXPECT_EQ(ramfs_read(fx.fs, C1, fd, buf, 4, RAMFS_CUR), 4);
        EXPECT_EQ(ramfs_read(fx.fs, C1, fd, buf + 4, 16, RAMFS_CUR), 7);
        EXPECT(memcmp(buf, "hello World", 11) == 0);
        // Two fds on one file have their own offsets.
        long fd2 = fx_open(C1, "o", VFS_O_RDONLY);
        EXPECT_EQ(ramfs_read(fx.fs, C1, fd2, buf, 5, RAMFS_CUR), 5);
        EXPECT_EQ(ramfs_seek(fx.fs, C1, fd2, 0, RAMFS_SEEK_CUR), 5);
        EXPECT_EQ(ramfs_seek(fx.fs, C1, fd, 0, RAMFS_SEEK_CUR), 11);
        // Offsets past RAMFS_OFF_MAX are refused before the fd is looked at.
        EXPECT_EQ(ramfs_read(fx.fs, C1, fd, buf, 1, RAMFS_OFF_MAX + 1), -EINVAL);
        EXPECT_EQ(ramfs_read(fx.fs, C1, 999, buf, 1, RAMFS_CUR - 1), -EINVAL);
        EXPECT_EQ(ramfs_write(fx.fs, C1, fd, buf, 1, RAMFS_OFF_MAX + 1), -EINVAL);
        EXPECT_EQ(ramfs_read(fx.fs, C1, fd, buf, 1, RAMFS_OFF_MAX), 0);
        EXPECT_EQ(ramfs_write(fx.fs, C1, fd, buf, 1, RAMFS_OFF_MAX), -EFBIG);
}

static void access_modes(void)
{
        fx_setup();
        fx_make("m", 10, 'm');
        char buf[4];
        long r = fx_open(C1, "m", VFS_O_RDONLY), w = fx_open(C1, "m", VFS_O_WRONLY);
        long rw = fx_open(C1, "m", VFS_O_RDWR);
        // Linux: read or write on an fd not open for it is EBADF; ftruncate EINVAL.
        EXPECT_EQ(ramfs_write(fx.fs, C1, r, "x", 1, RAMFS_CUR), -EBADF);
        EXPECT_EQ(ramfs_write(fx.fs, C1, r, "x", 1, 0), -EBADF);
        EXPECT_EQ(ramfs_ftruncate(fx.fs, C1, r, 0), -EINVAL);
        EXPECT_EQ(ramfs_read(fx.fs, C1, w, buf, 1, RAMFS_CUR), -EBADF);
        EXPECT_EQ(ramfs_read(fx.fs, C1, w, buf, 1, 0), -EBADF);
        EXPECT_EQ(ramfs_read(fx.fs, C1, r, buf, 1, RAMFS_CUR), 1);
        EXPECT_EQ(ramfs_write(fx.fs, C1, w, "W", 1, RAMFS_CUR), 1);
        EXPECT_EQ(ramfs_ftruncate(fx.fs, C1, w, 5), 0);
        EXPECT_EQ(ramfs_read(fx.fs, C1, rw, buf, 4, RAMFS_CUR), 4);
        EXPECT(memcmp(buf, "Wmmm", 4) == 0);
        EXPECT_EQ(ramfs_write(fx.fs, C1, rw, "Z", 1, RAMFS_CUR), 1);
        EXPECT_EQ(ramfs_ftruncate(fx.fs, C1, rw, 3), 0);
        struct ramfs_stat st;
        EXPECT_EQ(ramfs_fstat(fx.fs, C1, r, &st), 0); // fstat needs no mode
        EXPECT_EQ(st.size, 3);
        EXPECT_EQ(ramfs_seek(fx.fs, C1, r, 1, RAMFS_SEEK_SET), 1);
}

static void ftruncate_errors(void)
{
        fx_setup();
        long fd = fx_open(C1, "t", VFS_O_RDWR | VFS_O_CREAT);
        EXPECT_EQ(ramfs_ftruncate(fx.fs, C1, fd, (uint64_t)-1), -EINVAL);
        EXPECT_EQ(ramfs_ftruncate(fx.fs, C1, 77, (uint64_t)-1), -EINVAL); // before EBADF
        EXPECT_EQ(ramfs_ftruncate(fx.fs, C1, fd, RAMFS_OFF_MAX), -EFBIG);
        EXPECT_EQ(ramfs_ftruncate(fx.fs, C1, fd, FX_FILE_MAX + 1), -EFBIG);
        EXPECT_EQ(ramfs_ftruncate(fx.fs, C1, fd, FX_FILE_MAX), 0);
        struct ramfs_stat st;
        EXPECT_EQ(ramfs_fstat(fx.fs, C1, fd, &st), 0);
        EXPECT_EQ(st.size, FX_FILE_MAX);
        EXPECT_EQ(ramfs_ftruncate(fx.fs, C1, fd, 0), 0);
}

static void seek(void)
{
        fx_setup();
        fx_make("s", 100, 's');
        long fd = fx_open(C1, "s", VFS_O_RDWR);
        EXPECT_EQ(ramfs_seek(fx.fs, C1, fd, 10, RAMFS_SEEK_SET), 10);
        EXPECT_EQ(ramfs_seek(fx.fs, C1, fd, 5, RAMFS_SEEK_CUR), 15);
        EXPECT_EQ(ramfs_seek(fx.fs, C1, fd, -15, RAMFS_SEEK_CUR), 0);
        EXPECT_EQ(ramfs_seek(fx.fs, C1, fd, -1, RAMFS_SEEK_CUR), -EINVAL);
        EXPECT_EQ(ramfs_seek(fx.fs, C1, fd, 0, RAMFS_SEEK_CUR), 0); // unchanged by the error
        EXPECT_EQ(ramfs_seek(fx.fs, C1, fd, 0, RAMFS_SEEK_END), 100);
        EXPECT_EQ(ramfs_seek(fx.fs, C1, fd, -100, RAMFS_SEEK_END), 0);
        EXPECT_EQ(ramfs_seek(fx.fs, C1, fd, -101, RAMFS_SEEK_END), -EINVAL);
        EXPECT_EQ(ramfs_seek(fx.fs, C1, fd, -1, RAMFS_SEEK_SET), -EINVAL);
        EXPECT_EQ(ramfs_seek(fx.fs, C1, fd, INT64_MIN, RAMFS_SEEK_END), -EINVAL);
        EXPECT_EQ(ramfs_seek(fx.fs, C1, fd, INT64_MAX, RAMFS_SEEK_SET), -EINVAL);
        EXPECT_EQ(ramfs_seek(fx.fs, C1, fd, INT64_MAX, RAMFS_SEEK_END), -EINVAL);
        EXPECT_EQ(ramfs_seek(fx.fs, C1, fd, FX_FILE_MAX, RAMFS_SEEK_SET), FX_FILE_MAX);
        EXPECT_EQ(ramfs_seek(fx.fs, C1, fd, 1, RAMFS_SEEK_CUR), -EINVAL);
        EXPECT_EQ(ramfs_seek(fx.fs, C1, fd, FX_FILE_MAX - 100, RAMFS_SEEK_END), FX_FILE_MAX);
        EXPECT_EQ(ramfs_seek(fx.fs, C1, fd, FX_FILE_MAX - 99, RAMFS_SEEK_END), -EINVAL);
        EXPECT_EQ(ramfs_seek(fx.fs, C1, fd, 0, 3), -EINVAL);
        EXPECT_EQ(ramfs_seek(fx.fs, C1, fd, 0, UINT64_MAX), -EINVAL);
        // At the limit, writing is EFBIG and reading gives 0.
        char buf[4];
        EXPECT_EQ(ramfs_seek(fx.fs, C1, fd, 0, RAMFS_SEEK_CUR), FX_FILE_MAX);
        EXPECT_EQ(ramfs_write(fx.fs, C1, fd, "x", 1, RAMFS_CUR), -EFBIG);
        EXPECT_EQ(ramfs_read(fx.fs, C1, fd, buf, 4, RAMFS_CUR), 0);
        // Seeking past the end and writing leaves a hole of zeros.
        EXPECT_EQ(ramfs_seek(fx.fs, C1, fd, 200, RAMFS_SEEK_SET), 200);
        EXPECT_EQ(ramfs_read(fx.fs, C1, fd, buf, 4, RAMFS_CUR), 0);
        EXPECT_EQ(ramfs_write(fx.fs, C1, fd, "end", 3, RAMFS_CUR), 3);
        long ino = ramfs_lookup(fx.fs, "s");
        EXPECT_EQ(fx.itab[ino].size, 203);
        EXPECT(fx_zero(ino, 100, 200));
        EXPECT_EQ(ramfs_seek(fx.fs, C1, fd, 0, RAMFS_SEEK_CUR), 203);
}

static void emfile(void)
{
        fx_setup();
        fx_make("f", 1, 'f');
        for (int i = 0; i < RAMFS_MAX_FDS; i++)
                EXPECT_EQ(fx_open(C1, "f", VFS_O_RDONLY), RAMFS_FD_BASE + i);
        EXPECT_EQ(fx_open(C1, "f", VFS_O_RDONLY), -EMFILE);
        EXPECT_EQ(fx_open(C1, "new", VFS_O_RDWR | VFS_O_CREAT), -EMFILE);
        EXPECT_EQ(ramfs_lookup(fx.fs, "new"), -ENOENT);           // not created
        EXPECT_EQ(fx_open(C2, "f", VFS_O_RDONLY), RAMFS_FD_BASE); // others unaffected
        EXPECT_EQ(fx.fs->node[ramfs_lookup(fx.fs, "f")].nopen, RAMFS_MAX_FDS + 1);
        EXPECT_EQ(ramfs_close_all(fx.fs, C1), RAMFS_MAX_FDS);
        EXPECT_EQ(ramfs_close_all(fx.fs, C1), 0);
        EXPECT_EQ(fx.fs->node[ramfs_lookup(fx.fs, "f")].nopen, 1);
}

static void unlink_while_open(void)
{
        fx_setup();
        long ino = fx_make("u", 10, 'u');
        long fd = fx_open(C1, "u", VFS_O_RDWR);
        EXPECT_EQ(ramfs_unlink_path(fx.fs, "/u", 3), 0);
        EXPECT_EQ(ramfs_lookup(fx.fs, "u"), -ENOENT);
        EXPECT_EQ(fx_open(C2, "u", VFS_O_RDONLY), -ENOENT);
        EXPECT_EQ(ramfs_list(fx.fs, 0), -ENOENT); // nameless files are not listed
        EXPECT_EQ(fx.itab[ino].used, 1);          // still there for mappers
        EXPECT_EQ(fx.itab[ino].name[0], 0);
        char buf[16];
        EXPECT_EQ(ramfs_write(fx.fs, C1, fd, "X", 1, RAMFS_CUR), 1);
        EXPECT_EQ(ramfs_read(fx.fs, C1, fd, buf, 16, 0), 10);
        EXPECT_EQ(buf[0], 'X');
        // A new file of the same name is another inode.
        long fd2 = fx_open(C2, "u", VFS_O_RDWR | VFS_O_CREAT);
        struct ramfs_stat st;
        EXPECT_EQ(ramfs_fstat(fx.fs, C2, fd2, &st), 0);
        EXPECT(st.inode != (uint64_t)ino);
        EXPECT_EQ(st.size, 0);
        EXPECT_EQ(ramfs_unlink_path(fx.fs, "u", 2), 0);
        EXPECT_EQ(ramfs_unlink_path(fx.fs, "u", 2), -ENOENT);
        EXPECT_EQ(ramfs_unlink_path(fx.fs, "u", 1), -EINVAL);
        EXPECT_EQ(ramfs_unlink_path(fx.fs, "/", 2), -EISDIR);
        EXPECT_EQ(ramfs_close(fx.fs, C1, fd), 0);
        EXPECT_EQ(fx.itab[ino].used, 0); // freed at the last close
        EXPECT_EQ(ramfs_close(fx.fs, C2, fd2), 0);
        EXPECT_EQ(fx.itab[st.inode].used, 0);
        // Every inode is free again.
        for (int i = 0; i < FX_INODES; i++)
                EXPECT_EQ(fx.itab[i].used, 0);
}

static void client_eviction(void)
{
        fx_setup();
        fx_make("f", 4, 'f');
        long ino = fx_make("gone", 4, 'g');
        long fd0 = fx_open(1000, "gone", VFS_O_RDONLY);
        EXPECT_EQ(ramfs_unlink(fx.fs, "gone"), 0);
        for (int c = 1; c < RAMFS_MAX_CLIENTS; c++)
                EXPECT_EQ(fx_open(1000 + c, "f", VFS_O_RDONLY), RAMFS_FD_BASE);
        // Client 1000 is idle longest; client 1001 becomes recently used.
        char buf[4];
        EXPECT_EQ(ramfs_read(fx.fs, 1001, RAMFS_FD_BASE, buf, 4, RAMFS_CUR), 4);
        EXPECT_EQ(fx.fs->evictions, 0);
        EXPECT_EQ(fx_open(5000, "f", VFS_O_RDONLY), RAMFS_FD_BASE);
        EXPECT_EQ(fx.fs->evictions, 1);
        EXPECT_EQ(ramfs_read(fx.fs, 1000, fd0, buf, 4, RAMFS_CUR), -EBADF);
        EXPECT_EQ(fx.itab[ino].used, 0); // its unlinked file went with it
        EXPECT_EQ(ramfs_read(fx.fs, 1001, RAMFS_FD_BASE, buf, 4, 0), 4);
        // Next to go is the oldest remaining: 1002.
        EXPECT_EQ(fx_open(5001, "f", VFS_O_RDONLY), RAMFS_FD_BASE);
        EXPECT_EQ(ramfs_read(fx.fs, 1002, RAMFS_FD_BASE, buf, 4, 0), -EBADF);
        EXPECT_EQ(ramfs_read(fx.fs, 1001, RAMFS_FD_BASE, buf, 4, 0), 4);
        EXPECT_EQ(fx.fs->node[ramfs_lookup(fx.fs, "f")].nopen, RAMFS_MAX_CLIENTS);
}

int main(void)
{
        h_suite = "vfs_fd";
        RUN(open_flags);
        RUN(open_reports_inode_and_size);
        RUN(trunc_and_append);
        RUN(fd_numbers_per_client);
        RUN(offsets);
        RUN(access_modes);
        RUN(ftruncate_errors);
        RUN(seek);
        RUN(emfile);
        RUN(unlink_while_open);
        RUN(client_eviction);
        return DONE();
}
