// SPDX-License-Identifier: MIT
// Building a process image from an ELF executable (exec.c): the regions the
// pager creates (text, rodata, data, bss, heap, stack) and the initial stack
// (argc, argv, envp, auxv) in the Linux/System V layout. Portable: used by
// the pager, by tools/elfmaps on the host, and fuzzed there.
#pragma once
#include "region_desc.h"
#include <common/elf.h>

#define EXEC_MAX_REGIONS (2 * ELF_MAX_SEGS + 2)
#define EXEC_STACK_TOP   0x0000003ff0000000ull // top of the initial stack
#define EXEC_STACK_INIT  (128ull << 10)        // initial stack region
#define EXEC_STACK_MAX   (8ull << 20)          // the stack may grow to this
#define EXEC_STACK_GUARD (256ull << 12)        // guard gap below it: 256 pages, as Linux
#define EXEC_HEAP_MAX    (256ull << 20)        // brk may grow the heap by this much
#define EXEC_ARGS_MAX    3072                  // bytes of argv + envp strings and pointers
#define EXEC_AUX_MAX     32                    // extra auxv entries a caller may add
// Lowest address the stack can reach, with its guard gap: segments and the
// heap stay below it.
#define EXEC_STACK_FLOOR (EXEC_STACK_TOP - EXEC_STACK_MAX - EXEC_STACK_GUARD)

// auxv types (System V ABI).
#define AT_NULL   0
#define AT_PHDR   3
#define AT_PHENT  4
#define AT_PHNUM  5
#define AT_PAGESZ 6
#define AT_ENTRY  9

struct exec_layout {
        struct region_desc regions[EXEC_MAX_REGIONS];
        int nregions;
        uint64_t entry;  // initial ip
        uint64_t sp;     // initial sp (16-byte aligned, points at argc)
        uint64_t brk;    // initial program break (end of bss, page-aligned)
        bool exec_stack; // PT_GNU_STACK asked for an executable stack
        // The top page of the stack, [EXEC_STACK_TOP - 4096, EXEC_STACK_TOP),
        // already holding argc/argv/envp/auxv and the strings; the pager maps a
        // frame with this content there first.
        uint8_t stack_page[4096];
};

// Extra auxv entries the caller wants (e.g. AT_MK_PAGER_EP), terminated by
// an entry with type AT_NULL.
struct exec_aux {
        uint64_t type, val;
};

// Validates the ELF (elf_parse: machine, user range) and builds the layout:
// one region per PT_LOAD part (text RX, rodata R, data RW private file-backed
// with its zeroed tail; the bss pages past the file bytes as RK_BSS), the
// heap (empty, starting at the page after bss, growing to EXEC_HEAP_MAX), the
// stack (EXEC_STACK_INIT below EXEC_STACK_TOP, growing to EXEC_STACK_MAX with
// an EXEC_STACK_GUARD gap below), and the initial stack contents. Segments
// must lie in [MK_USER_BASE, EXEC_STACK_FLOOR). A segment that is writable
// and executable, or an executable stack (PT_GNU_STACK with PF_X), is refused
// unless allow_wx. `name` labels the regions in the maps view (kept by
// pointer, as is `image`). argv, envp and aux may be NULL (empty). Returns 0,
// -ENOEXEC (malformed ELF, *err says what), or -E2BIG (arguments too long).
int exec_build(struct exec_layout *out, const uint8_t *image, uint64_t size, uint16_t machine,
               bool allow_wx, const char *name, const char *const argv[], const char *const envp[],
               const struct exec_aux *aux, const char **err);
