// SPDX-License-Identifier: MIT
// What the pager runs at boot, chosen by the kernel command line:
//   test   the user-space test scenarios (tests/user/utest.c), one process
//          each, checked here against their expected ending and, for fault
//          scenarios, against every field of the fault message received
//   bench  the benchmark program; prints "bench ARCH METRIC INSTRUCTIONS"
//   soak=N the soak program (tests/soak/soak.c): N short-lived processes,
//          then the kernel's and the pager's counts must be back (tools/soak)
//   fuzz=N the system-call fuzzer (tests/fuzz/fuzz.c): N fuzzed calls, then
//          the system must still serve with its counts back (tools/fuzz); it
//          reads its other words (fuzzseed=, fuzzround=, fuzzlog) itself
//   other  a short demo
// Then it shuts the machine down with 0 (all passed) or 1.
#include "pager.h"
#include <common/cpio.h>
#include <tests/user/scenarios.h>

static char cmdline[256];
static int next_scenario, npass, nfail;
static enum { MODE_DEMO, MODE_TEST, MODE_BENCH, MODE_SOAK, MODE_FUZZ } mode;
static unsigned icount_shift;

static bool has_word(const char *w)
{
        size_t n = strlen(w);
        for (const char *p = cmdline; (p = strstr(p, w)); p += n)
                if ((p == cmdline || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' ' || p[n] == '='))
                        return true;
        return false;
}

static const char *arch_str(void)
{
        long a = mk_info(MK_INFO_ARCH, 0);
        return a == FAULT_ARCH_X86_64 ? "x86_64" : a == FAULT_ARCH_AARCH64 ? "aarch64" : "riscv64";
}

// The environment of the programs we start: MK_PAGER=<name> when the command
// line says pager=<name> (tools/test --pager: anonymous memory of the
// conformance scenarios served by that external pager).
static char pager_env[48];
static const char *start_env[2];

// Starts program prog with one argument (a scenario number, or NULL).
static int start(const char *prog, int scenario)
{
        char num[12];
        const char *argv[3] = {prog, NULL, NULL};
        const char *err;
        if (scenario >= 0) {
                mk_snprintf(num, sizeof(num), "%d", scenario);
                argv[1] = num;
        }
        struct pproc *p = pproc_new(prog, NULL);
        if (!p)
                return -EAGAIN;
        p->scenario = scenario;
        p->can_shutdown = true; // started from the command line
        int r = pproc_load(p, prog, argv, start_env, NULL, true, &err);
        if (r) {
                mk_printf("pager: cannot start %s: %s\n", prog, err);
                if (p->proc >= 0)
                        mk_proc_kill(p->proc, MK_REASON_KILLED);
                pproc_release(p);
        }
        return r;
}

static bool conform_started, adv_started;
// example=NAME (helper's test mode): runs only xtest_NAME, its end ends the run.
static char example_only[40];
static int next_example = -1; // index among the xtest_* programs, -1 before they start

// The n-th program of the boot image whose name starts with "xtest_" (the
// example pagers' test programs), or NULL.
static const char *example_name(int n)
{
        struct cpio_iter it;
        struct cpio_file f;
        const char *err;
        cpio_begin(&it, (void *)bootimg.va, bootimg.size);
        while (cpio_next(&it, &f, &err) > 0)
                if (strncmp(f.name, "xtest_", 6) == 0 && n-- == 0)
                        return f.name;
        return NULL;
}

// Runs the examples' test programs one after the other; false when done.
static bool example_next(void)
{
        if (next_example < 0) {
                int n = 0;
                while (example_name(n))
                        n++;
                if (n)
                        mk_printf("example: plan %d\n", n);
                next_example = 0;
        }
        const char *name;
        while ((name = example_name(next_example++))) {
                if (start(name, -1) == 0)
                        return true;
                mk_printf("example not ok %s: could not start\n", name + 6);
                nfail++;
        }
        return false;
}

