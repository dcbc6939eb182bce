// SPDX-License-Identifier: MIT
// Resource attacks (C1 leaks, C2 quotas, C3 out-of-memory victim, C4 file
// holes, C5 fork-wait loop): docs/adversarial.md.
#include "adv.h"

#define W adv_sh->w

// Spawns `adv exit0` and waits for it: 0, or -errno / -ETIMEDOUT.
static long spawn_exit(void)
{
        static const char *const argv[] = {"adv", "exit0", NULL};
        struct mk_exit_info info;
        long h, pid = adv_spawn(argv, 0, &h);
        if (pid < 0)
                return pid;
        long r = adv_wait_proc(h, &info, 5000);
        adv_reap(h);
        if (r == 0 && (info.reason != MK_REASON_EXIT || info.status != 0))
                return -ECHILD;
        return r;
}

// --- C1 -------------------------------------------------------------------------

int adv_spawn_exit_no_kernel_leak(void)
{
        struct mk_kstats k0, k1;
        struct pgr_stats p0, p1;
        long r = mk_info(MK_INFO_KSTATS, &k0);
        if (r < 0)
                ADV_FAIL("MK_INFO_KSTATS: %s: no kernel frame count to check exits against",
                         adv_err(r));
        for (int i = 0; i < 5; i++) // warm up the pager's and the kernel's tables
                if ((r = spawn_exit()) < 0)
                        ADV_FAIL("warm-up spawn %d: %s", i, adv_err(r));
        // The pager first: it takes the last child's exit before our request,
        // so the kernel's counts no longer include that child's record.
        if ((r = adv_pstats(&p0)) < 0 || (r = mk_info(MK_INFO_KSTATS, &k0)) < 0)
                ADV_FAIL("counts: %s", adv_err(r));
        for (int i = 0; i < 200; i++)
                if ((r = spawn_exit()) < 0)
                        ADV_FAIL("spawn+exit %d of 200: %s", i, adv_err(r));
        if ((r = adv_pstats(&p1)) < 0 || (r = mk_info(MK_INFO_KSTATS, &k1)) < 0)
                ADV_FAIL("counts: %s", adv_err(r));
        if (k1.kframes_free + 2 < k0.kframes_free)
                ADV_FAIL("kernel frames free: %llu before 200 spawn+exit, %llu after (a leak of "
                         "%lld)",
                         (unsigned long long)k0.kframes_free, (unsigned long long)k1.kframes_free,
                         (long long)(k0.kframes_free - k1.kframes_free));
        if (k1.procs != k0.procs || k1.threads != k0.threads || k1.endpoints != k0.endpoints ||
            k1.handles != k0.handles)
                ADV_FAIL("kernel objects before/after: procs %llu/%llu threads %llu/%llu "
                         "endpoints %llu/%llu handles %llu/%llu",
                         (unsigned long long)k0.procs, (unsigned long long)k1.procs,
                         (unsigned long long)k0.threads, (unsigned long long)k1.threads,
                         (unsigned long long)k0.endpoints, (unsigned long long)k1.endpoints,
                         (unsigned long long)k0.handles, (unsigned long long)k1.handles);
        if (p1.frames_free + 4 < p0.frames_free)
                ADV_FAIL("pager frames free: %llu before, %llu after",
                         (unsigned long long)p0.frames_free, (unsigned long long)p1.frames_free);
        return 0;
}

// --- C2 -------------------------------------------------------------------------

// Forks a child that waits for W[0] == 1 (go) and then runs fn, or exits
// when W[0] becomes 2 (released without running). Returns its pid, *h.
static long fork_gated(long *h, int (*fn)(void))
{
        long pid = adv_fork(h);
        if (pid == 0) {
                uint64_t end = adv_now() + 10000;
                while (W[0] == 0 && adv_now() < end)
                        mk_yield();
                mk_exit(W[0] == 1 ? fn() : 0);
        }
        return pid;
}

#define BOMB_LIMIT 8
#define BOMB_MAX   20

