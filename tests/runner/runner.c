// SPDX-License-Identifier: MIT
// init: the test runner, the boot image's first program (the system pager
// starts `init` unless the kernel command line says init=NAME; docs/pager.md).
// It holds the shutdown right and reads the kernel command line:
//   test=PART       one in-guest test part, printed as one TAP stream (a plan
//                   `1..N`, then `ok NAME` or `not ok NAME` and `# why` lines);
//                   PART: user (the scenarios of tests/user/scenarios.h), examples
//                   (the boot image's xtest_* programs), adv (tests/adversarial),
//                   conformance (tests/conformance; with pager=NAME its
//                   anonymous memory is served by that external pager). (kernel:
//                   the kernel runs its self-tests itself and never starts us.)
//   test            every part in turn (the kernel's self-tests ran before)
//   example=NAME    only xtest_NAME
//   bench           the benchmarks (utest's, `bench ARCH METRIC INSTRUCTIONS`)
//   soak=N, fuzz=N  the soak program, the system-call fuzzer (tools/soak, tools/fuzz)
//   (none of these) the demo
// Each program runs as our child, started with the shutdown right (as
// programs started from the command line always had it) and with
// MK_PAGER=NAME in its environment when the command line says pager=NAME.
// At the end it shuts the machine down: 0 when everything passed, else 1.
#include <mk/fault.h>
#include <mk/file.h>
#include <mk/pager.h>
#include <mk/pagerclient.h>
#include <mk/sys.h>
#include <tests/user/scenarios.h>

static char cmdline[256];
static char pager_env[48];
static int nfail;

// The value of word `key=` on the command line (copied into out), or NULL.
static const char *word_value(const char *key, char *out, size_t n)
{
        size_t k = strlen(key);
        for (const char *w = cmdline; (w = strstr(w, key)); w += k)
                if ((w == cmdline || w[-1] == ' ') && w[k] == '=') {
                        size_t i = 0;
                        for (w += k + 1; w[i] && w[i] != ' ' && i + 1 < n; i++)
                                out[i] = w[i];
                        out[i] = '\0';
                        return out;
                }
        return NULL;
}

static bool has_word(const char *w)
{
        size_t n = strlen(w);
        for (const char *p = cmdline; (p = strstr(p, w)); p += n)
                if ((p == cmdline || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' ' || p[n] == '='))
                        return true;
        return false;
}

// Starts prog with one argument (NULL: none) as our child, with the shutdown
// right; its process handle, or -errno.
static long start(const char *prog, const char *arg)
{
        struct mk_msg m;
        memset(&m, 0, sizeof(m));
        m.tag = PGR_SPAWN;
        m.w[1] = PGR_SPAWN_SHUTDOWN;
        const char *s[3] = {prog, arg, pager_env[0] ? pager_env : NULL};
        for (int i = 0; i < 3; i++) {
                if (!s[i])
                        continue;
                size_t n = strlen(s[i]) + 1;
                if (m.len + n > MK_MSG_BUF)
                        return -E2BIG;
                memcpy(m.buf + m.len, s[i], n);
                m.len += (uint32_t)n;
                if (i < 2)
                        m.w[0]++;
                else
                        m.w[2] = 1;
        }
        long r = mk_call(mk_pager_ep, &m);
        if (r < 0)
                return r;
        if ((long)m.w[0] < 0)
                return (long)m.w[0];
        return (long)m.w[1];
}

// Runs prog to its end: 0 and its exit record, or -errno if it could not start.
static long run(const char *prog, const char *arg, struct mk_exit_info *xi)
{
        long h = start(prog, arg);
        if (h < 0)
                return h;
        long r = mk_proc_wait(h, xi, 0);
        mk_handle_close(h);
        return r;
}

static void ending(char *buf, size_t n, uint64_t reason, int64_t status)
{
        if (reason == MK_REASON_EXIT)
                mk_snprintf(buf, n, "exit %lld", (long long)status);
        else
                mk_snprintf(buf, n, "%s", mk_reason_name(reason));
}

static void tap(const char *name, const char *why)
{
        if (why && why[0]) {
                mk_printf("not ok %s\n# %s\n", name, why);
                nfail++;
        } else {
                mk_printf("ok %s\n", name);
        }
}

static uint64_t kernel_text_va(void)
{
        long a = mk_info(MK_INFO_ARCH, 0);
        return a == FAULT_ARCH_X86_64    ? 0xffffffff80000000ull
               : a == FAULT_ARCH_AARCH64 ? 0xffff000040080000ull
                                         : 0xffffffc080200000ull;
}

static uint64_t frames_free(void)
{
        struct pgr_stats st;
        return mk_stats((uint64_t)-1, &st) == 0 ? st.frames_free : 0;
}

// test=user: the scenarios of tests/user, one utest process each.
static void part_user(void)
{
        static uint64_t free_after_first;
        mk_printf("1..%d\n", SCN_COUNT);
        for (int i = 0; i < SCN_COUNT; i++) {
                const struct scenario *s = &scenarios[i];
                struct mk_exit_info xi;
                char num[12], got[48], want[48], why[200] = "";
                mk_snprintf(num, sizeof(num), "%d", i);
                long r = run("utest", num, &xi);
                if (r < 0) {
                        mk_snprintf(why, sizeof(why), "could not start: %s", err_name(r));
                        tap(s->name, why);
                        continue;
                }
                ending(got, sizeof(got), xi.reason, xi.status);
                ending(want, sizeof(want), s->reason, s->status);
                if (strcmp(got, want) != 0)
                        mk_snprintf(why, sizeof(why), "ended with %s, expected %s", got, want);
                else if (i == SCN_KERNEL_ADDR && xi.fault_va != kernel_text_va())
                        mk_snprintf(why, sizeof(why), "the exit record names 0x%llx, not 0x%llx",
                                    (unsigned long long)xi.fault_va,
                                    (unsigned long long)kernel_text_va());
                // Out of memory: every frame of the killed process comes back.
                // The first run warms up the pager's own tables; after the
                // second, exactly as many frames must be free as after the first.
                if (i == SCN_OOM_FIRST) {
                        free_after_first = frames_free();
                } else if (i == SCN_OOM_AGAIN && !why[0]) {
                        uint64_t now = frames_free();
                        if (now != free_after_first)
                                mk_snprintf(why, sizeof(why),
                                            "%llu frames free after the second kill, %llu after "
                                            "the first",
                                            (unsigned long long)now,
                                            (unsigned long long)free_after_first);
                }
                tap(s->name, why);
        }
}

