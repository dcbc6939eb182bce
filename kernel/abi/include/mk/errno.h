// SPDX-License-Identifier: MIT
// Error codes shared by the kernel, the servers and libsys. Every call that can
// fail returns 0 or a positive value on success and one of these, negated, on
// failure. The numbers match Linux where a Linux equivalent exists.
#pragma once

#define EPERM     1   // operation not permitted (no right on a handle)
#define ENOENT    2   // no such file or object
#define ESRCH     3   // no such process or thread (e.g. nobody to reply to)
#define EIO       5   // I/O error
#define E2BIG     7   // argument list or message too long
#define ENOEXEC   8   // malformed executable
#define EBADF     9   // bad handle
#define EAGAIN    11  // try again
#define ENOMEM    12  // out of memory
#define EACCES    13  // access denied
#define EFAULT    14  // bad address
#define EBUSY     16  // resource busy
#define EEXIST    17  // already exists
#define ENODEV    19  // no such device
#define EISDIR    21  // is a directory
#define EINVAL    22  // invalid argument
#define EMFILE    24  // too many open files
#define EFBIG     27  // file too large
#define ENOSPC    28  // no space left
#define EPIPE     32  // the other side is gone (no receiver left on an endpoint)
#define ERANGE    34  // value out of range
#define ENAMETOOLONG 36 // name too long
#define ENOSYS    38  // no such call
#define EOVERFLOW 75  // value too large
#define ECONNABORTED 103 // the server received another call before answering this one
#define EBADMSG   74  // malformed message or data
#define ETIMEDOUT 110 // timed out

#ifndef __ASSEMBLER__
// Returns the symbolic name of an error code (positive or negative), or "E?".
const char *err_name(long err);
#endif
