// SPDX-License-Identifier: MIT
// mprotect's errors, as on Linux: an unaligned address or unknown PROT bits
// -> EINVAL; a range not wholly mapped -> ENOMEM (and nothing changes);
// length 0 succeeds.
#include "conf.h"

int main(void)
{
        uint8_t *p =
            mmap(NULL, 3 * CONF_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        CHECK(p != MAP_FAILED);
        conf_stop_if_failed();
        CHECK_ERR(mprotect(p + 1, CONF_PAGE, PROT_READ), EINVAL);
        CHECK_ERR(mprotect(p, CONF_PAGE, 0x100), EINVAL);
        CHECK_EQ(mprotect(p, 0, PROT_READ), 0);
        CHECK_EQ(munmap(p + 2 * CONF_PAGE, CONF_PAGE), 0);
        CHECK_ERR(mprotect(p, 3 * CONF_PAGE, PROT_READ), ENOMEM);
        CHECK_ERR(mprotect(p + 2 * CONF_PAGE, CONF_PAGE, PROT_READ), ENOMEM);
        // The mapped part before the hole may have changed (Linux changes it),
        // but it must still be mapped and readable.
        CHECK_EQ(conf_read8(p), 0);
        CHECK_EQ(mprotect(p, 2 * CONF_PAGE, PROT_READ | PROT_WRITE), 0);
        conf_write8(p + CONF_PAGE, 1);
        CHECK_EQ(conf_read8(p + CONF_PAGE), 1);
        return conf_done();
}
