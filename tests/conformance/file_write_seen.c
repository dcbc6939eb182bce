// SPDX-License-Identifier: MIT
// write() into a mapped file is seen by a shared mapping whose page is
// already mapped, and by a private mapping whose page was not touched yet.
#include "conf.h"

#define SIZE (2 * CONF_PAGE)

int main(void)
{
        int fd = conf_make_file("conf_write_seen.dat", SIZE, 5);
        conf_stop_if_failed();
        uint8_t *s = mmap(NULL, SIZE, PROT_READ, MAP_SHARED, fd, 0);
        uint8_t *p = mmap(NULL, SIZE, PROT_READ, MAP_PRIVATE, fd, 0);
        CHECK(s != MAP_FAILED && p != MAP_FAILED);
        conf_stop_if_failed();
        CHECK_EQ(conf_read8(s + 1), conf_pattern(1, 5));
        CHECK_EQ(conf_read8(s + CONF_PAGE + 1), conf_pattern(CONF_PAGE + 1, 5));
        const char msg[] = "written by pwrite";
        CHECK_EQ(pwrite(fd, msg, sizeof(msg), 100), sizeof(msg));
        CHECK_EQ(pwrite(fd, msg, sizeof(msg), CONF_PAGE + 100), sizeof(msg));
        CHECK(memcmp((const void *)(s + 100), msg, sizeof(msg)) == 0);
        CHECK(memcmp((const void *)(s + CONF_PAGE + 100), msg, sizeof(msg)) == 0);
        CHECK(memcmp((const void *)(p + CONF_PAGE + 100), msg, sizeof(msg)) == 0);
        CHECK(conf_has_pattern(p + CONF_PAGE, 100, CONF_PAGE, 5));
        CHECK_EQ(close(fd), 0);
        CHECK_EQ(unlink("conf_write_seen.dat"), 0);
        return conf_done();
}
