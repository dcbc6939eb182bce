// SPDX-License-Identifier: MIT
// Fuzz target cpio: a boot image (cpio newc) through the kernel's reader
// (kernel/common/cpio.c: cpio_next, cpio_validate, cpio_find) and through the
// VFS server's loader (servers/vfs/load.c: vfs_load_cpio into a fresh RAM
// file system, servers/vfs/ramfs.c).
//
// Checked: every entry's name is terminated inside the archive and its data
// lies inside it; the walk always moves forward; cpio_validate counts what
// the walk saw and fails exactly when it does; cpio_find finds the first
// entry of a name; every file the VFS loaded holds the bytes of the first
// archive entry of its name, and the load counts add up.
#include "../../../servers/vfs/serve.h"
#include "fuzz.h"
#include <common/cpio.h>
#include <mk/errno.h>

#define FS_INODES   8
#define FS_FILE_MAX (4 * RAMFS_PAGE)
#define MAX_ENTRIES 64
#define MODE_REG    0100644
#define MODE_DIR    040755

static struct ramfs fs;
static struct vfs_inode itab[FS_INODES];
static uint8_t *fs_data;

struct seen {
        const char *name;
        const void *data;
        uint64_t size;
        uint32_t mode;
};

// The VFS's name for an archive name ("./" prefixes go, then ramfs_name).
static int vfs_name(const char *p, char out[VFS_NAME_MAX + 1])
{
        while (p[0] == '.' && p[1] == '/')
                p += 2;
        return ramfs_name(p, strlen(p) + 1, out);
}

static const char *walk(const uint8_t *data, size_t size, struct seen *e, unsigned *n, int *rc,
                        uint64_t *digest)
{
        struct cpio_iter it;
        struct cpio_file f;
        const char *err = "";
        uint64_t last = 0;
        int r;
        *n = 0;
        cpio_begin(&it, data, size);
        while ((r = cpio_next(&it, &f, &err)) > 0) {
                const uint8_t *nm = (const uint8_t *)f.name, *d = f.data;
                if (nm < data || nm >= data + size || !memchr(nm, 0, size - (nm - data)))
                        return "cpio_next: a name outside the archive";
                if (d < data || d > data + size || f.size > size - (d - data))
                        return "cpio_next: data outside the archive";
                if (it.off <= last)
                        return "cpio_next: the walk did not move forward";
                last = it.off;
                fuzz_hash(digest, f.name, strlen(f.name));
                fuzz_hash64(digest, f.size);
                if (*n < MAX_ENTRIES)
                        e[(*n)++] = (struct seen){f.name, f.data, f.size, f.mode};
                else
                        (*n)++;
        }
        if (r < 0 && !*err)
                return "cpio_next: an error without a message";
        *rc = r;
        fuzz_hash64(digest, (uint64_t)r);
        return NULL;
}

static const char *one(const uint8_t *data, size_t size, uint64_t *digest)
{
        static struct seen e[MAX_ENTRIES];
        unsigned n;
        int rc;
        const char *why = walk(data, size, e, &n, &rc, digest), *err = "";
        if (why)
                return why;
        size_t count = 0;
        int v = cpio_validate(data, size, &count, &err);
        if (v != rc || (!v && count != n))
                return "cpio_validate disagrees with the walk";
        // cpio_find: the first entry of a name (the first and the last seen).
        for (unsigned k = 0; k < 2 && n && n <= MAX_ENTRIES; k++) {
                const struct seen *want = &e[k ? n - 1 : 0];
                struct cpio_file f;
                int r = cpio_find(data, size, want->name, &f);
                const struct seen *first = want;
                for (unsigned i = 0; i < n; i++)
                        if (!strcmp(e[i].name, want->name)) {
                                first = &e[i];
                                break;
                        }
                // An error after the entry does not matter: it is found first.
                if (r != 0 || f.name != first->name)
                        return "cpio_find did not find the first entry of a name";
        }
        // The VFS loader, into a fresh file system.
        if (!fs_data)
                fs_data = malloc(FS_INODES * FS_FILE_MAX);
        memset(fs_data, 0, FS_INODES * FS_FILE_MAX);
        struct ramfs_config cfg = {.itab = itab,
                                   .data = fs_data,
                                   .max_inodes = FS_INODES,
                                   .file_max = FS_FILE_MAX,
                                   .max_pages = 12};
        if (ramfs_init(&fs, &cfg))
                return "ramfs_init";
        struct vfs_load_result res;
        err = "";
        int r = vfs_load_cpio(&fs, data, size, &res, &err);
        if (r != (rc < 0 ? rc : 0) || (r && !*err))
                return "vfs_load_cpio: a different verdict than the reader's";
        if (res.files + res.skipped != n)
                return "vfs_load_cpio: files + skipped is not the number of entries";
        uint64_t bytes = 0;
        unsigned files = 0;
        for (uint32_t ino = RAMFS_FIRST_INODE; ino < FS_INODES; ino++) {
                const struct vfs_inode *node = ramfs_inode(&fs, ino);
                if (!node || !node->used)
                        continue;
                files++;
                bytes += node->size;
                if (n > MAX_ENTRIES)
                        continue;
                // The bytes of a regular entry of that name (the first one
                // that fit: earlier ones may have been too large).
                const struct seen *match = NULL;
                char name[VFS_NAME_MAX + 1];
                for (unsigned i = 0; i < n && !match; i++)
                        if ((e[i].mode & 0170000) == 0100000 && !vfs_name(e[i].name, name) &&
                            !strncmp(name, node->name, sizeof(node->name)) &&
                            node->size == e[i].size &&
                            !memcmp(fs_data + ino * FS_FILE_MAX, e[i].data, e[i].size))
                                match = &e[i];
                if (!match)
                        return "vfs_load_cpio: a file that holds no entry of its name";
                fuzz_hash(digest, node->name, strnlen(node->name, VFS_NAME_MAX));
        }
        if (files != res.files || bytes != res.bytes)
                return "vfs_load_cpio: counts do not match the file system";
        return NULL;
}

