// SPDX-License-Identifier: MIT
#include "harness.h"
#include <common/fmt.h>

// Some cases pass formats the compiler would reject on purpose.
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-security"
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

static char b[128];

static void formats(void)
{
        ksnprintf(b, sizeof(b), "%d %i %u %x %X %c %s %%", -12, 7, 4000000000u, 0xbeef, 0xbeef, 'z',
                  "str");
        EXPECT(strcmp(b, "-12 7 4000000000 beef BEEF z str %") == 0);
        ksnprintf(b, sizeof(b), "%lld %llx %zu %lu", -9000000000ll, 0xffffffffffffffffull,
                  (size_t)42, 7ul);
        EXPECT(strcmp(b, "-9000000000 ffffffffffffffff 42 7") == 0);
}

static void widths(void)
{
        ksnprintf(b, sizeof(b), "[%5d][%-5d][%05d][%08x][%-4s][%4s]", 42, 42, -42, 0xab, "a", "b");
        EXPECT(strcmp(b, "[   42][42   ][-0042][000000ab][a   ][   b]") == 0);
}

static void truncation(void)
{
        char s[8];
        int n = ksnprintf(s, sizeof(s), "%s", "0123456789");
        EXPECT_EQ(n, 10);
        EXPECT(strcmp(s, "0123456") == 0);
        EXPECT_EQ(ksnprintf(NULL, 0, "%d", 12345), 5);
}

static void edge_values(void)
{
        ksnprintf(b, sizeof(b), "%lld %p %s", (long long)(-9223372036854775807ll - 1), (void *)0x10,
                  (char *)NULL);
        EXPECT(strcmp(b, "-9223372036854775808 0x10 (null)") == 0);
        // Unknown conversions print literally; a trailing % is dropped.
        const char *fmt = "%q trailing %";
        ksnprintf(b, sizeof(b), fmt);
        EXPECT(strcmp(b, "%q trailing ") == 0);
}

int main(void)
{
        h_suite = "kprintf";
        RUN(formats);
        RUN(widths);
        RUN(truncation);
        RUN(edge_values);
        return DONE();
}
