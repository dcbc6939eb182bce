// SPDX-License-Identifier: MIT
// A tight fork-and-wait loop: 200 children, each exits at once and is
// waited for. The copy-on-write fault on the same stack page after every
// fork is progress, not a fault loop: the parent lives through it all.
#include "conf.h"

int main(void)
{
        for (int i = 0; i < 200; i++) {
                pid_t pid = fork();
                CHECK(pid >= 0);
                conf_stop_if_failed();
                if (pid == 0)
                        _exit(i & 0x7f);
                int st = conf_wait(pid);
                CHECK(conf_exited_with(st, i & 0x7f));
                conf_stop_if_failed();
        }
        return conf_done();
}
