// SPDX-License-Identifier: MIT
#include <mk/errno.h>

const char *err_name(long err)
{
        switch (err < 0 ? -err : err) {
        case 0:
                return "OK";
        case EPERM:
                return "EPERM";
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
        case EBADMSG:
                return "EBADMSG";
        case ETIMEDOUT:
                return "ETIMEDOUT";
        default:
                return "E?";
        }
}
