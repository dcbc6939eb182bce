// SPDX-License-Identifier: MIT
// libsys's POSIX layer, the small stdio (formatted output, unbuffered, one
// write per call) and the string and number helpers programs need beyond
// kernel/common/string.c.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <mk/sys.h>

#define LINE_MAX_ 512 // longest output of one printf call (longer is cut)

struct posix_file {
        int fd;
};
static struct posix_file out_file = {STDOUT_FILENO}, err_file = {STDERR_FILENO};
FILE *const stdout = &out_file, *const stderr = &err_file;

int vsnprintf(char *buf, size_t len, const char *fmt, va_list ap)
{
        return mk_vsnprintf(buf, len, fmt, ap);
}

int snprintf(char *buf, size_t len, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        int n = mk_vsnprintf(buf, len, fmt, ap);
        va_end(ap);
        return n;
}

int vdprintf(int fd, const char *fmt, va_list ap)
{
        char buf[LINE_MAX_];
        int n = mk_vsnprintf(buf, sizeof(buf), fmt, ap);
        size_t len = strlen(buf);
        return write(fd, buf, len) < 0 ? -1 : n;
}

int dprintf(int fd, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        int n = vdprintf(fd, fmt, ap);
        va_end(ap);
        return n;
}

int printf(const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        int n = vdprintf(STDOUT_FILENO, fmt, ap);
        va_end(ap);
        return n;
}

int fprintf(FILE *f, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        int n = vdprintf(f->fd, fmt, ap);
        va_end(ap);
        return n;
}

int puts(const char *s)
{
        return printf("%s\n", s);
}

int putchar(int c)
{
        char ch = (char)c;
        return write(STDOUT_FILENO, &ch, 1) == 1 ? (unsigned char)c : -1;
}

int fflush(FILE *f)
{
        return 0;
}

// mk's error names ("ENOENT", ...): there is no message table.
const char *strerror(int err)
{
        return err_name(err);
}

static int digit_value(char c)
{
        return c >= '0' && c <= '9'   ? c - '0'
               : c >= 'a' && c <= 'z' ? c - 'a' + 10
               : c >= 'A' && c <= 'Z' ? c - 'A' + 10
                                      : 99;
}

// Base 0 (prefix decides: 0x hex, 0 octal, else decimal) or 2-36; no
// overflow check (ERANGE is never set).
long strtol(const char *s, char **end, int base)
{
        while (*s == ' ' || (*s >= '\t' && *s <= '\r'))
                s++;
        int neg = *s == '-';
        if (*s == '-' || *s == '+')
                s++;
        if ((base == 0 || base == 16) && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
            digit_value(s[2]) < 16) {
                s += 2;
                base = 16;
        } else if (base == 0) {
                base = s[0] == '0' ? 8 : 10;
        }
        unsigned long v = 0;
        for (; digit_value(*s) < base; s++)
                v = v * (unsigned long)base + (unsigned long)digit_value(*s);
        if (end)
                *end = (char *)s;
        return neg ? -(long)v : (long)v;
}

int atoi(const char *s)
{
        return (int)strtol(s, NULL, 10);
}
