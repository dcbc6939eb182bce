// SPDX-License-Identifier: MIT
// Several CPUs (docs/smp.md, docs/adversarial.md "S"): threads on every CPU,
// faults racing on one page and across processes, TLB shootdown after
// munmap and mprotect, fork while sibling threads write, exit while threads
// fault. Each checks the data and that the system pager's free frames come
// back to their baseline. They pass on one CPU too (there they test the
// same paths without parallelism); tools/test runs them at -smp 4 with and
// without -icount (`adv smp`, the Meson suite smp4).
#include "adv.h"

#define W           (adv_sh->w)
#define NT          8 // threads at most (MAX_CPUS)
#define STACK       8192
#define RACE_PGS    64
#define PROC_PGS    256
#define SPIN_MS     10000 // a barrier's bound
#define STALE_MAGIC 0x5a5a

static uint8_t stacks[NT][STACK] __attribute__((aligned(16)));
static volatile int64_t arrived, go;

static int ncpus(void)
{
        long n = mk_info(MK_INFO_NCPUS, 0);
        return n < 1 ? 1 : n > NT ? NT : (int)n;
}

// Pins the calling thread to CPU (i mod CPUs): 0 when it runs there.
static int pin(int i)
{
        int cpu = i % ncpus();
        long r = mk_thread_affinity(1ull << cpu);
        if (r < 0)
                return (int)r;
        return mk_info(MK_INFO_CPU, 0) == cpu ? 0 : -1;
}

// Every thread of a test arrives, then all go on together (bounded).
static int barrier(int n)
{
        __atomic_add_fetch(&arrived, 1, __ATOMIC_ACQ_REL);
        uint64_t end = adv_now() + SPIN_MS;
        while (__atomic_load_n(&arrived, __ATOMIC_ACQUIRE) < n) {
                if (adv_now() > end)
                        return -1;
                adv_relax();
        }
        return 0;
}

static void start_threads(int n, void (*fn)(uint64_t))
{
        arrived = 0;
        for (int i = 1; i < n; i++)
                if (adv_thread(fn, stacks[i], STACK, (uint64_t)i) < 0)
                        W[40 + i] = -1;
}

// Waits until W[40 + 1 .. n-1] are all 1 (each thread's "done"), bounded.
static int join(int n)
{
        uint64_t end = adv_now() + 20000;
        for (int i = 1; i < n; i++)
                while (W[40 + i] == 0) {
                        if (adv_now() > end)
                                return -1;
                        adv_relax();
                }
        for (int i = 1; i < n; i++)
                if (W[40 + i] != 1)
                        return -1;
        return 0;
}

// Frames come back: after warm-up rounds, a round of `round` leaves the
// pager's free-frame count where the round before left it. The pager's own
// tables may still take a page once (a process slot it had not used yet,
// in whichever round the timing picks), so one of up to four rounds must
// leave the count unchanged: a leak takes frames in every round.
static int frames_come_back(int (*round)(int), int n, const char *what)
{
        if (round(n) || (adv_stable_free() && round(n)))
                return 1;
        uint64_t first = adv_stable_free(), prev = first;
        for (int k = 0; k < 4; k++) {
                if (round(n))
                        return 1;
                uint64_t now = adv_stable_free();
                if (now == prev)
                        return 0;
                prev = now;
        }
        return adv_fail("%llu frames free after four more rounds of %s, %llu before: every "
                        "round took frames",
                        (unsigned long long)prev, what, (unsigned long long)first);
}

// --- S1: threads of one process on every CPU at once ----------------------------

static volatile uint64_t counts[NT];
static volatile int64_t checked; // threads that saw every other one progress

