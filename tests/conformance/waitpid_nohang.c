// SPDX-License-Identifier: MIT
// waitpid with WNOHANG returns 0 while the child runs (it waits on a shared
// flag) and the child's pid once it has exited; then the child is gone.
#include "conf.h"

int main(void)
{
        volatile int *flag = conf_shared_page();
        pid_t pid = fork();
        if (pid == 0)
                _exit(conf_wait_flag(flag, 1) ? 4 : 5);
        CHECK(pid > 0);
        conf_stop_if_failed();
        int st = -1;
        CHECK_EQ(waitpid(pid, &st, WNOHANG), 0);
        CHECK_EQ(waitpid(pid, &st, WNOHANG), 0);
        *flag = 1;
        pid_t r = 0;
        for (long i = 0; i < CONF_SPIN_MAX && r == 0; i++) {
                r = waitpid(pid, &st, WNOHANG);
                if (r == 0)
                        sched_yield();
        }
        CHECK_EQ(r, pid);
        CHECK(conf_exited_with(st, 5));
        CHECK_ERR(waitpid(pid, &st, WNOHANG), ECHILD);
        return conf_done();
}
