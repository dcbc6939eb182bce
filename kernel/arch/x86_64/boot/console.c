// SPDX-License-Identifier: MIT
// Loader console: a small printf to the firmware's ConOut (which QEMU's OVMF
// also copies to the serial port) and, after ExitBootServices, straight to
// COM1. Failure reporting and the QEMU exit live here too.
#include <stdarg.h>
#include "cpu.h"
#include "loader.h"

#define CON_CHUNK     128    // CHAR16s per OutputString call
#define UART_SPIN_MAX 100000 // polls of LSR before giving up on a byte

static int con_serial; // set after ExitBootServices: ConOut is gone
static CHAR16 con_buf[CON_CHUNK + 1];
static unsigned con_len;

// Switches the console to COM1: boot services (and ConOut) are gone.
void con_boot_services_gone(void)
{
        con_serial = 1;
}

// Writes one byte to COM1, waiting (boundedly) for room in the UART.
static void uart_putc(char c)
{
        for (unsigned i = 0; i < UART_SPIN_MAX; i++)
                if (inb(COM1_BASE + UART_LSR) & UART_LSR_THRE)
                        break;
        outb(COM1_BASE + UART_THR, (uint8_t)c);
}

// Sends the buffered characters to ConOut.
static void con_flush(void)
{
        if (con_len == 0)
                return;
        con_buf[con_len] = 0;
        loader_st->ConOut->OutputString(loader_st->ConOut, con_buf);
        con_len = 0;
}

// Emits one character, turning "\n" into "\r\n".
static void con_putc(char c)
{
        if (c == '\n')
                con_putc('\r');
        if (con_serial) {
                uart_putc(c);
                return;
        }
        if (con_len == CON_CHUNK)
                con_flush();
        con_buf[con_len++] = (CHAR16)(uint8_t)c;
}

// Emits an unsigned number in base 10 or 16, right-aligned in `width`
// columns padded with `pad`.
static void con_putnum(uint64_t v, unsigned base, unsigned width, char pad)
{
        char digits[24];
        unsigned n = 0;
        do {
                digits[n++] = "0123456789abcdef"[v % base];
                v /= base;
        } while (v);
        while (width > n) {
                con_putc(pad);
                width--;
        }
        while (n)
                con_putc(digits[--n]);
}

// The printf engine: %s %c %d %u %x %p %%, length l/ll/z (z and ll are 64
// bits, l is 32: the PE target is LLP64), width, '0' flag.
static void con_vprintf(const char *fmt, va_list ap)
{
        for (; *fmt; fmt++) {
                if (*fmt != '%') {
                        con_putc(*fmt);
                        continue;
                }
                fmt++;
                char pad = ' ';
                unsigned width = 0, longs = 0;
                if (*fmt == '0') {
                        pad = '0';
                        fmt++;
                }
                while (*fmt >= '0' && *fmt <= '9')
                        width = width * 10 + (unsigned)(*fmt++ - '0');
                while (*fmt == 'l' || *fmt == 'z')
                        longs += (*fmt++ == 'z') ? 2 : 1;
                uint64_t u;
                switch (*fmt) {
                case 's': {
                        const char *s = va_arg(ap, const char *);
                        for (s = s ? s : "(null)"; *s; s++)
                                con_putc(*s);
                        break;
                }
                case 'c':
                        con_putc((char)va_arg(ap, int));
                        break;
                case 'd': {
                        int64_t v = longs >= 2 ? va_arg(ap, long long)
                                    : longs    ? va_arg(ap, long)
                                               : va_arg(ap, int);
                        if (v < 0)
                                con_putc('-');
                        con_putnum(v < 0 ? -(uint64_t)v : (uint64_t)v, 10, width, pad);
                        break;
                }
                case 'u':
                case 'x':
                        u = longs >= 2 ? va_arg(ap, unsigned long long)
                            : longs    ? va_arg(ap, unsigned long)
                                       : va_arg(ap, unsigned);
                        con_putnum(u, *fmt == 'u' ? 10 : 16, width, pad);
                        break;
                case 'p':
                        con_putc('0');
                        con_putc('x');
                        con_putnum((uintptr_t)va_arg(ap, void *), 16, width, pad);
                        break;
                case '%':
                        con_putc('%');
                        break;
                default: // unknown conversion: show it, consume nothing
                        con_putc('%');
                        if (!*fmt)
                                return;
                        con_putc(*fmt);
                }
        }
}

// Formats and prints to the console.
void con_printf(const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        con_vprintf(fmt, ap);
        va_end(ap);
        if (!con_serial)
                con_flush();
}

// Ends the run after a fatal error was printed: QEMU exits with guest status
// LOADER_EXIT_FAIL; without the exit device, control goes back to the
// firmware if it still runs, else the CPU halts.
static __attribute__((noreturn)) void loader_die(void)
{
        outl(QEMU_EXIT_PORT, LOADER_EXIT_FAIL);
        if (!con_serial)
                loader_bs->Exit(loader_image, EFI_LOAD_ERROR, 0, NULL);
        for (;;) {
                cli();
                hlt();
        }
}

// Reports a fatal loader (firmware) error and ends the run.
void loader_fail(const char *fmt, ...)
{
        va_list ap;
        con_printf("loader: error: ");
        va_start(ap, fmt);
        con_vprintf(fmt, ap);
        va_end(ap);
        con_printf("\n");
        loader_die();
}

// Reports a bad boot input the way the kernel does and ends the run.
void loader_bad_input(const char *what, const char *fmt, ...)
{
        va_list ap;
        con_printf("loader: BAD BOOT INPUT: %s: ", what);
        va_start(ap, fmt);
        con_vprintf(fmt, ap);
        va_end(ap);
        con_printf("\n");
        loader_die();
}
