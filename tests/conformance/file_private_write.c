// SPDX-License-Identifier: MIT
// File private mapping, write: writes (one after a read, one as the page's
// first access) are seen through the mapping only: read(), msync and a new
// mapping all still show the file's original bytes.
#include "conf.h"

#define SIZE (2 * CONF_PAGE)

int main(void)
{
        int fd = conf_make_file("conf_private_write.dat", SIZE, 2);
        conf_stop_if_failed();
        uint8_t *p = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
        CHECK(p != MAP_FAILED);
        conf_stop_if_failed();
        CHECK_EQ(conf_read8(p + 10), conf_pattern(10, 2));
        conf_write8(p + 10, (uint8_t)~conf_pattern(10, 2));
        conf_write8(p + CONF_PAGE + 20, (uint8_t)~conf_pattern(CONF_PAGE + 20, 2));
        CHECK_EQ(conf_read8(p + 10), (uint8_t)~conf_pattern(10, 2));
        CHECK_EQ(conf_read8(p + CONF_PAGE + 20), (uint8_t)~conf_pattern(CONF_PAGE + 20, 2));
        CHECK(conf_has_pattern(p + CONF_PAGE + 21, CONF_PAGE - 21, CONF_PAGE + 21, 2));
        CHECK_EQ(msync(p, SIZE, MS_SYNC), 0);
        static uint8_t buf[SIZE];
        CHECK(conf_pread_all(fd, buf, SIZE, 0));
        CHECK(conf_has_pattern(buf, SIZE, 0, 2));
        CHECK_EQ(munmap(p, SIZE), 0);
        CHECK(conf_pread_all(fd, buf, SIZE, 0));
        CHECK(conf_has_pattern(buf, SIZE, 0, 2));
        p = mmap(NULL, SIZE, PROT_READ, MAP_PRIVATE, fd, 0);
        CHECK(p != MAP_FAILED);
        conf_stop_if_failed();
        CHECK(conf_has_pattern(p, SIZE, 0, 2));
        CHECK_EQ(close(fd), 0);
        CHECK_EQ(unlink("conf_private_write.dat"), 0);
        return conf_done();
}
