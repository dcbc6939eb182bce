// SPDX-License-Identifier: MIT
// Anonymous shared mapping: reads zero first, holds writes, and stays shared
// with a fork child both ways: pages written before the fork, a page only
// read before it (mk: mapped to the zero page), and a page first touched by
// the child.
#include "conf.h"

int main(void)
{
        uint8_t *p =
            mmap(NULL, 4 * CONF_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        CHECK(p != MAP_FAILED);
        conf_stop_if_failed();
        CHECK(conf_is_zero(p, CONF_PAGE));
        conf_write64(p + 8, 0x1111);
        conf_write64(p + CONF_PAGE + 8, 0x2222);
        CHECK_EQ(conf_read64(p + 8), 0x1111);
        CHECK_EQ(conf_read64(p + 2 * CONF_PAGE + 8), 0);
        pid_t pid = fork();
        if (pid == 0) {
                int bad = conf_read64(p + 8) != 0x1111 || conf_read64(p + CONF_PAGE + 8) != 0x2222;
                conf_write64(p + 16, 0x3333);                // a page both touched
                conf_write64(p + 2 * CONF_PAGE + 8, 0x5555); // read before the fork
                conf_write64(p + 3 * CONF_PAGE + 8, 0x4444); // first touched here
                _exit(bad ? 3 : 0);
        }
        CHECK(pid > 0);
        CHECK(conf_exited_with(conf_wait(pid), 0));
        CHECK_EQ(conf_read64(p + 16), 0x3333);
        CHECK_EQ(conf_read64(p + 3 * CONF_PAGE + 8), 0x4444);
        CHECK_EQ(conf_read64(p + 2 * CONF_PAGE + 8), 0x5555);
        return conf_done();
}
