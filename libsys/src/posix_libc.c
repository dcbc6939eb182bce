// SPDX-License-Identifier: MIT
// libsys's POSIX layer, the small things every program uses: malloc and
// friends, getenv, perror, stat, fsync, getuid, clock_gettime and time.
#include "posix_internal.h"
#include <errno.h>
#include <mk/sys.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>

// --- malloc ---------------------------------------------------------------------
// Each block has a 16-byte header (its usable size; the size of a block
// mapped alone has BIG set). Small blocks come from 64 KiB arenas of
// anonymous memory and go back to a first-fit free list (never returned to
// the pager); a request of ARENA / 4 or more gets a mapping of its own,
// unmapped by free. One lock for the free list and the arena.

#define ALIGN   16u
#define HDR     16u
#define ARENA   (64u * 1024u)
#define BIG     ((size_t)1 << 63)
#define BIG_MIN (ARENA / 4)

struct blk {
        size_t size;      // usable bytes (a multiple of ALIGN), BIG for a mapping of its own
        struct blk *next; // while free
};
_Static_assert(sizeof(struct blk) == HDR, "the header");

static struct blk *free_list;
static char *arena_cur, *arena_end;
static uint32_t heap_lock;

static void lock(void)
{
        while (__atomic_exchange_n(&heap_lock, 1, __ATOMIC_ACQUIRE))
                mk_yield();
}

static void unlock(void)
{
        __atomic_store_n(&heap_lock, 0, __ATOMIC_RELEASE);
}

void *malloc(size_t n)
{
        if (n > ((size_t)1 << 40)) {
                errno = ENOMEM;
                return NULL;
        }
        size_t need = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
        if (need == 0)
                need = ALIGN;
        if (need >= BIG_MIN) {
                size_t len = (need + HDR + MK_PAGE_SIZE - 1) & ~(size_t)(MK_PAGE_SIZE - 1);
                struct blk *b =
                    mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                if (b == MAP_FAILED) {
                        errno = ENOMEM;
                        return NULL;
                }
                b->size = BIG | (len - HDR);
                return (char *)b + HDR;
        }
        lock();
        for (struct blk **pp = &free_list, *b; (b = *pp); pp = &b->next) {
                if (b->size < need)
                        continue;
                if (b->size >= need + HDR + ALIGN) { // split: the rest stays free
                        struct blk *rest = (struct blk *)((char *)b + HDR + need);
                        rest->size = b->size - need - HDR;
                        rest->next = b->next;
                        b->size = need;
                        *pp = rest;
                } else {
                        *pp = b->next;
                }
                unlock();
                return (char *)b + HDR;
        }
        if ((size_t)(arena_end - arena_cur) < need + HDR) {
                // (The rest of the old arena is lost: at most BIG_MIN bytes.)
                char *a =
                    mmap(NULL, ARENA, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                if (a == MAP_FAILED) {
                        unlock();
                        errno = ENOMEM;
                        return NULL;
                }
                arena_cur = a;
                arena_end = a + ARENA;
        }
        struct blk *b = (struct blk *)arena_cur;
        arena_cur += HDR + need;
        b->size = need;
        unlock();
        return (char *)b + HDR;
}

static struct blk *header(void *p)
{
        return (struct blk *)((char *)p - HDR);
}

void free(void *p)
{
        if (!p)
                return;
        struct blk *b = header(p);
        if (b->size & BIG) {
                munmap(b, (b->size & ~BIG) + HDR);
                return;
        }
        lock();
        b->next = free_list;
        free_list = b;
        unlock();
}

void *calloc(size_t n, size_t size)
{
        if (size && n > SIZE_MAX / size) {
                errno = ENOMEM;
                return NULL;
        }
        void *p = malloc(n * size);
        if (p && !(header(p)->size & BIG)) // (fresh mappings are zero already)
                memset(p, 0, n * size);
        return p;
}

void *realloc(void *p, size_t n)
{
        if (!p)
                return malloc(n);
        if (n == 0) {
                free(p);
                return NULL;
        }
        size_t have = header(p)->size & ~BIG;
        if (n <= have)
                return p;
        void *q = malloc(n);
        if (!q)
                return NULL; // (p stays as it was)
        memcpy(q, p, have);
        free(p);
        return q;
}

// --- The rest ---------------------------------------------------------------------

char *getenv(const char *name)
{
        size_t n = strlen(name);
        if (!environ || n == 0 || strchr(name, '='))
                return NULL;
        for (char **e = environ; *e; e++)
                if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
                        return *e + n + 1;
        return NULL;
}

void perror(const char *s)
{
        if (s && *s)
                fprintf(stderr, "%s: %s\n", s, strerror(errno));
        else
                fprintf(stderr, "%s\n", strerror(errno));
}

int stat(const char *path, struct stat *st)
{
        int fd = open(path, O_RDONLY);
        if (fd < 0)
                return -1;
        int r = fstat(fd, st);
        int e = errno;
        close(fd);
        errno = e;
        return r;
}

int fsync(int fd)
{
        struct stat st;
        return fstat(fd, &st); // (0, or -1 with EBADF: the data is in memory already)
}

uid_t getuid(void)
{
        return 0;
}

uid_t geteuid(void)
{
        return 0;
}

int clock_gettime(clockid_t clk, struct timespec *ts)
{
        if (clk != CLOCK_REALTIME && clk != CLOCK_MONOTONIC)
                return (int)posix_fail(-EINVAL);
        long ms = mk_info(MK_INFO_UPTIME_MS, 0);
        if (ms < 0)
                return (int)posix_fail(ms);
        ts->tv_sec = ms / 1000;
        ts->tv_nsec = (ms % 1000) * 1000000;
        return 0;
}

time_t time(time_t *t)
{
        struct timespec ts;
        time_t s = clock_gettime(CLOCK_REALTIME, &ts) == 0 ? ts.tv_sec : (time_t)-1;
        if (t)
                *t = s;
        return s;
}
