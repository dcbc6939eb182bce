// SPDX-License-Identifier: MIT
// What the pager knows about one region of a process: portable (no syscalls),
// shared by the region tree (vma.c), the ELF loader (exec.c), the maps view
// (maps.c) and the host tools and tests.
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum region_kind {
        RK_TEXT,         // program text: read-execute, file-backed
        RK_RODATA,       // read-only data, file-backed
        RK_DATA,         // initialised data: read-write, file-backed, private (COW)
        RK_BSS,          // zero-fill data after the file bytes
        RK_HEAP,         // brk heap, grows up, bounded
        RK_STACK,        // grows down on demand, bounded, guard gap below
        RK_ANON_PRIVATE, // mmap anonymous private
        RK_ANON_SHARED,  // mmap anonymous shared (shared with fork children)
        RK_FILE_PRIVATE, // mmap of a VFS file, private (COW)
        RK_FILE_SHARED,  // mmap of a VFS file, shared
        RK_GUARD,        // explicit guard region (PROT_NONE): every access faults
        RK_EXTERNAL,     // served by an external pager (or its frames): never by us
        RK_COUNT,
};

enum region_backing {
        BK_NONE,  // anonymous: zero-filled
        BK_IMAGE, // bytes of a program image in the pager's memory (ELF from the boot image)
        BK_VFS,   // a VFS inode (the pager reads the VFS server's page cache)
};

struct region_desc {
        uint64_t start, end; // [start, end), page-aligned
        uint32_t prot;       // MK_PERM_R | MK_PERM_W | MK_PERM_X (0 for guard regions)
        uint8_t kind;        // enum region_kind
        uint8_t backing;     // enum region_backing
        uint8_t deny;        // rights it may never have (Linux's VM_MAY* cleared): MK_PERM_W
                             // for a shared map of a file opened without write
        uint8_t pad;
        // File-backed regions: file bytes [file_off, file_off + file_size) appear
        // at start + data_off (data_off < 4096 lets ELF segments start mid-page);
        // the rest of the region reads as zero (BK_IMAGE) or as the file (BK_VFS,
        // where file_size is unused and the file's size decides: bus error beyond).
        uint64_t file_off;
        uint64_t file_size;
        uint64_t data_off;
        uint64_t inode;       // BK_VFS
        uint64_t generation;  // BK_VFS: the inode's generation when mapped (a reused
                              // inode number is another file: its pages are not ours)
        const uint8_t *image; // BK_IMAGE: the file's bytes
        uint64_t image_size;
        uint64_t guard_below; // RK_STACK: bytes below start no other mapping may take
        uint64_t limit;       // RK_STACK: lowest start it may grow to; RK_HEAP: highest end
        const char *name;     // for the maps view ("utest", a VFS file name), may be NULL
};

// Whether two regions that touch (a.end == b.start) can be one region.
bool region_mergeable(const struct region_desc *a, const struct region_desc *b);

// One line of the maps view for r, /proc/PID/maps shaped:
//   start-end perms offset kind name
//   0000400000-0000401000 r-xp 00000000 text utest
// Returns the line's length (without NUL) as snprintf does.
int region_format(const struct region_desc *r, char *buf, size_t len);

const char *region_kind_name(unsigned kind);
