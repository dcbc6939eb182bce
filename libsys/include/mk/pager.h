// SPDX-License-Identifier: MIT
// Requests a process can send to its pager (the system pager's protocol,
// docs/pager-protocol.md). Tags are from MK_TAG_USER up.
#pragma once
#include <mk/msg.h>

#define PGR_MMAP       (MK_TAG_USER + 0) // w[0] len, w[1] perms -> w[0] address or -errno
#define PGR_LAST_FAULT (MK_TAG_USER + 1) // -> w[0..5]: the last fault message seen for the caller
#define PGR_PING       (MK_TAG_USER + 2) // -> nothing (IPC round-trip benchmark)
#define PGR_EXPECT                                                                                 \
        (MK_TAG_USER + 3) // w[0] addr, w[1] ip, w[2] access, w[3] kind, w[4] pid: the next
                          // fault of the caller must match (tests)
#define PGR_RESULT (MK_TAG_USER + 4) // w[0] metric, w[1] counter total, w[2] iterations

// Fixed test regions the system pager gives every test process.
#define PGR_TEST_RO_VA       0x60000000ull // 1 page, read-only, zero
#define PGR_TEST_NX_VA       0x61000000ull // 1 page, read-write, not executable
#define PGR_TEST_BADGRANT_VA 0x62000000ull // 1 page: the pager tries bad grants first
#define PGR_TEST_UNMAPPED_VA 0x70000000ull // never covered by a region
