// SPDX-License-Identifier: MIT
// Truncation reaches pages already mapped: a file of three pages is mapped
// shared and both its last pages are read (mapped) and the last written;
// the file is cut to one page and a half; the page holding the new end
// reads the file up to the end and zeros after it; touching the third page
// of the mapping ends the process with "bus error" (Linux: SIGBUS,
// BUS_ADRERR), whatever was mapped there before.
#include "conf.h"

int main(void)
{
        int fd = conf_make_file("conf_truncate_mapped.dat", 3 * CONF_PAGE, 21);
        conf_stop_if_failed();
        uint8_t *s = mmap(NULL, 3 * CONF_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        CHECK(s != MAP_FAILED);
        conf_stop_if_failed();
        CHECK_EQ(conf_read8(s + CONF_PAGE + 5), conf_pattern(CONF_PAGE + 5, 21));
        conf_write8(s + 2 * CONF_PAGE + 5, 0x5a);
        CHECK_EQ(conf_read8(s + 2 * CONF_PAGE + 5), 0x5a);
        CHECK_EQ(ftruncate(fd, CONF_PAGE + CONF_PAGE / 2), 0);
        CHECK(conf_has_pattern(s + CONF_PAGE, CONF_PAGE / 2, CONF_PAGE, 21));
        CHECK(conf_is_zero(s + CONF_PAGE + CONF_PAGE / 2, CONF_PAGE / 2));
        conf_stop_if_failed();
        conf_read8(s + 2 * CONF_PAGE + 5);
        conf_no_fault("read of a mapped page past the new end of the file");
}
