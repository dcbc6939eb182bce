// SPDX-License-Identifier: MIT
// Bus error: two pages mapped from a one-page file; the first page reads
// fine, the second is beyond the end of the file and ends the process with
// "bus error" (Linux: SIGBUS, BUS_ADRERR).
#include "conf.h"

int main(void)
{
        int fd = conf_make_file("conf_bus_error.dat", CONF_PAGE, 7);
        conf_stop_if_failed();
        uint8_t *p = mmap(NULL, 2 * CONF_PAGE, PROT_READ, MAP_SHARED, fd, 0);
        CHECK(p != MAP_FAILED);
        conf_stop_if_failed();
        CHECK(conf_has_pattern(p, CONF_PAGE, 0, 7));
        conf_stop_if_failed();
        conf_read8(p + CONF_PAGE + 1);
        conf_no_fault("read beyond the end of the file");
}
