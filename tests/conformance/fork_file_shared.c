// SPDX-License-Identifier: MIT
// A shared file mapping stays shared across fork: the child's writes through
// it are seen by the parent's mapping and by read(); a private file mapping
// written by the child is not.
#include "conf.h"

#define SIZE (2 * CONF_PAGE)

int main(void)
{
        int fd = conf_make_file("conf_fork_shared.dat", SIZE, 9);
        conf_stop_if_failed();
        uint8_t *s = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        uint8_t *p = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
        CHECK(s != MAP_FAILED && p != MAP_FAILED);
        conf_stop_if_failed();
        CHECK_EQ(conf_read8(s + 1), conf_pattern(1, 9));
        pid_t pid = fork();
        if (pid == 0) {
                conf_write8(s + 1, 0xe1);
                conf_write8(s + CONF_PAGE + 1, 0xe2);
                conf_write8(p + 2, 0xe3);
                _exit(0);
        }
        CHECK(pid > 0);
        CHECK(conf_exited_with(conf_wait(pid), 0));
        CHECK_EQ(conf_read8(s + 1), 0xe1);
        CHECK_EQ(conf_read8(s + CONF_PAGE + 1), 0xe2);
        uint8_t b = 0;
        CHECK(conf_pread_all(fd, &b, 1, CONF_PAGE + 1));
        CHECK_EQ(b, 0xe2);
        CHECK_EQ(conf_read8(p + 2), conf_pattern(2, 9));
        CHECK(conf_pread_all(fd, &b, 1, 2));
        CHECK_EQ(b, conf_pattern(2, 9));
        CHECK_EQ(close(fd), 0);
        CHECK_EQ(unlink("conf_fork_shared.dat"), 0);
        return conf_done();
}
