// SPDX-License-Identifier: MIT
// Shared by the files of libsys's POSIX layer (posix.c, posix_file.c,
// posix_stdio.c); not for programs.
#pragma once
#include <stdint.h>

// Sets errno from a negative -errno result and returns -1.
long posix_fail(long err);
// For mmap: whether fd is an open file, its access mode (O_ACCMODE bits) and
// VFS inode. 0, -EBADF, or -ENODEV (the console).
int posix_fd_file(int fd, int *accmode, uint64_t *inode);
// In a fork child: the open files are the parent's (the child shares its
// VFS badge), so closing one only forgets it.
void posix_fd_after_fork(void);
