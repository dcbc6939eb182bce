// SPDX-License-Identifier: MIT
// Focused checks of the system pager's isolation fixes (issue 8), one
// scenario each (scenarios.h): forged kernel events and the shutdown right;
// file memory, file holes and large mprotect; limits, out-of-memory victims
// and fork-and-wait loops. The in-guest adversarial suite (tests/adversarial)
// attacks the same classes from outside; these pin the pager's behaviour.
#include <mk/file.h>
#include <mk/pagerclient.h>
#include <mk/pagerlib.h>
#include <mk/sys.h>
#include <mk/vfs.h>
#include <tests/user/scenarios.h>

#define P     MK_PAGE_SIZE
#define ut_ep mk_pager_ep

static int ut_failures;

#define UT_CHECK(cond)                                                                             \
        do {                                                                                       \
                if (!(cond)) {                                                                     \
                        mk_printf("utest   check failed: %s (line %d)\n", #cond, __LINE__);        \
                        ut_failures++;                                                             \
                }                                                                                  \
        } while (0)

#define UT_CHECK_EQ(a, b)                                                                          \
        do {                                                                                       \
                long _a = (long)(a), _b = (long)(b);                                               \
                if (_a != _b) {                                                                    \
                        mk_printf("utest   check failed: %s = %ld, expected %ld (line %d)\n", #a,  \
                                  _a, _b, __LINE__);                                               \
                        ut_failures++;                                                             \
                }                                                                                  \
        } while (0)

static long call(uint64_t tag, uint64_t w0, uint64_t w1, uint64_t w2, struct mk_msg *m)
{
        memset(m, 0, sizeof(*m));
        m->tag = tag;
        m->w[0] = w0;
        m->w[1] = w1;
        m->w[2] = w2;
        long r = mk_call(ut_ep, m);
        return r < 0 ? r : (long)m->w[0];
}

static uint64_t map_anon(uint64_t len, uint64_t flags)
{
        struct mk_msg m = {.tag = PGR_MMAP, .w = {0, len, MK_PERM_R | MK_PERM_W, flags}};
        return mk_call(ut_ep, &m) < 0 || (long)m.w[0] < 0 ? 0 : m.w[0];
}

static uint64_t free_frames(void)
{
        struct pgr_stats st;
        return mk_stats((uint64_t)-1, &st) == 0 ? st.frames_free : 0;
}

// fork: in the child returns 0; in the parent the child's handle (> 0).
static long fork_child(long *pid)
{
        struct mk_msg m = {.tag = PGR_FORK};
        long r = mk_call(ut_ep, &m);
        if (r == MK_FORK_CHILD)
                return 0;
        if (r < 0 || (long)m.w[0] < 0)
                return r < 0 ? r : (long)m.w[0];
        if (pid)
                *pid = (long)m.w[0];
        return (long)m.w[1];
}

static struct mk_exit_info wait_for(long h)
{
        struct mk_exit_info xi = {0};
        mk_proc_wait(h, &xi, 0);
        mk_handle_close(h);
        return xi;
}

// A2, A5: kernel events cannot be forged; shutting down needs the right.
int ut_authority(void)
{
        struct mk_msg m;
        volatile uint64_t *page = (uint64_t *)map_anon(4 * P, PGR_MAP_PRIVATE | PGR_MAP_ANON);
        UT_CHECK(page);
        for (int i = 0; i < 4; i++)
                page[i * P / 8] = 0x1234 + (uint64_t)i;
        uint64_t free0 = free_frames();
        free0 = free_frames(); // (the first call may fault in its own buffer)
        uint64_t pid = (uint64_t)mk_info(MK_INFO_PID, 0);
        // An exit event and a fault message from a process: refused by the
        // kernel (-EINVAL) or by the pager (-EINVAL in the reply), never obeyed.
        memset(&m, 0, sizeof(m));
        m.tag = MK_TAG_EXIT;
        m.w[MK_XW_PID] = pid;
        long r = mk_send(ut_ep, &m);
        UT_CHECK(r == 0 || r == -EINVAL);
        r = call(MK_TAG_EXIT, pid, 0, 0, &m);
        UT_CHECK_EQ(r, -EINVAL);
        memset(&m, 0, sizeof(m));
        m.tag = MK_TAG_FAULT;
        fault_msg_encode(m.w, &(struct fault_info){.addr = (uint64_t)page, .access = FAULT_WRITE},
                         1, (uint32_t)pid);
        r = mk_call(ut_ep, &m);
        UT_CHECK(r == -EINVAL || (r == 0 && m.tag != MK_FAULT_MAP && (long)m.w[0] == -EINVAL));
        UT_CHECK(free_frames() <= free0); // nothing of ours was freed
        for (int i = 0; i < 4; i++)
                UT_CHECK_EQ(page[i * P / 8], 0x1234 + (uint64_t)i);
        // A process made with a copy of our pager handle carries our badge but
        // not our pid: its faults fail, its end frees nothing of ours.
        long fake = mk_proc_create(ut_ep, 0, 0);
        if (fake >= 0) {
                UT_CHECK(mk_thread_start(fake, 0x400000, 0x3fefff0000ull, 0) >= 0);
                struct mk_exit_info xi = wait_for(fake);
                UT_CHECK_EQ(xi.reason, MK_REASON_NOMAP);
        }
        UT_CHECK(free_frames() <= free0); // nothing of ours was freed
        for (int i = 0; i < 4; i++)
                UT_CHECK_EQ(page[i * P / 8], 0x1234 + (uint64_t)i);
        // We were started from the command line: we hold the shutdown right;
        // a fork child does not, and cannot pass it on.
        long h = fork_child(NULL);
        if (h == 0) {
                long a = call(PGR_SHUTDOWN, 0, 0, 0, &m);
                memset(&m, 0, sizeof(m));
                m.tag = PGR_SPAWN;
                m.w[0] = 1;
                m.w[1] = PGR_SPAWN_SHUTDOWN;
                m.len = 6;
                memcpy(m.buf, "utest", 6);
                long b = mk_call(ut_ep, &m) < 0 ? -1 : (long)m.w[0];
                long c = mk_system_shutdown(MK_HANDLE_SYSTEM, 0);
                mk_exit(a == -EPERM && b == -EPERM && c < 0 ? 0 : 1);
        }
        UT_CHECK(h > 0);
        struct mk_exit_info xi = wait_for(h);
        UT_CHECK_EQ(xi.reason, MK_REASON_EXIT);
        UT_CHECK_EQ(xi.status, 0);
        return ut_failures;
}

// A4, C4, A6: a mapping keeps its file; holes cost no frames; mprotect over
// more than the kernel takes at once.
int ut_memory(void)
{
        struct mk_msg m;
        struct mk_stat st;
        char buf[8];
        // A4: mapped, closed, unlinked: the data stays for the mapping, and a
        // new file does not get its memory.
        long fd = mk_open("iso_a", VFS_O_CREAT | VFS_O_RDWR | VFS_O_TRUNC);
        UT_CHECK(fd >= 0);
        UT_CHECK_EQ(mk_write(fd, "AAAA", 4), 4);
        UT_CHECK_EQ(mk_fstat(fd, &st), 0);
        memset(&m, 0, sizeof(m));
        m.tag = PGR_MMAP;
        m.w[1] = P;
        m.w[2] = MK_PERM_R | MK_PERM_W;
        m.w[3] = PGR_MAP_SHARED;
        m.w[4] = (uint64_t)fd; // the descriptor (the pager checks it)
        long a = mk_call(ut_ep, &m) < 0 ? -1 : (long)m.w[0];
        UT_CHECK(a > 0);
        if (ut_failures)
                return ut_failures;
        volatile char *map = (char *)a;
        UT_CHECK_EQ(map[0], 'A');
        UT_CHECK_EQ(mk_close(fd), 0);
        UT_CHECK_EQ(mk_unlink("iso_a"), 0);
        long fb = mk_open("iso_b", VFS_O_CREAT | VFS_O_RDWR | VFS_O_TRUNC);
        UT_CHECK(fb >= 0);
        UT_CHECK_EQ(mk_write(fb, "BBBB", 4), 4);
        UT_CHECK_EQ(map[0], 'A');
        UT_CHECK_EQ(map[3], 'A');
        UT_CHECK_EQ(map[P - 1], 0);
        map[1] = 'X';
        UT_CHECK_EQ(mk_pread(fb, buf, 4, 0), 4);
        UT_CHECK(memcmp(buf, "BBBB", 4) == 0);
        UT_CHECK_EQ(call(PGR_MUNMAP, (uint64_t)a, P, 0, &m), 0);
        UT_CHECK_EQ(mk_close(fb), 0);
        UT_CHECK_EQ(mk_unlink("iso_b"), 0);

        // C4: 16 MiB of holes read through a shared mapping, unmapped, closed,
        // unlinked: the free frames are back (give or take the VFS's own).
        uint64_t free0 = free_frames();
        fd = mk_open("iso_hole", VFS_O_CREAT | VFS_O_RDWR | VFS_O_TRUNC);
        UT_CHECK(fd >= 0);
        UT_CHECK_EQ(mk_ftruncate(fd, 16 << 20), 0);
        UT_CHECK_EQ(mk_fstat(fd, &st), 0);
        memset(&m, 0, sizeof(m));
        m.tag = PGR_MMAP;
        m.w[1] = 16 << 20;
        m.w[2] = MK_PERM_R | MK_PERM_W;
        m.w[3] = PGR_MAP_SHARED;
        m.w[4] = (uint64_t)fd; // the descriptor (the pager checks it)
        a = mk_call(ut_ep, &m) < 0 ? -1 : (long)m.w[0];
        UT_CHECK(a > 0);
        uint64_t sum = 0;
        for (uint64_t off = 0; a > 0 && off < (16 << 20); off += P)
                sum += *(volatile uint64_t *)(a + off);
        UT_CHECK_EQ(sum, 0);
        uint64_t during = free_frames();
        UT_CHECK(free0 - during < 64); // not a frame per page (4096)
        // A hole written through the mapping then holds the data, for read() too.
        if (a > 0)
                *(volatile uint64_t *)(a + 5 * P) = 0x55;
        uint64_t v = 0;
        UT_CHECK_EQ(mk_pread(fd, &v, 8, 5 * P), 8);
        UT_CHECK_EQ(v, 0x55);
        // ... and a hole written with write() shows in a page read before.
        UT_CHECK_EQ(*(volatile uint64_t *)(a + 9 * P), 0);
        v = 0x99;
        UT_CHECK_EQ(mk_pwrite(fd, &v, 8, 9 * P), 8);
        UT_CHECK_EQ(*(volatile uint64_t *)(a + 9 * P), 0x99);
        UT_CHECK_EQ(call(PGR_MUNMAP, (uint64_t)a, 16 << 20, 0, &m), 0);
        UT_CHECK_EQ(mk_close(fd), 0);
        UT_CHECK_EQ(mk_unlink("iso_hole"), 0);
        uint64_t after = free_frames();
        if (after + 4 < free0)
                mk_printf("utest   holes: %llu frames free before, %llu after\n",
                          (unsigned long long)free0, (unsigned long long)after);
        UT_CHECK(after + 4 >= free0);

        // A6: mprotect of 2 GiB: done, enforced, and fork copies see no later write.
        uint64_t big = map_anon(2ull << 30, PGR_MAP_PRIVATE | PGR_MAP_ANON);
        UT_CHECK(big);
        volatile uint64_t *lo = (uint64_t *)big, *hi = (uint64_t *)(big + (2ull << 30) - P);
        *lo = 1;
        *hi = 2;
        UT_CHECK_EQ(call(PGR_MPROTECT, big, 2ull << 30, MK_PERM_R, &m), 0);
        UT_CHECK_EQ(*lo + *hi, 3);
        long h = fork_child(NULL);
        if (h == 0) {
                *hi = 3; // must fault: access violation
                mk_exit(1);
        }
        struct mk_exit_info xi = wait_for(h);
        UT_CHECK_EQ(xi.reason, MK_REASON_ACCESS);
        UT_CHECK_EQ(call(PGR_MPROTECT, big, 2ull << 30, MK_PERM_R | MK_PERM_W, &m), 0);
        volatile uint64_t *flag = (uint64_t *)map_anon(P, PGR_MAP_SHARED | PGR_MAP_ANON);
        *lo = 10;
        h = fork_child(NULL);
        if (h == 0) {
                while (*flag == 0)
                        mk_yield();
                mk_exit(*lo == 10 && *hi == 2 ? 0 : 1);
        }
        *lo = 11; // after the fork: the child must not see it
        *hi = 12;
        *flag = 1;
        xi = wait_for(h);
        UT_CHECK_EQ(xi.reason, MK_REASON_EXIT);
        UT_CHECK_EQ(xi.status, 0);
        UT_CHECK_EQ(call(PGR_MUNMAP, big, 2ull << 30, 0, &m), 0);
        return ut_failures;
}

// C5, C2, C3: fork-and-wait loops live; trees stop at their limits; the
// largest process, not a bystander, ends when memory runs out.
int ut_limits(void)
{
        struct mk_msg m;
        struct pgr_stats st;
        // C5: a tight fork-and-wait loop is not a fault loop.
        for (int i = 0; i < 200; i++) {
                long h = fork_child(NULL);
                if (h == 0)
                        mk_exit(0);
                UT_CHECK(h > 0);
                if (h <= 0)
                        return ut_failures;
                struct mk_exit_info xi = wait_for(h);
                UT_CHECK_EQ(xi.reason, MK_REASON_EXIT);
        }
        // Our limits: the defaults of a top-level tree (the test runner's,
        // which we are under); they only go down.
        UT_CHECK_EQ(mk_stats(0, &st), 0);
        struct pgr_stats g;
        UT_CHECK_EQ(mk_stats((uint64_t)-1, &g), 0);
        UT_CHECK_EQ(st.frames_limit, g.frames_limit);
        UT_CHECK(g.frames_limit > 0 && g.frames_limit < g.frames_free + g.frames_used);
        UT_CHECK_EQ(call(PGR_LIMIT, 0, st.frames_limit, 0, &m), 0);
        UT_CHECK_EQ(call(PGR_LIMIT, 0, st.frames_limit + 1, 0, &m), -EPERM);

        // C2: a child limited to 300 frames ends out of memory at its limit;
        // a child cannot limit its parent.
        volatile uint64_t *shared = (uint64_t *)map_anon(P, PGR_MAP_SHARED | PGR_MAP_ANON);
        long pid;
        long h = fork_child(&pid);
        if (h == 0) {
                while (shared[0] == 0)
                        mk_yield();
                uint64_t mem = map_anon(2048 * P, PGR_MAP_PRIVATE | PGR_MAP_ANON);
                for (uint64_t i = 0; mem && i < 2048; i++)
                        *(volatile uint64_t *)(mem + i * P) = i;
                mk_exit(1);
        }
        UT_CHECK_EQ(call(PGR_LIMIT, (uint64_t)pid, 300, 0, &m), 0);
        UT_CHECK_EQ(mk_stats((uint64_t)pid, &st), 0);
        UT_CHECK_EQ(st.frames_limit, 300);
        shared[0] = 1;
        struct mk_exit_info xi = wait_for(h);
        UT_CHECK_EQ(xi.reason, MK_REASON_OOM);
        uint64_t me = (uint64_t)mk_info(MK_INFO_PID, 0);
        h = fork_child(NULL);
        if (h == 0)
                mk_exit(call(PGR_LIMIT, me, 100, 0, &m) == -EPERM &&
                                call(PGR_LIMIT, 999999, 100, 0, &m) == -ESRCH &&
                                call(PGR_LIMIT, 0, 5000, 0, &m) == 0
                            ? 0
                            : 1);
        xi = wait_for(h);
        UT_CHECK_EQ(xi.status, 0);

        // C2: a fork bomb limited to 4 process slots gets EAGAIN; we still fork.
        shared[0] = 0;
        h = fork_child(&pid);
        if (h == 0) {
                while (shared[0] == 0)
                        mk_yield();
                long kids[16];
                int n = 0;
                long r = 0;
                while (n < 16) {
                        r = fork_child(NULL);
                        if (r == 0) {
                                long e = mk_ep_create();
                                struct mk_msg w;
                                mk_recv(e, &w); // until killed
                                mk_exit(0);
                        }
                        if (r < 0)
                                break;
                        kids[n++] = r;
                }
                for (int i = 0; i < n; i++)
                        mk_proc_kill(kids[i], MK_REASON_KILLED);
                mk_exit(r == -EAGAIN ? n : 100 + n);
        }
        UT_CHECK_EQ(call(PGR_LIMIT, (uint64_t)pid, 0, 4, &m), 0);
        shared[0] = 1;
        xi = wait_for(h);
        UT_CHECK_EQ(xi.reason, MK_REASON_EXIT);
        UT_CHECK_EQ(xi.status, 3);
        h = fork_child(NULL);
        if (h == 0)
                mk_exit(0);
        UT_CHECK(h > 0);
        xi = wait_for(h);
        UT_CHECK_EQ(xi.status, 0);

        // C3: a hog takes all our tree may have but a few frames; we (the
        // bystander) then take some more: the hog ends, we go on.
        shared[0] = 0;
        h = fork_child(&pid);
        if (h == 0) {
                struct pgr_stats s, all;
                uint64_t mem = map_anon(1ull << 30, PGR_MAP_PRIVATE | PGR_MAP_ANON);
                for (uint64_t i = 0; mem && i < (1ull << 30) / P; i++) {
                        // Up to our tree's limit or the pager's last frames,
                        // whichever comes first, less a few.
                        if (i % 32 == 0 && mk_stats(0, &s) == 0 &&
                            mk_stats((uint64_t)-1, &all) == 0 &&
                            (s.tree_frames + 128 >= s.frames_limit || all.frames_free < 128))
                                break;
                        *(volatile uint64_t *)(mem + i * P) = i;
                }
                shared[0] = 1;
                for (;;)
                        mk_yield();
        }
        while (shared[0] == 0)
                mk_yield();
        UT_CHECK_EQ(mk_stats(0, &st), 0);
        uint64_t mine = map_anon(512 * P, PGR_MAP_PRIVATE | PGR_MAP_ANON);
        UT_CHECK(mine);
        for (uint64_t i = 0; mine && i < 512; i++)
                *(volatile uint64_t *)(mine + i * P) = i;
        for (uint64_t i = 0; mine && i < 512; i++)
                UT_CHECK_EQ(*(volatile uint64_t *)(mine + i * P), i);
        xi = wait_for(h);
        UT_CHECK_EQ(xi.reason, MK_REASON_OOM);
        UT_CHECK_EQ(call(PGR_MUNMAP, mine, 512 * P, 0, &m), 0);

        // C6: a pager started for a client (mkp_spawn_pager: tied) ends when
        // the client ends, here a fork child that exits without stopping it.
        shared[0] = 0;
        uint64_t free_before = free_frames();
        h = fork_child(NULL);
        if (h == 0) {
                long pep, pproc;
                uint64_t va;
                uint32_t id;
                if (mkp_spawn_pager("pattern", &pep, &pproc) ||
                    mkp_attach(pep, pproc, 4 * P, &va, &id))
                        mk_exit(1);
                (void)*(volatile uint64_t *)va; // the pager serves us, holds frames
                shared[0] = (uint64_t)mk_info(MK_INFO_PROC_PID, (void *)pproc);
                mk_exit(0);
        }
        xi = wait_for(h);
        UT_CHECK_EQ(xi.status, 0);
        UT_CHECK(shared[0] > 0);
        long gone = -1;
        for (int i = 0; i < 100000 && (gone = mk_stats(shared[0], &st)) == 0; i++)
                mk_yield();
        UT_CHECK_EQ(gone, -ESRCH); // the pager process is no more
        UT_CHECK(free_frames() + 8 >= free_before);
        return ut_failures;
}
