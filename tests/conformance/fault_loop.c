// SPDX-License-Identifier: MIT
// Fault loop (mk only): the pager's test region at PGR_TEST_LOOP_VA answers
// every fault with RETRY; the pager notices the same thread faulting on the
// same page again and again and ends it with "fault loop". Linux has no
// such region (and would never stop retrying).
#include "conf.h"

int main(void)
{
        conf_read8(conf_addr(CONF_LOOP_VA));
        conf_no_fault("read of the fault-loop test region");
}
