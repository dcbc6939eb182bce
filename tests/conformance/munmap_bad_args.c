// SPDX-License-Identifier: MIT
// munmap's errors, as on Linux: an unaligned address or length 0 -> EINVAL;
// unmapping a range with nothing mapped (or twice) succeeds.
#include "conf.h"

int main(void)
{
        uint8_t *p =
            mmap(NULL, 3 * CONF_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        CHECK(p != MAP_FAILED);
        conf_stop_if_failed();
        CHECK_ERR(munmap(p + 1, CONF_PAGE), EINVAL);
        CHECK_ERR(munmap(p, 0), EINVAL);
        CHECK_EQ(munmap(p + CONF_PAGE, CONF_PAGE), 0);
        CHECK_EQ(munmap(p + CONF_PAGE, CONF_PAGE), 0);
        CHECK_EQ(munmap(p, 3 * CONF_PAGE), 0);
        CHECK_EQ(munmap(p, 3 * CONF_PAGE), 0);
        // An unaligned length is rounded up: the whole page goes.
        p = mmap(NULL, 2 * CONF_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        CHECK(p != MAP_FAILED);
        CHECK_EQ(munmap(p, CONF_PAGE + 1), 0);
        CHECK(mmap(p, 2 * CONF_PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
              p);
        return conf_done();
}
