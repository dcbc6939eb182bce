// SPDX-License-Identifier: MIT
// msync's errors, as on Linux: an unaligned address, unknown flags, or
// MS_SYNC with MS_ASYNC -> EINVAL; a range not wholly mapped -> ENOMEM;
// flags 0 and length 0 succeed.
#include "conf.h"

int main(void)
{
        uint8_t *p =
            mmap(NULL, 3 * CONF_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        CHECK(p != MAP_FAILED);
        conf_stop_if_failed();
        CHECK_ERR(msync(p + 1, CONF_PAGE, MS_SYNC), EINVAL);
        CHECK_ERR(msync(p, CONF_PAGE, MS_SYNC | MS_ASYNC), EINVAL);
        CHECK_ERR(msync(p, CONF_PAGE, 0x100), EINVAL);
        CHECK_EQ(msync(p, CONF_PAGE, 0), 0);
        CHECK_EQ(msync(p, 0, MS_SYNC), 0);
        CHECK_EQ(msync(p, 3 * CONF_PAGE, MS_ASYNC), 0);
        CHECK_EQ(munmap(p + CONF_PAGE, CONF_PAGE), 0);
        CHECK_ERR(msync(p, 3 * CONF_PAGE, MS_SYNC), ENOMEM);
        CHECK_ERR(msync(p + CONF_PAGE, CONF_PAGE, MS_SYNC), ENOMEM);
        return conf_done();
}
