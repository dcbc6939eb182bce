// SPDX-License-Identifier: MIT
// A PROT_READ anonymous mapping reads as zero; a write to it is an access
// violation (Linux: SIGSEGV, SEGV_ACCERR).
#include "conf.h"

int main(void)
{
        uint8_t *p = mmap(NULL, 2 * CONF_PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        CHECK(p != MAP_FAILED);
        conf_stop_if_failed();
        CHECK(conf_is_zero(p, CONF_PAGE));
        conf_stop_if_failed();
        conf_write8(p + CONF_PAGE + 8, 1);
        conf_no_fault("write to a PROT_READ mapping");
}
