// SPDX-License-Identifier: MIT
// Cut, then grown again: a file of two pages is mapped shared and its second
// page written through the mapping; the file is cut to one page and grown
// back to two: the second page reads zero through the mapping and through
// read(2), not what was there before.
#include "conf.h"

int main(void)
{
        int fd = conf_make_file("conf_truncate_regrow.dat", 2 * CONF_PAGE, 23);
        conf_stop_if_failed();
        uint8_t *s = mmap(NULL, 2 * CONF_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        CHECK(s != MAP_FAILED);
        conf_stop_if_failed();
        for (uint64_t i = 0; i < CONF_PAGE; i += 512)
                conf_write8(s + CONF_PAGE + i, 0x33);
        CHECK_EQ(ftruncate(fd, CONF_PAGE), 0);
        CHECK_EQ(ftruncate(fd, 2 * CONF_PAGE), 0);
        CHECK(conf_is_zero(s + CONF_PAGE, CONF_PAGE));
        static uint8_t buf[CONF_PAGE];
        CHECK(conf_pread_all(fd, buf, CONF_PAGE, CONF_PAGE));
        CHECK(conf_is_zero(buf, CONF_PAGE));
        CHECK(conf_has_pattern(s, CONF_PAGE, 0, 23));
        CHECK_EQ(munmap(s, 2 * CONF_PAGE), 0);
        CHECK_EQ(close(fd), 0);
        CHECK_EQ(unlink("conf_truncate_regrow.dat"), 0);
        return conf_done();
}
