// SPDX-License-Identifier: MIT
// The x86_64 UEFI loader's ELF checks as one fuzz step (elf_loader.c).
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FUZZ_KERNEL_VBASE 0xffffffff80000000ull // KERNEL_VBASE on x86_64

// elf_check with min_vaddr 0 and KERNEL_VBASE; an accepted image is checked
// against the file and, when small, loaded with elf_load and compared.
// NULL, or the broken invariant.
const char *fuzz_elf_loader(const uint8_t *data, size_t size, uint64_t *digest);
// Whether elf_check accepts data as a kernel (loaded at KERNEL_VBASE).
bool fuzz_elf_loader_accepts(const uint8_t *data, size_t size, uint64_t *digest);
