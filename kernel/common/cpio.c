// SPDX-License-Identifier: MIT
// cpio "newc" reader. Layout of one entry (all numbers 8 ASCII hex digits):
//
//   "070701" ino mode uid gid nlink mtime filesize devmaj devmin rdevmaj rdevmin namesize check
//   name (namesize bytes incl. NUL), padded so header+name is a multiple of 4
//   data (filesize bytes), padded to a multiple of 4
//
// Every length is checked against the archive bounds before use.
#include <common/cpio.h>
#include <common/string.h>
#include <mk/errno.h>

#define CPIO_HDR_LEN    110
#define CPIO_MAGIC      "070701"
#define CPIO_MAGIC_CRC  "070702"
#define CPIO_F_MODE     1
#define CPIO_F_FILESIZE 6
#define CPIO_F_NAMESIZE 11
#define CPIO_NFIELDS    13
#define CPIO_TRAILER    "TRAILER!!!"

static int hex8(const uint8_t *p, uint32_t *out)
{
        uint32_t v = 0;
        for (int i = 0; i < 8; i++) {
                uint8_t c = p[i];
                uint32_t d;
                if (c >= '0' && c <= '9')
                        d = c - '0';
                else if (c >= 'a' && c <= 'f')
                        d = c - 'a' + 10;
                else if (c >= 'A' && c <= 'F')
                        d = c - 'A' + 10;
                else
                        return -1;
                v = v << 4 | d;
        }
        *out = v;
        return 0;
}

void cpio_begin(struct cpio_iter *it, const void *base, uint64_t size)
{
        it->base = base;
        it->size = size;
        it->off = 0;
        it->done = 0;
}

int cpio_next(struct cpio_iter *it, struct cpio_file *out, const char **err)
{
        uint32_t f[CPIO_NFIELDS];
        if (it->done)
                return 0;
        if (it->off > it->size || it->size - it->off < CPIO_HDR_LEN) {
                *err = "truncated: no room for an entry header (missing TRAILER!!!)";
                return -EBADMSG;
        }
        const uint8_t *h = it->base + it->off;
        if (memcmp(h, CPIO_MAGIC, 6) != 0 && memcmp(h, CPIO_MAGIC_CRC, 6) != 0) {
                *err = "bad magic (not a cpio newc archive)";
                return -EBADMSG;
        }
        for (int i = 0; i < CPIO_NFIELDS; i++) {
                if (hex8(h + 6 + 8 * i, &f[i]) != 0) {
                        *err = "header field is not hexadecimal";
                        return -EBADMSG;
                }
        }
        uint64_t namesize = f[CPIO_F_NAMESIZE], filesize = f[CPIO_F_FILESIZE];
        uint64_t name_off = it->off + CPIO_HDR_LEN;
        if (namesize == 0 || namesize > it->size - name_off) {
                *err = "name runs past the end of the archive";
                return -EBADMSG;
        }
        const char *name = (const char *)it->base + name_off;
        if (name[namesize - 1] != '\0' || strnlen(name, namesize) != namesize - 1) {
                *err = "name is not NUL-terminated at namesize";
                return -EBADMSG;
        }
        uint64_t data_off = ALIGN_UP(name_off + namesize, 4);
        if (data_off > it->size || filesize > it->size - data_off) {
                *err = "file data runs past the end of the archive";
                return -EBADMSG;
        }
        if (strcmp(name, CPIO_TRAILER) == 0) {
                it->done = 1;
                return 0;
        }
        out->name = name;
        out->data = it->base + data_off;
        out->size = filesize;
        out->mode = f[CPIO_F_MODE];
        it->off = ALIGN_UP(data_off + filesize, 4);
        return 1;
}

int cpio_validate(const void *base, uint64_t size, size_t *count, const char **err)
{
        struct cpio_iter it;
        struct cpio_file f;
        int r;
        size_t n = 0;
        cpio_begin(&it, base, size);
        while ((r = cpio_next(&it, &f, err)) > 0)
                n++;
        if (r < 0)
                return r;
        *count = n;
        return 0;
}

int cpio_find(const void *base, uint64_t size, const char *name, struct cpio_file *out)
{
        struct cpio_iter it;
        const char *err;
        int r;
        cpio_begin(&it, base, size);
        while ((r = cpio_next(&it, out, &err)) > 0)
                if (strcmp(out->name, name) == 0)
                        return 0;
        return r < 0 ? r : -ENOENT;
}
