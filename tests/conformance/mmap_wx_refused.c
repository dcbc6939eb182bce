// SPDX-License-Identifier: MIT
// mk maps no page writable and executable at once (its policy; Linux allows
// it): mmap and mprotect asking for both fail with ENOTSUP, POSIX's error
// for a protection the system does not support, and change nothing.
#include "conf.h"

int main(void)
{
        CHECK_ERR(mmap(NULL, CONF_PAGE, PROT_READ | PROT_WRITE | PROT_EXEC,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
                  ENOTSUP);
        uint8_t *p =
            mmap(NULL, CONF_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        CHECK(p != MAP_FAILED);
        conf_stop_if_failed();
        conf_write8(p, 7);
        CHECK_ERR(mprotect(p, CONF_PAGE, PROT_READ | PROT_WRITE | PROT_EXEC), ENOTSUP);
        conf_write8(p, 8); // still writable
        CHECK_EQ(conf_read8(p), 8);
        CHECK_EQ(munmap(p, CONF_PAGE), 0);
        return conf_done();
}
