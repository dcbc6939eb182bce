// SPDX-License-Identifier: MIT
// Fault classification: what the pager does with one fault, decided from the
// region, the access and what the process already has at that page. Pure
// function, no syscalls: host-tested (tests/host/vma/test_policy.c).
#pragma once
#include "region_desc.h"
#include <stdbool.h>

// Per-page state the pager keeps for each process (shadow.h): a frame and
// how it is held.
#define SH_PRESENT 0x01 // a frame is assigned (pa in the entry)
#define SH_MAPPED  0x02 // installed in the kernel page table
#define SH_WRITE   0x04 // installed writable
#define SH_COW     0x08 // private page whose frame others may hold: copy before writing
#define SH_ZERO    0x10 // the shared zero page
#define SH_SHARED  0x20 // a shared mapping's frame (anonymous shared or file shared)
#define SH_FLAGS   0xfffull
#define SH_PA(e)   ((e) & ~SH_FLAGS)

enum fault_decision {
        FD_FAIL_NOMAP,  // no region
        FD_FAIL_ACCESS, // the region forbids the access
        FD_FAIL_GUARD,  // guard region or stack guard gap
        FD_FAIL_BUS,    // file page beyond the end of the file, or a bus fault
        FD_MAP_ZERO,    // anonymous read: map the zero page read-only
        FD_FILL_ZERO,   // a new zeroed frame
        FD_FILL_IMAGE,  // a new frame filled from the program image (zeroed tail)
        FD_MAP_FILE,    // map the file's page-cache frame (shared, or private read)
        FD_COPY_FILE,   // private write to a file page: copy the cache frame
        FD_REMAP,       // the page has a frame: (re)install it with the region's rights
        FD_COW_COPY,    // write to a copy-on-write page others share: copy it
        FD_COW_REUSE,   // write to a copy-on-write page nobody else holds: reuse it
        FD_COUNT,
};

struct fault_in {
        const struct region_desc *r; // NULL: no region covers the address
        unsigned access;             // FAULT_READ / FAULT_WRITE / FAULT_EXEC
        unsigned kind;               // FAULT_NOT_PRESENT / PROTECTION / OTHER
        uint64_t entry;              // the process's shadow entry for the page (0: none)
        uint32_t refs;               // references to the entry's frame (all processes)
        bool beyond_eof;             // BK_VFS: the page starts at or beyond the file's end
};

enum fault_decision fault_decide(const struct fault_in *in);
// Rights (MK_PERM_*) to install a page with, given the region and entry flags
// after the decision (copy-on-write and zero pages never get write).
uint32_t fault_perms(const struct region_desc *r, uint64_t entry_flags);
const char *fault_decision_name(unsigned d);
