// SPDX-License-Identifier: MIT
// Ending a run: semihosting SYS_EXIT_EXTENDED makes QEMU exit with the status
// itself (needs -semihosting-config enable=on, as tools/lib.sh passes).
#include <arch/regs.h>
#include <kernel/arch.h>
#include <kernel/kprintf.h>

#define STR_(x) #x
#define STR(x)  STR_(x)

// Issues a semihosting call: op in x0, parameter block address in x1.
static uint64_t semihost_call(uint64_t op, const void *arg)
{
        register uint64_t x0 __asm__("x0") = op;
        register uint64_t x1 __asm__("x1") = (uint64_t)arg;
        __asm__ volatile("hlt #" STR(SEMIHOST_HLT_IMM) : "+r"(x0) : "r"(x1) : "memory");
        return x0;
}

// Without semihosting the hlt traps (undefined instruction), the trap handler
// panics and lands here again: the second time, stop the CPU instead. Never
// falls back to PSCI SYSTEM_OFF, which would report success for any status.
NORETURN void arch_exit(int status)
{
        static volatile int exiting, first_status;
        static uint64_t block[2];
        irq_disable();
        if (!exiting) {
                exiting = 1;
                first_status = status;
                block[0] = ADP_STOPPED_APP_EXIT;
                block[1] = (uint64_t)(int64_t)status;
                semihost_call(SEMIHOST_SYS_EXIT_EXTENDED, block);
        }
        kprintf("arch_exit: semihosting unavailable, halting (status %d)\n", first_status);
        for (;;)
                wfi();
}
