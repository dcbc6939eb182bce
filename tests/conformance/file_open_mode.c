// SPDX-License-Identifier: MIT
// A file mapping's rights follow the descriptor's open mode, for the
// mapping's whole life (Linux): a shared writable mapping of a read-only
// descriptor -> EACCES; a shared read-only one cannot be made writable
// (mprotect -> EACCES); a private writable one may be written (a copy: the
// file is unchanged); a write-only descriptor cannot be mapped (EACCES); a
// bad descriptor -> EBADF.
#include "conf.h"

int main(void)
{
        int fd = conf_make_file("conf_mode.dat", CONF_PAGE, 5);
        conf_stop_if_failed();
        int rfd = open("conf_mode.dat", O_RDONLY);
        int wfd = open("conf_mode.dat", O_WRONLY);
        CHECK(rfd >= 0 && wfd >= 0);
        conf_stop_if_failed();
        CHECK_ERR(mmap(NULL, CONF_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, rfd, 0), EACCES);
        uint8_t *s = mmap(NULL, CONF_PAGE, PROT_READ, MAP_SHARED, rfd, 0);
        CHECK(s != MAP_FAILED);
        conf_stop_if_failed();
        CHECK_ERR(mprotect(s, CONF_PAGE, PROT_READ | PROT_WRITE), EACCES);
        uint8_t *p = mmap(NULL, CONF_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, rfd, 0);
        CHECK(p != MAP_FAILED);
        conf_stop_if_failed();
        uint8_t before = s[7], now;
        p[7] = (uint8_t)(before ^ 0xff);
        CHECK_EQ(pread(rfd, &now, 1, 7), 1);
        CHECK_EQ(now, before);
        CHECK_EQ(s[7], before);
        CHECK_ERR(mmap(NULL, CONF_PAGE, PROT_READ, MAP_SHARED, wfd, 0), EACCES);
        CHECK_ERR(mmap(NULL, CONF_PAGE, PROT_READ, MAP_SHARED, 99, 0), EBADF);
        CHECK_EQ(munmap(s, CONF_PAGE), 0);
        CHECK_EQ(munmap(p, CONF_PAGE), 0);
        close(rfd);
        close(wfd);
        close(fd);
        CHECK_EQ(unlink("conf_mode.dat"), 0);
        return conf_done();
}
