// SPDX-License-Identifier: MIT
// BSS tail: zero-initialised data that starts inside the last page of the
// initialised data (the file's bytes end mid-page) reads as zero, in that
// page and in the next, while the data before it keeps its values.
#include "conf.h"

uint8_t tail_data[100] = {[0] = 1, [50] = 2, [99] = 3};
uint8_t tail_bss[6000];

int main(void)
{
        uintptr_t d = (uintptr_t)&tail_data[99], b = (uintptr_t)tail_bss;
        // The point of the scenario: the bss starts in the data's last page.
        CHECK(b > d && b / CONF_PAGE == d / CONF_PAGE);
        CHECK(conf_is_zero(tail_bss, sizeof(tail_bss)));
        CHECK_EQ(conf_read8(&tail_data[0]), 1);
        CHECK_EQ(conf_read8(&tail_data[50]), 2);
        CHECK_EQ(conf_read8(&tail_data[99]), 3);
        conf_write8(&tail_bss[0], 9);
        conf_write8(&tail_bss[5999], 10);
        CHECK_EQ(conf_read8(&tail_data[99]), 3);
        CHECK_EQ(conf_read8(&tail_bss[0]), 9);
        CHECK_EQ(conf_read8(&tail_bss[5999]), 10);
        CHECK(conf_is_zero(tail_bss + 1, sizeof(tail_bss) - 2));
        return conf_done();
}
