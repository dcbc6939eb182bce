// SPDX-License-Identifier: MIT
// Executing initialised data is an access violation (Linux: SIGSEGV,
// SEGV_ACCERR): the data segment is not executable.
#include "conf.h"

static uint8_t code[64] = {1, 2, 3};

int main(void)
{
        CHECK_EQ(conf_read8(&code[2]), 3);
        conf_stop_if_failed();
        conf_exec(code);
        conf_no_fault("execute data");
}
