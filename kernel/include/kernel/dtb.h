// SPDX-License-Identifier: MIT
// Flattened device tree (DTB) reader: validates the blob and extracts what the
// kernel needs at boot. Portable; host-tested with corrupt inputs.
#pragma once
#include <kernel/memmap.h>
#include <common/types.h>

struct dtb {
        const uint8_t *blob;
        uint32_t total;      // totalsize from the header
        uint32_t off_struct; // structure block
        uint32_t size_struct;
        uint32_t off_strings; // strings block
        uint32_t size_strings;
        uint32_t off_rsvmap; // memory reservation block
};

// Checks the header and block bounds of a blob of at most `avail` bytes.
// Returns 0, or -EBADMSG with *err naming what is wrong.
int dtb_open(struct dtb *d, const void *blob, size_t avail, const char **err);

struct dtb_boot {
        uint64_t initrd_start, initrd_end; // /chosen linux,initrd-*, 0 if absent
        char bootargs[BOOT_CMDLINE_MAX];   // /chosen bootargs, "" if absent
};

// Adds /memory ranges as MEM_USABLE, /reserved-memory children and the
// memory-reservation block as MEM_RESERVED, and the DTB itself as MEM_DTB to
// `m`; fills `out` from /chosen. Returns 0, or a negative error with *err.
int dtb_scan_boot(const struct dtb *d, struct memmap *m, struct dtb_boot *out, const char **err);

// Finds property `prop` of the node at `path` ("/cpus", "/chosen", "/" ...;
// unit addresses may be omitted: "/memory" matches "/memory@40000000").
// Returns 0 with the value and its length, -ENOENT, or -EBADMSG.
int dtb_find_prop(const struct dtb *d, const char *path, const char *prop, const void **val,
                  uint32_t *len);

// Reads a big-endian cell.
static inline uint32_t dtb_be32(const void *p)
{
        const uint8_t *b = (const uint8_t *)p;
        return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
}
