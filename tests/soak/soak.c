// SPDX-License-Identifier: MIT
// The soak test (tools/soak, and a short run in tools/test): started by the
// system pager for the kernel command line word `soak=N`, it spawns N
// short-lived processes one after the other through the pager (each maps
// and touches memory, then exits) and checks that the kernel's counts
// (MK_INFO_KSTATS: kernel frames, processes, threads, endpoints, handles)
// and the pager's free frames (PGR_STATS, global) are back where they were.
// The baseline is taken after a few warm-up processes, once the kernel's and
// the pager's object caches have grown to what one process needs.
// Prints `soak: ...` figures and `soak ok processes_N` or
// `soak not ok processes_N: WHY`; then checks the kernel quotas and the end
// of thread-less processes (`soak ok kquota`); exits 0 only if all held.
#include <mk/pagerclient.h>
#include <mk/sys.h>
#include <errno.h>
#include <fcntl.h>
#include <posix_mk.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define WARMUP 10

static char bss[3 * 4096];

// The child: touches its data, stack, heap and an anonymous mapping.
static int child(void)
{
        volatile char stack[2 * 4096];
        for (unsigned i = 0; i < sizeof(bss); i += 4096)
                bss[i] = 1;
        stack[0] = stack[4096] = 1;
        char *heap = sbrk(8192);
        if (heap == (void *)-1)
                return 2;
        heap[0] = heap[4096] = 1;
        char *m = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED)
                return 3;
        m[0] = m[8192] = 1;
        return 0;
}

struct snap {
        struct mk_kstats k;
        struct pgr_stats p;
};

// The pager takes kernel events (the last child's exit) before requests:
// asking it first makes sure it has released what the last child held.
static int take(struct snap *s)
{
        if (mk_stats((uint64_t)-1, &s->p) < 0 || mk_info(MK_INFO_KSTATS, &s->k) < 0)
                return -1;
        return 0;
}

// Spawns and waits for n children; the number that failed.
static long run(long n)
{
        char *const args[] = {"soak", "child", NULL};
        long bad = 0;
        for (long i = 0; i < n; i++) {
                int st;
                pid_t pid = spawn("soak", args);
                if (pid < 0 || waitpid(pid, &st, 0) != pid || st != 0) {
                        if (bad++ < 5)
                                printf("soak: child %ld: spawn %d, status 0x%x\n", i, (int)pid,
                                       pid < 0 ? 0 : st);
                }
        }
        return bad;
}

static void show(const char *label, const struct snap *s)
{
        printf("soak: %s: kernel frames free %llu of %llu, procs %llu, threads %llu, "
               "endpoints %llu, handles %llu; pager frames free %llu\n",
               label, (unsigned long long)s->k.kframes_free, (unsigned long long)s->k.kframes_total,
               (unsigned long long)s->k.procs, (unsigned long long)s->k.threads,
               (unsigned long long)s->k.endpoints, (unsigned long long)s->k.handles,
               (unsigned long long)s->p.frames_free);
}

