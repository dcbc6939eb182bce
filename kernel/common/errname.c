// SPDX-License-Identifier: MIT
#include <mk/errno.h>
#include <mk/msg.h>

const char *err_name(long err)
{
        switch (err < 0 ? -err : err) {
        case 0:
                return "OK";
        case EPERM:
                return "EPERM";
        case EISDIR:
                return "EISDIR";
        case EMFILE:
                return "EMFILE";
        case EFBIG:
                return "EFBIG";
        case ENAMETOOLONG:
                return "ENAMETOOLONG";
        case ESRCH:
                return "ESRCH";
        case EAGAIN:
                return "EAGAIN";
        case EPIPE:
                return "EPIPE";
        case ENOENT:
                return "ENOENT";
        case EIO:
                return "EIO";
        case E2BIG:
                return "E2BIG";
        case ENOEXEC:
                return "ENOEXEC";
        case EBADF:
                return "EBADF";
        case ENOMEM:
                return "ENOMEM";
        case EACCES:
                return "EACCES";
        case EFAULT:
                return "EFAULT";
        case EBUSY:
                return "EBUSY";
        case EEXIST:
                return "EEXIST";
        case ENODEV:
                return "ENODEV";
        case EINVAL:
                return "EINVAL";
        case ENOSPC:
                return "ENOSPC";
        case ERANGE:
                return "ERANGE";
        case ENOSYS:
                return "ENOSYS";
        case EOVERFLOW:
                return "EOVERFLOW";
        case ECONNABORTED:
                return "ECONNABORTED";
        case EBADMSG:
                return "EBADMSG";
        case ETIMEDOUT:
                return "ETIMEDOUT";
        default:
                return "E?";
        }
}

const char *mk_reason_name(uint64_t r)
{
        static const char *const names[] = {
            "exit",       "no mapping",          "access violation",
            "bus error",  "out of memory",       "guard page",
            "fault loop", "pager gone",          "illegal instruction",
            "killed",     "bad pager reply",     "pager timeout",
            "breakpoint", "arithmetic exception"};
        _Static_assert(sizeof(names) / sizeof(names[0]) == MK_REASON_MAX + 1, "a name each");
        return r <= MK_REASON_MAX ? names[r] : "unknown reason";
}
