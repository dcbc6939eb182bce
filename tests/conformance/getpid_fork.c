// SPDX-License-Identifier: MIT
// fork returns the child's pid in the parent and 0 in the child; the child's
// getpid is that pid, differs from the parent's, and the parent's is stable.
#include "conf.h"

int main(void)
{
        volatile int *shared = conf_shared_page();
        pid_t me = getpid();
        CHECK(me > 0);
        pid_t pid = fork();
        if (pid == 0) {
                shared[0] = (int)getpid();
                _exit(0);
        }
        CHECK(pid > 0);
        CHECK(conf_exited_with(conf_wait(pid), 0));
        CHECK_EQ(shared[0], pid);
        CHECK(pid != me);
        CHECK_EQ(getpid(), me);
        return conf_done();
}
