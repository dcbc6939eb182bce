// SPDX-License-Identifier: MIT
// Validating and loading the kernel's ELF image held in memory: the kernel's
// own validator (elf_parse, kernel/common/elf.c, compiled into the loader)
// and the placement of its segments. Portable C (no EFI): host-tested
// (test_elf_check.c) and fuzzed (tests/host/fuzz/elf_loader.c).
#pragma once
#include <common/elf.h>

struct kernel_image {
        struct elf_image elf; // the validated file: entry, PT_LOAD segments (sorted)
        uint64_t span_base;   // lowest PT_LOAD vaddr, rounded down to a page
        uint64_t span_size;   // span_base .. highest PT_LOAD end, rounded up to a page
};

// Checks with elf_parse that file[0..len) is an x86_64 executable whose
// PT_LOAD segments lie in [min_vaddr, 2^64 - 4096) (and everything else
// elf_parse checks), then computes the span. Returns NULL, or a message
// naming the problem.
const char *elf_check(const void *file, uint64_t len, uint64_t min_vaddr, struct kernel_image *img);

// Copies the PT_LOAD segments of a checked file to dst (img->span_size bytes
// that will be mapped at img->span_base), zeroing everything else.
void elf_load(const struct kernel_image *img, void *dst);
