// SPDX-License-Identifier: MIT
// Register dump of a trap frame, for fatal kernel traps: the trap CSRs, satp
// and all 32 GPRs by ABI name.
#include <kernel/kprintf.h>
#include <arch/regs.h>
#include <arch/trap.h>

static const char *const gpr_names[32] = {
    "zero", "ra", "sp", "gp", "tp",  "t0",  "t1", "t2", "s0", "s1", "a0",
    "a1",   "a2", "a3", "a4", "a5",  "a6",  "a7", "s2", "s3", "s4", "s5",
    "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

#define DUMP_REGS_PER_LINE 4

// Prints sepc, sstatus, scause, stval, satp and all GPRs of the frame.
void trap_dump(const struct trap_frame *tf)
{
        kprintf("  sepc    0x%016lx  sstatus 0x%016lx\n", tf->sepc, tf->sstatus);
        kprintf("  scause  0x%016lx  stval   0x%016lx\n", tf->scause, tf->stval);
        kprintf("  satp    0x%016lx\n", csr_read(satp));
        for (unsigned i = 0; i < 32; i++) {
                kprintf("  %-4s 0x%016lx%s", gpr_names[i], tf->x[i],
                        i % DUMP_REGS_PER_LINE == DUMP_REGS_PER_LINE - 1 ? "\n" : "");
        }
}
