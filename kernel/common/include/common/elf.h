// SPDX-License-Identifier: MIT
// ELF64 executables: validation and segment iteration (kernel/common/elf.c).
// Portable: used by the kernel (the first process), the pager (every other
// process) and host tests; fuzzed on the host.
#pragma once
#include <common/types.h>

#define ELF_PF_X 1
#define ELF_PF_W 2
#define ELF_PF_R 4

#define ELF_EM_X86_64  62
#define ELF_EM_AARCH64 183
#define ELF_EM_RISCV   243

#define ELF_MAX_SEGS 16

struct elf_seg {
        uint64_t vaddr, memsz;   // where it goes
        uint64_t offset, filesz; // what of the file fills its start
        uint32_t flags;          // ELF_PF_*
};

struct elf_image {
        const uint8_t *data;
        uint64_t size;
        uint64_t entry;
        uint64_t phdr_vaddr; // where the program headers are in memory (AT_PHDR), 0 if not loaded
        uint16_t phnum;
        unsigned nsegs;
        bool exec_stack;                   // PT_GNU_STACK with PF_X (false when absent)
        struct elf_seg segs[ELF_MAX_SEGS]; // the PT_LOAD segments, sorted by vaddr
};

// Validates an ELF64 little-endian executable for `machine` whose loadable
// segments lie in [lo, hi): header, program headers inside the file, every
// PT_LOAD with filesz <= memsz and its bytes inside the file, no overlap, no
// wrap-around, the entry point inside an executable segment. Returns 0, or
// -ENOEXEC with *err naming the problem.
int elf_parse(struct elf_image *img, const void *data, uint64_t size, uint16_t machine, uint64_t lo,
              uint64_t hi, const char **err);
