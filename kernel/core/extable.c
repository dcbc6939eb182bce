// SPDX-License-Identifier: MIT
// Exception-table lookup and the fatal kernel-fault report.
#include <kernel/arch.h>
#include <kernel/extable.h>
#include <kernel/kprintf.h>

extern const struct extable_entry __extable_start[], __extable_end[];

struct fault_info kfault_last;
unsigned long kfault_count;

uint64_t extable_fixup(uint64_t ip, const struct fault_info *f)
{
        for (const struct extable_entry *e = __extable_start; e < __extable_end; e++) {
                if (e->insn == ip) {
                        kfault_last = *f;
                        kfault_count++;
                        return e->fixup;
                }
        }
        return 0;
}

void kfault_fatal(const struct fault_info *f)
{
        char buf[256];
        arch_irq_disable();
        kprintf("KERNEL FAULT: %s\n", fault_describe(f, buf, sizeof(buf)));
        arch_exit(EXIT_PANIC);
}
