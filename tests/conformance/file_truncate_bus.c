// SPDX-License-Identifier: MIT
// Bus error after truncation: a file of two pages is mapped and its first
// page read; the file is truncated to one page; touching the second page of
// the mapping now ends the process with "bus error" (Linux: SIGBUS,
// BUS_ADRERR).
#include "conf.h"

int main(void)
{
        int fd = conf_make_file("conf_truncate_bus.dat", 2 * CONF_PAGE, 8);
        conf_stop_if_failed();
        uint8_t *p = mmap(NULL, 2 * CONF_PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
        CHECK(p != MAP_FAILED);
        conf_stop_if_failed();
        CHECK_EQ(conf_read8(p + 3), conf_pattern(3, 8));
        CHECK_EQ(ftruncate(fd, CONF_PAGE), 0);
        CHECK_EQ(conf_read8(p + 3), conf_pattern(3, 8));
        conf_stop_if_failed();
        conf_read8(p + CONF_PAGE + 3);
        conf_no_fault("read beyond the end of the truncated file");
}
