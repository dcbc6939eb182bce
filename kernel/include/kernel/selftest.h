// SPDX-License-Identifier: MIT
// In-kernel boot self-tests (kernel/core/selftest.c), run when the kernel
// command line contains "test". Each prints "ktest ok NAME" or
// "ktest not ok NAME: WHY"; the run ends with "ktest: N passed, N failed".
#pragma once
#include <kernel/bootinfo.h>
#include <kernel/memmap.h>

// Runs every self-test; returns the number of failures.
int selftest_run(const struct boot_info *bi, const struct memmap *m);
