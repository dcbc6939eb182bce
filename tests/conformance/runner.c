// SPDX-License-Identifier: MIT
// The in-guest conformance runner `conform` (mk only): spawns every scenario
// of suite.def in order, waits for it, and compares its ending (the kernel's
// exit record: reason and status) with the table, and the waitpid status
// with the Linux signal the table names (the POSIX layer's mapping). Prints
// one TAP stream: the plan `1..N`, one `ok NAME` or `not ok NAME` and a
// `# WHY` line per scenario, `# conform: N passed, M failed`, and exits 0 if
// all passed, else 1 (the test runner ends the run: tests/runner/runner.c).
#include "conf.h"

#define BOTH    1
#define MK_ONLY 1 // every row runs here; only the Linux runner skips MK_ONLY

struct row {
        const char *name;
        uint64_t reason; // expected MK_REASON_*
        long status;     // expected exit status (reason MK_REASON_EXIT)
        int sig;         // Linux signal = what waitpid reports for the reason
        const char *code;
};

static const struct row rows[] = {
#define CONF(name, reason, status, sig, code, where)                                               \
        {#name, MK_REASON_##reason, status, sig, #code},
#include "suite.def"
#undef CONF
};
#define NROWS (int)(sizeof(rows) / sizeof(rows[0]))

// With MK_PAGER=<name> in our environment (tools/test --pager NAME: the
// kernel command line said pager=NAME), the scenarios inherit it and their
// anonymous private mmaps are served by that external pager
// (libsys/pagerlib/posix_hook.h); only these scenarios, about anonymous
// memory and protection, apply to it (no fork: a child does not inherit
// external regions; no files, heap or stack: not anonymous mmaps).
static const char *const pager_rows[] = {
    "anon_private_rw", "anon_zero_then_write", "exec_anon",         "write_readonly_mmap",
    "mprotect_split",  "mprotect_restore",     "munmap_split",      "write_after_munmap",
    "mmap_placement",  "mmap_fixed_replace",   "guard_read",        "guard_overrun",
    "mmap_bad_args",   "munmap_bad_args",      "mprotect_bad_args", "msync_bad_args",
};
#define NPAGER_ROWS (int)(sizeof(pager_rows) / sizeof(pager_rows[0]))

static const char *pager_name(void)
{
        for (char **e = environ; e && *e; e++)
                if (strncmp(*e, "MK_PAGER=", 9) == 0 && (*e)[9])
                        return *e + 9;
        return NULL;
}

static int applies(const struct row *r, const char *pager)
{
        for (int i = 0; pager && i < NPAGER_ROWS; i++)
                if (strcmp(r->name, pager_rows[i]) == 0)
                        return 1;
        return !pager;
}

// Describes an ending into buf.
static void ending(char *buf, size_t len, uint64_t reason, long status)
{
        if (reason == MK_REASON_EXIT)
                snprintf(buf, len, "exit %ld", status);
        else
                snprintf(buf, len, "%s", mk_reason_name(reason));
}

// What a scenario's own exit status means (conf.h).
static const char *status_meaning(long status)
{
        return status == CONF_CHECK_FAILED ? " (a check failed: its conf: line is above)"
               : status == CONF_NO_FAULT   ? " (the access that had to end it did not fault)"
                                           : "";
}

// Runs one scenario; returns 1 if it ended as the table says.
static int run(const struct row *r)
{
        char *const argv[] = {(char *)r->name, NULL};
        char got[48], want[48];
        struct mk_exit_info info;
        int st = 0;
        pid_t pid = spawn(r->name, argv);
        if (pid < 0) {
                printf("not ok %s\n# spawn failed: %s\n", r->name, strerror(errno));
                return 0;
        }
        if (posix_waitpid_info(pid, &st, 0, &info) != pid) {
                printf("not ok %s\n# waitpid failed: %s\n", r->name, strerror(errno));
                return 0;
        }
        ending(got, sizeof(got), info.reason, (long)info.status);
        ending(want, sizeof(want), r->reason, r->status);
        if (strcmp(got, want) != 0) {
                if (info.reason == MK_REASON_EXIT)
                        printf("not ok %s\n# got %s%s, expected %s\n", r->name, got,
                               status_meaning((long)info.status), want);
                else
                        printf("not ok %s\n# got %s at 0x%llx (ip 0x%llx), expected %s\n", r->name,
                               got, (unsigned long long)info.fault_va,
                               (unsigned long long)info.fault_ip, want);
                return 0;
        }
        int ok = r->sig ? WIFSIGNALED(st) && WTERMSIG(st) == r->sig
                        : WIFEXITED(st) && WEXITSTATUS(st) == (r->status & 0xff);
        if (!ok) {
                printf("not ok %s\n# %s, but waitpid status 0x%x (expected %s %d)\n", r->name, got,
                       st, r->sig ? "signal" : "exit", r->sig ? r->sig : (int)r->status);
                return 0;
        }
        printf("ok %s\n", r->name);
        return 1;
}

int main(void)
{
        int pass = 0, n = 0;
        const char *pager = pager_name();
        if (pager)
                printf("conform: anonymous memory served by the external pager %s\n", pager);
        printf("1..%d\n", pager ? NPAGER_ROWS : NROWS);
        for (int i = 0; i < NROWS; i++) {
                if (!applies(&rows[i], pager))
                        continue;
                n++;
                pass += run(&rows[i]);
        }
        printf("# conform: %d passed, %d failed\n", pass, n - pass);
        return pass == n ? 0 : 1;
}
