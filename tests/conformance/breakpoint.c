// SPDX-License-Identifier: MIT
// A breakpoint instruction (x86_64 int3, aarch64 brk, riscv64 ebreak) with
// no debugger ends the process with "breakpoint" (Linux: SIGTRAP; x86_64
// reports si_code SI_KERNEL, arm64 and riscv TRAP_BRKPT).
#include "conf.h"

int main(void)
{
        conf_breakpoint();
        conf_no_fault("the breakpoint instruction");
}
