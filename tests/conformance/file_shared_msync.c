// SPDX-License-Identifier: MIT
// File shared mapping, msync: writes through one mapping are seen at once by
// a second mapping of the file, and by read() after msync(MS_SYNC).
#include "conf.h"

#define SIZE (2 * CONF_PAGE)

int main(void)
{
        int fd = conf_make_file("conf_shared_msync.dat", SIZE, 3);
        conf_stop_if_failed();
        uint8_t *p = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        uint8_t *q = mmap(NULL, SIZE, PROT_READ, MAP_SHARED, fd, 0);
        CHECK(p != MAP_FAILED && q != MAP_FAILED);
        conf_stop_if_failed();
        CHECK(conf_has_pattern(q, SIZE, 0, 3));
        conf_write8(p + 7, 0xa7);
        conf_write8(p + CONF_PAGE + 9, 0xb9); // first access to that page of p
        CHECK_EQ(conf_read8(q + 7), 0xa7);
        CHECK_EQ(conf_read8(q + CONF_PAGE + 9), 0xb9);
        CHECK_EQ(msync(p, SIZE, MS_SYNC), 0);
        uint8_t b[2];
        CHECK(conf_pread_all(fd, &b[0], 1, 7));
        CHECK(conf_pread_all(fd, &b[1], 1, CONF_PAGE + 9));
        CHECK_EQ(b[0], 0xa7);
        CHECK_EQ(b[1], 0xb9);
        CHECK(conf_has_pattern(q + 8, CONF_PAGE, 8, 3));
        CHECK_EQ(munmap(p, SIZE), 0);
        CHECK_EQ(munmap(q, SIZE), 0);
        CHECK_EQ(close(fd), 0);
        CHECK_EQ(unlink("conf_shared_msync.dat"), 0);
        return conf_done();
}