// A newc entry as tools/mkcpio.py writes it.
static void entry(struct fuzz_buf *b, unsigned ino, const char *name, const void *data, size_t size,
                  unsigned mode)
{
        char h[128];
        size_t nl = strlen(name) + 1;
        snprintf(h, sizeof(h), "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", ino,
                 mode, 0, 0, 1, 0, (unsigned)size, 0, 0, 0, 0, (unsigned)nl, 0);
        fbuf_put(b, h, 110);
        fbuf_put(b, name, nl);
        while (b->n % 4)
                fbuf_u8(b, 0);
        fbuf_put(b, data, size);
        while (b->n % 4)
                fbuf_u8(b, 0);
}

static void seeds(fuzz_add_fn add)
{
        static struct fuzz_buf b;
        static uint8_t big[3 * RAMFS_PAGE];
        for (size_t i = 0; i < sizeof(big); i++)
                big[i] = (uint8_t)(i * 7 + 1);
        b.n = 0;
        entry(&b, 1, "pager",
              "\x7f"
              "ELF",
              4, MODE_REG);
        entry(&b, 2, "vfs", "vfs!", 4, MODE_REG);
        entry(&b, 3, "hello.txt", "hello, world\n", 13, MODE_REG);
        entry(&b, 0, "TRAILER!!!", "", 0, 0);
        add(b.b, b.n, "boot");
        b.n = 0;
        entry(&b, 1, ".", "", 0, MODE_DIR);
        entry(&b, 2, "./etc", "", 0, MODE_DIR);
        entry(&b, 3, "./a", "abc", 3, MODE_REG);
        entry(&b, 4, "./a", "second", 6, MODE_REG);
        entry(&b, 5, "/b", big, sizeof(big), MODE_REG);
        entry(&b, 6, "./etc/c", "c", 1, MODE_REG);
        entry(&b, 7, "empty", "", 0, MODE_REG);
        entry(&b, 8, "toolong-toolong-toolong-toolong-toolong-toolong-toolong-toolong", "x", 1,
              MODE_REG);
        entry(&b, 0, "TRAILER!!!", "", 0, 0);
        add(b.b, b.n, "dirs-duplicates");
        b.n = 0;
        for (unsigned k = 0; k < 10; k++) {
                char name[16];
                snprintf(name, sizeof(name), "f%u", k);
                entry(&b, k + 1, name, big, k * 500, MODE_REG);
        }
        entry(&b, 0, "TRAILER!!!", "", 0, 0);
        add(b.b, b.n, "full");
        b.n = 0;
        entry(&b, 1, "crc", "data", 4, MODE_REG);
        memcpy(b.b, "070702", 6);
        add(b.b, b.n, "crc-no-trailer");
}

// Every seed is a valid archive but the one without a trailer.
static const char *seed_check(const uint8_t *data, size_t size, const char *name)
{
        size_t count;
        const char *err = "";
        int r = cpio_validate(data, size, &count, &err);
        return (r == 0) == !strstr(name, "no-trailer") ? NULL : "cpio_validate";
}

const struct fuzz_target fuzz_target = {
    .name = "cpio",
    .one = one,
    .seeds = seeds,
    .seed_check = seed_check,
    .smoke_mutants = 30000,
    .max_len = 32768,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        return fuzz_entry(&fuzz_target, data, size);
}
