// SPDX-License-Identifier: MIT
// utpager: the test pager of the fault scenarios (tests/user/utest.c) and of
// the conformance scenario fault_loop. A client starts it with
// mkp_spawn_pager("utpager"), attaches one region (mkp_attach), tells it
// what to do with one UTP_MODE request, then touches the region:
//   UTP_CHECK     w1 addr, w2 ip (0: any), w3 UTP_W3(access, kind, rights:
//                 the region's MK_PERM_*), w4 pid, w5 the reason to end it
//                 with: faults before the expected one get a zero page with
//                 the region's rights; the expected fault (the first with
//                 w3's access on the page of w1) is checked field by field against
//                 the expectation, its raw registers decoded again
//                 (mk/fault.h): when all match it is failed with reason w7,
//                 else with MK_REASON_KILLED (and a `# utpager:` line says
//                 why), so the client's ending tells the runner.
//   UTP_BADGRANT  the first fault is answered with bad grants first, each of
//                 which the kernel must refuse with the right error while the
//                 faulting thread stays blocked, then with a zero page
//                 (read-only); any bad grant accepted or refused with another
//                 error: MK_REASON_KILLED instead.
//   UTP_LOOP      every fault is answered with a zero page mapped read-only:
//                 a write makes no progress, and the pager library's loop
//                 detector ends the client with MK_REASON_LOOP.
//   UTP_BENCH     (tools/bench: xpager_fault, deferred_fault) every fault
//                 gets a fresh zeroed frame, read-write; w1 1: the answer
//                 goes through a deferred reply (mkp_defer, then
//                 mkp_complete), 0: at once. The pool grows to w2 frames.
#pragma once
#include <mk/pagerlib.h>

#define UTP_MODE     MKP_REQ_USER // w0 mode (UTP_*), then the mode's words
#define UTP_CHECK    1
#define UTP_BADGRANT 2
#define UTP_LOOP     3
#define UTP_BENCH    4
#define UTP_W3(access, kind, perms)                                                                \
        ((uint64_t)(access) | (uint64_t)(kind) << 8 | (uint64_t)(perms) << 16)
