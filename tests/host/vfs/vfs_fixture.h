// SPDX-License-Identifier: MIT
// A RAM file system on host memory for the VFS tests: small geometry by
// default (so the random tests cover every limit quickly), calloc'd.
#pragma once
#include "harness.h"
#include "ramfs.h"
#include "serve.h"

#define FX_INODES   16
#define FX_FILE_MAX (16 * RAMFS_PAGE) // 64 KiB per file
#define FX_PAGE     RAMFS_PAGE

struct fx {
        struct ramfs *fs;
        struct vfs_inode *itab;
        uint8_t *data;
};

static struct fx fx;

// A fresh file system with `inodes` inodes of `file_max` bytes and a page
// budget (0: none).
static inline void fx_setup_geom(uint32_t inodes, uint64_t file_max, uint64_t max_pages)
{
        free(fx.fs);
        free(fx.itab);
        free(fx.data);
        fx.fs = calloc(1, sizeof(*fx.fs));
        fx.itab = calloc(inodes, sizeof(*fx.itab));
        fx.data = calloc(inodes, file_max);
        struct ramfs_config cfg = {.itab = fx.itab,
                                   .data = fx.data,
                                   .max_inodes = inodes,
                                   .file_max = file_max,
                                   .max_pages = max_pages};
        if (!fx.fs || !fx.itab || !fx.data || ramfs_init(fx.fs, &cfg) != 0) {
                printf("not ok host vfs.fixture: setup failed\n");
                exit(1);
        }
}

static inline void fx_setup(void)
{
        fx_setup_geom(FX_INODES, FX_FILE_MAX, 0);
}

// The data area of inode ino.
static inline uint8_t *fx_file(long ino)
{
        return fx.data + (uint64_t)ino * fx.fs->cfg.file_max;
}

// ramfs_open with a NUL-terminated path.
static inline long fx_open(uint64_t badge, const char *path, uint64_t flags)
{
        struct ramfs_stat st;
        return ramfs_open(fx.fs, badge, path, strlen(path) + 1, flags, &st);
}

// A file `name` holding len bytes of `byte` (created); returns its inode.
static inline long fx_make(const char *name, uint64_t len, int byte)
{
        long ino = ramfs_create(fx.fs, name, RAMFS_MODE_DEFAULT);
        if (ino < 0)
                return ino;
        uint8_t *buf = malloc(len ? len : 1);
        memset(buf, byte, len);
        long n = ramfs_pwrite(fx.fs, (uint32_t)ino, buf, len, 0);
        free(buf);
        return n == (long)len ? ino : -EIO;
}

// Whether bytes [from, to) of inode ino's data area are all zero.
static inline int fx_zero(long ino, uint64_t from, uint64_t to)
{
        for (uint64_t i = from; i < to; i++)
                if (fx_file(ino)[i])
                        return 0;
        return 1;
}

// Whether every byte in [from, to) of ino's data area equals b.
static inline int fx_all(long ino, uint64_t from, uint64_t to, int b)
{
        for (uint64_t i = from; i < to; i++)
                if (fx_file(ino)[i] != (uint8_t)b)
                        return 0;
        return 1;
}

#define PAGE_END(x) (((x) + FX_PAGE - 1) / FX_PAGE * FX_PAGE)
