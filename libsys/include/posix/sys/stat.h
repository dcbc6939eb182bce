// SPDX-License-Identifier: MIT
// fstat for programs on mk (VFS_STAT): size, inode and mode.
#pragma once
#include <sys/types.h>

#define S_IFMT     0170000
#define S_IFREG    0100000
#define S_ISREG(m) (((m)&S_IFMT) == S_IFREG)

struct stat {
        ino_t st_ino;
        mode_t st_mode;
        off_t st_size;
};

int fstat(int fd, struct stat *st);
int stat(const char *path, struct stat *st);
