// SPDX-License-Identifier: MIT
// fork copy-on-write, parent writes: the parent writes its pages while the
// child is alive (the child waits on a shared flag); the child still sees
// the values of the time of fork.
#include "conf.h"

static uint64_t data[512] = {[0] = 1, [100] = 2};
static uint64_t bss[512];

int main(void)
{
        volatile int *flag = conf_shared_page();
        uint64_t *anon =
            mmap(NULL, CONF_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        CHECK(anon != MAP_FAILED);
        conf_stop_if_failed();
        bss[0] = 3;
        anon[0] = 4;
        pid_t pid = fork();
        if (pid == 0) {
                if (conf_wait_flag(flag, 1))
                        _exit(4);
                int bad = data[0] != 1 || data[100] != 2 || bss[0] != 3 || anon[0] != 4;
                _exit(bad ? 3 : 0);
        }
        CHECK(pid > 0);
        data[0] = 10;
        data[100] = 20;
        bss[0] = 30;
        anon[0] = 40;
        *flag = 1;
        CHECK(conf_exited_with(conf_wait(pid), 0));
        CHECK_EQ(data[0], 10);
        CHECK_EQ(data[100], 20);
        CHECK_EQ(bss[0], 30);
        CHECK_EQ(anon[0], 40);
        return conf_done();
}
