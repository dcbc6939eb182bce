// SPDX-License-Identifier: MIT
// Console printf for user programs, over the kernel's portable formatter.
#include <common/fmt.h>
#include <mk/sys.h>

int mk_vsnprintf(char *buf, size_t len, const char *fmt, va_list ap)
{
        return kvsnprintf(buf, len, fmt, ap);
}

int mk_snprintf(char *buf, size_t len, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        int n = kvsnprintf(buf, len, fmt, ap);
        va_end(ap);
        return n;
}

int mk_printf(const char *fmt, ...)
{
        char buf[512];
        va_list ap;
        va_start(ap, fmt);
        int n = kvsnprintf(buf, sizeof(buf), fmt, ap);
        va_end(ap);
        mk_debug_write(buf, strlen(buf));
        return n;
}
