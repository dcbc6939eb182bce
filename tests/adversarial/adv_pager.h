// SPDX-License-Identifier: MIT
// adv_pager: the external pager of the C6 tests (a pager-library pager that
// misbehaves as its client asks, before it attaches).
#pragma once
#include <mk/pagerlib.h>

#define ADV_PGR_MODE  (MKP_REQ_USER + 0) // w0: one of the modes below
#define ADV_PGR_SERVE 1                  // zero pages
#define ADV_PGR_MUTE  2                  // serves the first fault, then never answers (spins)
#define ADV_PGR_RETRY 3                  // answers every fault with RETRY
#define ADV_PGR_PAGES 4                  // frames it holds (and pages of its region)
