// SPDX-License-Identifier: MIT
// Executing the stack is an access violation (Linux: SIGSEGV, SEGV_ACCERR):
// the stack is not executable (PT_GNU_STACK without X).
#include "conf.h"

int main(void)
{
        volatile uint8_t code[64];
        code[0] = 0;
        conf_exec((const void *)code);
        conf_no_fault("execute the stack");
}