static void spawn_next(void)
{
        if (next_scenario < SCN_COUNT) {
                int s = next_scenario++;
                if (start("utest", s) < 0) {
                        mk_printf("utest not ok %s: could not start\n", scenarios[s].name);
                        nfail++;
                        spawn_next();
                }
                return;
        }
        if (next_example < 0)
                mk_printf("utest: %d passed, %d failed\n", npass, nfail);
        // Then the example pagers' tests, the adversarial suite, then the conformance suite,
        // when the boot image has them; the conformance runner ends the run (PGR_SHUTDOWN).
        if (!conform_started && !adv_started && example_next())
                return;
        if (!adv_started && !pager_env[0]) { // (not with pager=: its mmaps would be the pager's)
                adv_started = true;
                if (start("adv", -1) == 0)
                        return;
        }
        if (!conform_started && start("conform", -1) == 0) {
                conform_started = true;
                return;
        }
        mk_shutdown(nfail ? 1 : 0);
}

long tests_final_status(long status)
{
        return nfail ? (status ? status : 1) : status;
}

void tests_start(void)
{
        mk_info(MK_INFO_CMDLINE, cmdline);
        const char *pg = strstr(cmdline, "pager=");
        if (pg && (pg == cmdline || pg[-1] == ' ')) {
                size_t n = 0;
                memcpy(pager_env, "MK_PAGER=", 9);
                for (pg += 6; pg[n] && pg[n] != ' ' && n < sizeof(pager_env) - 10; n++)
                        pager_env[9 + n] = pg[n];
                start_env[0] = pager_env;
        }
        const char *sh = strstr(cmdline, "icount=");
        if (sh)
                icount_shift = (unsigned)(sh[7] - '0');
        const char *ex = strstr(cmdline, "example=");
        if (ex && (ex == cmdline || ex[-1] == ' ')) {
                size_t n = 6;
                memcpy(example_only, "xtest_", 6);
                for (ex += 8; *ex && *ex != ' ' && n < sizeof(example_only) - 1; ex++)
                        example_only[n++] = *ex;
                if (start(example_only, -1))
                        mk_shutdown(1);
                return;
        }
        if (has_word("fuzz")) {
                // fuzz=N: how many calls (the program's default without)
                const char *fn = strstr(cmdline, "fuzz=");
                int n = 0;
                for (fn = fn ? fn + 5 : ""; *fn >= '0' && *fn <= '9' && n < 100000000; fn++)
                        n = n * 10 + (*fn - '0');
                mode = MODE_FUZZ;
                if (start("fuzz", n))
                        mk_shutdown(1);
        } else if (has_word("soak")) {
                // soak=N: how many processes (the program's default without)
                const char *sn = strstr(cmdline, "soak=");
                int n = 0;
                for (sn = sn ? sn + 5 : ""; *sn >= '0' && *sn <= '9' && n < 100000000; sn++)
                        n = n * 10 + (*sn - '0');
                mode = MODE_SOAK;
                if (start("soak", n))
                        mk_shutdown(1);
        } else if (has_word("bench")) {
                mode = MODE_BENCH;
                start("utest", SCN_BENCH);
        } else if (has_word("test")) {
                mode = MODE_TEST;
                mk_printf("utest: plan %d\n", SCN_COUNT);
                spawn_next();
        } else {
                mode = MODE_DEMO;
                start("utest", SCN_DEMO);
        }
}

