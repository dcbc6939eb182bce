// SPDX-License-Identifier: MIT
// Kernel console output: kputs, kprintf and panic write to the arch console
// (the formatting itself is kernel/common/fmt.c).
#include <kernel/arch.h>
#include <kernel/kprintf.h>
#include <kernel/smp.h>
#include <kernel/spinlock.h>

// One CPU writes at a time, a whole string each; a CPU that prints while it
// holds the console (an interrupt during a print) goes on without waiting.
static struct spinlock console_lock = SPINLOCK_INIT;
static uint32_t console_owner = UINT32_MAX;

void kputs(const char *s)
{
        uint32_t me = this_cpu()->id;
        bool mine = __atomic_load_n(&console_owner, __ATOMIC_RELAXED) == me;
        if (!mine) {
                spin_lock(&console_lock);
                __atomic_store_n(&console_owner, me, __ATOMIC_RELAXED);
        }
        for (; *s; s++) {
                if (*s == '\n')
                        arch_console_putc('\r');
                arch_console_putc(*s);
        }
        if (!mine) {
                __atomic_store_n(&console_owner, UINT32_MAX, __ATOMIC_RELAXED);
                spin_unlock(&console_lock);
        }
}

// Formats into a bounded buffer and writes it; long lines are cut at 512.
void kprintf(const char *fmt, ...)
{
        char buf[512];
        va_list ap;
        va_start(ap, fmt);
        kvsnprintf(buf, sizeof(buf), fmt, ap);
        va_end(ap);
        kputs(buf);
}

void panic(const char *fmt, ...)
{
        char buf[512];
        va_list ap;
        arch_irq_disable();
        va_start(ap, fmt);
        kvsnprintf(buf, sizeof(buf), fmt, ap);
        va_end(ap);
        kputs("PANIC: ");
        kputs(buf);
        kputs("\n");
        arch_exit(EXIT_PANIC);
}
