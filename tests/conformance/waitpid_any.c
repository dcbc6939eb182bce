// SPDX-License-Identifier: MIT
// waitpid(-1) collects every child once, in whatever order they end, with
// each one's status; then it fails with ECHILD. wait() is waitpid(-1, s, 0).
#include "conf.h"

#define N 3

int main(void)
{
        pid_t pids[N];
        int seen[N] = {0};
        for (int i = 0; i < N; i++) {
                pids[i] = fork();
                if (pids[i] == 0)
                        _exit(60 + i);
                CHECK(pids[i] > 0);
        }
        conf_stop_if_failed();
        for (int k = 0; k < N; k++) {
                int st = -1;
                pid_t r = k == N - 1 ? wait(&st) : waitpid(-1, &st, 0);
                int i = 0;
                while (i < N && pids[i] != r)
                        i++;
                if (i == N) {
                        conf_fail(__LINE__, "waitpid(-1) = %d, not a child", (int)r);
                        continue;
                }
                CHECK(!seen[i]);
                seen[i] = 1;
                CHECK(conf_exited_with(st, 60 + i));
        }
        CHECK_ERR(waitpid(-1, NULL, 0), ECHILD);
        CHECK_ERR(waitpid(-1, NULL, WNOHANG), ECHILD);
        return conf_done();
}
