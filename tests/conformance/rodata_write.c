// SPDX-License-Identifier: MIT
// Read-only data: a write is an access violation (Linux: SIGSEGV,
// SEGV_ACCERR), also after the page was read.
#include "conf.h"

static const uint32_t table[1024] = {[0] = 1, [1023] = 2};

int main(void)
{
        CHECK_EQ(conf_read8(&table[1023]), 2);
        conf_stop_if_failed();
        conf_write8((void *)(uintptr_t)&table[1023], 3);
        conf_no_fault("write to read-only data");
}
