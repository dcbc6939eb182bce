// SPDX-License-Identifier: MIT
// Ends the QEMU run through the sifive_test device.
#include <kernel/arch.h>
#include <kernel/kprintf.h>
#include <arch/asm.h>
#include <arch/memlayout.h>
#include <arch/platform.h>
#include <arch/regs.h>

_Static_assert(ASM_EXIT_PANIC == EXIT_PANIC, "entry.S boot_early_trap status");

// QEMU's exit status is 8 bits wide: a failure whose low byte is 0 would read
// as success, so it becomes EXIT_STATUS_FALLBACK.
#define EXIT_STATUS_MASK     0xff
#define EXIT_STATUS_FALLBACK 0xff

// 0 -> SIFIVE_TEST_PASS (QEMU exits 0); otherwise SIFIVE_TEST_FAIL with the
// status (never 0) in bits 31:16. Parks if the device does not stop QEMU.
NORETURN void arch_exit(int status)
{
        volatile uint32_t *dev = phys_to_virt(SIFIVE_TEST_PHYS);
        uint32_t code = (uint32_t)status & EXIT_STATUS_MASK;

        if (status != 0 && code == 0)
                code = EXIT_STATUS_FALLBACK;
        csr_clear(sstatus, SSTATUS_SIE);
        *dev = status == 0 ? SIFIVE_TEST_PASS : SIFIVE_TEST_FAIL | (code << SIFIVE_TEST_CODE_SHIFT);
        for (;;)
                wfi();
}
