// SPDX-License-Identifier: MIT
// Ending a run: QEMU's isa-debug-exit device at I/O port 0xf4 (tools/lib.sh
// adds it). Writing v makes QEMU exit with (v << 1) | 1, so success is sent
// as v = 0x10 (exit 33) and a failure status s as v = s (exit 2s+1);
// tools/lib.sh guest_status maps these back. (A status of 0x10 would read as
// success; kernel statuses are EXIT_* = 0..3.)
#include <arch/regs.h>
#include <kernel/arch.h>
#include <kernel/kprintf.h>

#define DEBUG_EXIT_PORT    0xf4
#define DEBUG_EXIT_SUCCESS 0x10

void arch_exit(int status)
{
        cli();
        outl(DEBUG_EXIT_PORT, status == 0 ? DEBUG_EXIT_SUCCESS : (uint32_t)status);
        // Still here: no exit device. Say so rather than hang silently.
        kprintf("arch_exit(%d): no isa-debug-exit device at port 0x%x, halting\n", status,
                DEBUG_EXIT_PORT);
        for (;;)
                hlt();
}