static int on_cpu(int i, int n)
{
        if (pin(i))
                return 2;
        (void)mk_cycles(); // the counter user mode reads is set up on every CPU
        if (barrier(n))
                return 3;
        // All are here: each counts, staying on its CPU, until every other
        // thread has counted too since (on one CPU each only advances when
        // the timer preempts; on n CPUs, all at once). Bounded: 15 s (a
        // host busy with other guests may not run a virtual CPU for seconds).
        uint64_t seen[NT];
        for (int k = 0; k < n; k++)
                seen[k] = counts[k];
        uint64_t end = adv_now() + 15000;
        for (int k = 0; k < n;) {
                counts[i]++;
                adv_relax();
                if (k == i || counts[k] != seen[k])
                        k++;
                else if (adv_now() > end) {
                        W[20 + i] = k; // (the one that made none)
                        return 5;
                }
        }
        // Go on counting until every thread has seen the others progress
        // (one that started late must see this one move too).
        __atomic_add_fetch(&checked, 1, __ATOMIC_SEQ_CST);
        while (__atomic_load_n(&checked, __ATOMIC_SEQ_CST) < n && adv_now() < end) {
                counts[i]++;
                adv_relax();
        }
        if (mk_info(MK_INFO_CPU, 0) != i % ncpus())
                return 4;
        return 0;
}

static void on_cpu_thread(uint64_t i)
{
        int n = (int)W[39];
        int r = on_cpu((int)i, n);
        W[40 + i] = r == 0 ? 1 : 10 * r + 2; // (join: not 1)
        W[30 + i] = r;
        adv_park();
}

int adv_threads_run_on_every_cpu(void)
{
        int n = ncpus();
        W[39] = n;
        long all = mk_thread_affinity(0);
        if (all != (long)((1ull << n) - 1))
                ADV_FAIL("affinity mask %ld with %d CPUs, expected 0x%llx", all, n,
                         (unsigned long long)((1ull << n) - 1));
        if (mk_thread_affinity(1ull << 8) != -EINVAL || mk_thread_affinity(1ull << 63) != -EINVAL)
                ADV_FAIL("an affinity naming no CPU was accepted");
        if (n < NT && mk_thread_affinity(1ull << n) != -EINVAL)
                ADV_FAIL("an affinity naming only CPU %d (of %d) was accepted", n, n);
        checked = 0;
        start_threads(n, on_cpu_thread);
        int r = on_cpu(0, n);
        if (r)
                ADV_FAIL("thread 0: step %d failed", r); // (the steps: on_cpu)
        if (join(n)) {
                for (int i = 1; i < n; i++)
                        if (W[40 + i] != 1)
                                ADV_FAIL("thread %d: %s (%d)", i,
                                         W[40 + i] == 0   ? "did not finish"
                                         : W[30 + i] == 2 ? "did not get its CPU"
                                         : W[30 + i] == 3 ? "the others did not arrive"
                                         : W[30 + i] == 4 ? "moved off its CPU"
                                                          : "another thread made no progress",
                                         (int)W[20 + i]);
        }
        return 0;
}

// --- S2: threads faulting the same pages at once ---------------------------------

static volatile uint64_t *race;

static int race_run(int i, int n)
{
        pin(i);
        if (barrier(n))
                return 1;
        for (int k = 0; k < RACE_PGS; k++) {
                race[k * 512 + i] = (uint64_t)(i + 1) << 32 | (uint64_t)k;
                if (race[k * 512 + i] != ((uint64_t)(i + 1) << 32 | (uint64_t)k))
                        return 2;
        }
        return 0;
}

static void race_thread(uint64_t i)
{
        W[40 + i] = race_run((int)i, (int)W[39]) == 0 ? 1 : 2;
        adv_park();
}

static int race_round(int n)
{
        race = mmap(NULL, RACE_PGS * ADV_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                    -1, 0);
        if (race == MAP_FAILED)
                return adv_fail("mmap failed");
        for (int i = 1; i < n; i++)
                W[40 + i] = 0;
        start_threads(n, race_thread);
        int rr = race_run(0, n);
        if (rr || join(n))
                return adv_fail("a thread failed or did not finish");
        for (int k = 0; k < RACE_PGS; k++)
                for (int i = 0; i < n; i++)
                        if (race[k * 512 + i] != ((uint64_t)(i + 1) << 32 | (uint64_t)k))
                                return adv_fail("page %d: thread %d's write is lost (two frames "
                                                "for one page?)",
                                                k, i);
        munmap((void *)race, RACE_PGS * ADV_PAGE);
        return 0;
}

int adv_same_page_fault_race(void)
{
        int n = ncpus() < 2 ? 2 : ncpus();
        W[39] = n;
        return frames_come_back(race_round, n, "the race"); // (threads stay parked: stacks only)
}

