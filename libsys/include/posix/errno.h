// SPDX-License-Identifier: MIT
// errno for POSIX calls on mk: every call returns -1 (or MAP_FAILED) on
// failure and sets errno to a positive code. The codes are mk's (Linux's
// numbers, mk/errno.h) plus the few only the POSIX layer returns.
#pragma once
#include <mk/errno.h>

#ifndef EINTR
#define EINTR 4 // interrupted call (never returned: mk has no signals)
#endif
#ifndef ECHILD
#define ECHILD 10 // waitpid: no such child
#endif
#ifndef EMFILE
#define EMFILE 24 // no free file descriptor
#endif
#ifndef EFBIG
#define EFBIG 27 // file too large
#endif
#ifndef ESPIPE
#define ESPIPE 29 // lseek on the console
#endif
#ifndef ENOTSUP
#define ENOTSUP 95 // a protection mk refuses by policy (write and execute together)
#endif

extern int errno;
