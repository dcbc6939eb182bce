// SPDX-License-Identifier: MIT
// Fuzz target vfs: the VFS server's protocol handler (servers/vfs/serve.c:
// vfs_serve, over ramfs.c and fd.c) on a stream of requests from several
// clients (badges), with the system pager's part played from the input too:
// its answer when an inode is done with (PGR_VFS_RELEASE: free, mapped, or
// something else), letting go of a mapped-only inode, and a shared mapping's
// stores past the end of a file. (The VFS is never told that a client ended:
// more clients than its fd tables evict the one idle longest.)
//
// Input: a byte of set-up (page budget), then records: a selector byte (what,
// and from which client), three words (fuzz.h), and a buffer (a name from a
// table, or bytes with a length that may exceed the message).
// Checked after every step: the reply is well formed (tag 0, no more bytes
// than a message holds, none on an error, a read's bytes = its result); no
// fd refers to a free inode; client fd counts and open counts agree; a free
// inode has no name; a nameless used inode is unlinked or kept for mappers;
// names are terminated and unique; bytes past the end of a file up to its
// page end are zero (unless a mapper wrote them since); the page budget
// adds up.
#include "../../../servers/vfs/serve.h"
#include "fuzz.h"

#define FS_INODES   8
#define FS_FILE_MAX (4 * RAMFS_PAGE)
#define MAX_STEPS   32
#define PAGE_END(x) (((x) + RAMFS_PAGE - 1) / RAMFS_PAGE * RAMFS_PAGE)

static struct ramfs fs;
static struct vfs_inode itab[FS_INODES];
static uint8_t *fs_data;
static bool scribbled[FS_INODES];
static struct fuzz_in *release_in; // the input, for the pager's answers

static const uint64_t near[] = {RAMFS_FD_BASE,
                                RAMFS_FD_BASE + 1,
                                RAMFS_FD_BASE + RAMFS_MAX_FDS - 1,
                                RAMFS_FD_BASE + RAMFS_MAX_FDS,
                                MK_MSG_BUF,
                                MK_MSG_BUF + 1,
                                RAMFS_PAGE - 1,
                                FS_FILE_MAX - 1,
                                FS_FILE_MAX,
                                RAMFS_OFF_MAX,
                                RAMFS_OFF_MAX + 1,
                                UINT64_MAX,
                                VFS_O_RDWR | VFS_O_CREAT,
                                VFS_O_WRONLY | VFS_O_CREAT | VFS_O_TRUNC,
                                VFS_O_RDWR | VFS_O_APPEND,
                                VFS_O_RDONLY};
static const char *const names[] = {
    "a",
    "/b",
    "c",
    "//a",
    "",
    "/",
    "d/e",
    ".",
    "..",
    "f",
    "a-name-of-sixty-bytes-is-the-longest-one-allowed-here-1234567"};

// PGR_VFS_RELEASE as the pager answers it: nobody maps it (and it drops the
// inode's data pages: they read zero), it is mapped, or anything else (an
// error).
static long release(void *ctx, uint32_t ino, uint64_t generation)
{
        static const long answers[] = {0, -EBUSY, -ENOSYS, 1};
        long r = answers[fin_u8(release_in) % ARRAY_SIZE(answers)];
        if (r == 0 && ino < FS_INODES) {
                memset(fs_data + ino * FS_FILE_MAX, 0, FS_FILE_MAX);
                scribbled[ino] = false;
        }
        return r;
}

FUZZ_NOCOV static bool zero(uint32_t ino, uint64_t from, uint64_t to)
{
        static const uint8_t zeros[RAMFS_PAGE];
        return to - from <= RAMFS_PAGE &&
               !memcmp(fs_data + ino * FS_FILE_MAX + from, zeros, to - from);
}

