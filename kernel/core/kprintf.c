// SPDX-License-Identifier: MIT
// Kernel console output: kputs, kprintf and panic write to the arch console
// (the formatting itself is kernel/common/fmt.c).
#include <kernel/arch.h>
#include <kernel/kprintf.h>

void kputs(const char *s)
{
        for (; *s; s++) {
                if (*s == '\n')
                        arch_console_putc('\r');
                arch_console_putc(*s);
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
