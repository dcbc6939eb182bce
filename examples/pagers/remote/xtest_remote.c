// SPDX-License-Identifier: MIT
// xtest_remote: for each of the two remote pagers (remote.c: deferred
// answers; remote_sync.c: several threads), whose store takes REMOTE_SLOW_MS
// over page REMOTE_SLOW_PAGE: starts it, attaches PAGES pages, and faults
// the slow page in one thread while a second thread reads every other page:
// the second thread must be done while the slow fetch is still outstanding
// (a pager answering one fault at a time would make it wait). Then every
// word of every page is checked, written and read back; detach, shutdown.
// Prints "example ok remote" or "example not ok remote: WHY".
#include "remote.h"
#include <mk/pagerlib.h>

#define PAGES 16
#define WORDS (MK_PAGE_SIZE / sizeof(uint64_t))

#ifdef __x86_64__
#define ENTRY_SP_BIAS 8
#else
#define ENTRY_SP_BIAS 0
#endif

static uint8_t stack_b[2][16384] __attribute__((aligned(16))); // one per phase
static volatile uint64_t region;
static volatile long b_state; // 1: started, 2: done, -1 - page: wrong word there
static volatile long a_done;  // the slow page has arrived
static volatile long b_saw_a; // a_done as B saw it when it finished

static const char *phase;

static int fail(const char *why, long long v)
{
        mk_printf("example not ok remote: %s: %s (%lld)\n", phase, why, v);
        return 1;
}

// B: every page but the slow one.
static __attribute__((noreturn)) void thread_b(uint64_t unused)
{
        volatile uint64_t *m = (volatile uint64_t *)region;
        b_state = 1;
        for (uint64_t p = 0; p < PAGES; p++) {
                if (p == REMOTE_SLOW_PAGE)
                        continue;
                if (m[p * WORDS + 5] != remote_word(p * MK_PAGE_SIZE + 5 * 8)) {
                        b_state = -1 - (long)p;
                        break;
                }
        }
        b_saw_a = a_done;
        if (b_state == 1)
                b_state = 2;
        struct mk_msg msg;
        long e = mk_ep_create();
        for (;;)
                mk_recv(e, &msg); // parked: the process ends with its main thread
}

static int run(const char *prog, int k, long *took_ms)
{
        long ep, proc;
        uint64_t va;
        uint32_t id;
        struct mk_exit_info info;
        phase = prog;
        b_state = a_done = b_saw_a = 0;
        long r = mkp_spawn_pager(prog, &ep, &proc);
        if (r)
                return fail("cannot start the pager", r);
        if ((r = mkp_attach(ep, proc, PAGES * MK_PAGE_SIZE, &va, &id)))
                return fail("attach failed", r);
        region = va;
        volatile uint64_t *m = (volatile uint64_t *)va;
        long self = mk_handle_give(MK_SELF, MK_SELF, 0, 0);
        uint64_t sp = (((uint64_t)stack_b[k] + sizeof(stack_b[k])) & ~15ull) - ENTRY_SP_BIAS;
        if (self < 0 || (r = mk_thread_start(self, (uint64_t)thread_b, sp, 0)) < 0)
                return fail("cannot start thread B", self < 0 ? self : r);
        long t0 = mk_info(MK_INFO_UPTIME_MS, 0);
        uint64_t w = m[REMOTE_SLOW_PAGE * WORDS + 7]; // waits for the slow fetch
        a_done = 1;
        long took = mk_info(MK_INFO_UPTIME_MS, 0) - t0;
        if (w != remote_word(REMOTE_SLOW_PAGE * MK_PAGE_SIZE + 7 * 8))
                return fail("wrong word in the slow page", (long long)w);
        for (long t = mk_info(MK_INFO_UPTIME_MS, 0); b_state == 1 || b_state == 0;)
                if (mk_info(MK_INFO_UPTIME_MS, 0) - t > 3000)
                        return fail("thread B did not finish within 3 s, state", b_state);
                else
                        mk_yield();
        if (b_state < 0)
                return fail("thread B read a wrong word in page", -1 - b_state);
        if (b_saw_a)
                return fail("thread B's pages waited for the slow fetch (ms it took)", took);
        if (took < REMOTE_SLOW_MS / 2)
                return fail("the slow fetch was not slow (ms)", took);
        for (uint64_t i = 0; i < PAGES * WORDS; i++)
                if (m[i] != remote_word(i * 8))
                        return fail("wrong word at index", (long long)i);
        for (uint64_t i = 0; i < PAGES * WORDS; i += 97)
                m[i] = ~remote_word(i * 8);
        for (uint64_t i = 0; i < PAGES * WORDS; i++)
                if (m[i] != (i % 97 ? remote_word(i * 8) : ~remote_word(i * 8)))
                        return fail("wrong word after writing, at index", (long long)i);
        if ((r = mkp_detach(ep, va, id)))
                return fail("detach failed", r);
        if ((r = mkp_shutdown(ep)))
                return fail("shutdown failed", r);
        if ((r = mk_proc_wait(proc, &info, 0)) || info.reason != MK_REASON_EXIT || info.status)
                return fail("the pager did not exit cleanly, reason", (long long)info.reason);
        mk_handle_close(self);
        *took_ms = took;
        return 0;
}

int main(int argc, char **argv, char **envp)
{
        long deferred, threads;
        if (run("remote", 0, &deferred) || run("remote_sync", 1, &threads))
                return 1;
        mk_printf("example ok remote (slow page %ld ms deferred, %ld ms with %d threads; the other "
                  "%d pages meanwhile)\n",
                  deferred, threads, REMOTE_SYNC_THREADS, PAGES - 1);
        return 0;
}
