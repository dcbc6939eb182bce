// SPDX-License-Identifier: MIT
// The boot image: a cpio "newc" archive (magic 070701) of the servers and test
// programs. Portable, bounds-checked reader; host-tested with corrupt inputs.
#pragma once
#include <common/types.h>

struct cpio_file {
        const char *name; // NUL-terminated, inside the archive
        const void *data;
        uint64_t size;
        uint32_t mode;
};

struct cpio_iter {
        const uint8_t *base;
        uint64_t size;
        uint64_t off;
        int done;
};

void cpio_begin(struct cpio_iter *it, const void *base, uint64_t size);
// Returns 1 and the next regular file or directory, 0 at the TRAILER!!!
// record, or -EBADMSG with *err naming what is wrong (and the offset).
int cpio_next(struct cpio_iter *it, struct cpio_file *out, const char **err);
// Walks the whole archive: 0 and the number of entries, or -EBADMSG.
int cpio_validate(const void *base, uint64_t size, size_t *count, const char **err);
// Finds a file by name: 0, -ENOENT, or -EBADMSG.
int cpio_find(const void *base, uint64_t size, const char *name, struct cpio_file *out);
