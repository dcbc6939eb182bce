// SPDX-License-Identifier: MIT
// Read-only data: the first reads of its pages (a table over three pages)
// return the values the program was built with.
#include "conf.h"

static const uint32_t table[3072] = {
    [0] = 0x12345678, [1] = 0x9abcdef0, [1500] = 0xdeadbeef, [3071] = 0xcafef00d};
static const char text[] = "read-only data, read back";

int main(void)
{
        CHECK_EQ(conf_read64(&table[1500]) & 0xffffffff, 0xdeadbeef);
        CHECK_EQ(table[3071], 0xcafef00d);
        CHECK_EQ(table[0], 0x12345678);
        CHECK_EQ(table[1], 0x9abcdef0);
        for (int i = 2; i < 3071; i++)
                if (i != 1500 && ((const volatile uint32_t *)table)[i] != 0)
                        CHECK_EQ(table[i], 0);
        CHECK(strcmp(text, "read-only data, read back") == 0);
        return conf_done();
}
