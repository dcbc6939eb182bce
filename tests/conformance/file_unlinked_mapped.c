// SPDX-License-Identifier: MIT
// A mapping keeps its file: a file mapped shared, closed and unlinked still
// reads its data through the mapping, a file created afterwards does not get
// its memory, and writes through the old mapping never reach the new file.
#include "conf.h"

int main(void)
{
        int fd = open("conf_unlinked_a.dat", O_RDWR | O_CREAT | O_TRUNC, 0644);
        CHECK(fd >= 0);
        conf_stop_if_failed();
        CHECK_EQ(write(fd, "AAAA", 4), 4);
        uint8_t *p = mmap(NULL, CONF_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        CHECK(p != MAP_FAILED);
        conf_stop_if_failed();
        CHECK_EQ(conf_read8(p), 'A');
        CHECK_EQ(close(fd), 0);
        CHECK_EQ(unlink("conf_unlinked_a.dat"), 0);
        int fb = open("conf_unlinked_b.dat", O_RDWR | O_CREAT | O_TRUNC, 0644);
        CHECK(fb >= 0);
        conf_stop_if_failed();
        CHECK_EQ(write(fb, "BBBB", 4), 4);
        CHECK(memcmp(p, "AAAA", 4) == 0);
        conf_write8(p + 1, 'X');
        char buf[4];
        CHECK(conf_pread_all(fb, buf, 4, 0));
        CHECK(memcmp(buf, "BBBB", 4) == 0);
        CHECK_EQ(conf_read8(p + 1), 'X');
        CHECK_EQ(munmap(p, CONF_PAGE), 0);
        CHECK_EQ(close(fb), 0);
        CHECK_EQ(unlink("conf_unlinked_b.dat"), 0);
        return conf_done();
}