// Kernel quotas and thread-less processes (docs/abi.md, Quotas), checked with
// thread-less processes only (nothing runs in them). Writes why it failed
// into why, or leaves it empty. strict: the kernel's counts must be back
// (the first round grows the kernel's object caches to what it needs).
static void kquota(char *why, size_t len, bool strict)
{
        struct mk_kstats k0, k1;
        struct mk_usage u;
        long r;
#define KQ_CHECK(cond, ...)                                                                        \
        do {                                                                                       \
                if (!(cond)) {                                                                     \
                        snprintf(why, len, __VA_ARGS__);                                           \
                        return;                                                                    \
                }                                                                                  \
        } while (0)
        mk_info(MK_INFO_KSTATS, &k0);
        // A process with no thread ends when its last handle closes.
        for (int i = 0; i < 300; i++) {
                long h = mk_proc_create(-1, 0, 0);
                KQ_CHECK(h >= 0, "thread-less process %d: %ld", i, h);
                mk_handle_close(h);
        }
        mk_info(MK_INFO_KSTATS, &k1);
        KQ_CHECK(!strict || (k1.procs == k0.procs && k1.kframes_free == k0.kframes_free),
                 "300 thread-less processes closed: procs %llu, kernel frames free %llu; "
                 "before %llu and %llu",
                 (unsigned long long)k1.procs, (unsigned long long)k1.kframes_free,
                 (unsigned long long)k0.procs, (unsigned long long)k0.kframes_free);
        // Our own tree is under a top-level one (the test runner's): limited
        // to half the process slots.
        KQ_CHECK(
            mk_proc_usage(MK_SELF, &u) == 0 && u.limit[MK_RES_PROCS] == 127 &&
                u.used[MK_RES_PROCS] == 1 && u.used[MK_RES_THREADS] == 1 &&
                u.limit[MK_RES_KMEM] == k0.kframes_total / 2,
            "own usage: procs %llu/%llu threads %llu kmem limit %llu",
            (unsigned long long)u.used[MK_RES_PROCS], (unsigned long long)u.limit[MK_RES_PROCS],
            (unsigned long long)u.used[MK_RES_THREADS], (unsigned long long)u.limit[MK_RES_KMEM]);
        // We cannot raise our own limit, only lower it.
        KQ_CHECK((r = mk_proc_limit(MK_SELF, MK_RES_PROCS, 127)) == 0, "setting our own limit: %ld",
                 r);
        KQ_CHECK((r = mk_proc_limit(MK_SELF, MK_RES_PROCS, 200)) == -EPERM,
                 "raising our own limit: %ld", r);
        // A child tree with a process limit of 3: itself and two more.
        long c = mk_proc_create(-1, 0, 0), d[3];
        KQ_CHECK(c >= 0 && mk_proc_limit(c, MK_RES_PROCS, 3) == 0, "limit on a child");
        for (int i = 0; i < 2; i++)
                KQ_CHECK((d[i] = mk_proc_create_in(-1, 0, 0, c)) >= 0, "in the child's tree: %ld",
                         d[i]);
        KQ_CHECK((r = mk_proc_create_in(-1, 0, 0, c)) == -EAGAIN, "past the limit: %ld", r);
        KQ_CHECK((r = mk_proc_create(-1, 0, 0)) >= 0, "a bystander: %ld", r); // outside it
        mk_handle_close(r);
        KQ_CHECK(
            mk_proc_usage(c, &u) == 0 && u.used[MK_RES_PROCS] == 3 && u.limit[MK_RES_PROCS] == 3 &&
                u.used[MK_RES_KMEM] == 6,
            "child's usage: procs %llu/%llu kmem %llu", (unsigned long long)u.used[MK_RES_PROCS],
            (unsigned long long)u.limit[MK_RES_PROCS], (unsigned long long)u.used[MK_RES_KMEM]);
        // The parent (an ancestor) may raise it; the grandchild's tree is bound by it.
        KQ_CHECK(mk_proc_limit(c, MK_RES_PROCS, 4) == 0, "raising a child's limit");
        KQ_CHECK((d[2] = mk_proc_create_in(-1, 0, 0, d[0])) >= 0, "in the grandchild's tree");
        KQ_CHECK((r = mk_proc_create_in(-1, 0, 0, d[1])) == -EAGAIN, "past the limit above: %ld",
                 r);
        // Kernel memory and threads: -ENOMEM and -EAGAIN.
        long e = mk_proc_create(-1, 0, 0);
        KQ_CHECK(e >= 0 && mk_proc_limit(e, MK_RES_KMEM, 2) == 0 &&
                     (r = mk_proc_create_in(-1, 0, 0, e)) == -ENOMEM,
                 "past a kernel-memory limit: %ld", r);
        KQ_CHECK(mk_proc_limit(e, MK_RES_THREADS, 0) == 0 &&
                     (r = mk_thread_start(e, 0x400000, 0x500000, 0)) == -EAGAIN,
                 "past a thread limit: %ld", r);
        mk_handle_close(e);
        // The child ends first (its handle closes); its tree stays accounted
        // to it until the last grandchild goes.
        mk_handle_close(c);
        KQ_CHECK(mk_proc_usage(d[0], &u) == 0 && u.limit[MK_RES_PROCS] == 4,
                 "the tree's limit after its top ended: %llu",
                 (unsigned long long)u.limit[MK_RES_PROCS]);
        for (int i = 0; i < 3; i++)
                mk_handle_close(d[i]);
        mk_info(MK_INFO_KSTATS, &k1);
        KQ_CHECK(!strict || (k1.procs == k0.procs && k1.kframes_free == k0.kframes_free &&
                             k1.handles == k0.handles),
                 "after the trees: procs %llu, kernel frames free %llu, handles %llu; "
                 "before %llu, %llu, %llu",
                 (unsigned long long)k1.procs, (unsigned long long)k1.kframes_free,
                 (unsigned long long)k1.handles, (unsigned long long)k0.procs,
                 (unsigned long long)k0.kframes_free, (unsigned long long)k0.handles);
#undef KQ_CHECK
}

