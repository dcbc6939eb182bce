// SPDX-License-Identifier: MIT
// Shared by the pager-failure examples (examples/pagers/failures/): the runner
// xtest_failures starts one failures_client per case; the client starts the
// pager the case needs (failures_pager in a mode, or failures_raw), uses a
// region it serves, and ends the way the case expects.
#pragma once
#include <mk/pagerlib.h>

#define FAIL_REGION_PAGES 4
#define FAIL_RAW_FILL     0x5a // failures_raw fills the pages it serves with this byte

// failures_pager's request: w0 = mode (sent before attaching).
#define FAIL_REQ_MODE (MKP_REQ_USER + 0)
enum fail_mode {
        FAIL_MODE_SERVE = 1, // serve zero pages (the client then shuts the pager down)
        FAIL_MODE_MUTE,      // from the second fault on: never answer
        FAIL_MODE_BADGRANT,  // answer the second fault with a grant outside the region
};

// What a client exits with when it survived an access that had to end it.
#define FAIL_CLIENT_SURVIVED 3
#define FAIL_CLIENT_SETUP    4 // it could not start its pager or attach
