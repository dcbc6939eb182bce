// SPDX-License-Identifier: MIT
// Truncation reaches private copies too: a file of two pages is mapped
// private and its second page written (the process's own copy); the file is
// cut to one page; touching the copy ends the process with "bus error"
// (Linux removes private copies past the new end as well: SIGBUS,
// BUS_ADRERR).
#include "conf.h"

int main(void)
{
        int fd = conf_make_file("conf_truncate_private.dat", 2 * CONF_PAGE, 22);
        conf_stop_if_failed();
        uint8_t *p = mmap(NULL, 2 * CONF_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
        CHECK(p != MAP_FAILED);
        conf_stop_if_failed();
        conf_write8(p + CONF_PAGE + 9, 0xa5);
        CHECK_EQ(conf_read8(p + CONF_PAGE + 9), 0xa5);
        CHECK_EQ(conf_read8(p + 9), conf_pattern(9, 22));
        CHECK_EQ(ftruncate(fd, CONF_PAGE), 0);
        CHECK_EQ(conf_read8(p + 9), conf_pattern(9, 22));
        conf_stop_if_failed();
        conf_read8(p + CONF_PAGE + 9);
        conf_no_fault("read of a private copy past the new end of the file");
}