FUZZ_NOCOV static const char *invariants(void)
{
        uint64_t open_total = 0, charged = 0, nopen = 0;
        uint32_t nmapped_only = 0;
        for (int c = 0; c < RAMFS_MAX_CLIENTS; c++) {
                const struct ramfs_client *cl = &fs.client[c];
                uint32_t n = 0;
                if (!cl->used)
                        continue;
                for (int k = 0; k < RAMFS_MAX_FDS; k++)
                        if (cl->fd[k].used) {
                                n++;
                                if (cl->fd[k].ino >= FS_INODES || !itab[cl->fd[k].ino].used)
                                        return "an fd on a free inode";
                                if (cl->fd[k].off > FS_FILE_MAX)
                                        return "an offset past file_max";
                        }
                if (n != cl->nfds)
                        return "a client's fd count";
                open_total += n;
        }
        for (uint32_t i = 0; i < FS_INODES; i++) {
                const struct vfs_inode *it = &itab[i];
                const struct ramfs_node *nd = &fs.node[i];
                nopen += nd->nopen;
                charged += nd->charged;
                nmapped_only += nd->mapped_only;
                if (i < RAMFS_FIRST_INODE && it->used)
                        return "inode 0 used";
                if (!it->used && (nd->nopen || it->name[0]))
                        return "a free inode open or named";
                if (it->used && !it->name[0] && !nd->unlinked && !nd->mapped_only)
                        return "a nameless inode neither unlinked nor kept for mappers";
                if (nd->mapped_only && (it->name[0] || nd->nopen))
                        return "an inode kept for mappers with a name or an fd";
                if (it->size > FS_FILE_MAX)
                        return "a size past file_max";
                if (!memchr(it->name, 0, sizeof(it->name)))
                        return "a name not terminated";
                if (it->used && !scribbled[i] && !zero(i, it->size, PAGE_END(it->size)))
                        return "bytes past EOF in the last page";
                for (uint32_t j = i + 1; it->used && it->name[0] && j < FS_INODES; j++)
                        if (itab[j].used && !strcmp(itab[j].name, it->name))
                                return "two inodes, one name";
        }
        if (nopen != open_total)
                return "nopen does not match the fds";
        if (nmapped_only != fs.nmapped_only)
                return "nmapped_only does not match the inodes";
        if (charged != fs.pages_charged || (fs.cfg.max_pages && charged > fs.cfg.max_pages))
                return "page budget accounting";
        return NULL;
}

FUZZ_NOCOV static const char *reply_check(const struct mk_msg *in, const struct mk_msg *out)
{
        int64_t r = (int64_t)out->w[0];
        if (out->tag || out->badge || out->flags || out->len > MK_MSG_BUF || (r < 0 && out->len))
                return "a malformed reply";
        if (in->tag == VFS_READ && r >= 0 && out->len != (uint64_t)r)
                return "a read whose bytes are not its result";
        if (in->tag == VFS_LIST && r > 0 &&
            (!out->len || out->buf[out->len - 1] || strlen((const char *)out->buf) + 1 != out->len))
                return "a listed name not terminated at its length";
        return NULL;
}

static const char *one(const uint8_t *data, size_t size, uint64_t *digest)
{
        static struct mk_msg in, out;
        struct fuzz_in fin = {data, size};
        release_in = &fin;
        if (!fs_data)
                fs_data = malloc(FS_INODES * FS_FILE_MAX);
        memset(fs_data, 0, FS_INODES * FS_FILE_MAX);
        memset(scribbled, 0, sizeof(scribbled));
        uint8_t setup = fin_u8(&fin);
        struct ramfs_config cfg = {.itab = itab,
                                   .data = fs_data,
                                   .max_inodes = FS_INODES,
                                   .file_max = FS_FILE_MAX,
                                   .max_pages = setup % 32, // 0: no budget
                                   .release = (setup & 0x80) ? release : NULL};
        if (ramfs_init(&fs, &cfg))
                return "ramfs_init";
        for (unsigned step = 0; step < MAX_STEPS && fin_left(&fin); step++) {
                uint8_t sel = fin_u8(&fin);
                uint64_t badge = (sel >> 4) & 3;
                if ((sel & 0xc0) == 0xc0)
                        badge = fin_u8(&fin); // many clients: fd-table eviction
                uint32_t ino = 1 + fin_u8(&fin) % (FS_INODES - 1);
                switch (sel & 15) {
                case 10: { // a shared mapping's stores past EOF in the last page
                        uint64_t sz = itab[ino].size;
                        if (itab[ino].used && sz % RAMFS_PAGE) {
                                memset(fs_data + ino * FS_FILE_MAX + sz, 0x99, PAGE_END(sz) - sz);
                                scribbled[ino] = true;
                        }
                        continue;
                }
                case 11: // the pager lets go of an inode kept for its mappers
                        if (fs.node[ino].mapped_only && itab[ino].used) {
                                itab[ino].used = 0;
                                memset(fs_data + ino * FS_FILE_MAX, 0, FS_FILE_MAX);
                                scribbled[ino] = false;
                        }
                        continue;
                default: {
                        static const uint64_t tags[] = {
                            VFS_OPEN,     VFS_READ,  VFS_WRITE, VFS_STAT,
                            VFS_TRUNCATE, VFS_CLOSE, VFS_SEEK,  VFS_UNLINK,
                            VFS_LIST,     0,         0,         0,
                            VFS_CLOSE,    VFS_OPEN,  VFS_WRITE, VFS_READ};
                        memset(&in, 0, sizeof(in));
                        memset(&out, 0xa5, sizeof(out)); // the reply must set what it uses
                        in.tag = (sel & 15) == 9 ? fin_word(&fin, near, ARRAY_SIZE(near))
                                                 : tags[sel & 15];
                        in.badge = badge;
                        for (int w = 0; w < 3; w++)
                                in.w[w] = fin_word(&fin, near, ARRAY_SIZE(near));
                        uint8_t b = fin_u8(&fin);
                        if (b < 0x80) {
                                const char *n = names[b % ARRAY_SIZE(names)];
                                in.len = (uint32_t)strlen(n) + 1;
                                memcpy(in.buf, n, in.len);
                        } else {
                                in.len = fin_u16(&fin) % (MK_MSG_BUF + 64);
                                for (uint32_t k = 0; k < in.len && k < MK_MSG_BUF; k++)
                                        in.buf[k] = fin_left(&fin) ? fin_u8(&fin) : 'r';
                        }
                        uint64_t size_before[FS_INODES];
                        for (int k = 0; k < FS_INODES; k++)
                                size_before[k] = itab[k].size;
                        vfs_serve(&fs, &in, &out);
                        for (int k = 0; k < FS_INODES; k++)
                                if (itab[k].size != size_before[k] || !itab[k].used)
                                        scribbled[k] = false;
                        const char *why = reply_check(&in, &out);
                        if (why)
                                return why;
                        fuzz_hash(digest, out.w, sizeof(out.w));
                        fuzz_hash(digest, out.buf, out.len);
                }
                }
                const char *why = invariants();
                if (why)
                        return why;
        }
        return NULL;
}

