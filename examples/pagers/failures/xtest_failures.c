// SPDX-License-Identifier: MIT
// xtest_failures: the pager-failure examples. For each case it starts a
// failures_client (its child), waits for it, and checks the reason the
// kernel gives for its end; then checks that the system pager still serves
// it and that a new process can start. Prints `example ok failures.CASE` or
// `example not ok failures.CASE: WHY`; exits 0 when all passed.
//   pager_exits    the pager exits while its client uses the region: "pager gone"
//   pager_silent   the pager stops answering: "pager timeout" after the kernel's bound
//   bad_replies    malformed replies, each refused with an error; the pager lives
//                  on, serves one fault properly and fails the next: "access violation"
//   bad_grant_lib  a library pager whose handler grants outside the region: the
//                  library fails the fault: "bad pager reply"
#include "failures.h"
#include <mk/pager.h>
#include <mk/pagerclient.h>

static const struct {
        const char *name;
        uint64_t reason;
} cases[] = {
    {"pager_exits", MK_REASON_PAGER_GONE},
    {"pager_silent", MK_REASON_PAGER_TIMEOUT},
    {"bad_replies", MK_REASON_ACCESS},
    {"bad_grant_lib", MK_REASON_BAD_REPLY},
};

// Spawns "failures_client CASE"; the child's process handle, or -errno.
static long spawn_client(const char *c)
{
        static const char prog[] = "failures_client";
        struct mk_msg m = {.tag = PGR_SPAWN, .w = {2}};
        size_t n = strlen(c) + 1;
        memcpy(m.buf, prog, sizeof(prog));
        memcpy(m.buf + sizeof(prog), c, n);
        m.len = (uint32_t)(sizeof(prog) + n);
        long r = mk_call(mk_pager_ep, &m);
        if (r < 0)
                return r;
        return (long)m.w[0] < 0 ? (long)m.w[0] : (long)m.w[1];
}

// The system pager still answers and still maps fresh memory for us.
static bool system_pager_ok(void)
{
        struct pgr_stats s;
        struct mk_msg m = {
            .tag = PGR_MMAP,
            .w = {0, MK_PAGE_SIZE, MK_PERM_R | MK_PERM_W, PGR_MAP_PRIVATE | PGR_MAP_ANON}};
        if (mk_stats((uint64_t)-1, &s) < 0 || mk_call(mk_pager_ep, &m) < 0 || (long)m.w[0] < 0)
                return false;
        volatile uint64_t *p = (volatile uint64_t *)m.w[0];
        *p = 42;
        return *p == 42;
}

int main(int argc, char **argv, char **envp)
{
        int failed = 0;
        for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                const char *c = cases[i].name;
                struct mk_exit_info info;
                long h = spawn_client(c);
                if (h < 0 || mk_proc_wait(h, &info, 0) < 0) {
                        mk_printf("example not ok failures.%s: cannot run its client (%ld)\n", c,
                                  h);
                        failed++;
                        continue;
                }
                mk_handle_close(h);
                if (info.reason != cases[i].reason) {
                        mk_printf("example not ok failures.%s: the client ended with %s (status "
                                  "%lld), expected %s\n",
                                  c, mk_reason_name(info.reason), (long long)info.status,
                                  mk_reason_name(cases[i].reason));
                        failed++;
                } else if (!system_pager_ok()) {
                        mk_printf("example not ok failures.%s: the system pager no longer "
                                  "serves us\n",
                                  c);
                        failed++;
                } else {
                        mk_printf("example ok failures.%s\n", c);
                }
        }
        return failed ? 1 : 0;
}
