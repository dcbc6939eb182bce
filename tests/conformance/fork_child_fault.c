// SPDX-License-Identifier: MIT
// A child's ending as its parent sees it through waitpid: a fault on address
// 0 is WTERMSIG SIGSEGV, a write to read-only data SIGSEGV, an undefined
// instruction SIGILL, a read beyond the end of a file SIGBUS; _exit(300)
// is WEXITSTATUS 44 (the low 8 bits).
#include "conf.h"

static const uint8_t ro[16] = {1};

static pid_t child(int what, int fd)
{
        pid_t pid = fork();
        if (pid != 0)
                return pid;
        conf_default_signals();
        switch (what) {
        case 0:
                conf_read8(conf_addr(0));
                break;
        case 1:
                conf_write8((void *)(uintptr_t)ro, 2);
                break;
        case 2:
                conf_illegal();
                break;
        case 3: {
                uint8_t *p = mmap(NULL, 2 * CONF_PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
                if (p != MAP_FAILED)
                        conf_read8(p + CONF_PAGE);
                break;
        }
        case 4:
                _exit(300);
        }
        _exit(CONF_NO_FAULT);
}

int main(void)
{
        static const int sig[] = {SIGSEGV, SIGSEGV, SIGILL, SIGBUS};
        int fd = conf_make_file("conf_child_fault.dat", 100, 10);
        conf_stop_if_failed();
        for (int i = 0; i < 4; i++) {
                pid_t pid = child(i, fd);
                CHECK(pid > 0);
                int st = conf_wait(pid);
                if (!WIFSIGNALED(st) || WTERMSIG(st) != sig[i])
                        conf_fail(__LINE__, "child %d: status 0x%x, expected signal %d", i, st,
                                  sig[i]);
        }
        pid_t pid = child(4, fd);
        CHECK(pid > 0);
        CHECK(conf_exited_with(conf_wait(pid), 300 & 0xff));
        CHECK_EQ(close(fd), 0);
        CHECK_EQ(unlink("conf_child_fault.dat"), 0);
        return conf_done();
}