// The n-th program of the boot image whose name starts with "xtest_" (the
// example pagers' tests), in name; false when there is none.
static bool example_name(int n, char name[VFS_NAME_MAX + 1])
{
        struct mk_stat st;
        for (uint64_t i = 0; mk_vfs_list(i, name, &st) >= 0; i++)
                if (strncmp(name, "xtest_", 6) == 0 && n-- == 0)
                        return true;
        return false;
}

// One example test: passes when it exits 0 (it prints its own lines).
static void example(const char *prog)
{
        struct mk_exit_info xi;
        char why[120] = "", got[48];
        long r = run(prog, NULL, &xi);
        if (r < 0) {
                mk_snprintf(why, sizeof(why), "could not start: %s", err_name(r));
        } else if (xi.reason != MK_REASON_EXIT || xi.status != 0) {
                ending(got, sizeof(got), xi.reason, xi.status);
                mk_snprintf(why, sizeof(why), "ended with %s", got);
        }
        tap(prog + 6, why);
}

// test=examples: every xtest_* program of the boot image.
static void part_examples(void)
{
        char name[VFS_NAME_MAX + 1];
        int n = 0;
        while (example_name(n, name))
                n++;
        mk_printf("1..%d\n", n);
        for (int i = 0; i < n && example_name(i, name); i++)
                example(name);
}

// test=adv, test=conformance: a runner that prints its own TAP stream; one
// that ends otherwise than by exiting 0 or 1 (a test failed) bails out.
static void part_program(const char *prog, const char *arg)
{
        struct mk_exit_info xi;
        char got[48];
        long r = run(prog, arg, &xi);
        if (r < 0) {
                mk_printf("Bail out! cannot start %s: %s\n", prog, err_name(r));
                nfail++;
                return;
        }
        if (xi.reason != MK_REASON_EXIT || xi.status != 0) {
                nfail++;
                if (xi.reason != MK_REASON_EXIT || xi.status != 1) {
                        ending(got, sizeof(got), xi.reason, xi.status);
                        mk_printf("Bail out! %s ended with %s\n", prog, got);
                }
        }
}

static void part(const char *name)
{
        if (!strcmp(name, "user"))
                part_user();
        else if (!strcmp(name, "examples"))
                part_examples();
        else if (!strcmp(name, "adv"))
                part_program("adv", NULL);
        else if (!strcmp(name, "smp"))
                part_program("adv", "smp"); // the adversarial suite's tests of several CPUs
        else if (!strcmp(name, "conformance"))
                part_program("conform", NULL);
        else {
                mk_printf("Bail out! no test part '%s' (kernel, user, examples, adv, "
                          "smp, conformance)\n",
                          name);
                nfail++;
        }
}

// Runs one program (example=, soak=, fuzz=, bench, the demo) and ends the
// run with 0 when it exited 0.
static void only(const char *prog, const char *arg)
{
        struct mk_exit_info xi;
        char got[48];
        long r = run(prog, arg, &xi);
        if (r < 0) {
                mk_printf("init: cannot start %s: %s\n", prog, err_name(r));
                mk_shutdown(1);
        }
        ending(got, sizeof(got), xi.reason, xi.status);
        mk_printf("init: %s ended (%s); %llu frames free\n", prog, got,
                  (unsigned long long)frames_free());
        mk_shutdown(xi.reason == MK_REASON_EXIT && xi.status == 0 ? 0 : 1);
}

int main(int argc, char **argv, char **envp)
{
        char v[40], prog[48], num[12];
        mk_info(MK_INFO_CMDLINE, cmdline);
        if (word_value("pager", v, sizeof(v)))
                mk_snprintf(pager_env, sizeof(pager_env), "MK_PAGER=%s", v);
        if (word_value("example", v, sizeof(v))) {
                mk_snprintf(prog, sizeof(prog), "xtest_%s", v);
                only(prog, NULL);
        }
        if (has_word("fuzz") || has_word("soak")) {
                const char *which = has_word("fuzz") ? "fuzz" : "soak";
                // fuzz=N / soak=N: how many calls or processes (0: the program's default)
                const char *n = word_value(which, v, sizeof(v));
                int k = 0;
                for (n = n ? n : ""; *n >= '0' && *n <= '9' && k < 100000000; n++)
                        k = k * 10 + (*n - '0');
                mk_snprintf(num, sizeof(num), "%d", k);
                only(which, num);
        }
        if (has_word("bench")) {
                mk_snprintf(num, sizeof(num), "%d", SCN_BENCH);
                only("utest", num);
        }
        if (word_value("test", v, sizeof(v))) {
                part(v);
        } else if (has_word("test")) {
                part("user");
                part("examples");
                if (!pager_env[0]) // (with pager=, its mmaps would be the pager's)
                        part("adv");
                part("conformance");
        } else {
                mk_snprintf(num, sizeof(num), "%d", SCN_DEMO);
                only("utest", num);
        }
        mk_shutdown(nfail ? 1 : 0);
}
