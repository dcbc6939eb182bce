// SPDX-License-Identifier: MIT
// libsys's POSIX layer, files: open, read, write, pread, pwrite, close,
// lseek, ftruncate, fstat, unlink over the VFS client (mk/file.h), whose
// descriptors (3 up) are the POSIX ones; 0-2 are the console. This layer
// keeps which descriptors are open, with their access mode (mmap needs it)
// and whether they came from the parent at fork: a fork child shares its
// parent's VFS badge, hence its open files and their offsets, as on Linux;
// closing an inherited descriptor only forgets it here, so that the
// parent's stays open.
#include "posix_internal.h"
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <mk/file.h>
#include <mk/sys.h>

#define FD_MAX       64
#define FD_CONSOLE   3 // descriptors below this are the console
#define OPEN_FLAGS   (O_ACCMODE | O_CREAT | O_TRUNC | O_APPEND)
#define S_IFCHR_MODE 0020620 // what fstat says about the console

static struct pfd {
        uint8_t open;
        uint8_t inherited; // opened by an ancestor before fork
        uint8_t acc;       // O_RDONLY, O_WRONLY or O_RDWR
} fds[FD_MAX] = {{1, 0, O_RDONLY}, {1, 0, O_WRONLY}, {1, 0, O_WRONLY}};

// The descriptor's entry if it is open, else NULL.
static struct pfd *fd_get(int fd)
{
        return fd >= 0 && fd < FD_MAX && fds[fd].open ? &fds[fd] : NULL;
}

static long ret(long r)
{
        return r < 0 ? posix_fail(r) : r;
}

int open(const char *path, int flags, ...)
{
        long fd = mk_open(path, flags & OPEN_FLAGS);
        if (fd < 0)
                return (int)posix_fail(fd);
        if (fd >= FD_MAX) {
                mk_close(fd);
                return (int)posix_fail(-EMFILE);
        }
        fds[fd] = (struct pfd){1, 0, (uint8_t)(flags & O_ACCMODE)};
        return (int)fd;
}

ssize_t read(int fd, void *buf, size_t len)
{
        struct pfd *f = fd_get(fd);
        if (!f || f->acc == O_WRONLY)
                return posix_fail(-EBADF);
        if (fd < FD_CONSOLE)
                return 0; // the console has no input: end of file
        return ret(mk_read(fd, buf, len));
}

ssize_t write(int fd, const void *buf, size_t len)
{
        struct pfd *f = fd_get(fd);
        if (!f || f->acc == O_RDONLY)
                return posix_fail(-EBADF);
        if (fd < FD_CONSOLE)
                return ret(mk_debug_write(buf, len));
        return ret(mk_write(fd, buf, len));
}

ssize_t pread(int fd, void *buf, size_t len, off_t off)
{
        struct pfd *f = fd_get(fd);
        if (!f || f->acc == O_WRONLY)
                return posix_fail(-EBADF);
        return fd < FD_CONSOLE ? posix_fail(-ESPIPE) : ret(mk_pread(fd, buf, len, off));
}

ssize_t pwrite(int fd, const void *buf, size_t len, off_t off)
{
        struct pfd *f = fd_get(fd);
        if (!f || f->acc == O_RDONLY)
                return posix_fail(-EBADF);
        return fd < FD_CONSOLE ? posix_fail(-ESPIPE) : ret(mk_pwrite(fd, buf, len, off));
}

int close(int fd)
{
        struct pfd *f = fd_get(fd);
        if (!f)
                return (int)posix_fail(-EBADF);
        long r = fd < FD_CONSOLE || f->inherited ? 0 : mk_close(fd);
        *f = (struct pfd){0, 0, 0};
        return (int)ret(r);
}

off_t lseek(int fd, off_t off, int whence)
{
        if (!fd_get(fd))
                return posix_fail(-EBADF);
        return fd < FD_CONSOLE ? posix_fail(-ESPIPE) : ret(mk_lseek(fd, off, whence));
}

int ftruncate(int fd, off_t len)
{
        if (!fd_get(fd))
                return (int)posix_fail(-EBADF);
        return fd < FD_CONSOLE ? (int)posix_fail(-EINVAL) : (int)ret(mk_ftruncate(fd, len));
}

int fstat(int fd, struct stat *st)
{
        struct mk_stat ms = {0};
        if (!fd_get(fd))
                return (int)posix_fail(-EBADF);
        if (fd < FD_CONSOLE) {
                ms.mode = S_IFCHR_MODE;
        } else {
                long r = mk_fstat(fd, &ms);
                if (r < 0)
                        return (int)posix_fail(r);
        }
        st->st_ino = ms.inode;
        st->st_mode = ms.mode;
        st->st_size = (off_t)ms.size;
        return 0;
}

int unlink(const char *path)
{
        return (int)ret(mk_unlink(path));
}

int posix_fd_file(int fd, int *accmode, uint64_t *inode)
{
        struct pfd *f = fd_get(fd);
        struct mk_stat ms;
        if (!f)
                return -EBADF;
        if (fd < FD_CONSOLE)
                return -ENODEV;
        long r = mk_fstat(fd, &ms);
        if (r < 0)
                return (int)r;
        *accmode = f->acc;
        *inode = ms.inode;
        return 0;
}

void posix_fd_after_fork(void)
{
        for (int i = FD_CONSOLE; i < FD_MAX; i++)
                if (fds[i].open)
                        fds[i].inherited = 1;
}
