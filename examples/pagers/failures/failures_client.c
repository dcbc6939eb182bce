// SPDX-License-Identifier: MIT
// failures_client CASE: the client of one pager-failure case. It starts the
// pager the case needs, attaches a region, checks that the first page is
// served, then does what must end it: the runner (its parent) checks how it
// ended. Exits FAIL_CLIENT_SURVIVED if it survives.
#include "failures.h"

static volatile uint64_t *page_at(uint64_t va, unsigned i)
{
        return (volatile uint64_t *)(va + i * MK_PAGE_SIZE);
}

int main(int argc, char **argv, char **envp)
{
        const char *c = argc > 1 ? argv[1] : "";
        bool raw = strcmp(c, "bad_replies") == 0;
        uint64_t mode = strcmp(c, "pager_silent") == 0    ? FAIL_MODE_MUTE
                        : strcmp(c, "bad_grant_lib") == 0 ? FAIL_MODE_BADGRANT
                                                          : FAIL_MODE_SERVE;
        long ep, proc;
        uint64_t va;
        uint32_t id;
        long r = mkp_spawn_pager(raw ? "failures_raw" : "failures_pager", &ep, &proc);
        if (r == 0 && !raw) {
                struct mk_msg m = {.tag = FAIL_REQ_MODE, .w = {mode}};
                r = mk_call(ep, &m);
                r = r ? r : (long)m.w[0];
        }
        if (r == 0)
                r = mkp_attach(ep, proc, FAIL_REGION_PAGES * MK_PAGE_SIZE, &va, &id);
        if (r) {
                mk_printf("failures_client %s: cannot start or attach its pager: %ld\n", c, r);
                return FAIL_CLIENT_SETUP;
        }
        // The first page is served, whatever the case.
        uint64_t want = raw ? 0x0101010101010101ull * FAIL_RAW_FILL : 0;
        if (*page_at(va, 0) != want) {
                mk_printf("failures_client %s: page 0 holds 0x%llx\n", c,
                          (unsigned long long)*page_at(va, 0));
                return FAIL_CLIENT_SETUP;
        }
        if (strcmp(c, "pager_exits") == 0) {
                *page_at(va, 0) = 1;
                // The pager ends while we still use its region; its pages are
                // taken from us, so even page 0 faults again.
                struct mk_exit_info info;
                if (mkp_shutdown(ep) < 0 || mk_proc_wait(proc, &info, 0) < 0)
                        return FAIL_CLIENT_SETUP;
                (void)*page_at(va, 0);
        } else {
                (void)*page_at(va, 1);
        }
        return FAIL_CLIENT_SURVIVED;
}
