// SPDX-License-Identifier: MIT
// Validating and loading an x86_64 ELF executable held in memory. Portable C
// (no EFI, no kernel headers): the loader uses it and host tests can fuzz it.
#pragma once
#include <stdint.h>

#define ELF_MAX_PHDRS 128 // more program headers than this is rejected
#define ELF_PAGE_SIZE 4096ull

struct elf_image {
        uint64_t entry;     // entry point (virtual)
        uint64_t span_base; // lowest PT_LOAD vaddr, rounded down to a page
        uint64_t span_size; // span_base .. highest PT_LOAD end, rounded up to a page
        uint64_t phoff;     // program header table (offset in the file)
        uint16_t phnum;
        int bad_phdr; // after a failure: index of the faulty header, else -1
};

// Checks that file[0..len) is a little-endian ELF64 ET_EXEC for EM_X86_64
// whose program headers and PT_LOAD segments lie inside the file, have
// filesz <= memsz, do not overlap, stay in [min_vaddr, 2^64) and contain the
// entry point. Returns NULL and fills *img, or a message naming the problem.
const char *elf_check(const void *file, uint64_t len, uint64_t min_vaddr, struct elf_image *img);

// Copies the PT_LOAD segments of a checked file to dst (img->span_size bytes
// that will be mapped at img->span_base), zeroing everything else.
void elf_load(const void *file, const struct elf_image *img, void *dst);
