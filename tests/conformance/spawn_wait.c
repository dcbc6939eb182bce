// SPDX-License-Identifier: MIT
// spawn (mk's own call; posix_spawn on Linux) starts a program with
// arguments; waitpid returns its exit status. The program spawns itself
// with "child N" and the child exits with N.
#include "conf.h"

int main(int argc, char **argv)
{
        if (argc == 3 && strcmp(argv[1], "child") == 0)
                return strcmp(argv[0], "spawn_wait") == 0 ? atoi(argv[2]) : 3;
        char *const args[] = {"spawn_wait", "child", "42", NULL};
        pid_t pid = spawn("spawn_wait", args);
        CHECK(pid > 0);
        conf_stop_if_failed();
        CHECK(conf_exited_with(conf_wait(pid), 42));
        CHECK_ERR(waitpid(pid, NULL, 0), ECHILD);
        return conf_done();
}
