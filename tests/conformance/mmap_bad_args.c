// SPDX-License-Identifier: MIT
// mmap's errors, as on Linux: length 0, an unaligned MAP_FIXED address or
// offset, no sharing type -> EINVAL; a length that wraps -> ENOMEM; a bad
// descriptor -> EBADF; a file not open for reading, or MAP_SHARED with
// PROT_WRITE on a read-only descriptor -> EACCES. Unknown PROT bits are
// ignored, as Linux does.
#include "conf.h"

int main(void)
{
        const int anon = MAP_PRIVATE | MAP_ANONYMOUS;
        const int rw = PROT_READ | PROT_WRITE;
        CHECK_ERR(mmap(NULL, 0, rw, anon, -1, 0), EINVAL);
        CHECK_ERR(mmap(conf_addr(0x10000001), CONF_PAGE, rw, anon | MAP_FIXED, -1, 0), EINVAL);
        CHECK_ERR(mmap(NULL, CONF_PAGE, rw, MAP_ANONYMOUS, -1, 0), EINVAL);
        CHECK_ERR(mmap(NULL, CONF_PAGE, rw, anon, -1, 123), EINVAL);
        CHECK_ERR(mmap(NULL, (size_t)-CONF_PAGE, rw, anon, -1, 0), ENOMEM);
        CHECK_ERR(mmap(NULL, CONF_PAGE, PROT_READ, MAP_PRIVATE, 99, 0), EBADF);
        CHECK_ERR(mmap(NULL, CONF_PAGE, PROT_READ, MAP_PRIVATE, -1, 0), EBADF);
        int fd = conf_make_file("conf_mmap_bad.dat", CONF_PAGE, 11);
        conf_stop_if_failed();
        CHECK_ERR(mmap(NULL, CONF_PAGE, PROT_READ, MAP_PRIVATE, fd, 100), EINVAL);
        int wfd = open("conf_mmap_bad.dat", O_WRONLY);
        int rfd = open("conf_mmap_bad.dat", O_RDONLY);
        CHECK(wfd >= 0 && rfd >= 0);
        CHECK_ERR(mmap(NULL, CONF_PAGE, PROT_READ, MAP_PRIVATE, wfd, 0), EACCES);
        CHECK_ERR(mmap(NULL, CONF_PAGE, PROT_READ, MAP_SHARED, wfd, 0), EACCES);
        CHECK_ERR(mmap(NULL, CONF_PAGE, rw, MAP_SHARED, rfd, 0), EACCES);
        // Allowed: a private writable mapping of a read-only descriptor.
        uint8_t *p = mmap(NULL, CONF_PAGE, rw, MAP_PRIVATE, rfd, 0);
        CHECK(p != MAP_FAILED);
        if (p != MAP_FAILED) {
                conf_write8(p, 1);
                CHECK_EQ(conf_read8(p), 1);
        }
        // Unknown PROT bits are ignored by mmap.
        p = mmap(NULL, CONF_PAGE, PROT_READ | 0x100, anon, -1, 0);
        CHECK(p != MAP_FAILED);
        CHECK_EQ(close(wfd), 0);
        CHECK_EQ(close(rfd), 0);
        CHECK_EQ(close(fd), 0);
        CHECK_EQ(unlink("conf_mmap_bad.dat"), 0);
        return conf_done();
}
