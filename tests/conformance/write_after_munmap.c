// SPDX-License-Identifier: MIT
// No mapping: writing to a mapping after munmap ends the process with "no
// mapping" (Linux: SIGSEGV, SEGV_MAPERR), even though the page was mapped
// and written before.
#include "conf.h"

int main(void)
{
        uint8_t *p =
            mmap(NULL, CONF_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        CHECK(p != MAP_FAILED);
        conf_stop_if_failed();
        conf_write8(p, 1);
        CHECK_EQ(munmap(p, CONF_PAGE), 0);
        conf_stop_if_failed();
        conf_write8(p, 2);
        conf_no_fault("write after munmap");
}
