// SPDX-License-Identifier: MIT
// The one fuzz step shared by the libFuzzer target (fuzz_elf.c) and its smoke
// test (fuzz_smoke.c).
#pragma once
#include <stddef.h>
#include <stdint.h>

// Runs exec_build on data (an ELF file; machine from its own header) with and
// without allow_wx and formats every region; returns NULL, or the broken
// invariant when a result is inconsistent.
const char *fuzz_elf_one(const uint8_t *data, size_t size);
