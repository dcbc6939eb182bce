// SPDX-License-Identifier: MIT
// Addresses the in-guest test programs (tests/user, tests/adversarial,
// tests/fuzz) use as "mapped by nobody". The system pager gives a process no
// region there unless it asks: its mmap search is first-fit upwards from
// 0x10000000 and these programs reserve far less than the 1.5 GiB between.
// (Test-only: the production ABI (mk/pager.h) has no fixed test regions.)
#pragma once

#define TEST_UNMAPPED_VA 0x70000000ull
