// SPDX-License-Identifier: MIT
// File private mapping, read: the mapping shows the file's bytes (also from
// a page offset), and zero past the end of the file in its last page.
#include "conf.h"

#define SIZE (3 * CONF_PAGE + 100)

int main(void)
{
        int fd = conf_make_file("conf_private_read.dat", SIZE, 1);
        conf_stop_if_failed();
        uint8_t *p = mmap(NULL, 4 * CONF_PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
        uint8_t *q = mmap(NULL, 2 * CONF_PAGE, PROT_READ, MAP_PRIVATE, fd, 2 * CONF_PAGE);
        CHECK(p != MAP_FAILED && q != MAP_FAILED);
        conf_stop_if_failed();
        CHECK(conf_has_pattern(p + 2 * CONF_PAGE, CONF_PAGE, 2 * CONF_PAGE, 1));
        CHECK(conf_has_pattern(p, SIZE, 0, 1));
        CHECK(conf_is_zero(p + SIZE, 4 * CONF_PAGE - SIZE));
        CHECK(conf_has_pattern(q, SIZE - 2 * CONF_PAGE, 2 * CONF_PAGE, 1));
        CHECK(conf_is_zero(q + SIZE - 2 * CONF_PAGE, 4 * CONF_PAGE - SIZE));
        CHECK_EQ(munmap(p, 4 * CONF_PAGE), 0);
        CHECK_EQ(munmap(q, 2 * CONF_PAGE), 0);
        CHECK_EQ(close(fd), 0);
        CHECK_EQ(unlink("conf_private_read.dat"), 0);
        return conf_done();
}
