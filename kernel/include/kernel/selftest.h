// SPDX-License-Identifier: MIT
// In-kernel boot self-tests (kernel/core/selftest.c), run when the kernel
// command line has the word `test=kernel`, `ktest` or `test`. They print one
// TAP stream: the plan `1..N`, then per test "ok NAME" or "not ok NAME" and a
// "# WHY" line; the run ends with "# ktest: N passed, N failed".
#pragma once
#include <kernel/bootinfo.h>
#include <kernel/memmap.h>

// Runs every self-test; returns the number of failures.
int selftest_run(const struct boot_info *bi, const struct memmap *m);
