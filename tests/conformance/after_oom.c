// SPDX-License-Identifier: MIT
// After an out-of-memory ending (the scenario before this one on mk), memory
// is back: 16 MiB of anonymous memory can be touched, and a fork child can
// copy 4 MiB of it.
#include "conf.h"

#define SIZE (16ul << 20)

int main(void)
{
        uint8_t *p = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        CHECK(p != MAP_FAILED);
        conf_stop_if_failed();
        for (unsigned long i = 0; i < SIZE; i += CONF_PAGE)
                conf_write64(p + i, i);
        pid_t pid = fork();
        if (pid == 0) {
                for (unsigned long i = 0; i < SIZE / 4; i += CONF_PAGE)
                        conf_write64(p + i, ~i);
                for (unsigned long i = 0; i < SIZE / 4; i += CONF_PAGE)
                        if (conf_read64(p + i) != ~i)
                                _exit(3);
                _exit(0);
        }
        CHECK(pid > 0);
        CHECK(conf_exited_with(conf_wait(pid), 0));
        for (unsigned long i = 0; i < SIZE; i += CONF_PAGE)
                if (conf_read64(p + i) != i) {
                        CHECK_EQ(conf_read64(p + i), i);
                        break;
                }
        CHECK_EQ(munmap(p, SIZE), 0);
        return conf_done();
}
