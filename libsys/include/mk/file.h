// SPDX-License-Identifier: MIT
// Files of the VFS server (libsys/src/file.c; protocol in mk/vfs.h, design in
// docs/vfs.md). Every call returns -errno on failure, with Linux's numbers
// and Linux's choice among them. Names are flat: up to VFS_NAME_MAX bytes, a
// leading "/" ignored. File descriptors start at 3 (0-2 are the console's in
// the POSIX layer); they belong to the caller's VFS badge.
#pragma once
#include <mk/errno.h>
#include <mk/vfs.h>
#include <stddef.h>
#include <stdint.h>

// Linux's numbers for the file errors mk/errno.h does not list yet.

// open flags: Linux's values.
#define MK_O_RDONLY  VFS_O_RDONLY
#define MK_O_WRONLY  VFS_O_WRONLY
#define MK_O_RDWR    VFS_O_RDWR
#define MK_O_ACCMODE VFS_O_ACCMODE
#define MK_O_CREAT   VFS_O_CREAT
#define MK_O_TRUNC   VFS_O_TRUNC
#define MK_O_APPEND  VFS_O_APPEND

// lseek whence.
#define MK_SEEK_SET 0
#define MK_SEEK_CUR 1
#define MK_SEEK_END 2

struct mk_stat {
        uint64_t size;
        uint64_t inode; // 1 .. VFS_MAX_INODES - 1 (the pager's PGR_MMAP takes it)
        uint32_t mode;  // 0100644 for files made by open
        uint32_t pad;
        uint64_t generation; // changes when the inode number is reused for another file
};

// Opens (MK_O_CREAT: creating) a file: fd >= 3, -ENOENT, -EINVAL (flags),
// -ENAMETOOLONG, -EISDIR ("/"), -EMFILE, -ENOSPC (no inode left), -ENODEV
// (no VFS server).
long mk_open(const char *path, int flags);
// Read or write at the fd's offset, advancing it; longer transfers than one
// message are several requests. Bytes moved (short at the end of the file, or
// when the size limit or space runs out), -EBADF (also: not open for that),
// -EFBIG, -ENOSPC.
long mk_read(long fd, void *buf, size_t len);
long mk_write(long fd, const void *buf, size_t len);
// The same at offset off; the fd's offset stays. -EINVAL for off < 0.
long mk_pread(long fd, void *buf, size_t len, int64_t off);
long mk_pwrite(long fd, const void *buf, size_t len, int64_t off);
// The new offset, -EBADF, -EINVAL (bad whence, negative or too large).
long mk_lseek(long fd, int64_t off, int whence);
long mk_fstat(long fd, struct mk_stat *st);
// 0, -EBADF, -EINVAL (negative, or fd not open for writing), -EFBIG.
long mk_ftruncate(long fd, int64_t len);
long mk_close(long fd);
// 0 or -ENOENT; the file lives on while it is open.
long mk_unlink(const char *path);
// The index-th file (0, 1, ...) in inode order: 0 with its name and stat, or
// -ENOENT past the last.
long mk_vfs_list(uint64_t index, char name[VFS_NAME_MAX + 1], struct mk_stat *st);