static int fork_bomb(void)
{
        int n = 0;
        W[2] = 0;
        for (; n < BOMB_MAX; n++) {
                pid_t p = fork();
                if (p == 0) {
                        adv_wait_word(&W[1], 1, 10000);
                        _exit(0);
                }
                if (p < 0) {
                        W[2] = errno;
                        break;
                }
        }
        W[3] = n;
        W[4] = 1;
        adv_wait_word(&W[1], 1, 10000);
        while (wait(NULL) > 0)
                ;
        return 0;
}

int adv_fork_bomb_stopped_by_limit(void)
{
        long h;
        long pid = fork_gated(&h, fork_bomb);
        if (pid < 0)
                ADV_FAIL("fork: %s", adv_err(pid));
        long r = mk_proc_limit(h, MK_RES_PROCS, BOMB_LIMIT);
        if (r < 0) {
                W[0] = 2;
                adv_reap(h);
                ADV_FAIL("SYS_PROC_LIMIT(child, MK_RES_PROCS, %d) on the handle fork gave: %s "
                         "(no quotas: a fork bomb is stopped only by the system-wide tables)",
                         BOMB_LIMIT, adv_err(r));
        }
        W[0] = 1;
        int bombed = adv_wait_word(&W[4], 1, 10000) == 0;
        // A bystander (us) can still fork.
        pid_t b = fork();
        if (b == 0)
                _exit(0);
        int st = -1;
        pid_t w = b > 0 ? waitpid(b, &st, 0) : -1;
        int berr = errno;
        W[1] = 1;
        struct mk_exit_info info;
        adv_wait_proc(h, &info, 10000);
        adv_reap(h);
        if (!bombed)
                ADV_FAIL("the bomb did not finish");
        if (b < 0 || w != b || st != 0)
                ADV_FAIL("the bystander could not fork (errno %d) while the bomb held its "
                         "limit",
                         b < 0 ? berr : 0);
        if (W[3] >= BOMB_MAX)
                ADV_FAIL("the bomb forked %d children with a tree limit of %d processes", BOMB_MAX,
                         BOMB_LIMIT);
        if (W[2] != EAGAIN)
                ADV_FAIL("the bomb's fork failed with errno %lld after %lld children, expected "
                         "EAGAIN",
                         (long long)W[2], (long long)W[3]);
        if (W[3] > BOMB_LIMIT - 1)
                ADV_FAIL("the bomb forked %lld children with a tree limit of %d processes",
                         (long long)W[3], BOMB_LIMIT);
        return 0;
}

#define TBOMB_LIMIT 8
#define TBOMB_MAX   32
static uint8_t tstacks[TBOMB_MAX][1024] __attribute__((aligned(16)));

static void parked(uint64_t arg)
{
        adv_park();
}

static int thread_bomb(void)
{
        int n = 0;
        long r = 0;
        for (; n < TBOMB_MAX; n++)
                if ((r = adv_thread(parked, tstacks[n], sizeof(tstacks[n]), 0)) < 0)
                        break;
        W[2] = r < 0 ? r : 0;
        W[3] = n;
        W[4] = 1;
        adv_wait_word(&W[1], 1, 10000);
        return 0;
}

int adv_thread_bomb_stopped_by_limit(void)
{
        long h;
        long pid = fork_gated(&h, thread_bomb);
        if (pid < 0)
                ADV_FAIL("fork: %s", adv_err(pid));
        long r = mk_proc_limit(h, MK_RES_THREADS, TBOMB_LIMIT);
        if (r < 0) {
                W[0] = 2;
                adv_reap(h);
                ADV_FAIL("SYS_PROC_LIMIT(child, MK_RES_THREADS, %d): %s (no quotas)", TBOMB_LIMIT,
                         adv_err(r));
        }
        W[0] = 1;
        int bombed = adv_wait_word(&W[4], 1, 5000) == 0;
        static uint8_t mystack[2048] __attribute__((aligned(16)));
        long mine = adv_thread(parked, mystack, sizeof(mystack), 0);
        W[1] = 1;
        struct mk_exit_info info;
        adv_wait_proc(h, &info, 5000);
        adv_reap(h);
        if (!bombed)
                ADV_FAIL("the thread bomb did not finish");
        if (mine < 0)
                ADV_FAIL("the bystander could not start a thread: %s", adv_err(mine));
        if (W[2] != -EAGAIN)
                ADV_FAIL("the bomb started %lld threads, then got %s, expected -EAGAIN",
                         (long long)W[3], adv_err(W[2]));
        if (W[3] > TBOMB_LIMIT - 1)
                ADV_FAIL("the bomb started %lld threads with a limit of %d", (long long)W[3],
                         TBOMB_LIMIT);
        return 0;
}

