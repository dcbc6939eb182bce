// SPDX-License-Identifier: MIT
// Executing a read-write anonymous mapping (no PROT_EXEC) is an access
// violation (Linux: SIGSEGV, SEGV_ACCERR).
#include "conf.h"

int main(void)
{
        uint8_t *p =
            mmap(NULL, CONF_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        CHECK(p != MAP_FAILED);
        conf_stop_if_failed();
        conf_write8(p, 0);
        conf_exec(p);
        conf_no_fault("execute a mapping without PROT_EXEC");
}
