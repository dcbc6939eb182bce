// SPDX-License-Identifier: MIT
// Fault loop (mk only): a page served by the test pager utpager
// (tests/user/utpager.h) in its UTP_LOOP mode, which answers every fault
// with the page mapped read-only: a write faults again and again on the same
// page, and the pager library's loop detector ends the process with "fault
// loop". (The system pager never answers a fault without the access asked
// for, and an external pager's RETRY forever is bounded by the kernel: the
// adversarial test retry_forever_client_ends.) Linux has no such pager.
#include "conf.h"
#ifdef __linux__
int main(int argc, char **argv, char **envp)
{
        conf_no_fault("mk only: no test pager on Linux");
}
#else
#include "../user/utpager.h"

int main(int argc, char **argv, char **envp)
{
        long ep, proc;
        uint64_t va;
        uint32_t id;
        CHECK_EQ(mkp_spawn_pager("utpager", &ep, &proc), 0);
        conf_stop_if_failed();
        CHECK_EQ(mkp_attach(ep, proc, CONF_PAGE, &va, &id), 0);
        conf_stop_if_failed();
        struct mk_msg m = {.tag = UTP_MODE, .w = {UTP_LOOP}};
        CHECK_EQ(mk_call(ep, &m), 0);
        CHECK_EQ((long)m.w[0], 0);
        conf_stop_if_failed();
        conf_write8(conf_addr(va), 1);
        conf_no_fault("write to the test pager's read-only page");
}
#endif
