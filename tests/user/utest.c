// SPDX-License-Identifier: MIT
// The user-space test program: one scenario per process, chosen by its
// argument (the scenario number, scenarios.h). Scenarios end with an exit
// status or a fault; the test runner (tests/runner/runner.c) checks the
// ending, and the fault scenarios' test pager (utpager.h) every field of the
// fault message.
#include "utpager.h"
#include <mk/pager.h>
#include <mk/file.h>
#include <mk/pagerclient.h>
#include <mk/pagerlib.h>
#include <mk/sys.h>
#include <mk/testhelp.h>
#include <tests/testva.h>
#include <tests/user/scenarios.h>

static long ep;
static int failures;

#define CHECK(cond)                                                                                \
        do {                                                                                       \
                if (!(cond)) {                                                                     \
                        mk_printf("utest   check failed: %s (line %d)\n", #cond, __LINE__);        \
                        failures++;                                                                \
                }                                                                                  \
        } while (0)

#define CHECK_EQ(a, b)                                                                             \
        do {                                                                                       \
                long _a = (long)(a), _b = (long)(b);                                               \
                if (_a != _b) {                                                                    \
                        mk_printf("utest   check failed: %s = %ld, expected %ld (line %d)\n", #a,  \
                                  _a, _b, __LINE__);                                               \
                        failures++;                                                                \
                }                                                                                  \
        } while (0)

static uint64_t pager_mmap(uint64_t len, uint64_t perms)
{
        struct mk_msg m = {.tag = PGR_MMAP, .w = {0, len, perms, PGR_MAP_PRIVATE | PGR_MAP_ANON}};
        if (mk_call(ep, &m) < 0)
                return 0;
        return m.w[0];
}

// The fault scenarios' test pager (utpager.h): started for us, serving one
// page of ours at the address returned (0 if it could not be set up).
static long tp_ep;

static uint64_t tp_region(void)
{
        long proc;
        uint64_t va;
        uint32_t id;
        if (mkp_spawn_pager("utpager", &tp_ep, &proc) ||
            mkp_attach(tp_ep, proc, MK_PAGE_SIZE, &va, &id))
                return 0;
        return va;
}

// Tells the test pager what to do (UTP_CHECK: what the fault on addr with
// this access must look like, the rights the page gets before it, and the
// reason to end us with when it matches). First makes sure the fault
// helpers' code is mapped, so the faults that follow are the provoked ones.
static long tp_mode(uint64_t mode, uint64_t addr, uint64_t ip, unsigned access, unsigned kind,
                    uint32_t perms, uint64_t reason)
{
        (void)*(volatile const char *)mk_load64_insn;
        (void)*(volatile const char *)mk_store64_insn;
        (void)*(volatile const char *)(uint64_t)mk_exec_at;
        struct mk_msg m = {.tag = UTP_MODE,
                           .w = {mode, addr, ip, UTP_W3(access, kind, perms),
                                 (uint64_t)mk_info(MK_INFO_PID, 0), reason}};
        long r = mk_call(tp_ep, &m);
        return r < 0 ? r : (long)m.w[0];
}

// Sets up the test pager's page and its expectation: 0 or 1 (failed).
static int tp_check(uint64_t *va, uint64_t off, bool exec_at, uint64_t ip, unsigned access,
                    unsigned kind, uint32_t perms, uint64_t reason)
{
        *va = tp_region();
        if (!*va) {
                mk_printf("# utest: cannot start or attach the test pager\n");
                return 1;
        }
        if (tp_mode(UTP_CHECK, *va + off, exec_at ? *va + off : ip, access, kind, perms, reason)) {
                mk_printf("# utest: the test pager refused the mode\n");
                return 1;
        }
        return 0;
}

static int anon_1000(void)
{
        enum { N = 1000 };
        uint64_t base = pager_mmap(N * MK_PAGE_SIZE, MK_PERM_R | MK_PERM_W);
        CHECK(base && (long)base > 0);
        if (failures)
                return 1;
        for (uint64_t i = 0; i < N; i++)
                *(volatile uint64_t *)(base + i * MK_PAGE_SIZE + (i % 512) * 8) =
                    i * 0x9e3779b97f4a7c15ull;
        for (uint64_t i = 0; i < N; i++) {
                uint64_t v = *(volatile uint64_t *)(base + i * MK_PAGE_SIZE + (i % 512) * 8);
                if (v != i * 0x9e3779b97f4a7c15ull) {
                        mk_printf("utest   page %llu reads 0x%llx\n", (unsigned long long)i,
                                  (unsigned long long)v);
                        return 1;
                }
                // The rest of the page is zero-filled.
                CHECK(*(volatile uint64_t *)(base + i * MK_PAGE_SIZE + ((i + 1) % 512) * 8) == 0);
        }
        return failures;
}

static uint64_t kernel_text_va(void)
{
#if defined(__x86_64__)
        return 0xffffffff80000000ull;
#elif defined(__aarch64__)
        return 0xffff000040080000ull;
#else
        return 0xffffffc080200000ull;
#endif
}

// Bad pointers, handles and numbers: each call fails cleanly.
static int syscall_args(void)
{
        struct mk_msg m = {0};
        const uint64_t kva = kernel_text_va();
        CHECK_EQ(mk_debug_write((void *)8, 4), -EFAULT);                 // below the user range
        CHECK_EQ(mk_debug_write((void *)kva, 4), -EFAULT);               // kernel address
        CHECK_EQ(mk_debug_write((void *)TEST_UNMAPPED_VA, 4), -EFAULT);  // no region
        CHECK_EQ(mk_debug_write((void *)(MK_USER_TOP - 2), 4), -EFAULT); // crosses the top
        CHECK_EQ(mk_debug_write("x", 1ull << 40), -EINVAL);              // absurd length
        CHECK_EQ(mk_call(ep, (struct mk_msg *)kva), -EFAULT);
        CHECK_EQ(mk_call(ep, (struct mk_msg *)TEST_UNMAPPED_VA), -EFAULT);
        CHECK_EQ(mk_recv(ep, &m), -EBADF);       // a send-only handle cannot receive
        for (long h = -1; h <= 1000; h += 200) { // (0 and 1 are the pager's and the VFS's)
                CHECK_EQ(mk_call(h == ep ? -5 : h, &m), -EBADF);
                CHECK_EQ(mk_handle_close(h == ep ? -5 : h), -EBADF);
                CHECK_EQ(mk_thread_start(h, 0x400000, 0x10000000, 0), -EBADF);
                CHECK_EQ(mk_proc_wait(h, 0, 0), -EBADF);
        }
        CHECK_EQ(mk_syscall(SYS_NR, 0, 0, 0, 0, 0, 0), -ENOSYS);
        CHECK_EQ(mk_syscall(-1, 0, 0, 0, 0, 0, 0), -ENOSYS);
        CHECK_EQ(mk_syscall(1ll << 40, 0, 0, 0, 0, 0, 0), -ENOSYS);
        CHECK_EQ(mk_info(999, &m), -EINVAL);
        CHECK_EQ(mk_info(MK_INFO_CMDLINE, (void *)kva), -EFAULT);
        CHECK_EQ(mk_reply(&m), -ESRCH); // nobody called us
        // SYS_PROC_NAME: bad buffers, handles that are no process, and a
        // name that is cut at MK_PROC_NAME_MAX - 1 bytes.
        CHECK_EQ(mk_syscall(SYS_PROC_NAME, MK_SELF, (long)kva, 4, 0, 0, 0), -EFAULT);
        CHECK_EQ(mk_syscall(SYS_PROC_NAME, MK_SELF, (long)TEST_UNMAPPED_VA, 4, 0, 0, 0), -EFAULT);
        CHECK_EQ(mk_syscall(SYS_PROC_NAME, 999, (long)"x", 1, 0, 0, 0), -EBADF);
        CHECK_EQ(mk_syscall(SYS_PROC_NAME, ep, (long)"x", 1, 0, 0, 0), -EBADF); // an endpoint
        CHECK_EQ(
            mk_syscall(SYS_PROC_NAME, MK_SELF, (long)"utest-with-a-long-name", 1ll << 40, 0, 0, 0),
            0);
        CHECK_EQ(mk_proc_name(MK_SELF, "utest"), 0);
        // A buffer in a reserved page nobody touched yet: the kernel's copy
        // faults it in through the pager and the call succeeds.
        uint64_t fresh = pager_mmap(2 * MK_PAGE_SIZE, MK_PERM_R | MK_PERM_W);
        CHECK((long)fresh > 0);
        CHECK_EQ(mk_info(MK_INFO_CMDLINE, (void *)(fresh + MK_PAGE_SIZE - 100)), 0);
        CHECK(strlen((char *)(fresh + MK_PAGE_SIZE - 100)) > 0);
        CHECK_EQ(mk_debug_write((void *)(fresh + 2 * MK_PAGE_SIZE - 1), 2),
                 -EFAULT); // runs past the region
        m.len = MK_MSG_BUF + 1;
        m.tag = PGR_PING;
        CHECK_EQ(mk_call(ep, &m), -E2BIG);
        CHECK_EQ(mk_proc_create(ep, 0, 0x100), -EINVAL); // unknown flag
        long p = mk_proc_create(-1, 0, 0);
        CHECK(p >= 0);
        CHECK_EQ(mk_thread_start(p, kva, 0x10000000, 0), -EINVAL); // kernel ip
        CHECK_EQ(mk_proc_kill(p, 999), -EINVAL);
        CHECK_EQ(mk_proc_kill(p, MK_REASON_EXIT), -EINVAL);
        CHECK_EQ(mk_unmap(p, 0x400001), -EINVAL);
        CHECK_EQ(mk_unmap(p, 0x400000), -ENOENT);
        CHECK_EQ(mk_handle_give(ep, p, 0, MK_RIGHT_RECV), -EPERM); // more rights than held
        CHECK_EQ(mk_proc_kill(p, MK_REASON_KILLED), 0);
        CHECK_EQ(mk_proc_kill(p, MK_REASON_KILLED), -ESRCH);
        struct mk_exit_info xi;
        CHECK_EQ(mk_proc_wait(p, &xi, 0), 0);
        CHECK_EQ(xi.reason, MK_REASON_KILLED);
        CHECK_EQ(mk_handle_close(p), 0);
        CHECK_EQ(mk_handle_close(p), -EBADF);
        // Spawning: a file that is not an ELF, a missing program and a
        // malformed request each fail cleanly.
        struct mk_msg sp = {.tag = PGR_SPAWN, .w = {1}};
        memcpy(sp.buf, "motd", 5);
        sp.len = 5;
        CHECK_EQ(mk_call(ep, &sp), 0);
        CHECK_EQ((long)sp.w[0], -ENOEXEC);
        sp = (struct mk_msg){.tag = PGR_SPAWN, .w = {1}, .len = 5};
        memcpy(sp.buf, "nope", 5);
        CHECK_EQ(mk_call(ep, &sp), 0);
        CHECK_EQ((long)sp.w[0], -ENOENT);
        sp = (struct mk_msg){.tag = PGR_SPAWN, .w = {3}, .len = 5}; // argc beyond the strings
        memcpy(sp.buf, "utest", 5);
        CHECK_EQ(mk_call(ep, &sp), 0);
        CHECK_EQ((long)sp.w[0], -EINVAL);
        sp = (struct mk_msg){.tag = PGR_SPAWN, .w = {1}, .len = 4}; // not NUL-terminated
        memcpy(sp.buf, "utes", 4);
        CHECK_EQ(mk_call(ep, &sp), 0);
        CHECK_EQ((long)sp.w[0], -EINVAL);
        // Still alive and well: a normal call works.
        m.len = 0;
        m.tag = PGR_PING;
        CHECK_EQ(mk_call(ep, &m), 0);
        return failures;
}

// A process cannot reach memory or objects it was not given.
static int isolation(void)
{
        struct mk_physmem ph;
        struct mk_region br;
        CHECK_EQ(mk_info(MK_INFO_PHYS_WINDOW, &ph), 0);
        CHECK_EQ(ph.nranges, 0); // owns no frames
        CHECK_EQ(mk_info(MK_INFO_BOOTIMG, &br), -EPERM);
        long p = mk_proc_create(-1, 0, 0);
        CHECK(p >= 0);
        // Mapping any frame it does not own is refused: the pager's, the kernel's.
        CHECK_EQ(mk_map(p, 0x400000, 0x1000, MK_PERM_R), -EPERM);
        CHECK_EQ(mk_map(p, 0x400000, 0x80200000, MK_PERM_R), -EPERM);
        CHECK_EQ(mk_map(p, 0x400000, 0x40080000, MK_PERM_R), -EPERM);
        // The pager's window is not mapped here, nor covered by a region.
        CHECK_EQ(mk_debug_write((void *)MK_PHYS_WINDOW, 8), -EFAULT);
        // Handles of other processes are not ours to use.
        for (long h = 0; h < 64; h++)
                if (h != ep && h != p)
                        CHECK_EQ(mk_proc_kill(h, MK_REASON_KILLED), -EBADF);
        mk_proc_kill(p, MK_REASON_KILLED);
        mk_handle_close(p);
        CHECK_EQ(mk_syscall(SYS_SHUTDOWN, 0, 0, 0, 0, 0, 0), -EPERM);
        return failures;
}

// Reports a loop's counter total and its iteration count.
// fork through the pager: the child sees the parent's memory, writes to it
// privately (copy-on-write), and ends with a status the parent collects.
static uint64_t counter = 7; // data segment
static int fork_cow(void)
{
        uint64_t heap = pager_mmap(3 * MK_PAGE_SIZE, MK_PERM_R | MK_PERM_W);
        volatile uint64_t *a = (uint64_t *)heap, *b = (uint64_t *)(heap + MK_PAGE_SIZE);
        a[0] = 111;
        b[0] = 222;
        (void)*(volatile uint64_t *)(heap + 2 * MK_PAGE_SIZE); // the zero page
        struct mk_msg m = {.tag = PGR_FORK};
        long r = mk_call(ep, &m);
        if (r == MK_FORK_CHILD) {
                // The child: same contents, private writes.
                if (a[0] != 111 || b[0] != 222 || counter != 7)
                        mk_exit(10);
                a[0] = 333;
                counter = 8;
                *(volatile uint64_t *)(heap + 2 * MK_PAGE_SIZE) = 5;
                mk_exit(a[0] == 333 && counter == 8 ? 21 : 11);
        }
        CHECK_EQ(r, 0);
        CHECK((long)m.w[0] > 0); // the child's pid
        struct mk_exit_info xi;
        CHECK_EQ(mk_proc_wait((long)m.w[1], &xi, 0), 0);
        CHECK_EQ(xi.reason, MK_REASON_EXIT);
        CHECK_EQ(xi.status, 21);
        // The parent's view is untouched by the child's writes.
        CHECK_EQ(a[0], 111);
        CHECK_EQ(counter, 7);
        CHECK_EQ(*(volatile uint64_t *)(heap + 2 * MK_PAGE_SIZE), 0);
        // Sole reference now: the parent's write reuses its frame.
        a[0] = 444;
        b[0] = 555;
        CHECK_EQ(a[0], 444);
        CHECK_EQ(b[0], 555);
        struct pgr_stats st;
        CHECK_EQ(mk_stats(0, &st), 0);
        CHECK(st.cow_reuses >= 1);
        return failures;
}

// Prints one benchmark figure: `bench ARCH METRIC INSTRUCTIONS` per
// iteration. riscv64 counts retired instructions; the others count virtual
// nanoseconds, which -icount shift=N (the command line's icount=N) makes 2^N
// per instruction.
static unsigned icount_shift;

static void report(uint64_t metric, uint64_t total, uint64_t n)
{
        static const char *const names[] = BENCH_METRIC_NAMES;
        long arch = mk_info(MK_INFO_ARCH, 0);
        uint64_t insns = (arch == FAULT_ARCH_RISCV64 ? total : total >> icount_shift) / (n ? n : 1);
        if (metric < sizeof(names) / sizeof(names[0]))
                mk_printf("bench %s %s %llu\n",
                          arch == FAULT_ARCH_X86_64    ? "x86_64"
                          : arch == FAULT_ARCH_AARCH64 ? "aarch64"
                                                       : "riscv64",
                          names[metric], (unsigned long long)insns);
}

// Benchmarks: each figure is the counter delta of a loop divided by its
// count, the smallest of REPS runs of the loop (each on its own pages where
// it faults): the timer's tick (every 10 ms, tens of thousands of
// instructions with the scheduler) lands in at most one of them, so it does
// not move a figure by its chance placement.
enum { BENCH_N = 1024, REPS = 3 };

static uint64_t best(uint64_t a, uint64_t b)
{
        return a < b ? a : b;
}

// --- Several CPUs (`bench smp`) -----------------------------------------------------
// Their figures count every CPU's instructions: the virtual clock, which
// under -icount advances by 2^shift ns per instruction of whichever CPU runs
// (QEMU runs them in turn). x86_64's TSC and aarch64's PMCCNTR_EL0 read it in
// ns (mk_cycles); riscv64's mk_cycles is its own hart's instret, so there the
// time CSR (10 MHz on QEMU's virt machine: 100 ns a tick) is read instead.
static uint64_t vclock_ns(void)
{
#if defined(__riscv)
        uint64_t t;
        __asm__ volatile("rdtime %0" : "=r"(t));
        return t * 100;
#else
        return mk_cycles();
#endif
}

static void report_vclock(uint64_t metric, uint64_t ns, uint64_t n)
{
        long arch = mk_info(MK_INFO_ARCH, 0);
        // (report() takes riscv64's counter as instructions already)
        report(metric, arch == FAULT_ARCH_RISCV64 ? ns >> icount_shift : ns, n);
}

enum { SMP_N = 4, SMP_PAGES = 1024 };

// A spin loop's hint (pause and yield also let QEMU run another CPU under
// -icount).
static inline void cpu_relax(void)
{
#if defined(__x86_64__)
        __asm__ volatile("pause" ::: "memory");
#elif defined(__aarch64__)
        __asm__ volatile("yield" ::: "memory");
#endif
}
struct smp_bench {
        volatile uint64_t ready, go, t0[SMP_N], t1[SMP_N];
        volatile long done_ep[SMP_N]; // each child's handle to the parent's endpoint
};

// The end of a benchmark's helper: tells endpoint `done` (if any) it has
// finished, then waits blocked (costing no instruction) to be killed.
static __attribute__((noreturn)) void done_then_wait(long done)
{
        struct mk_msg m = {.tag = MK_TAG_USER};
        if (done >= 0)
                mk_send(done, &m);
        long e = mk_ep_create();
        mk_recv(e, &m);
        mk_exit(1);
}

// A child of the anon_fault_smp4 run: on CPU i, faults SMP_PAGES fresh pages
// of its own once told to go, records when it started and ended, and waits
// (blocked: a waiting CPU costs no instruction) to be killed.
static void smp_child(struct smp_bench *sb, int i, uint64_t base)
{
        mk_thread_affinity(1ull << i);
        __atomic_add_fetch(&sb->ready, 1, __ATOMIC_SEQ_CST);
        while (!sb->go)
                cpu_relax();
        sb->t0[i] = vclock_ns();
        for (uint64_t k = 0; k < SMP_PAGES; k++)
                *(volatile uint64_t *)(base + k * MK_PAGE_SIZE) = k;
        sb->t1[i] = vclock_ns();
        done_then_wait(sb->done_ep[i]); // the parent waits blocked, running nothing
}

static uint64_t shoot_va;
static volatile uint64_t touched;
static uint8_t shoot_stacks[SMP_N][4096] __attribute__((aligned(16)));

#ifdef __x86_64__
#define ENTRY_SP_BIAS 8
#else
#define ENTRY_SP_BIAS 0
#endif

// tlb_shootdown's threads: each touches every page of the region on its CPU,
// then blocks for good.
static void shoot_thread(uint64_t i)
{
        mk_thread_affinity(1ull << i);
        for (uint64_t k = 0; k < 3 * REPS; k++)
                (void)*(volatile uint64_t *)(shoot_va + k * MK_PAGE_SIZE);
        __atomic_add_fetch(&touched, 1, __ATOMIC_SEQ_CST);
        done_then_wait(-1);
}

// same_page_race's threads: on CPU i, write every page of the region in
// order once told to go (the four race on each page), then say so.
static struct smp_bench race_sb;
static uint64_t race_va;
static long race_done;

static void race_thread(uint64_t i)
{
        mk_thread_affinity(1ull << i);
        __atomic_add_fetch(&race_sb.ready, 1, __ATOMIC_SEQ_CST);
        while (!race_sb.go)
                cpu_relax();
        race_sb.t0[i] = vclock_ns();
        for (uint64_t k = 0; k < SMP_PAGES; k++)
                *(volatile uint64_t *)(race_va + k * MK_PAGE_SIZE + i * 8) = k;
        race_sb.t1[i] = vclock_ns();
        done_then_wait(race_done);
}

static uint8_t race_stacks[REPS][SMP_N][4096] __attribute__((aligned(16)));

static int bench_smp(void)
{
        if (mk_info(MK_INFO_NCPUS, 0) < SMP_N) {
                mk_printf("utest: bench smp needs %d CPUs\n", SMP_N);
                return 1;
        }
        mk_thread_affinity(1); // the measuring thread keeps to CPU 0
        // anon_fault_smp4: from the first child's start to the last one's
        // end, everything every CPU ran (the pager's work included), per fault.
        uint64_t m = UINT64_MAX, waits = UINT64_MAX;
        long done = mk_ep_create();
        if (done < 0)
                return 1;
        for (int r = 0; r < REPS; r++) {
                struct smp_bench *sb;
                long h[SMP_N];
                // (shared with the children: fork keeps a shared mapping shared)
                struct mk_msg mm = {
                    .tag = PGR_MMAP,
                    .w = {0, MK_PAGE_SIZE, MK_PERM_R | MK_PERM_W, PGR_MAP_SHARED | PGR_MAP_ANON}};
                if (mk_call(ep, &mm) < 0 || (long)mm.w[0] <= 0)
                        return 1;
                sb = (struct smp_bench *)mm.w[0];
                sb->ready = sb->go = 0;
                for (int i = 0; i < SMP_N; i++) {
                        uint64_t base = pager_mmap(SMP_PAGES * MK_PAGE_SIZE, MK_PERM_R | MK_PERM_W);
                        if ((long)base <= 0)
                                return 1;
                        struct mk_msg f = {.tag = PGR_FORK};
                        long fr = mk_call(ep, &f);
                        if (fr == MK_FORK_CHILD)
                                smp_child(sb, i, base);
                        if (fr < 0 || (long)f.w[0] <= 0)
                                return 1;
                        h[i] = (long)f.w[1];
                        if ((sb->done_ep[i] = mk_handle_give(done, h[i], 0, MK_RIGHT_SEND)) < 0)
                                return 1;
                }
                while (sb->ready < SMP_N)
                        mk_yield();
                struct mk_cpu_stats s0, s1;
                mk_info(MK_INFO_CPU_STATS, &s0);
                sb->go = 1;
                struct mk_msg dm;
                for (int i = 0; i < SMP_N; i++)
                        mk_recv(done, &dm);
                mk_info(MK_INFO_CPU_STATS, &s1);
                uint64_t a = UINT64_MAX, b = 0;
                for (int i = 0; i < SMP_N; i++) {
                        a = sb->t0[i] < a ? sb->t0[i] : a;
                        b = sb->t1[i] > b ? sb->t1[i] : b;
                }
                m = best(m, b - a);
                waits = best(waits, s1.klock_spins - s0.klock_spins);
                for (int i = 0; i < SMP_N; i++)
                        mk_proc_kill(h[i], MK_REASON_KILLED);
        }
        report_vclock(BENCH_ANON_FAULT_SMP4, m, SMP_N * SMP_PAGES);
        // Lock-wait loop iterations per fault: a count, not a time.
        mk_printf("bench %s %s %llu.%02llu\n",
                  mk_info(MK_INFO_ARCH, 0) == FAULT_ARCH_X86_64    ? "x86_64"
                  : mk_info(MK_INFO_ARCH, 0) == FAULT_ARCH_AARCH64 ? "aarch64"
                                                                   : "riscv64",
                  "anon_fault_smp4_lock_waits", (unsigned long long)(waits / (SMP_N * SMP_PAGES)),
                  (unsigned long long)(waits * 100 / (SMP_N * SMP_PAGES) % 100));

        // tlb_shootdown: munmap of one page of a region threads on the other
        // three CPUs (and this one) have touched: the pager's munmap and
        // the kernel's flush here and by cross-call on the three others.
        shoot_va = pager_mmap(3 * REPS * MK_PAGE_SIZE, MK_PERM_R | MK_PERM_W);
        if ((long)shoot_va <= 0)
                return 1;
        for (uint64_t k = 0; k < 3 * REPS; k++)
                *(volatile uint64_t *)(shoot_va + k * MK_PAGE_SIZE) = k;
        long self = mk_handle_give(MK_SELF, MK_SELF, 0, 0);
        for (int i = 1; i < SMP_N; i++)
                mk_thread_start(self, (uint64_t)shoot_thread,
                                (uint64_t)(shoot_stacks[i] + sizeof(shoot_stacks[i])) -
                                    ENTRY_SP_BIAS,
                                (uint64_t)i);
        uint64_t until = (uint64_t)mk_info(MK_INFO_UPTIME_MS, 0) + 10000;
        while (touched < SMP_N - 1) {
                mk_yield();
                cpu_relax();
                if ((uint64_t)mk_info(MK_INFO_UPTIME_MS, 0) > until) {
                        mk_printf("utest: tlb_shootdown: %llu of %d threads ready after 10 s\n",
                                  (unsigned long long)touched, SMP_N - 1);
                        return 1;
                }
        }
        struct mk_cpu_stats c0, c1;
        mk_info(MK_INFO_CPU_STATS, &c0);
        m = UINT64_MAX;
        for (int r = 0; r < 3 * REPS; r++) {
                struct mk_msg u = {.tag = PGR_MUNMAP,
                                   .w = {shoot_va + r * MK_PAGE_SIZE, MK_PAGE_SIZE}};
                uint64_t t0 = vclock_ns();
                mk_call(ep, &u);
                uint64_t t1 = vclock_ns();
                m = best(m, t1 - t0);
        }
        mk_info(MK_INFO_CPU_STATS, &c1);
        report_vclock(BENCH_TLB_SHOOTDOWN, m, 1);
        mk_printf("# tlb_shootdown: %llu cross-calls for %d munmaps\n",
                  (unsigned long long)(c1.tlb_calls - c0.tlb_calls), 3 * REPS);

        // same_page_race: four threads of this process, one per CPU, write
        // the same fresh pages in the same order at once: every CPU's
        // instructions from the first start to the last end, per page (each
        // page is resolved once, with one frame, however many of the four
        // fault on it). The smallest of REPS runs, each on fresh pages.
        if ((race_done = mk_ep_create()) < 0)
                return 1;
        m = UINT64_MAX;
        for (int r = 0; r < REPS; r++) {
                if ((long)(race_va = pager_mmap(SMP_PAGES * MK_PAGE_SIZE, MK_PERM_R | MK_PERM_W)) <=
                    0)
                        return 1;
                memset((void *)&race_sb, 0, sizeof(race_sb));
                struct pgr_stats p0, p1;
                mk_stats(0, &p0);
                for (int i = 0; i < SMP_N; i++)
                        mk_thread_start(self, (uint64_t)race_thread,
                                        (uint64_t)(race_stacks[r][i] + sizeof(race_stacks[r][i])) -
                                            ENTRY_SP_BIAS,
                                        (uint64_t)i);
                while (race_sb.ready < SMP_N) {
                        mk_yield();
                        cpu_relax();
                }
                race_sb.go = 1;
                struct mk_msg rm;
                for (int i = 0; i < SMP_N; i++)
                        mk_recv(race_done, &rm);
                mk_stats(0, &p1);
                uint64_t a = UINT64_MAX, b = 0;
                for (int i = 0; i < SMP_N; i++) {
                        a = race_sb.t0[i] < a ? race_sb.t0[i] : a;
                        b = race_sb.t1[i] > b ? race_sb.t1[i] : b;
                }
                m = best(m, b - a);
                mk_printf("# same_page_race: %llu fault messages and %llu fills for %d pages\n",
                          (unsigned long long)(p1.faults - p0.faults),
                          (unsigned long long)(p1.fill_anon - p0.fill_anon), SMP_PAGES);
                for (uint64_t k = 0; k < SMP_PAGES; k++)
                        for (int i = 0; i < SMP_N; i++)
                                if (*(volatile uint64_t *)(race_va + k * MK_PAGE_SIZE + i * 8) !=
                                    k) {
                                        mk_printf("utest: same_page_race: page %llu lost thread "
                                                  "%d's write\n",
                                                  (unsigned long long)k, i);
                                        return 1;
                                }
        }
        report_vclock(BENCH_SAME_PAGE_RACE, m, SMP_PAGES);
        return 0;
}

// Faults served by an external pager (tests/user/utpager.c, the pager
// library): answered at once (xpager_fault), and kept and answered through
// a reply handle (deferred_fault). Each a fresh zeroed page, as anon_fault.
static int xpager_bench(void)
{
        enum { N = BENCH_N };
        long proc;
        if (mkp_spawn_pager("utpager", &tp_ep, &proc))
                return 1;
        int rc = 0;
        for (int defer = 0; defer < 2 && !rc; defer++) {
                struct mk_msg md = {.tag = UTP_MODE, .w = {UTP_BENCH, (uint64_t)defer, N * REPS}};
                uint64_t va[REPS], t0, t1, m = UINT64_MAX;
                uint32_t id[REPS];
                if (mk_call(tp_ep, &md) < 0 || md.w[0] != 0) {
                        mk_printf("# utest: the test pager refused the bench mode\n");
                        rc = 1;
                        break;
                }
                for (int r = 0; r < REPS; r++)
                        if (mkp_attach(tp_ep, proc, N * MK_PAGE_SIZE, &va[r], &id[r]))
                                return 1;
                for (int r = 0; r < REPS; r++) {
                        // (Page 0 untimed: a region's first fault finds it.)
                        *(volatile uint64_t *)va[r] = 1;
                        t0 = mk_cycles();
                        for (uint64_t i = 1; i < N; i++)
                                *(volatile uint64_t *)(va[r] + i * MK_PAGE_SIZE) = i;
                        t1 = mk_cycles();
                        m = best(m, t1 - t0);
                }
                report(defer ? BENCH_DEFERRED_FAULT : BENCH_XPAGER_FAULT, m, N - 1);
                for (int r = 0; r < REPS; r++)
                        if (mkp_detach(tp_ep, va[r], id[r]))
                                rc = 1;
        }
        mk_proc_kill(proc, MK_REASON_KILLED);
        return rc;
}

static int bench(void)
{
        enum { N = BENCH_N };
        uint64_t t0, t1, m;
        static char cmdline[256];
        mk_info(MK_INFO_CMDLINE, cmdline);
        for (const char *w = cmdline; (w = strstr(w, "icount=")); w += 7)
                if (w == cmdline || w[-1] == ' ')
                        icount_shift = (unsigned)(w[7] - '0');
        for (const char *w = cmdline; (w = strstr(w, "smp")); w += 3)
                if ((w == cmdline || w[-1] == ' ') && (w[3] == 0 || w[3] == ' '))
                        return bench_smp();
        // Measure a quiet system: the VFS server loads the boot image when it
        // starts and answers only after that, so one request waits it out.
        char name[VFS_NAME_MAX + 1];
        struct mk_stat st;
        mk_vfs_list(0, name, &st);
        mk_info(MK_INFO_PID, 0);
        m = UINT64_MAX;
        for (int r = 0; r < REPS; r++) {
                t0 = mk_cycles();
                for (int i = 0; i < N; i++)
                        mk_info(MK_INFO_PID, 0);
                t1 = mk_cycles();
                m = best(m, t1 - t0);
        }
        report(BENCH_NULL_SYSCALL, m, N);

        struct mk_msg msg;
        msg.tag = PGR_PING;
        msg.len = 0;
        mk_call(ep, &msg);
        m = UINT64_MAX;
        for (int r = 0; r < REPS; r++) {
                t0 = mk_cycles();
                for (int i = 0; i < N; i++) {
                        msg.tag = PGR_PING;
                        msg.len = 0;
                        mk_call(ep, &msg);
                }
                t1 = mk_cycles();
                m = best(m, t1 - t0);
        }
        report(BENCH_IPC_ROUNDTRIP, m, N);

        uint64_t base[REPS];
        for (int r = 0; r < REPS; r++)
                if ((long)(base[r] = pager_mmap(N * MK_PAGE_SIZE, MK_PERM_R | MK_PERM_W)) <= 0)
                        return 1;
        m = UINT64_MAX;
        for (int r = 0; r < REPS; r++) {
                t0 = mk_cycles();
                for (uint64_t i = 0; i < N; i++)
                        *(volatile uint64_t *)(base[r] + i * MK_PAGE_SIZE) = i;
                t1 = mk_cycles();
                m = best(m, t1 - t0);
        }
        report(BENCH_ANON_FAULT, m, N);
        m = UINT64_MAX;
        for (int r = 0; r < REPS; r++) {
                t0 = mk_cycles();
                for (uint64_t i = 0; i < N; i++)
                        *(volatile uint64_t *)(base[0] + i * MK_PAGE_SIZE) = i;
                t1 = mk_cycles();
                m = best(m, t1 - t0);
        }
        report(BENCH_TOUCH_NO_FAULT, m, N);

        // First read of untouched anonymous pages: each maps the zero page.
        uint64_t sum = 0;
        m = UINT64_MAX;
        for (int r = 0; r < REPS; r++) {
                uint64_t zbase = pager_mmap(N * MK_PAGE_SIZE, MK_PERM_R | MK_PERM_W);
                if ((long)zbase <= 0)
                        return 1;
                t0 = mk_cycles();
                for (uint64_t i = 0; i < N; i++)
                        sum += *(volatile uint64_t *)(zbase + i * MK_PAGE_SIZE);
                t1 = mk_cycles();
                m = best(m, t1 - t0);
        }
        report(BENCH_ZERO_READ_FAULT, m, N);

        // Copy-on-write: after fork, the parent writes pages the (waiting)
        // child still shares, so every write copies.
        struct mk_msg f = {.tag = PGR_FORK};
        long r = mk_call(ep, &f);
        if (r == MK_FORK_CHILD) {
                long e = mk_ep_create(); // wait here until the parent kills us
                mk_recv(e, &f);
                mk_exit(1);
        }
        if (r < 0 || (long)f.w[0] <= 0)
                return 1;
        m = UINT64_MAX;
        for (int k = 0; k < REPS; k++) {
                t0 = mk_cycles();
                for (uint64_t i = 0; i < N; i++)
                        *(volatile uint64_t *)(base[k] + i * MK_PAGE_SIZE) = i + 1;
                t1 = mk_cycles();
                m = best(m, t1 - t0);
        }
        report(BENCH_COW_FAULT, m, N);
        mk_proc_kill((long)f.w[1], MK_REASON_KILLED);

        // munmap of one touched page (tlb_shootdown's baseline).
        uint64_t ubase = pager_mmap(3 * REPS * MK_PAGE_SIZE, MK_PERM_R | MK_PERM_W);
        if ((long)ubase <= 0)
                return 1;
        for (uint64_t k = 0; k < 3 * REPS; k++)
                *(volatile uint64_t *)(ubase + k * MK_PAGE_SIZE) = k;
        m = UINT64_MAX;
        for (int k = 0; k < 3 * REPS; k++) {
                struct mk_msg u = {.tag = PGR_MUNMAP,
                                   .w = {ubase + k * MK_PAGE_SIZE, MK_PAGE_SIZE}};
                t0 = mk_cycles();
                mk_call(ep, &u);
                t1 = mk_cycles();
                m = best(m, t1 - t0);
        }
        report(BENCH_MUNMAP_PAGE, m, 1);
        return sum == 0 && xpager_bench() == 0 ? 0 : 1;
}

// A pager library pool of the documented maximum (MKP_MAX_FRAMES) can be had
// from the system pager (PGR_FRAMES); one frame more is refused with -ENOSPC.
static struct mkp_pager max_pg;

static void no_handler(struct mkp_pager *pg, const struct mkp_fault *f, struct mkp_answer *a) {}

static int pagerlib_max_frames(void)
{
        int r = mkp_init(&max_pg, -1, MKP_MAX_FRAMES, no_handler, NULL);
        if (r || mkp_frames_free(&max_pg) != MKP_MAX_FRAMES) {
                mk_printf("utest: mkp_init with MKP_MAX_FRAMES (%u) frames: %d, %u frames free\n",
                          MKP_MAX_FRAMES, r, mkp_frames_free(&max_pg));
                return 1;
        }
        struct mk_msg m;
        memset(&m, 0, sizeof(m));
        m.tag = PGR_FRAMES;
        m.w[0] = 1;
        long c = mk_call(mk_pager_ep, &m);
        if (c < 0 || (long)m.w[0] != -ENOSPC) {
                mk_printf("utest: PGR_FRAMES beyond PGR_FRAMES_MAX: call %ld, w0 %ld, expected "
                          "-ENOSPC\n",
                          c, (long)m.w[0]);
                return 2;
        }
        return 0;
}

int main(int argc, char **argv, char **envp)
{
        ep = mk_pager_ep;
        int scn = 0;
        for (const char *c = argc > 1 ? argv[1] : "0"; *c >= '0' && *c <= '9'; c++)
                scn = scn * 10 + (*c - '0');
        uint64_t va;
        switch (scn) {
        case SCN_ANON_1000:
                return anon_1000();
        // The fault scenarios: a page of the test pager, which checks the
        // fault message and ends us with the reason given when it matches.
        case SCN_READ_UNMAPPED:
                if (tp_check(&va, 8, false, (uint64_t)mk_load64_insn, FAULT_READ, FAULT_NOT_PRESENT,
                             MK_PERM_R, MK_REASON_NOMAP))
                        return 1;
                mk_load64(va + 8);
                return 1;
        case SCN_WRITE_UNMAPPED:
                if (tp_check(&va, 16, false, (uint64_t)mk_store64_insn, FAULT_WRITE,
                             FAULT_NOT_PRESENT, MK_PERM_R, MK_REASON_NOMAP))
                        return 1;
                mk_store64(va + 16, 1);
                return 1;
        case SCN_EXEC_UNMAPPED:
                if (tp_check(&va, 0, true, 0, FAULT_EXEC, FAULT_NOT_PRESENT, MK_PERM_R,
                             MK_REASON_NOMAP))
                        return 1;
                mk_exec_at(va);
                return 1;
        case SCN_WRITE_READONLY:
                if (tp_check(&va, 24, false, (uint64_t)mk_store64_insn, FAULT_WRITE,
                             FAULT_PROTECTION, MK_PERM_R, MK_REASON_ACCESS))
                        return 1;
                CHECK_EQ(mk_load64(va + 24), 0); // maps it read-only
                mk_store64(va + 24, 1);
                return 1;
        case SCN_EXEC_NOEXEC:
                if (tp_check(&va, 0, true, 0, FAULT_EXEC, FAULT_PROTECTION, MK_PERM_R | MK_PERM_W,
                             MK_REASON_ACCESS))
                        return 1;
                mk_store64(va, 0); // maps it read-write
                mk_exec_at(va);
                return 1;
        case SCN_KERNEL_ADDR:
                // No pager of ours can serve a kernel address: the system
                // pager ends us; the runner checks the exit record's address.
                mk_load64(kernel_text_va());
                return 1;
        case SCN_BADGRANT:
                va = tp_region();
                if (!va || tp_mode(UTP_BADGRANT, 0, 0, 0, 0, 0, 0))
                        return 2;
                return mk_load64(va) == 0 ? 0 : 1;
        case SCN_SYSCALL_ARGS:
                return syscall_args();
        case SCN_ISOLATION:
                return isolation();
        case SCN_ILLEGAL:
                mk_illegal();
                return 1;
        case SCN_EXIT_STATUS:
                mk_exit(42);
        case SCN_FORK_COW:
                return fork_cow();
        case SCN_OOM_FIRST:
        case SCN_OOM_AGAIN: {
                // Touch pages (with a fork child holding copies of the first
                // ones) until the pager runs out of frames and ends us.
                uint64_t big = pager_mmap(1ull << 30, MK_PERM_R | MK_PERM_W);
                for (uint64_t off = 0; (long)big > 0 && off < (1ull << 30); off += MK_PAGE_SIZE)
                        *(volatile uint64_t *)(big + off) = off;
                return 1; // not reached: the pager has more than 1 GiB? then fail
        }
        case SCN_ISO_AUTHORITY:
                return ut_authority();
        case SCN_ISO_MEMORY:
                return ut_memory();
        case SCN_ISO_LIMITS:
                return ut_limits();
        case SCN_PAGERLIB_MAX_FRAMES:
                return pagerlib_max_frames();
        case SCN_DEMO: {
                mk_printf(
                    "hello from user space: pid %ld on %s, touching 1000 lazily reserved pages\n",
                    mk_info(MK_INFO_PID, 0),
                    mk_info(MK_INFO_ARCH, 0) == 1   ? "x86_64"
                    : mk_info(MK_INFO_ARCH, 0) == 2 ? "aarch64"
                                                    : "riscv64");
                uint64_t ro = pager_mmap(MK_PAGE_SIZE, MK_PERM_R);
                mk_fault_trace(1); // one fault, traced
                *(volatile char *)ro;
                mk_fault_trace(0);
                int r = anon_1000();
                struct pgr_stats st;
                mk_printf("demo: my address space (the pager's maps view):\n");
                mk_maps_print(0);
                if (mk_stats(0, &st) == 0)
                        mk_stats_print("demo: my counters", &st);
                if (mk_stats((uint64_t)-1, &st) == 0)
                        mk_stats_print("demo: all processes", &st);
                return r;
        }
        case SCN_BENCH:
                return bench();
        }
        return 99;
}