// --- S3: processes faulting in parallel -----------------------------------------

static int proc_faults(int i)
{
        pin(i);
        volatile uint64_t *p = mmap(NULL, PROC_PGS * ADV_PAGE, PROT_READ | PROT_WRITE,
                                    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
                return 2;
        uint64_t seed = (uint64_t)getpid() * 0x9e3779b97f4a7c15ull;
        for (int k = 0; k < PROC_PGS; k++)
                for (int w = 0; w < 512; w += 64)
                        p[k * 512 + w] = seed ^ (uint64_t)(k * 512 + w);
        for (int k = 0; k < PROC_PGS; k++)
                for (int w = 0; w < 512; w += 64)
                        if (p[k * 512 + w] != (seed ^ (uint64_t)(k * 512 + w)))
                                return 3;
        return 0;
}

static int procs_round(int n)
{
        long h[NT];
        for (int i = 0; i < n; i++) {
                long pid = adv_fork(&h[i]);
                if (pid == 0)
                        _exit(proc_faults(i));
                if (pid < 0)
                        return adv_fail("fork %d: %s", i, adv_err(pid));
        }
        int bad = 0;
        for (int i = 0; i < n; i++) {
                struct mk_exit_info info;
                long r = adv_wait_proc(h[i], &info, 20000);
                mk_handle_close(h[i]);
                if (r < 0 || info.reason != MK_REASON_EXIT || info.status != 0) {
                        adv_fail("child %d: %s", i, r < 0 ? adv_err(r) : adv_ending(&info));
                        bad++;
                }
        }
        return bad;
}

int adv_processes_fault_in_parallel(void)
{
        int n = ncpus() < 2 ? 2 : ncpus();
        return frames_come_back(procs_round, n, "parallel processes");
}

// --- S4, S5: an access after munmap/mprotect returns faults on every CPU ------------

static volatile uint64_t *shoot_page;

// The other CPU's thread: reads (or writes) the page until told the unmap
// (protect) returned, then once more. That access must fault: the process
// then ends by it; a stale translation lets it through (STALE_MAGIC).
static void toucher(uint64_t write)
{
        pin(1);
        uint64_t x = 0;
        while (!go) {
                if (write)
                        shoot_page[1] = ++x;
                else
                        x += shoot_page[0];
                W[3]++;
                adv_relax();
        }
        if (write)
                shoot_page[1] = x;
        else
                W[4] = (int64_t)shoot_page[0];
        W[2] = STALE_MAGIC;
        adv_park();
}

static int shoot_child(bool protect)
{
        pin(0);
        shoot_page =
            mmap(NULL, ADV_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (shoot_page == MAP_FAILED)
                return 2;
        shoot_page[0] = 7;
        W[1] = (int64_t)(uint64_t)shoot_page;
        if (adv_thread(toucher, stacks[1], STACK, protect) < 0)
                return 3;
        uint64_t end = adv_now() + SPIN_MS;
        while (W[3] < 1000) {
                if (adv_now() > end)
                        return 4;
                adv_relax();
        }
        int r = protect ? mprotect((void *)shoot_page, ADV_PAGE, PROT_READ)
                        : munmap((void *)shoot_page, ADV_PAGE);
        if (r)
                return 5;
        go = 1;
        // The toucher's process ends by its fault; if it gets through,
        // report it.
        end = adv_now() + 2000;
        while (W[2] != STALE_MAGIC && adv_now() < end)
                adv_relax();
        return W[2] == STALE_MAGIC ? 6 : 7;
}

static int shootdown(bool protect)
{
        long h;
        long pid = adv_fork(&h);
        if (pid == 0)
                _exit(shoot_child(protect));
        if (pid < 0)
                ADV_FAIL("fork: %s", adv_err(pid));
        struct mk_exit_info info;
        long r = adv_wait_proc(h, &info, 10000);
        mk_handle_close(h);
        if (r < 0)
                ADV_FAIL("wait: %s", adv_err(r));
        uint64_t want = protect ? MK_REASON_ACCESS : MK_REASON_NOMAP;
        if (info.reason == MK_REASON_EXIT && info.status == 6)
                ADV_FAIL("after %s returned, the thread on the other CPU still %s the page "
                         "(a stale TLB entry)",
                         protect ? "mprotect" : "munmap", protect ? "wrote" : "read");
        if (info.reason != want || (info.fault_va & ~(ADV_PAGE - 1)) != (uint64_t)W[1])
                ADV_FAIL("the child ended with %s, expected %s at 0x%llx", adv_ending(&info),
                         mk_reason_name(want), (unsigned long long)W[1]);
        return 0;
}

int adv_munmap_shootdown(void)
{
        return shootdown(false);
}

int adv_mprotect_shootdown(void)
{
        return shootdown(true);
}

// --- S6: fork while sibling threads write -----------------------------------------

static volatile uint64_t *fw_page;

static void fork_writer(uint64_t unused)
{
        pin(1);
        for (uint64_t s = 1;; s++) {
                for (int w = 0; w < 512; w++)
                        fw_page[w] = s;
                W[3] = (int64_t)s;
                adv_relax();
        }
}

// The child's copy: a prefix of one pass, the rest of the pass before
// (never anything else), and it never changes afterwards.
static int check_copy(void)
{
        static uint64_t snap[512];
        for (int w = 0; w < 512; w++)
                snap[w] = fw_page[w];
        uint64_t s = snap[0];
        int k = 0;
        while (k < 512 && snap[k] == s)
                k++;
        for (int w = k; w < 512; w++)
                if (snap[w] != s - 1)
                        return 10;
        uint64_t end = adv_now() + 30;
        while (adv_now() < end) {
                for (int w = 0; w < 512; w++)
                        if (fw_page[w] != snap[w])
                                return 11; // the parent's writes reach the child
                adv_relax();
        }
        return 0;
}

static int fork_write_child(void)
{
        pin(0);
        fw_page = mmap(NULL, ADV_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (fw_page == MAP_FAILED)
                return 2;
        fw_page[0] = 0;
        if (adv_thread(fork_writer, stacks[1], STACK, 0) < 0)
                return 3;
        for (int round = 0; round < 8; round++) {
                int64_t s0 = W[3];
                uint64_t end = adv_now() + SPIN_MS;
                while (W[3] < s0 + 3) {
                        if (adv_now() > end)
                                return 4;
                        adv_relax();
                }
                long h;
                long pid = adv_fork(&h);
                if (pid == 0)
                        _exit(check_copy());
                if (pid < 0)
                        return 5;
                struct mk_exit_info info;
                long r = adv_wait_proc(h, &info, 5000);
                mk_handle_close(h);
                if (r < 0 || info.reason != MK_REASON_EXIT)
                        return 6;
                if (info.status)
                        return (int)info.status;
        }
        return 0;
}

int adv_fork_while_threads_write(void)
{
        long h;
        long pid = adv_fork(&h);
        if (pid == 0)
                _exit(fork_write_child());
        if (pid < 0)
                ADV_FAIL("fork: %s", adv_err(pid));
        struct mk_exit_info info;
        long r = adv_wait_proc(h, &info, 30000);
        mk_handle_close(h);
        if (r < 0 || info.reason != MK_REASON_EXIT || info.status != 0)
                ADV_FAIL("%s%s", r < 0 ? adv_err(r) : adv_ending(&info),
                         info.status == 10   ? ": the child's copy is torn"
                         : info.status == 11 ? ": the parent's writes after fork reached the child"
                                             : "");
        return 0;
}

// --- S7: exit while threads fault ----------------------------------------------------

static void faulter(uint64_t i)
{
        pin((int)i);
        for (;;) {
                volatile uint8_t *p = mmap(NULL, 64 * ADV_PAGE, PROT_READ | PROT_WRITE,
                                           MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                if (p == MAP_FAILED)
                        continue;
                for (int k = 0; k < 64; k++)
                        p[k * ADV_PAGE] = (uint8_t)k;
                W[8 + i]++;
                munmap((void *)p, 64 * ADV_PAGE);
        }
}

static int exit_round(int n)
{
        long h;
        long pid = adv_fork(&h);
        if (pid == 0) {
                for (int i = 0; i < n; i++)
                        W[8 + i] = 0;
                for (int i = 1; i < n; i++)
                        adv_thread(faulter, stacks[i], STACK, (uint64_t)i);
                uint64_t end = adv_now() + SPIN_MS;
                for (int i = 1; i < n; i++)
                        while (W[8 + i] < 2 && adv_now() < end)
                                adv_relax();
                _exit(0); // while the others fault
        }
        if (pid < 0)
                return adv_fail("fork: %s", adv_err(pid));
        struct mk_exit_info info;
        long r = adv_wait_proc(h, &info, 10000);
        mk_handle_close(h);
        if (r < 0 || info.reason != MK_REASON_EXIT || info.status != 0)
                return adv_fail("%s", r < 0 ? adv_err(r) : adv_ending(&info));
        return 0;
}

int adv_exit_while_threads_fault(void)
{
        int n = ncpus() < 2 ? 2 : ncpus();
        return frames_come_back(exit_round, n, "exits while threads fault");
}

// --- S8: a wait returns once the pager has handled the end ----------------------

// The waiter (another process: a thread of the pager itself is never kept
// waiting for its own handling) asks, without waiting, at each step the
// pager sets in W[56], and writes what it got in W[57 + step - 1].
static int s8_waiter(void)
{
        struct mk_exit_info info;
        for (int step = 1; step <= 3; step++) {
                uint64_t end = adv_now() + SPIN_MS;
                while (W[56] < step)
                        if (adv_now() > end)
                                _exit(2);
                        else
                                mk_yield();
                W[56 + step] = mk_proc_wait(W[60], &info, MK_WAIT_NOHANG);
        }
        _exit(0);
}

static int s8_step(int step, long want, const char *when)
{
        W[56] = step;
        uint64_t end = adv_now() + SPIN_MS;
        while (W[56 + step] == 1)
                if (adv_now() > end)
                        return adv_fail("the waiter did not answer (step %d)", step);
                else
                        mk_yield();
        if (W[56 + step] != want)
                return adv_fail("%s, a wait without hanging returned %s, not %s", when,
                                adv_err(W[56 + step]), adv_err(want));
        return 0;
}

// SYS_PROC_WAIT returns once the process's pager is done with its exit
// event (it receives or replies again), not when the process ends: the
// pager gives its memory back then, and whoever waits sees it back (with
// several system pager threads, the waiter's next request and the exit
// event are handled by different threads). Here this process is the pager
// of a process it ends, and a forked waiter asks at each step.
int adv_wait_sees_memory_back(void)
{
        long e = mk_ep_create();
        if (e < 0)
                return adv_fail("ep_create: %s", adv_err(e));
        long c = mk_proc_create(e, 77, 0);
        if (c < 0)
                return adv_fail("proc_create: %s", adv_err(c));
        W[56] = 0;
        W[57] = W[58] = W[59] = 1;
        long hw;
        long pid = adv_fork(&hw);
        if (pid == 0)
                s8_waiter();
        if (pid < 0)
                return adv_fail("fork: %s", adv_err(pid));
        int r = 1;
        long hc = mk_handle_give(c, hw, 0, MK_RIGHT_WAIT);
        struct mk_msg m;
        if (hc < 0) {
                adv_fail("handle_give: %s", adv_err(hc));
                goto out;
        }
        W[60] = hc; // (read by the waiter at its first step: set before it)
        mk_proc_kill(c, MK_REASON_KILLED);
        if (s8_step(1, -EAGAIN, "ended, its exit event not yet received by its pager"))
                goto out;
        long got = mk_recv(e, &m);
        if (got < 0 || m.tag != MK_TAG_EXIT || m.badge != 77) {
                adv_fail("the pager's receive: %s, tag 0x%llx", adv_err(got),
                         (unsigned long long)m.tag);
                goto out;
        }
        if (s8_step(2, -EAGAIN, "its exit event received, the pager not done with it"))
                goto out;
        mk_reply(&m); // (nobody to answer: says the pager is done)
        r = s8_step(3, 0, "its pager done with its exit event");
out:;
        struct mk_exit_info info;
        adv_wait_proc(hw, &info, 10000);
        mk_handle_close(hw);
        mk_handle_close(c);
        mk_handle_close(e);
        return r;
}

// --- S9: an answer built before a change is not installed --------------------------

// This process serves the faults of one page of its own (SYS_REGION_PAGER)
// with two frames of its own (PGR_FRAMES) that read 1 and 2. A reader
// thread records what it read in W[48 + i].
static uint64_t s9_page;

static void s9_reader(uint64_t i)
{
        W[48 + i] = *(volatile uint8_t *)s9_page;
        adv_park();
}

static int s9_answer(long e, const struct mk_msg *fault, uint64_t pa)
{
        (void)e;
        struct mk_msg m;
        memset(&m, 0, offsetof(struct mk_msg, buf));
        m.tag = MK_FAULT_MAP;
        m.w[0] = s9_page;
        m.w[1] = pa;
        m.w[2] = MK_PERM_R;
        (void)fault;
        long r = mk_reply(&m);
        return r < 0 ? adv_fail("reply: %s", adv_err(r)) : 0;
}

static int s9_fault(long e, struct mk_msg *m)
{
        long r = mk_recv(e, m);
        if (r < 0 || !(m->flags & MK_MSG_KERNEL) || m->tag != MK_TAG_FAULT)
                return adv_fail("expected a fault: %s, tag 0x%llx", adv_err(r),
                                (unsigned long long)m->tag);
        return 0;
}

// Waits up to ms for reader i; true when it has read.
static bool s9_read(int i, uint64_t ms)
{
        uint64_t end = adv_now() + ms;
        while (W[48 + i] == 0 && adv_now() < end)
                mk_yield();
        return W[48 + i] != 0;
}

// A pager may answer after letting go of its own state, so an answer can
// reach the kernel after a change of the same page made later (an unmap,
// another thread's answer): the kernel does not install it, and the
// thread faults again (docs/smp.md, "Stale answers"). Here: (1) an answer
// sent after the page was unmapped; (2) of two faults of one page, the
// answer to the first sent after the answer to the second. Each must not
// be installed: the readers read only frame 2.
int adv_stale_answer_not_installed(void)
{
        struct mk_msg m = {.tag = PGR_FRAMES, .w = {2}};
        long r = adv_pcall(&m);
        if (r < 0 || m.w[0] != 2)
                return adv_fail("PGR_FRAMES: %s", adv_err(r < 0 ? r : (long)m.w[0]));
        uint64_t va = m.w[1], pa1 = ((uint64_t *)m.buf)[0], pa2 = ((uint64_t *)m.buf)[1];
        *(volatile uint8_t *)va = 1;
        *(volatile uint8_t *)(va + ADV_PAGE) = 2;
        struct mk_msg x = {.tag = PGR_MMAP,
                           .w = {0, ADV_PAGE, MK_PERM_R, PGR_MAP_PRIVATE | PGR_MAP_EXTERNAL}};
        r = adv_pcall(&x);
        if (r < 0)
                return adv_fail("mmap external: %s", adv_err(r));
        s9_page = (uint64_t)r;
        long e = mk_ep_create();
        if (e < 0 || (r = mk_region_pager(MK_SELF, s9_page, ADV_PAGE, e, 9)) < 0)
                return adv_fail("region_pager: %s", adv_err(e < 0 ? e : r));
        int fail = 1;
        long self = adv_self(); // (unmap takes a process handle, not MK_SELF)
        // (1) Unmapped between the fault and its answer.
        W[48] = W[49] = 0;
        adv_thread(s9_reader, stacks[1], STACK, 0);
        if (s9_fault(e, &m))
                goto out;
        r = mk_unmap(self, s9_page);
        if (r != -ENOENT) {
                adv_fail("unmap of the page not yet mapped: %s", adv_err(r));
                goto out;
        }
        if (s9_answer(e, &m, pa1))
                goto out;
        if (s9_read(0, 500)) {
                adv_fail("an answer sent after an unmap of its page was installed (read %lld)",
                         (long long)W[48]);
                goto out;
        }
        if (s9_fault(e, &m) || s9_answer(e, &m, pa2))
                goto out;
        if (!s9_read(0, SPIN_MS) || W[48] != 2) {
                adv_fail("(1) read %lld, not 2", (long long)W[48]);
                goto out;
        }
        // (2) Two faults of the page, answered newest first.
        if ((r = mk_unmap(self, s9_page)) < 0) {
                adv_fail("unmap: %s", adv_err(r));
                goto out;
        }
        W[48] = W[49] = 0;
        struct mk_msg f1, f2;
        adv_thread(s9_reader, stacks[2], STACK, 0);
        if (s9_fault(e, &f1))
                goto out;
        long k1 = mk_reply_save();
        adv_thread(s9_reader, stacks[3], STACK, 1);
        if (k1 < 0 || s9_fault(e, &f2)) {
                adv_fail("reply_save: %s", adv_err(k1));
                goto out;
        }
        if (s9_answer(e, &f2, pa2) || !s9_read(1, SPIN_MS))
                goto out;
        memset(&m, 0, offsetof(struct mk_msg, buf));
        m.tag = MK_FAULT_MAP;
        m.w[0] = s9_page;
        m.w[1] = pa1;
        m.w[2] = MK_PERM_R;
        if ((r = mk_reply_to(k1, &m)) < 0) {
                adv_fail("reply_to: %s", adv_err(r));
                goto out;
        }
        if (s9_read(0, 500) && W[48] != 2) {
                adv_fail("an older answer sent after a newer one for the same page was installed "
                         "(read %lld)",
                         (long long)W[48]);
                goto out;
        }
        if (!W[48] && (s9_fault(e, &m) || s9_answer(e, &m, pa2) || !s9_read(0, SPIN_MS)))
                goto out;
        if (W[48] != 2 || W[49] != 2) {
                adv_fail("(2) read %lld and %lld, not 2 and 2", (long long)W[48], (long long)W[49]);
                goto out;
        }
        fail = 0;
out:
        mk_region_pager(MK_SELF, s9_page, 0, e, 0);
        mk_handle_close(e);
        mk_handle_close(self);
        return fail;
}

// --- S10: the VFS's requests in parallel -------------------------------------------

#define S10_SHARED "s10_shared"
#define S10_SIZE   (512 * 1024)
#define S10_CHUNK  512

// Byte off of a test file: each 512-byte chunk starts with its number.
static uint8_t s10_byte(uint64_t off, unsigned salt)
{
        if (off % S10_CHUNK < 2)
                return (uint8_t)((off / S10_CHUNK) >> (8 * (off % S10_CHUNK)));
        return (uint8_t)((off * 7 + (off >> 9) * 13 + salt * 101) & 0xff);
}

static int s10_fill(const char *name, unsigned salt, uint64_t size)
{
        int fd = open(name, O_CREAT | O_TRUNC | O_RDWR, 0644);
        if (fd < 0)
                return adv_fail("open %s: %s", name, adv_err(-errno));
        static uint8_t buf[4096];
        for (uint64_t off = 0; off < size; off += sizeof(buf)) {
                for (unsigned i = 0; i < sizeof(buf); i++)
                        buf[i] = s10_byte(off + i, salt);
                if (pwrite(fd, buf, sizeof(buf), (off_t)off) != (ssize_t)sizeof(buf)) {
                        close(fd);
                        return adv_fail("pwrite %s: %s", name, adv_err(-errno));
                }
        }
        close(fd);
        return 0;
}

// One worker on CPU i: rounds of writing its own file and reading it back,
// and of reading windows of the shared one; 0 or a failure.
static int s10_worker(int i)
{
        char name[32];
        uint8_t buf[4096], back[4096];
        pin(i);
        snprintf(name, sizeof(name), "s10_own%d", i);
        int own = open(name, O_CREAT | O_TRUNC | O_RDWR, 0644);
        int sh = open(S10_SHARED, O_RDONLY);
        if (own < 0 || sh < 0)
                return adv_fail("worker %d: open: %s", i, adv_err(-errno));
        for (unsigned round = 0; round < 32; round++) {
                uint64_t off = (round % 8) * sizeof(buf);
                for (unsigned k = 0; k < sizeof(buf); k++)
                        buf[k] = s10_byte(off + k, round + 10 * (unsigned)i);
                if (pwrite(own, buf, sizeof(buf), (off_t)off) != (ssize_t)sizeof(buf) ||
                    pread(own, back, sizeof(back), (off_t)off) != (ssize_t)sizeof(back) ||
                    memcmp(buf, back, sizeof(buf)))
                        return adv_fail("worker %d round %u: its own file reads back wrong", i,
                                        round);
                uint64_t at = (round * 4099 + (unsigned)i * 977) % (S10_SIZE - 1024);
                if (pread(sh, back, 1024, (off_t)at) != 1024)
                        return adv_fail("worker %d: pread of the shared file: %s", i,
                                        adv_err(-errno));
                for (unsigned k = 0; k < 1024; k++)
                        if (back[k] != s10_byte(at + k, 0))
                                return adv_fail("worker %d: the shared file's byte %llu reads "
                                                "%u",
                                                i, (unsigned long long)(at + k), back[k]);
        }
        close(own);
        close(sh);
        unlink(name);
        return 0;
}

// Two threads read one descriptor of the shared file at its offset, 512
// bytes at a time: every chunk is read exactly once, whole (each read of
// a descriptor's offset is one step: two never get the same bytes).
static int s10_fd;
static volatile int64_t s10_seen[S10_SIZE / S10_CHUNK];
static volatile int64_t s10_bad;

static void s10_reader(uint64_t i)
{
        uint8_t b[S10_CHUNK];
        pin((int)i);
        for (;;) {
                ssize_t n = read(s10_fd, b, sizeof(b));
                if (n <= 0)
                        break;
                // Which chunk: its first two bytes say; the rest must match.
                uint64_t k = b[0] | (uint64_t)b[1] << 8;
                bool whole = n == S10_CHUNK && k < S10_SIZE / S10_CHUNK;
                for (unsigned j = 2; whole && j < S10_CHUNK; j++)
                        whole = b[j] == s10_byte(k * S10_CHUNK + j, 0);
                if (!whole)
                        __atomic_add_fetch(&s10_bad, 1, __ATOMIC_SEQ_CST);
                else
                        __atomic_add_fetch(&s10_seen[k], 1, __ATOMIC_SEQ_CST);
        }
        W[44 + i] = 1;
        adv_park();
}

// The VFS server answers with one thread per CPU (docs/vfs.md, "Threads"):
// four processes, one per CPU, write and read their own files and read a
// shared one at once, and two threads share one descriptor's offset; every
// byte reads as written.
int adv_vfs_requests_in_parallel(void)
{
        int n = ncpus() < 2 ? 2 : ncpus() > 4 ? 4 : ncpus();
        if (s10_fill(S10_SHARED, 0, S10_SIZE))
                return 1;
        long h[4];
        for (int i = 1; i < n; i++) {
                long pid = adv_fork(&h[i]);
                if (pid == 0)
                        _exit(s10_worker(i));
                if (pid < 0)
                        return adv_fail("fork: %s", adv_err(pid));
        }
        int r = s10_worker(0);
        for (int i = 1; i < n; i++) {
                struct mk_exit_info info;
                long w = adv_wait_proc(h[i], &info, 20000);
                mk_handle_close(h[i]);
                if (!r && (w < 0 || info.reason != MK_REASON_EXIT || info.status != 0))
                        r = adv_fail("worker %d: %s", i, w < 0 ? adv_err(w) : adv_ending(&info));
        }
        if (r)
                return r;
        if ((s10_fd = open(S10_SHARED, O_RDONLY)) < 0)
                return adv_fail("open: %s", adv_err(-errno));
        W[45] = W[46] = 0;
        adv_thread(s10_reader, stacks[5], STACK, 1);
        adv_thread(s10_reader, stacks[6], STACK, 2);
        uint64_t end = adv_now() + SPIN_MS;
        while ((!W[45] || !W[46]) && adv_now() < end)
                mk_yield();
        close(s10_fd);
        unlink(S10_SHARED);
        if (!W[45] || !W[46])
                return adv_fail("the readers did not finish");
        if (s10_bad)
                return adv_fail("%lld reads returned a torn or unknown chunk", (long long)s10_bad);
        for (unsigned c = 0; c < S10_SIZE / S10_CHUNK; c++)
                if (s10_seen[c] != 1)
                        return adv_fail("chunk %u of the shared file was read %lld times", c,
                                        (long long)s10_seen[c]);
        return 0;
}