// Compares the fault message m with what the client said to expect.
void tests_check_expect(struct pproc *c, const struct mk_msg *m)
{
        const uint64_t *e = c->expect;
        uint64_t info = m->w[MK_FW_INFO];
        unsigned access = info & 0xff, kind = (info >> 8) & 0xff, arch = (info >> 16) & 0xff;
        uint32_t flags = (uint32_t)(info >> 32);
        struct fault_info d;
        int dr;
        char *w = c->expect_why;
        size_t wl = sizeof(c->expect_why);
        c->expect_result = -1;
        if (m->w[MK_FW_ADDR] != e[0]) {
                mk_snprintf(w, wl, "fault addr 0x%llx, expected 0x%llx",
                            (unsigned long long)m->w[MK_FW_ADDR], (unsigned long long)e[0]);
                return;
        }
        if (e[1] && m->w[MK_FW_IP] != e[1]) {
                mk_snprintf(w, wl, "fault ip 0x%llx, expected 0x%llx",
                            (unsigned long long)m->w[MK_FW_IP], (unsigned long long)e[1]);
                return;
        }
        if (access != e[2] || kind != e[3]) {
                mk_snprintf(w, wl, "fault %s %s, expected %s %s", fault_access_name(access),
                            fault_kind_name(kind), fault_access_name((unsigned)e[2]),
                            fault_kind_name((unsigned)e[3]));
                return;
        }
        if (arch != (unsigned)mk_info(MK_INFO_ARCH, 0) || !(flags & FAULT_F_USER) ||
            !(flags & FAULT_F_ADDR_VALID)) {
                mk_snprintf(w, wl, "arch %u flags 0x%x: want this arch, user, addr-valid", arch,
                            flags);
                return;
        }
        if ((m->w[MK_FW_IDS] >> 32) != e[4] || (uint32_t)m->w[MK_FW_IDS] == 0) {
                mk_snprintf(w, wl, "ids 0x%llx in the message, expected pid %llu and a thread id",
                            (unsigned long long)m->w[MK_FW_IDS], (unsigned long long)e[4]);
                return;
        }
        // The raw registers must decode to the same fields (the address
        // register is raw1 on every arch).
        if (arch == FAULT_ARCH_X86_64)
                dr = fault_decode_x86_64(m->w[MK_FW_RAW0], m->w[MK_FW_RAW1], m->w[MK_FW_IP], &d);
        else if (arch == FAULT_ARCH_AARCH64)
                dr = fault_decode_aarch64(m->w[MK_FW_RAW0], m->w[MK_FW_RAW1], m->w[MK_FW_IP], &d);
        else
                dr = fault_decode_riscv64(m->w[MK_FW_RAW0], m->w[MK_FW_RAW1], m->w[MK_FW_IP], 1,
                                          kind == FAULT_PROTECTION, &d);
        if (dr || d.access != access || d.kind != kind || d.flags != flags ||
            m->w[MK_FW_RAW1] != m->w[MK_FW_ADDR]) {
                mk_snprintf(w, wl, "raw registers 0x%llx/0x%llx do not decode to the message",
                            (unsigned long long)m->w[MK_FW_RAW0],
                            (unsigned long long)m->w[MK_FW_RAW1]);
                return;
        }
        c->expect_result = 1;
}

// Replies to the fault in flight with bad grants first: each must be refused
// with the right error while the faulting thread stays blocked.
void badgrant_sequence(struct pproc *c, uint64_t va, uint64_t good_pa)
{
        static const struct {
                const char *what;
                uint64_t va_off, pa, perms;
                long err;
        } bad[] = {
            {"unaligned va", 8, 0, MK_PERM_R, -EINVAL},
            {"kernel va", 0, 0, MK_PERM_R, -EINVAL},
            {"unaligned pa", 0, 16, MK_PERM_R, -EINVAL},
            {"frame not held", 0, 1, MK_PERM_R, -EPERM},
            {"write+execute", 0, 0, MK_PERM_R | MK_PERM_W | MK_PERM_X, -EACCES},
            {"no read permission", 0, 0, MK_PERM_W, -EINVAL},
            {"unknown permission bit", 0, 0, MK_PERM_R | 8, -EINVAL},
        };
        struct mk_msg m;
        c->badgrant_result = 1;
        for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                memset(&m, 0, 80);
                m.tag = MK_FAULT_MAP;
                m.w[0] = i == 1 ? 0xffffffff80000000ull : va + bad[i].va_off;
                m.w[1] = bad[i].pa == 1 ? 0x1000 : good_pa + bad[i].pa;
                m.w[2] = bad[i].perms;
                long r = mk_reply(&m);
                if (r != bad[i].err) {
                        mk_printf("utest   bad grant '%s': got %s, expected %s\n", bad[i].what,
                                  err_name(r), err_name(bad[i].err));
                        c->badgrant_result = -1;
                }
        }
        // A grant list with a ragged length is refused too.
        m.tag = MK_FAULT_MAP;
        m.w[0] = va;
        m.w[1] = good_pa;
        m.w[2] = MK_PERM_R;
        m.len = 5;
        if (mk_reply(&m) != -EINVAL)
                c->badgrant_result = -1;
}

