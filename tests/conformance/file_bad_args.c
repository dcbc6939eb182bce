// SPDX-License-Identifier: MIT
// File calls' errors, as on Linux: a bad descriptor -> EBADF for read,
// write, close, lseek, fstat, ftruncate; writing a read-only or reading a
// write-only descriptor -> EBADF; a missing file -> ENOENT for open and
// unlink; a negative offset or length, or a bad whence -> EINVAL;
// ftruncate of a read-only descriptor -> EINVAL; a closed descriptor is bad.
#include "conf.h"

int main(void)
{
        char buf[8] = {0};
        struct stat st;
        CHECK_ERR(read(99, buf, 1), EBADF);
        CHECK_ERR(read(-1, buf, 1), EBADF);
        CHECK_ERR(write(99, buf, 1), EBADF);
        CHECK_ERR(close(99), EBADF);
        CHECK_ERR(close(-1), EBADF);
        CHECK_ERR(lseek(99, 0, SEEK_SET), EBADF);
        CHECK_ERR(fstat(99, &st), EBADF);
        CHECK_ERR(ftruncate(99, 0), EBADF);
        CHECK_ERR(open("conf_no_such_file", O_RDONLY), ENOENT);
        CHECK_ERR(unlink("conf_no_such_file"), ENOENT);
        int fd = conf_make_file("conf_file_bad.dat", 10, 12);
        conf_stop_if_failed();
        CHECK_ERR(lseek(fd, -1, SEEK_SET), EINVAL);
        CHECK_ERR(lseek(fd, -11, SEEK_END), EINVAL);
        CHECK_ERR(lseek(fd, 0, 7), EINVAL);
        CHECK_ERR(ftruncate(fd, -1), EINVAL);
        int rfd = open("conf_file_bad.dat", O_RDONLY);
        int wfd = open("conf_file_bad.dat", O_WRONLY);
        CHECK(rfd >= 0 && wfd >= 0);
        CHECK_ERR(write(rfd, buf, 1), EBADF);
        CHECK_ERR(read(wfd, buf, 1), EBADF);
        CHECK_ERR(ftruncate(rfd, 0), EINVAL);
        CHECK_EQ(read(rfd, buf, 4), 4);
        CHECK_EQ(lseek(rfd, 0, SEEK_CUR), 4);
        CHECK_EQ(lseek(rfd, 0, SEEK_END), 10);
        CHECK_EQ(read(rfd, buf, 4), 0);
        CHECK_EQ(close(rfd), 0);
        CHECK_ERR(read(rfd, buf, 1), EBADF);
        CHECK_ERR(close(rfd), EBADF);
        CHECK_EQ(close(wfd), 0);
        CHECK_EQ(close(fd), 0);
        CHECK_EQ(unlink("conf_file_bad.dat"), 0);
        CHECK_ERR(open("conf_file_bad.dat", O_RDONLY), ENOENT);
        return conf_done();
}
