// SPDX-License-Identifier: MIT
// Explicit guard page: reading a PROT_NONE mapping ends the process with
// "guard page" (Linux: SIGSEGV, SEGV_ACCERR).
#include "conf.h"

int main(void)
{
        uint8_t *g = mmap(NULL, CONF_PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        CHECK(g != MAP_FAILED);
        conf_stop_if_failed();
        conf_read8(g + 100);
        conf_no_fault("read a PROT_NONE mapping");
}