void tests_proc_exit(struct pproc *c, uint64_t status, uint64_t reason)
{
        if (c->is_vfs || c->parent)
                return; // not one we started
        if (example_only[0] && !strcmp(c->name, example_only))
                mk_shutdown(reason == MK_REASON_EXIT && status == 0 ? 0 : 1);
        if (strncmp(c->name, "xtest_", 6) == 0) {
                // The example test prints its own results; a crash counts too.
                if (reason != MK_REASON_EXIT || status != 0) {
                        mk_printf("example not ok %s: ended with %s status %lld\n", c->name + 6,
                                  mk_reason_name(reason), (long long)status);
                        nfail++;
                }
                spawn_next();
                return;
        }
        if (mode == MODE_SOAK && !strcmp(c->name, "soak"))
                mk_shutdown(reason == MK_REASON_EXIT && status == 0 ? 0 : 1);
        if (mode == MODE_FUZZ && !strcmp(c->name, "fuzz"))
                mk_shutdown(reason == MK_REASON_EXIT && status == 0 ? 0 : 1);
        if (strcmp(c->name, "adv") == 0) {
                // The adversarial runner prints its own results; a crash counts too.
                if (reason != MK_REASON_EXIT || status != 0) {
                        mk_printf("adv not ok runner: ended with %s status %lld\n",
                                  mk_reason_name(reason), (long long)status);
                        nfail++;
                }
                spawn_next();
                return;
        }
        if (strcmp(c->name, "utest") != 0)
                return;
        if (mode == MODE_DEMO) {
                mk_printf("pager: demo process ended (%s, status %lld) after %llu faults; "
                          "%llu frames free\n",
                          mk_reason_name(reason), (long long)status,
                          (unsigned long long)c->st.faults, (unsigned long long)frames_free());
                mk_shutdown(reason == MK_REASON_EXIT && status == 0 ? 0 : 1);
        }
        if (mode == MODE_BENCH)
                mk_shutdown(reason == MK_REASON_EXIT && status == 0 ? 0 : 1);
        const struct scenario *s = &scenarios[c->scenario];
        char why[200] = "";
        if (reason != s->reason || (int64_t)status != s->status)
                mk_snprintf(why, sizeof(why), "ended with %s status %lld, expected %s status %lld",
                            mk_reason_name(reason), (long long)status, mk_reason_name(s->reason),
                            (long long)s->status);
        else if (s->fault && c->expect_result != 1)
                mk_snprintf(why, sizeof(why), "%s",
                            c->expect_result ? c->expect_why : "no fault message was checked");
        else if (c->scenario == SCN_BADGRANT && c->badgrant_result != 1)
                mk_snprintf(why, sizeof(why), "a bad grant was not refused as it should be");
        // Out of memory: every frame of the killed process must come back.
        // The first run warms up the pager's own tables; after the second,
        // exactly as many frames must be free as after the first.
        if (c->scenario == SCN_OOM_FIRST || c->scenario == SCN_OOM_AGAIN) {
                static uint64_t free_after_first;
                pproc_reclaim(c); // what the main loop does after us; do it now to count
                uint64_t now = frames_free();
                if (c->scenario == SCN_OOM_FIRST)
                        free_after_first = now;
                else if (!why[0] && now != free_after_first)
                        mk_snprintf(why, sizeof(why),
                                    "%llu frames free after the second kill, %llu after the first",
                                    (unsigned long long)now, (unsigned long long)free_after_first);
        }
        if (why[0]) {
                mk_printf("utest not ok %s: %s\n", s->name, why);
                nfail++;
        } else {
                mk_printf("utest ok %s\n", s->name);
                npass++;
        }
        spawn_next();
}

void bench_result(struct pproc *c, uint64_t metric, uint64_t value, uint64_t n)
{
        static const char *const names[] = BENCH_METRIC_NAMES;
        long arch = mk_info(MK_INFO_ARCH, 0);
        // riscv64 counts retired instructions; the others count virtual
        // nanoseconds, which -icount shift=N makes 2^N per instruction.
        uint64_t insns = (arch == FAULT_ARCH_RISCV64 ? value : value >> icount_shift) / (n ? n : 1);
        if (metric < sizeof(names) / sizeof(names[0]))
                mk_printf("bench %s %s %llu\n", arch_str(), names[metric],
                          (unsigned long long)insns);
}
