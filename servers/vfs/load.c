// SPDX-License-Identifier: MIT
// Loading the boot image (a cpio newc archive) into the RAM file system.
#include "serve.h"
#include <common/cpio.h>
#include <common/string.h>

#define CPIO_TYPE_MASK 0170000
#define CPIO_TYPE_REG  0100000

static void skip(struct vfs_load_result *res, const char *name, long why)
{
        res->skipped++;
        res->last_skipped = name;
        res->last_error = why;
}

// Loads one archive entry; 0 or -errno (the entry is then skipped).
static long load_one(struct ramfs *fs, const struct cpio_file *f)
{
        char name[VFS_NAME_MAX + 1];
        const char *p = f->name;
        while (p[0] == '.' && p[1] == '/')
                p += 2;
        int r = ramfs_name(p, strlen(p) + 1, name);
        if (r)
                return r;
        if (f->size > fs->cfg.file_max)
                return -EFBIG;
        long ino = ramfs_create(fs, name, f->mode);
        if (ino < 0)
                return ino;
        long n = f->size ? ramfs_pwrite(fs, (uint32_t)ino, f->data, f->size, 0) : 0;
        if (n != (long)f->size) {
                ramfs_unlink(fs, name);
                return n < 0 ? n : -EFBIG;
        }
        return 0;
}

int vfs_load_cpio(struct ramfs *fs, const void *base, uint64_t size, struct vfs_load_result *res,
                  const char **err)
{
        struct cpio_iter it;
        struct cpio_file f;
        int r;
        memset(res, 0, sizeof(*res));
        cpio_begin(&it, base, size);
        while ((r = cpio_next(&it, &f, err)) > 0) {
                if ((f.mode & CPIO_TYPE_MASK) != CPIO_TYPE_REG) {
                        skip(res, f.name, 0);
                        continue;
                }
                long e = load_one(fs, &f);
                if (e) {
                        skip(res, f.name, e);
                        continue;
                }
                res->files++;
                res->bytes += f.size;
        }
        return r;
}
