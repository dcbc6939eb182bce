// SPDX-License-Identifier: MIT
// The small things test programs use: malloc, calloc, realloc and free
// (contents kept, zeroed where promised, large and small blocks), getenv
// (what environ holds, and NULL for what it does not), sysconf and
// getpagesize, stat and fstat agreeing, fsync of an open and a bad
// descriptor, getuid/geteuid, clock_gettime (monotonic) and time, waitpid
// with WUNTRACED | WCONTINUED reporting an exit as usual.
#include "conf.h"
#include <time.h>

int main(void)
{
        // Memory.
        enum { N = 200 };
        static uint8_t *blk[N];
        for (int i = 0; i < N; i++) {
                size_t n = (size_t)(i * 37 % 700) + 1;
                blk[i] = malloc(n);
                CHECK(blk[i] != NULL && ((uintptr_t)blk[i] & 15) == 0);
                conf_stop_if_failed();
                memset(blk[i], i, n);
        }
        for (int i = 0; i < N; i += 2)
                free(blk[i]);
        for (int i = 1; i < N; i += 2) {
                size_t n = (size_t)(i * 37 % 700) + 1;
                for (size_t k = 0; k < n; k++)
                        CHECK_EQ(blk[i][k], (uint8_t)i);
                blk[i] = realloc(blk[i], n + 3000);
                CHECK(blk[i] != NULL);
                conf_stop_if_failed();
                for (size_t k = 0; k < n; k++)
                        CHECK_EQ(blk[i][k], (uint8_t)i);
                free(blk[i]);
        }
        uint32_t *z = calloc(1000, sizeof(uint32_t));
        CHECK(z != NULL);
        conf_stop_if_failed();
        for (int i = 0; i < 1000; i++)
                CHECK_EQ(z[i], 0);
        free(z);
        uint8_t *big = malloc(1 << 20);
        CHECK(big != NULL);
        conf_stop_if_failed();
        big[0] = 1;
        big[(1 << 20) - 1] = 2;
        CHECK_EQ(big[0] + big[(1 << 20) - 1], 3);
        free(big);
        free(NULL);
        volatile size_t huge = (size_t)1 << 62; // (an overflowing product: NULL)
        CHECK(calloc(huge, 16) == NULL);

        // The environment.
        CHECK(getenv("CONF_NO_SUCH_VARIABLE") == NULL);
        for (char **e = environ; e && *e; e++) {
                const char *eq = strchr(*e, '=');
                if (!eq || eq == *e || eq - *e >= 64)
                        continue;
                char name[64];
                memcpy(name, *e, (size_t)(eq - *e));
                name[eq - *e] = 0;
                CHECK(getenv(name) == eq + 1);
        }

        // Sizes, files, identity, time.
        CHECK_EQ(sysconf(_SC_PAGESIZE), CONF_PAGE);
        CHECK_EQ(getpagesize(), CONF_PAGE);
        int fd = conf_make_file("conf_libc_basics.dat", 3000, 4);
        conf_stop_if_failed();
        struct stat a, b;
        CHECK_EQ(stat("conf_libc_basics.dat", &a), 0);
        CHECK_EQ(fstat(fd, &b), 0);
        CHECK_EQ(a.st_size, 3000);
        CHECK_EQ(a.st_ino, b.st_ino);
        CHECK(S_ISREG(a.st_mode));
        CHECK_ERR(stat("conf_no_such_file.dat", &a), ENOENT);
        CHECK_EQ(fsync(fd), 0);
        CHECK_ERR(fsync(999), EBADF);
        CHECK_EQ(getuid(), geteuid());
        struct timespec t0, t1;
        CHECK_EQ(clock_gettime(CLOCK_MONOTONIC, &t0), 0);
        CHECK_EQ(clock_gettime(CLOCK_MONOTONIC, &t1), 0);
        CHECK(t1.tv_sec > t0.tv_sec || (t1.tv_sec == t0.tv_sec && t1.tv_nsec >= t0.tv_nsec));
        CHECK(t0.tv_nsec >= 0 && t0.tv_nsec < 1000000000);
        CHECK(time(NULL) >= 0);
        CHECK_EQ(close(fd), 0);
        CHECK_EQ(unlink("conf_libc_basics.dat"), 0);

        // waitpid's standard options.
        pid_t pid = fork();
        if (pid == 0)
                _exit(5);
        int st = 0;
        CHECK_EQ(waitpid(pid, &st, WUNTRACED | WCONTINUED), pid);
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 5);
        return conf_done();
}
