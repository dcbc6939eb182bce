// SPDX-License-Identifier: MIT
// sched_yield for programs on mk (SYS_YIELD).
#pragma once

int sched_yield(void);