// One request record (see one()).
static void req(struct fuzz_buf *b, unsigned what, unsigned client, uint64_t w0, uint64_t w1,
                uint64_t w2, int name)
{
        fbuf_u8(b, (uint8_t)(what | client << 4));
        fbuf_u8(b, 0);
        fbuf_word(b, w0);
        fbuf_word(b, w1);
        fbuf_word(b, w2);
        fbuf_u8(b, (uint8_t)(name < 0 ? 0x80 : name));
        if (name < 0) {
                fbuf_u16(b, 12);
                fbuf_put(b, "hello, world", 12);
        }
}

static void seeds(fuzz_add_fn add)
{
        static struct fuzz_buf b;
        const uint64_t cur = UINT64_MAX, rw = VFS_O_RDWR | VFS_O_CREAT;
        for (int variant = 0; variant < 3; variant++) {
                b.n = 0;
                fbuf_u8(&b, variant == 0 ? 0 : variant == 1 ? 0x80 | 6 : 0x80);
                req(&b, 0, 1, rw, 0, 0, 0);                      // open "a" -> fd 3
                req(&b, 2, 1, RAMFS_FD_BASE, 0, cur, -1);        // write 12 bytes
                req(&b, 6, 1, RAMFS_FD_BASE, 5, MK_SEEK_SET, 0); // seek 5
                req(&b, 1, 1, RAMFS_FD_BASE, 100, cur, 0);       // read
                req(&b, 3, 1, RAMFS_FD_BASE, 0, 0, 0);           // stat
                req(&b, 0, 2, VFS_O_RDONLY, 0, 0, 0);            // client 2 opens "a"
                req(&b, 2, 1, RAMFS_FD_BASE, 0, 9000, -1);       // pwrite past a page
                req(&b, 4, 1, RAMFS_FD_BASE, 7, 0, 0);           // truncate to 7
                fbuf_u8(&b, 10);                                 // mapper scribbles
                fbuf_u8(&b, 0);
                req(&b, 7, 1, 0, 0, 0, 0);             // unlink "a" (open)
                req(&b, 8, 1, 0, 0, 0, 0);             // list
                req(&b, 5, 1, RAMFS_FD_BASE, 0, 0, 0); // close
                req(&b, 5, 2, RAMFS_FD_BASE, 0, 0, 0); // last close: release
                if (variant)
                        fbuf_u8(&b, 1); // the pager's answer: -EBUSY, it is mapped
                fbuf_u8(&b, 11);        // pager lets go of it
                fbuf_u8(&b, 0);
                req(&b, 0, 3, rw, 0, 0, 2); // open "c"
                req(&b, 2, 3, RAMFS_FD_BASE, 0, 0, -1);
                fbuf_u8(&b, 12); // client 3 ends
                fbuf_u8(&b, 0);
                char name[16];
                snprintf(name, sizeof(name), "session-%d", variant);
                add(b.b, b.n, name);
        }
        // Many clients: every fd table slot taken, the idle one evicted.
        b.n = 0;
        fbuf_u8(&b, 0);
        for (unsigned c = 0; c < RAMFS_MAX_CLIENTS + 2; c++) {
                fbuf_u8(&b, 0xc0);
                fbuf_u8(&b, (uint8_t)(c + 4));
                fbuf_u8(&b, 0);
                fbuf_word(&b, rw);
                fbuf_small(&b, 0);
                fbuf_small(&b, 0);
                fbuf_u8(&b, (uint8_t)(c % 3));
        }
        add(b.b, b.n, "many-clients");
}

const struct fuzz_target fuzz_target = {
    .name = "vfs",
    .one = one,
    .seeds = seeds,
    .smoke_mutants = 15000,
    .max_len = 4096,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        return fuzz_entry(&fuzz_target, data, size);
}
