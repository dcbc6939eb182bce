// SPDX-License-Identifier: MIT
// ELF64 executables: the file format (System V gABI) and validation
// (kernel/common/elf.c).
// Portable: used by the kernel (the first process), the pager (every other
// process) and host tests; fuzzed on the host.
#pragma once
#include <common/types.h>

// The file format: headers, and the constants the validator and its tests use.
#define EI_NIDENT    16
#define EI_MAG0      0 // e_ident[] indices
#define EI_MAG1      1
#define EI_MAG2      2
#define EI_MAG3      3
#define EI_CLASS     4
#define EI_DATA      5
#define EI_VERSION   6
#define ELFMAG0      0x7f
#define ELFMAG1      'E'
#define ELFMAG2      'L'
#define ELFMAG3      'F'
#define ELFCLASS64   2
#define ELFDATA2LSB  1 // little endian
#define EV_CURRENT   1
#define ET_EXEC      2
#define PT_LOAD      1
#define PT_PHDR      6
#define PT_GNU_STACK 0x6474e551

struct elf64_ehdr {
        uint8_t e_ident[EI_NIDENT];
        uint16_t e_type;
        uint16_t e_machine;
        uint32_t e_version;
        uint64_t e_entry;
        uint64_t e_phoff;
        uint64_t e_shoff;
        uint32_t e_flags;
        uint16_t e_ehsize;
        uint16_t e_phentsize;
        uint16_t e_phnum;
        uint16_t e_shentsize;
        uint16_t e_shnum;
        uint16_t e_shstrndx;
};

struct elf64_phdr {
        uint32_t p_type;
        uint32_t p_flags;
        uint64_t p_offset;
        uint64_t p_vaddr;
        uint64_t p_paddr;
        uint64_t p_filesz;
        uint64_t p_memsz;
        uint64_t p_align;
};

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
