// SPDX-License-Identifier: MIT
// open for programs on mk: files of the VFS server (flat namespace; a
// leading "/" is ignored). Flag values are Linux's (= VFS_O_*).
#pragma once
#include <sys/types.h>

#define O_RDONLY  0
#define O_WRONLY  1
#define O_RDWR    2
#define O_ACCMODE 3
#define O_CREAT   0x40
#define O_TRUNC   0x200
#define O_APPEND  0x400

int open(const char *path, int flags, ...);