int main(int argc, char **argv, char **envp)
{
        if (argc == 2 && strcmp(argv[1], "child") == 0)
                return child();
        long n = argc > 1 ? atoi(argv[1]) : 0;
        if (n <= 0)
                n = 20000;
        struct snap base, after;
        // The VFS server loads the boot image into its page cache before it
        // answers anything: one request waits for that to be over.
        int fd = open("motd", O_RDONLY);
        if (fd >= 0)
                close(fd);
        // The figures at the start (this also runs every path of ours that
        // the checks use, so that our own pages are in place before the baseline).
        if (take(&base) == 0)
                show("start", &base);
        run(WARMUP);
        if (take(&base)) {
                printf("soak not ok processes_%ld: no kernel or pager statistics\n", n);
                return 1;
        }
        show("baseline (after warm-up)", &base);
        long t0 = mk_info(MK_INFO_UPTIME_MS, 0);
        long bad = run(n);
        long ms = mk_info(MK_INFO_UPTIME_MS, 0) - t0;
        take(&after);
        show("after", &after);
        printf("soak: %ld processes in %ld ms (%ld us each), %ld failed\n", n, ms,
               n ? ms * 1000 / n : 0, bad);
        char why[160] = "";
        if (bad)
                snprintf(why, sizeof(why), "%ld of %ld children failed", bad, n);
        else if (after.k.kframes_free != base.k.kframes_free)
                snprintf(why, sizeof(why), "kernel frames free %llu, %llu before",
                         (unsigned long long)after.k.kframes_free,
                         (unsigned long long)base.k.kframes_free);
        else if (after.k.procs != base.k.procs || after.k.threads != base.k.threads)
                snprintf(why, sizeof(why), "procs %llu threads %llu, %llu and %llu before",
                         (unsigned long long)after.k.procs, (unsigned long long)after.k.threads,
                         (unsigned long long)base.k.procs, (unsigned long long)base.k.threads);
        else if (after.k.endpoints != base.k.endpoints || after.k.handles != base.k.handles)
                snprintf(why, sizeof(why), "endpoints %llu handles %llu, %llu and %llu before",
                         (unsigned long long)after.k.endpoints, (unsigned long long)after.k.handles,
                         (unsigned long long)base.k.endpoints, (unsigned long long)base.k.handles);
        else if (after.p.frames_free != base.p.frames_free)
                snprintf(why, sizeof(why), "pager frames free %llu, %llu before",
                         (unsigned long long)after.p.frames_free,
                         (unsigned long long)base.p.frames_free);
        if (why[0])
                printf("soak not ok processes_%ld: %s\n", n, why);
        else
                printf("soak ok processes_%ld\n", n);
        char kwhy[200] = "";
        kquota(kwhy, sizeof(kwhy), false);
        if (!kwhy[0])
                kquota(kwhy, sizeof(kwhy), true);
        if (kwhy[0])
                printf("soak not ok kquota: %s\n", kwhy);
        else
                printf("soak ok kquota\n");
        return why[0] || kwhy[0] ? 1 : 0;
}
