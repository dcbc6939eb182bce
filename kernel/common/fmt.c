// SPDX-License-Identifier: MIT
// Formatting, shared by the kernel and user space (kernel/common): kvsnprintf
// and ksnprintf. The kernel's console output (kprintf, panic) is
// kernel/core/kprintf.c; libsys's mk_printf is libsys/src/printf.c.
#include <common/fmt.h>
#include <common/string.h>

struct outbuf {
        char *buf;
        size_t len, pos;
};

static void out(struct outbuf *o, char c)
{
        if (o->pos + 1 < o->len)
                o->buf[o->pos] = c;
        o->pos++;
}

static void out_num(struct outbuf *o, unsigned long long v, unsigned base, bool upper, bool neg,
                    int width, bool zero, bool left)
{
        char tmp[24];
        const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
        int n = 0;
        do {
                tmp[n++] = digits[v % base];
                v /= base;
        } while (v);
        int len = n + (neg ? 1 : 0);
        if (!left && !zero)
                for (; width > len; width--)
                        out(o, ' ');
        if (neg)
                out(o, '-');
        if (!left && zero)
                for (; width > len; width--)
                        out(o, '0');
        while (n)
                out(o, tmp[--n]);
        if (left)
                for (; width > len; width--)
                        out(o, ' ');
}

// Formats into buf (always NUL-terminated when len > 0); returns the length
// the full output would have had.
int kvsnprintf(char *buf, size_t len, const char *fmt, va_list ap)
{
        struct outbuf o = {buf, len, 0};
        for (; *fmt; fmt++) {
                if (*fmt != '%') {
                        out(&o, *fmt);
                        continue;
                }
                fmt++;
                bool zero = false, left = false;
                for (;; fmt++) {
                        if (*fmt == '0')
                                zero = true;
                        else if (*fmt == '-')
                                left = true;
                        else
                                break;
                }
                int width = 0;
                while (*fmt >= '0' && *fmt <= '9')
                        width = width * 10 + (*fmt++ - '0');
                int lng = 0;
                while (*fmt == 'l' || *fmt == 'z') {
                        lng++;
                        fmt++;
                }
                unsigned long long u;
                long long s;
                switch (*fmt) {
                case 'd':
                case 'i':
                        s = lng ? va_arg(ap, long long) : va_arg(ap, int);
                        u = s < 0 ? 0ull - (unsigned long long)s : (unsigned long long)s;
                        out_num(&o, u, 10, false, s < 0, width, zero, left);
                        break;
                case 'u':
                case 'x':
                case 'X':
                        u = lng ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned);
                        out_num(&o, u, *fmt == 'u' ? 10 : 16, *fmt == 'X', false, width, zero,
                                left);
                        break;
                case 'p':
                        out(&o, '0');
                        out(&o, 'x');
                        out_num(&o, (uintptr_t)va_arg(ap, void *), 16, false, false, width, zero,
                                left);
                        break;
                case 's': {
                        const char *str = va_arg(ap, const char *);
                        if (!str)
                                str = "(null)";
                        int l = (int)strlen(str);
                        if (!left)
                                for (; width > l; width--)
                                        out(&o, ' ');
                        while (*str)
                                out(&o, *str++);
                        if (left)
                                for (; width > l; width--)
                                        out(&o, ' ');
                        break;
                }
                case 'c':
                        out(&o, (char)va_arg(ap, int));
                        break;
                case '%':
                        out(&o, '%');
                        break;
                case '\0':
                        fmt--;
                        break;
                default:
                        out(&o, '%');
                        out(&o, *fmt);
                }
        }
        if (len)
                buf[o.pos < len ? o.pos : len - 1] = '\0';
        return (int)o.pos;
}

int ksnprintf(char *buf, size_t len, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        int n = kvsnprintf(buf, len, fmt, ap);
        va_end(ap);
        return n;
}
