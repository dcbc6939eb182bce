// SPDX-License-Identifier: MIT
// Memory mappings on mk: mmap, munmap, mprotect, msync over the system
// pager's PGR_MMAP / PGR_MUNMAP / PGR_MPROTECT / PGR_MSYNC (mk/pager.h).
// Flag values are Linux's; libsys translates them to the pager's.
#pragma once
#include <sys/types.h>

#define PROT_NONE  0x0
#define PROT_READ  0x1 // = MK_PERM_R
#define PROT_WRITE 0x2 // = MK_PERM_W
#define PROT_EXEC  0x4 // = MK_PERM_X
#define PROT_SEM   0x8 // accepted and ignored, as on Linux

#define MAP_SHARED    0x01
#define MAP_PRIVATE   0x02
#define MAP_TYPE      0x0f // the sharing type: exactly one of the two above
#define MAP_FIXED     0x10
#define MAP_ANONYMOUS 0x20
#define MAP_ANON      MAP_ANONYMOUS
#define MAP_NORESERVE 0x4000 // accepted and ignored: mk never reserves

#define MAP_FAILED ((void *)-1)

#define MS_ASYNC      1
#define MS_INVALIDATE 2
#define MS_SYNC       4

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int munmap(void *addr, size_t len);
int mprotect(void *addr, size_t len, int prot);
int msync(void *addr, size_t len, int flags);
