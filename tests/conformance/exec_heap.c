// SPDX-License-Identifier: MIT
// Executing the heap is an access violation (Linux: SIGSEGV, SEGV_ACCERR).
#include "conf.h"

int main(void)
{
        uint8_t *p = sbrk(CONF_PAGE);
        CHECK(p != (uint8_t *)-1);
        conf_stop_if_failed();
        conf_write8(p, 0);
        conf_exec(p);
        conf_no_fault("execute the heap");
}
