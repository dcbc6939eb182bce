// SPDX-License-Identifier: MIT
// No mapping: reading address 0 ends the process with "no mapping" (Linux:
// SIGSEGV, SEGV_MAPERR).
#include "conf.h"

int main(void)
{
        conf_read8(conf_addr(0));
        conf_no_fault("read address 0");
}
