// SPDX-License-Identifier: MIT
// A read at an address no user mapping can have on any arch (bit 63 set:
// non-canonical on x86_64, where it raises #GP rather than a page fault; in
// the kernel's half on aarch64 and riscv64) ends the process with "no
// mapping" (Linux: SIGSEGV; x86_64 reports si_code SI_KERNEL, arm64 and
// riscv SEGV_MAPERR).
#include "conf.h"

int main(void)
{
        conf_read8(conf_addr(0x8000000000001000ull));
        conf_no_fault("the read of a non-canonical address");
}
