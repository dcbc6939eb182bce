// SPDX-License-Identifier: MIT
// BSS: 64 KiB of zero-initialised data reads as zero on first read (every
// page), then holds what is written; some pages are first touched by a write.
#include "conf.h"

static uint8_t bss[64 << 10];

int main(void)
{
        for (unsigned i = 0; i < sizeof(bss); i += 2 * CONF_PAGE)
                CHECK(conf_is_zero(bss + i, CONF_PAGE));
        for (unsigned i = 0; i < sizeof(bss); i += CONF_PAGE / 2)
                conf_write8(bss + i, (uint8_t)(i / 2048 + 1));
        for (unsigned i = 0; i < sizeof(bss); i++) {
                uint8_t want = i % (CONF_PAGE / 2) ? 0 : (uint8_t)(i / 2048 + 1);
                if (conf_read8(bss + i) != want) {
                        CHECK_EQ(bss[i], want);
                        break;
                }
        }
        return conf_done();
}
