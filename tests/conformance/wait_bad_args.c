// SPDX-License-Identifier: MIT
// waitpid and spawn errors, as on Linux: waiting for a process that is not
// a child (pid 1, ourselves, a pid that does not exist, a child already
// waited for), or for any child with none left -> ECHILD; unknown options
// -> EINVAL; spawning a program that does not exist -> ENOENT.
#include "conf.h"

int main(void)
{
        int st;
        CHECK_ERR(waitpid(1, &st, 0), ECHILD);
        CHECK_ERR(waitpid(getpid(), &st, 0), ECHILD);
        CHECK_ERR(waitpid(12345678, &st, 0), ECHILD);
        CHECK_ERR(waitpid(-1, &st, 0), ECHILD);
        CHECK_ERR(waitpid(-1, &st, WNOHANG), ECHILD);
        CHECK_ERR(waitpid(-1, &st, 0x1000000), EINVAL);
        pid_t pid = fork();
        if (pid == 0)
                _exit(0);
        CHECK(pid > 0);
        CHECK(conf_exited_with(conf_wait(pid), 0));
        CHECK_ERR(waitpid(pid, &st, 0), ECHILD);
        char *const args[] = {"conf_no_such_program", NULL};
        CHECK_ERR(spawn("conf_no_such_program", args), ENOENT);
        return conf_done();
}
