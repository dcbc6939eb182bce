// SPDX-License-Identifier: MIT
// Zero page then write: pages first read (mk maps the shared zero page)
// then written get a private zeroed page each; pages only read stay zero,
// and so does a page of another mapping read afterwards (the zero page was
// never written). On mk the pager's counters show the zero page was used.
#include "conf.h"

int main(void)
{
        uint8_t *p =
            mmap(NULL, 4 * CONF_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        uint8_t *q =
            mmap(NULL, CONF_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        CHECK(p != MAP_FAILED && q != MAP_FAILED);
        conf_stop_if_failed();
        struct conf_counters before, after;
        int counted = conf_counters(&before);
        for (int i = 0; i < 4; i++)
                CHECK_EQ(conf_read64(p + i * CONF_PAGE + 8), 0);
        if (counted == 0 && conf_counters(&after) == 0)
                CHECK(after.zero_maps - before.zero_maps >= 4);
        conf_write8(p + 5, 0x11);
        CHECK_EQ(conf_read8(p + 5), 0x11);
        CHECK(conf_is_zero(p, 5));
        CHECK(conf_is_zero(p + 6, CONF_PAGE - 6));
        for (int i = 1; i < 4; i++)
                CHECK(conf_is_zero(p + i * CONF_PAGE, CONF_PAGE));
        conf_write8(p + CONF_PAGE + 5, 0x22);
        CHECK_EQ(conf_read8(p + CONF_PAGE + 5), 0x22);
        CHECK_EQ(conf_read8(p + 5), 0x11);
        CHECK(conf_is_zero(p + 2 * CONF_PAGE, 2 * CONF_PAGE));
        CHECK(conf_is_zero(q, CONF_PAGE));
        return conf_done();
}
