// SPDX-License-Identifier: MIT
// File shared mapping, munmap: writes through a shared mapping reach the file
// when it is unmapped (no msync): read() through a new descriptor and a new
// mapping see them.
#include "conf.h"

#define SIZE (3 * CONF_PAGE)

int main(void)
{
        int fd = conf_make_file("conf_shared_munmap.dat", SIZE, 4);
        conf_stop_if_failed();
        uint8_t *p = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        CHECK(p != MAP_FAILED);
        conf_stop_if_failed();
        for (int i = 0; i < 3; i++)
                conf_write64(p + i * CONF_PAGE + 128, 0x0123456789abcdefull + (uint64_t)i);
        CHECK_EQ(munmap(p, SIZE), 0);
        CHECK_EQ(close(fd), 0);
        fd = open("conf_shared_munmap.dat", O_RDONLY);
        CHECK(fd >= 0);
        conf_stop_if_failed();
        for (int i = 0; i < 3; i++) {
                uint64_t v = 0;
                CHECK(conf_pread_all(fd, &v, 8, i * CONF_PAGE + 128));
                CHECK_EQ(v, 0x0123456789abcdefull + (uint64_t)i);
        }
        p = mmap(NULL, SIZE, PROT_READ, MAP_SHARED, fd, 0);
        CHECK(p != MAP_FAILED);
        conf_stop_if_failed();
        CHECK_EQ(conf_read64(p + 2 * CONF_PAGE + 128), 0x0123456789abcdefull + 2);
        CHECK(conf_has_pattern(p, 128, 0, 4));
        CHECK_EQ(munmap(p, SIZE), 0);
        CHECK_EQ(close(fd), 0);
        CHECK_EQ(unlink("conf_shared_munmap.dat"), 0);
        return conf_done();
}
