// SPDX-License-Identifier: MIT
// The adversarial runner `adv` (docs/adversarial.md). With no argument it
// runs every test of the tables in a forked child, waits for it with a
// deadline (a test still running then is killed and reported as hung),
// prints one TAP stream: the plan `1..N`, then per test `# adv: start NAME`
// and `ok NAME` or `not ok NAME` with a `# WHY` line, then `# adv: N passed,
// M failed`, and exits 0 when all passed, else 1. `adv ROLE ARGS...` runs a
// helper role some tests spawn.
#include "adv.h"
#include <stdarg.h>

struct adv_shared *adv_sh;

struct test {
        const char *name, *cls;
        int (*fn)(void);
        unsigned secs, order;
};

static const struct test tests[] = {
#define ADV_TEST(name, cls, secs, order) {#name, #cls, adv_##name, secs, order},
#include "authority.def"
#include "ipc.def"
#include "resources.def"
#include "pagers.def"
#include "smp.def"
#undef ADV_TEST
};
#define NTESTS (int)(sizeof(tests) / sizeof(tests[0]))

int adv_fail(const char *fmt, ...)
{
        if (!adv_sh->why[0]) {
                va_list ap;
                va_start(ap, fmt);
                vsnprintf(adv_sh->why, sizeof(adv_sh->why), fmt, ap);
                va_end(ap);
        }
        return 1;
}

int adv_wait_word(volatile int64_t *p, int64_t v, uint64_t timeout_ms)
{
        uint64_t end = adv_now() + timeout_ms;
        while (*p != v) {
                if (adv_now() >= end)
                        return -ETIMEDOUT;
                mk_yield();
                adv_relax();
        }
        return 0;
}

long adv_wait_proc(long h, struct mk_exit_info *info, uint64_t timeout_ms)
{
        uint64_t end = adv_now() + timeout_ms;
        for (;;) {
                long r = mk_proc_wait(h, info, MK_WAIT_NOHANG);
                if (r != -EAGAIN)
                        return r;
                if (adv_now() >= end)
                        return -ETIMEDOUT;
                mk_yield();
                adv_relax();
        }
}

void adv_reap(long h)
{
        struct mk_exit_info info;
        if (h < 0)
                return;
        if (mk_proc_wait(h, &info, MK_WAIT_NOHANG) == -EAGAIN) {
                mk_proc_kill(h, MK_REASON_KILLED);
                adv_wait_proc(h, &info, 2000);
        }
        mk_handle_close(h);
}

long adv_pcall(struct mk_msg *m)
{
        long r = mk_call(mk_pager_ep, m);
        return r < 0 ? r : (long)m->w[0];
}

long adv_fork(long *handle)
{
        struct mk_msg m;
        memset(&m, 0, sizeof(m));
        m.tag = PGR_FORK;
        long r = mk_call(mk_pager_ep, &m);
        if (r == MK_FORK_CHILD)
                return 0;
        if (r < 0)
                return r;
        if ((long)m.w[0] < 0)
                return (long)m.w[0];
        *handle = (long)m.w[1];
        return (long)m.w[0];
}

long adv_spawn(const char *const argv[], uint64_t flags, long *handle)
{
        struct mk_msg m;
        memset(&m, 0, sizeof(m));
        m.tag = PGR_SPAWN;
        m.w[1] = flags;
        for (int i = 0; argv[i]; i++) {
                size_t n = strlen(argv[i]) + 1;
                if (m.len + n > MK_MSG_BUF)
                        return -E2BIG;
                memcpy(m.buf + m.len, argv[i], n);
                m.len += (uint32_t)n;
                m.w[0]++;
        }
        long r = adv_pcall(&m);
        if (r < 0)
                return r;
        *handle = (long)m.w[1];
        return r;
}

#ifdef __x86_64__
#define ENTRY_SP_BIAS 8 // as if called: the return address slot below 16-byte alignment
#else
#define ENTRY_SP_BIAS 0
#endif

long adv_self(void)
{
        return mk_handle_give(MK_SELF, MK_SELF, 0, 0);
}

long adv_thread(void (*fn)(uint64_t), void *stack, size_t size, uint64_t arg)
{
        long self = adv_self();
        if (self < 0)
                return self;
        uint64_t sp = (((uint64_t)stack + size) & ~15ull) - ENTRY_SP_BIAS;
        long tid = mk_thread_start(self, (uint64_t)fn, sp, arg);
        mk_handle_close(self);
        return tid;
}

void adv_park(void)
{
        struct mk_msg m;
        long ep = mk_ep_create();
        for (;;) {
                if (ep >= 0)
                        mk_recv(ep, &m);
                else
                        mk_yield();
        }
}

long adv_pstats(struct pgr_stats *s)
{
        return mk_stats((uint64_t)-1, s);
}

uint64_t adv_stable_free(void)
{
        struct pgr_stats s;
        uint64_t a = adv_pstats(&s) == 0 ? s.frames_free : 0, end = adv_now() + 5000;
        while (adv_now() < end) {
                uint64_t t = adv_now() + 50;
                while (adv_now() < t) {
                        mk_yield();
                        adv_relax();
                }
                uint64_t b = adv_pstats(&s) == 0 ? s.frames_free : 0;
                if (b == a)
                        return b;
                a = b;
        }
        return a;
}

