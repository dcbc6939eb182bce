// SPDX-License-Identifier: MIT
// fork chains: a process forks a child that forks a grandchild (3 levels);
// each level writes its own mark into shared-at-fork private pages and
// checks that the marks of the levels below never reach it; exit statuses
// travel back up the chain.
#include "conf.h"

#define LEVELS 3

static uint64_t marks[LEVELS + 1] = {100, 100, 100, 100};

// Runs level `level`: returns the exit status the level reports upward.
static int level_run(int level)
{
        for (int i = 0; i < level; i++)
                if (marks[i] != (uint64_t)i + 1)
                        return 10 + level;
        marks[level] = (uint64_t)level + 1;
        if (level == LEVELS)
                return 0;
        pid_t pid = fork();
        if (pid < 0)
                return 20 + level;
        if (pid == 0)
                _exit(level_run(level + 1));
        int st = conf_wait(pid);
        if (st == -1 || !WIFEXITED(st))
                return 30 + level;
        for (int i = level + 1; i <= LEVELS; i++)
                if (marks[i] != 100)
                        return 40 + level;
        if (marks[level] != (uint64_t)level + 1)
                return 50 + level;
        return WEXITSTATUS(st);
}

int main(void)
{
        CHECK_EQ(level_run(0), 0);
        return conf_done();
}
