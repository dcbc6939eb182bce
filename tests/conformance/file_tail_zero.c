// SPDX-License-Identifier: MIT
// End of file inside a page: the bytes after it read as zero through shared
// and private mappings; a write there through a shared mapping is allowed
// but does not make the file longer.
#include "conf.h"

#define SIZE 100

int main(void)
{
        int fd = conf_make_file("conf_tail_zero.dat", SIZE, 6);
        conf_stop_if_failed();
        uint8_t *p = mmap(NULL, CONF_PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
        uint8_t *s = mmap(NULL, CONF_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        CHECK(p != MAP_FAILED && s != MAP_FAILED);
        conf_stop_if_failed();
        CHECK(conf_has_pattern(p, SIZE, 0, 6));
        CHECK(conf_is_zero(p + SIZE, CONF_PAGE - SIZE));
        CHECK(conf_has_pattern(s, SIZE, 0, 6));
        CHECK(conf_is_zero(s + SIZE, CONF_PAGE - SIZE));
        conf_write8(s + 2000, 0x77);
        CHECK_EQ(conf_read8(s + 2000), 0x77);
        CHECK_EQ(msync(s, CONF_PAGE, MS_SYNC), 0);
        struct stat st;
        CHECK_EQ(fstat(fd, &st), 0);
        CHECK_EQ(st.st_size, SIZE);
        static uint8_t buf[CONF_PAGE];
        CHECK_EQ(pread(fd, buf, CONF_PAGE, 0), SIZE);
        CHECK_EQ(close(fd), 0);
        CHECK_EQ(unlink("conf_tail_zero.dat"), 0);
        return conf_done();
}