#define HOG_LIMIT 256
#define HOG_PAGES 2048

static int hog(void)
{
        volatile uint8_t *p = mmap(NULL, HOG_PAGES * ADV_PAGE, PROT_READ | PROT_WRITE,
                                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
                return 2;
        for (int i = 0; i < HOG_PAGES; i++) {
                p[i * ADV_PAGE] = 1;
                W[5] = i + 1;
        }
        return 0;
}

int adv_memory_hog_stopped_by_pgr_limit(void)
{
        long h;
        long pid = fork_gated(&h, hog);
        if (pid < 0)
                ADV_FAIL("fork: %s", adv_err(pid));
        struct mk_msg m;
        memset(&m, 0, sizeof(m));
        m.tag = PGR_LIMIT;
        m.w[0] = (uint64_t)pid;
        m.w[1] = HOG_LIMIT;
        long r = adv_pcall(&m);
        if (r < 0) {
                W[0] = 2;
                adv_reap(h);
                ADV_FAIL("PGR_LIMIT(child, %d frames): %s (no user-frame limits)", HOG_LIMIT,
                         adv_err(r));
        }
        W[0] = 1;
        struct mk_exit_info info;
        r = adv_wait_proc(h, &info, 15000);
        adv_reap(h);
        // The bystander (us) still gets memory.
        volatile uint8_t *b =
            mmap(NULL, 64 * ADV_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (b == MAP_FAILED)
                ADV_FAIL("the bystander's mmap failed");
        for (int i = 0; i < 64; i++)
                b[i * ADV_PAGE] = 1;
        if (r < 0)
                ADV_FAIL("the hog did not end: %s", adv_err(r));
        if (info.reason != MK_REASON_OOM)
                ADV_FAIL("the hog limited to %d frames touched %lld pages and ended: %s, "
                         "expected out of memory",
                         HOG_LIMIT, (long long)W[5], adv_ending(&info));
        if (W[5] > HOG_LIMIT)
                ADV_FAIL("the hog touched %lld pages with a limit of %d frames", (long long)W[5],
                         HOG_LIMIT);
        return 0;
}

// --- C3 -------------------------------------------------------------------------

#define C3_LOW     96  // the hog stops when the pager has this few frames left
#define C3_BYSTAND 256 // pages the bystander then touches

int adv_oom_kills_hog_not_bystander(void)
{
        struct pgr_stats s;
        long r = adv_pstats(&s);
        if (r < 0)
                ADV_FAIL("PGR_STATS: %s", adv_err(r));
        uint64_t pages = s.frames_free + 1024;
        long hh;
        long pid = adv_fork(&hh);
        if (pid < 0)
                ADV_FAIL("fork: %s", adv_err(pid));
        if (pid == 0) {
                // The hog: takes memory until the pager is nearly out, then waits.
                volatile uint8_t *p = mmap(NULL, pages * ADV_PAGE, PROT_READ | PROT_WRITE,
                                           MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                if (p == MAP_FAILED)
                        mk_exit(2);
                for (uint64_t i = 0; i < pages; i++) {
                        p[i * ADV_PAGE] = 1;
                        W[5] = (int64_t)i + 1;
                        if (i % 64 == 0 && (adv_pstats(&s) < 0 || s.frames_free < C3_LOW))
                                break;
                }
                W[1] = 1;
                adv_wait_word(&W[2], 1, 15000);
                mk_exit(0);
        }
        struct mk_exit_info hi, bi;
        uint64_t end = adv_now() + 60000;
        while (W[1] == 0 && adv_now() < end && mk_proc_wait(hh, &hi, MK_WAIT_NOHANG) == -EAGAIN)
                mk_yield();
        // The bystander: a few pages.
        long hb;
        long bpid = adv_fork(&hb);
        if (bpid == 0) {
                volatile uint8_t *p = mmap(NULL, C3_BYSTAND * ADV_PAGE, PROT_READ | PROT_WRITE,
                                           MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                if (p == MAP_FAILED)
                        mk_exit(2);
                for (int i = 0; i < C3_BYSTAND; i++)
                        p[i * ADV_PAGE] = 1;
                mk_exit(0);
        }
        long rb = bpid < 0 ? bpid : adv_wait_proc(hb, &bi, 10000);
        if (bpid >= 0)
                adv_reap(hb);
        W[2] = 1;
        long rh = adv_wait_proc(hh, &hi, 5000);
        adv_reap(hh);
        if (bpid < 0)
                ADV_FAIL("fork of the bystander (hog at %lld pages): %s", (long long)W[5],
                         adv_err(bpid));
        if (rb < 0)
                ADV_FAIL("the bystander did not end: %s", adv_err(rb));
        if (bi.reason != MK_REASON_EXIT || bi.status != 0)
                ADV_FAIL("the bystander (%d pages) ended: %s, while the hog held %lld pages",
                         C3_BYSTAND, adv_ending(&bi), (long long)W[5]);
        if (rh < 0)
                ADV_FAIL("the hog did not end: %s", adv_err(rh));
        if (hi.reason != MK_REASON_OOM)
                ADV_FAIL("the hog (%lld pages) ended: %s, expected out of memory", (long long)W[5],
                         adv_ending(&hi));
        return 0;
}

// --- C4 -------------------------------------------------------------------------

#define C4_SIZE (16ul << 20)

int adv_file_holes_return_frames(void)
{
        struct pgr_stats s0, s1;
        long r = adv_pstats(&s0);
        if (r < 0)
                ADV_FAIL("PGR_STATS: %s", adv_err(r));
        int fd = open("/adv_holes", O_RDWR | O_CREAT | O_TRUNC, 0644);
        if (fd < 0)
                ADV_FAIL("open: errno %d", errno);
        if (ftruncate(fd, C4_SIZE) < 0)
                ADV_FAIL("ftruncate 16 MiB: errno %d", errno);
        volatile uint8_t *p = mmap(NULL, C4_SIZE, PROT_READ, MAP_SHARED, fd, 0);
        if (p == MAP_FAILED)
                ADV_FAIL("mmap: errno %d", errno);
        unsigned sum = 0;
        for (uint64_t off = 0; off < C4_SIZE; off += ADV_PAGE)
                sum += p[off];
        munmap((void *)p, C4_SIZE);
        close(fd);
        unlink("/adv_holes");
        if ((r = adv_pstats(&s1)) < 0)
                ADV_FAIL("PGR_STATS: %s", adv_err(r));
        if (sum)
                ADV_FAIL("a hole read as non-zero");
        if (s1.frames_free + 16 < s0.frames_free)
                ADV_FAIL("reading the holes of a 16 MiB file cost %lld frames after unmap, close "
                         "and unlink (%llu free before, %llu after)",
                         (long long)(s0.frames_free - s1.frames_free),
                         (unsigned long long)s0.frames_free, (unsigned long long)s1.frames_free);
        return 0;
}

// --- C5 -------------------------------------------------------------------------

// The loop touches nothing but its stack (fork and wait straight through
// the pager and the kernel): after each fork its first write is a
// copy-on-write fault on the same stack page.
int adv_fork_wait_loop_survives(void)
{
        for (int i = 0; i < 200; i++) {
                long h;
                long pid = adv_fork(&h);
                if (pid == 0)
                        mk_exit(0);
                if (pid < 0)
                        ADV_FAIL("fork %d: %s", i, adv_err(pid));
                struct mk_exit_info info;
                long r = mk_proc_wait(h, &info, 0);
                mk_handle_close(h);
                if (r < 0 || info.reason != MK_REASON_EXIT || info.status != 0)
                        ADV_FAIL("wait %d: %s, child ended %s", i, adv_err(r), adv_ending(&info));
        }
        return 0;
}