const char *adv_err(long e)
{
        static char buf[24];
        switch (e) {
        case 0:
                return "0";
        case -EPERM:
                return "-EPERM";
        case -EINVAL:
                return "-EINVAL";
        case -EBADF:
                return "-EBADF";
        case -ENOSYS:
                return "-ENOSYS";
        case -EAGAIN:
                return "-EAGAIN";
        case -ENOMEM:
                return "-ENOMEM";
        case -EFAULT:
                return "-EFAULT";
        case -ESRCH:
                return "-ESRCH";
        case -EPIPE:
                return "-EPIPE";
        case -ETIMEDOUT:
                return "-ETIMEDOUT";
        case -ECONNABORTED:
                return "-ECONNABORTED";
        }
        snprintf(buf, sizeof(buf), "%ld", e);
        return buf;
}

const char *adv_ending(const struct mk_exit_info *info)
{
        static char buf[96];
        if (info->reason == MK_REASON_EXIT)
                snprintf(buf, sizeof(buf), "exit %lld", (long long)info->status);
        else
                snprintf(buf, sizeof(buf), "%s at 0x%llx (ip 0x%llx)", mk_reason_name(info->reason),
                         (unsigned long long)info->fault_va, (unsigned long long)info->fault_ip);
        return buf;
}

// Runs test t in a forked child; returns 1 if it passed.
static int run(const struct test *t)
{
        struct mk_exit_info info;
        memset(adv_sh, 0, sizeof(*adv_sh));
        printf("# adv: start %s (%s)\n", t->name, t->cls);
        long h;
        long pid = adv_fork(&h);
        if (pid == 0) {
                int r = t->fn();
                if (r && !adv_sh->why[0])
                        adv_fail("failed without saying why");
                _exit(r ? 1 : 0);
        }
        // Each fork makes our stack copy-on-write, so our next write faults on
        // the same stack page every time: on a pager that counts those as a
        // fault loop (C5), a write to another page in between keeps us alive.
        static volatile uint8_t other_page[2 * ADV_PAGE];
        other_page[ADV_PAGE] = (uint8_t)pid;
        if (pid < 0) {
                printf("not ok %s\n# fork failed: %s\n", t->name, adv_err(pid));
                return 0;
        }
        uint64_t t0 = adv_now();
        long r = adv_wait_proc(h, &info, (uint64_t)t->secs * 1000);
        printf("# adv: %s took %llu ms\n", t->name, (unsigned long long)(adv_now() - t0));
        if (r == -ETIMEDOUT) {
                mk_proc_kill(h, MK_REASON_KILLED);
                adv_wait_proc(h, &info, 2000);
                mk_handle_close(h);
                printf("not ok %s\n# hung: still running after %u s (killed)%s%s\n", t->name,
                       t->secs, adv_sh->why[0] ? "; " : "", adv_sh->why);
                return 0;
        }
        mk_handle_close(h);
        if (r < 0) {
                printf("not ok %s\n# cannot wait for it: %s\n", t->name, adv_err(r));
                return 0;
        }
        if (info.reason == MK_REASON_EXIT && info.status == 0) {
                printf("ok %s\n", t->name);
                return 1;
        }
        if (info.reason == MK_REASON_EXIT)
                printf("not ok %s\n# %s\n", t->name, adv_sh->why[0] ? adv_sh->why : "failed");
        else
                printf("not ok %s\n# the test process ended: %s%s%s\n", t->name, adv_ending(&info),
                       adv_sh->why[0] ? "; " : "", adv_sh->why);
        return 0;
}

int main(int argc, char **argv, char **envp)
{
        // `adv smp`: only the tests of several CPUs (smp.def, classes S*).
        bool smp_only = argc > 1 && strcmp(argv[1], "smp") == 0;
        if (argc > 1 && !smp_only) {
                if (strcmp(argv[1], "exit0") == 0)
                        return 0;
                if (strcmp(argv[1], "a3_mapper") == 0)
                        return adv_role_a3_mapper(argc, argv);
                printf("adv: unknown role %s\n", argv[1]);
                return 127;
        }
        adv_sh = mmap(NULL, ADV_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (adv_sh == MAP_FAILED) {
                printf("adv: cannot map the shared page\n");
                return 1;
        }
        memset(adv_sh, 0, sizeof(*adv_sh));
        int pass = 0, ntests = 0;
        uint64_t t0 = adv_now();
        for (int i = 0; i < NTESTS; i++)
                ntests += !smp_only || tests[i].cls[0] == 'S';
        printf("1..%d\n", ntests);
        for (unsigned order = 0; order < 3; order++)
                for (int i = 0; i < NTESTS; i++)
                        if (tests[i].order == order && (!smp_only || tests[i].cls[0] == 'S')) {
                                if (order == 2)
                                        printf("# adv: %s runs last: if the run ends here, an "
                                               "unprivileged process stopped the system\n",
                                               tests[i].name);
                                pass += run(&tests[i]);
                        }
        printf("# adv: %d passed, %d failed in %llu ms\n", pass, ntests - pass,
               (unsigned long long)(adv_now() - t0));
        return pass == ntests ? 0 : 1;
}
