// SPDX-License-Identifier: MIT
// POSIX types for programs built on mk with libsys (libsys/src/posix*.c).
// The same names and widths as Linux's LP64 ABI, so that one source builds
// against glibc and against these headers.
#pragma once
#include <stddef.h>
#include <stdint.h>

typedef int pid_t;
typedef long ssize_t;
typedef long off_t;
typedef unsigned int mode_t;
typedef unsigned long ino_t;
