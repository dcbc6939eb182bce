// SPDX-License-Identifier: MIT
// The VFS protocol decoder (servers/vfs/serve.c) and the boot-image loader
// (load.c): every request with good and malformed arguments, a random
// message storm that must never crash or break an invariant, and cpio
// archives good and bad.
#include "vfs_fixture.h"

static struct mk_msg in, out;

// Sends one request from client `badge`: tag, words, and a buffer.
static long req(uint64_t badge, uint64_t tag, uint64_t w0, uint64_t w1, uint64_t w2,
                const void *buf, uint32_t len)
{
        memset(&in, 0, sizeof(in));
        memset(&out, 0xa5, sizeof(out)); // the reply must set what it uses
        in.tag = tag;
        in.badge = badge;
        in.w[0] = w0;
        in.w[1] = w1;
        in.w[2] = w2;
        in.len = len;
        if (buf)
                memcpy(in.buf, buf, len);
        vfs_serve(fx.fs, &in, &out);
        return (long)out.w[0];
}

static long req_path(uint64_t tag, const char *path, uint64_t w0)
{
        return req(1, tag, w0, 0, 0, path, (uint32_t)strlen(path) + 1);
}

static void every_request(void)
{
        fx_setup();
        long fd = req_path(VFS_OPEN, "/hello", VFS_O_RDWR | VFS_O_CREAT);
        EXPECT_EQ(fd, RAMFS_FD_BASE);
        EXPECT_EQ(out.tag, 0);
        EXPECT_EQ(out.len, 0);
        long ino = (long)out.w[1];
        EXPECT(ino > 0);
        EXPECT_EQ(out.w[2], 0);
        EXPECT_EQ(out.w[3], 0);
        EXPECT_EQ(req(1, VFS_WRITE, fd, 0, (uint64_t)-1, "hello, world", 12), 12);
        EXPECT_EQ(out.len, 0);
        EXPECT_EQ(req(1, VFS_STAT, fd, 0, 0, NULL, 0), 12);
        EXPECT_EQ(out.w[1], ino);
        EXPECT_EQ(out.w[2], 0100644);
        EXPECT_EQ(out.w[3], 1); // generation
        EXPECT_EQ(req(1, VFS_SEEK, fd, 7, RAMFS_SEEK_SET, NULL, 0), 7);
        EXPECT_EQ(req(1, VFS_READ, fd, 100, (uint64_t)-1, NULL, 0), 5);
        EXPECT_EQ(out.len, 5);
        EXPECT(memcmp(out.buf, "world", 5) == 0);
        EXPECT_EQ(req(1, VFS_READ, fd, 5, 0, NULL, 0), 5); // pread
        EXPECT(memcmp(out.buf, "hello", 5) == 0);
        EXPECT_EQ(req(1, VFS_READ, fd, 5, (uint64_t)-1, NULL, 0), 0); // offset still 12
        EXPECT_EQ(out.len, 0);
        EXPECT_EQ(req(1, VFS_WRITE, fd, 0, 0, "J", 1), 1); // pwrite
        EXPECT_EQ(req(1, VFS_SEEK, fd, (uint64_t)-3, RAMFS_SEEK_END, NULL, 0), 9);
        EXPECT_EQ(req(1, VFS_TRUNCATE, fd, 5, 0, NULL, 0), 0);
        EXPECT_EQ(req(1, VFS_STAT, fd, 0, 0, NULL, 0), 5);
        EXPECT_EQ(req(1, VFS_READ, fd, MK_MSG_BUF, 0, NULL, 0), 5);
        EXPECT(memcmp(out.buf, "Jello", 5) == 0);
        EXPECT_EQ(req(1, VFS_LIST, 0, 0, 0, NULL, 0), ino);
        EXPECT_EQ(out.len, 6);
        EXPECT(strcmp((char *)out.buf, "hello") == 0);
        EXPECT_EQ(out.w[1], 5);
        EXPECT_EQ(out.w[2], 0100644);
        EXPECT_EQ(out.w[3], 1);
        EXPECT_EQ(req(1, VFS_LIST, 1, 0, 0, NULL, 0), -ENOENT);
        EXPECT_EQ(out.len, 0);
        EXPECT_EQ(req(1, VFS_CLOSE, fd, 0, 0, NULL, 0), 0);
        EXPECT_EQ(req(1, VFS_CLOSE, fd, 0, 0, NULL, 0), -EBADF);
        EXPECT_EQ(req_path(VFS_UNLINK, "hello", 0), 0);
        EXPECT_EQ(req_path(VFS_UNLINK, "hello", 0), -ENOENT);
        EXPECT_EQ(req_path(VFS_OPEN, "hello", VFS_O_RDONLY), -ENOENT);
        EXPECT_EQ(fx.itab[ino].used, 0);
}

static void full_message_transfers(void)
{
        fx_setup();
        static uint8_t data[MK_MSG_BUF];
        for (int i = 0; i < MK_MSG_BUF; i++)
                data[i] = (uint8_t)(i ^ 0x5a);
        long fd = req_path(VFS_OPEN, "big", VFS_O_RDWR | VFS_O_CREAT);
        for (int i = 0; i < 20; i++)
                EXPECT_EQ(req(1, VFS_WRITE, fd, 0, (uint64_t)-1, data, MK_MSG_BUF), MK_MSG_BUF);
        EXPECT_EQ(req(1, VFS_STAT, fd, 0, 0, NULL, 0), 20 * MK_MSG_BUF);
        for (int i = 0; i < 20; i++) {
                EXPECT_EQ(req(1, VFS_READ, fd, MK_MSG_BUF, (uint64_t)i * MK_MSG_BUF, NULL, 0),
                          MK_MSG_BUF);
                EXPECT_EQ(out.len, MK_MSG_BUF);
                EXPECT(memcmp(out.buf, data, MK_MSG_BUF) == 0);
        }
}

static void malformed(void)
{
        fx_setup();
        char full[MK_MSG_BUF];
        memset(full, 'p', sizeof(full));
        // Paths: no NUL inside len, len 0, len past the buffer, too long.
        EXPECT_EQ(req(1, VFS_OPEN, VFS_O_RDWR | VFS_O_CREAT, 0, 0, full, MK_MSG_BUF), -EINVAL);
        EXPECT_EQ(req(1, VFS_OPEN, VFS_O_RDWR | VFS_O_CREAT, 0, 0, "abc", 3), -EINVAL);
        EXPECT_EQ(req(1, VFS_OPEN, VFS_O_RDWR | VFS_O_CREAT, 0, 0, NULL, 0), -EINVAL);
        EXPECT_EQ(req(1, VFS_UNLINK, 0, 0, 0, full, MK_MSG_BUF), -EINVAL);
        full[100] = 0;
        EXPECT_EQ(req(1, VFS_OPEN, VFS_O_RDWR | VFS_O_CREAT, 0, 0, full, MK_MSG_BUF),
                  -ENAMETOOLONG);
        memset(&in, 0, sizeof(in));
        in.tag = VFS_OPEN;
        in.w[0] = VFS_O_RDWR | VFS_O_CREAT;
        strcpy((char *)in.buf, "x");
        in.len = MK_MSG_BUF + 1;
        vfs_serve(fx.fs, &in, &out);
        EXPECT_EQ(out.w[0], (uint64_t)-EINVAL);
        in.len = UINT32_MAX;
        vfs_serve(fx.fs, &in, &out);
        EXPECT_EQ(out.w[0], (uint64_t)-EINVAL);
        EXPECT_EQ(ramfs_lookup(fx.fs, "x"), -ENOENT);
        // Reads longer than a message; writes with len past the buffer.
        long fd = req_path(VFS_OPEN, "f", VFS_O_RDWR | VFS_O_CREAT);
        EXPECT_EQ(req(1, VFS_READ, fd, MK_MSG_BUF + 1, 0, NULL, 0), -EINVAL);
        EXPECT_EQ(req(1, VFS_READ, fd, UINT64_MAX, 0, NULL, 0), -EINVAL);
        EXPECT_EQ(out.len, 0);
        memset(&in, 0, sizeof(in));
        in.tag = VFS_WRITE;
        in.badge = 1;
        in.w[0] = (uint64_t)fd;
        in.w[2] = (uint64_t)-1;
        in.len = MK_MSG_BUF + 8;
        vfs_serve(fx.fs, &in, &out);
        EXPECT_EQ(out.w[0], (uint64_t)-EINVAL);
        EXPECT_EQ(req(1, VFS_STAT, fd, 0, 0, NULL, 0), 0);
        // Words out of range.
        EXPECT_EQ(req(1, VFS_OPEN, UINT64_MAX, 0, 0, "f", 2), -EINVAL);
        EXPECT_EQ(req(1, VFS_READ, UINT64_MAX, 1, 0, NULL, 0), -EBADF);
        EXPECT_EQ(req(1, VFS_READ, fd, 1, (uint64_t)-2, NULL, 0), -EINVAL);
        EXPECT_EQ(req(1, VFS_WRITE, fd, 0, 1ull << 63, "x", 1), -EINVAL);
        EXPECT_EQ(req(1, VFS_TRUNCATE, fd, 1ull << 63, 0, NULL, 0), -EINVAL);
        EXPECT_EQ(req(1, VFS_SEEK, fd, 0, 7, NULL, 0), -EINVAL);
        EXPECT_EQ(req(1, VFS_CLOSE, 0, 0, 0, NULL, 0), -EBADF);
        EXPECT_EQ(req(1, VFS_LIST, UINT64_MAX, 0, 0, NULL, 0), -ENOENT);
        // Another client cannot use this one's fd.
        EXPECT_EQ(req(2, VFS_READ, fd, 1, 0, NULL, 0), -EBADF);
        EXPECT_EQ(req(2, VFS_CLOSE, fd, 0, 0, NULL, 0), -EBADF);
        // Tags that are not requests.
        uint64_t tags[] = {
            0, MK_TAG_FAULT, MK_TAG_EXIT, MK_TAG_USER, VFS_OPEN - 1, VFS_LIST + 1, UINT64_MAX};
        for (unsigned i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
                EXPECT_EQ(req(1, tags[i], fd, 0, 0, "f", 2), -ENOSYS);
                EXPECT_EQ(out.tag, 0);
                EXPECT_EQ(out.len, 0);
        }
}

// Inodes whose bytes past EOF a "mapper" scribbled on since their size last
// changed (the server zeroes them only when the size changes).
static bool scribbled[VFS_MAX_INODES];

// Invariants after any sequence of requests.
static int check_invariants(const char **why)
{
        uint64_t open_total = 0, charged = 0;
        for (int c = 0; c < RAMFS_MAX_CLIENTS; c++) {
                const struct ramfs_client *cl = &fx.fs->client[c];
                uint32_t n = 0;
                for (int k = 0; k < RAMFS_MAX_FDS; k++)
                        if (cl->used && cl->fd[k].used) {
                                n++;
                                if (!fx.itab[cl->fd[k].ino].used)
                                        return *why = "fd on a free inode", 0;
                                if (cl->fd[k].off > fx.fs->cfg.file_max)
                                        return *why = "offset past file_max", 0;
                        }
                if (cl->used && (n != cl->nfds || n == 0))
                        return *why = "client fd count", 0;
                open_total += n;
        }
        uint64_t nopen = 0;
        for (uint32_t i = 0; i < fx.fs->cfg.max_inodes; i++) {
                const struct vfs_inode *it = &fx.itab[i];
                const struct ramfs_node *nd = &fx.fs->node[i];
                nopen += nd->nopen;
                charged += nd->charged;
                if (i < RAMFS_FIRST_INODE && it->used)
                        return *why = "inode 0 used", 0;
                if (!it->used && (nd->nopen || it->name[0]))
                        return *why = "free inode open or named", 0;
                if (it->used && !it->name[0] && !nd->unlinked)
                        return *why = "nameless inode not unlinked", 0;
                if (it->size > fx.fs->cfg.file_max)
                        return *why = "size past file_max", 0;
                if (memchr(it->name, 0, sizeof(it->name)) == NULL)
                        return *why = "name not terminated", 0;
                if (it->used && !scribbled[i] && !fx_zero(i, it->size, PAGE_END(it->size)))
                        return *why = "bytes past EOF in the last page", 0;
                for (uint32_t j = i + 1; it->used && it->name[0] && j < fx.fs->cfg.max_inodes; j++)
                        if (fx.itab[j].used && strcmp(fx.itab[j].name, it->name) == 0)
                                return *why = "two inodes, one name", 0;
        }
        if (nopen != open_total)
                return *why = "nopen does not match the fds", 0;
        if (charged != fx.fs->pages_charged ||
            (fx.fs->cfg.max_pages && charged > fx.fs->cfg.max_pages))
                return *why = "page budget accounting", 0;
        return 1;
}

// A random word: mostly small or boundary values, sometimes anything.
static uint64_t rand_word(void)
{
        static const uint64_t edge[] = {0,
                                        1,
                                        2,
                                        3,
                                        4,
                                        5,
                                        RAMFS_FD_BASE + RAMFS_MAX_FDS - 1,
                                        RAMFS_FD_BASE + RAMFS_MAX_FDS,
                                        MK_MSG_BUF,
                                        MK_MSG_BUF + 1,
                                        FX_PAGE - 1,
                                        FX_PAGE,
                                        FX_FILE_MAX - 1,
                                        FX_FILE_MAX,
                                        FX_FILE_MAX + 1,
                                        RAMFS_OFF_MAX,
                                        RAMFS_OFF_MAX + 1,
                                        UINT64_MAX,
                                        UINT64_MAX - 1,
                                        VFS_O_RDWR | VFS_O_CREAT,
                                        VFS_O_WRONLY | VFS_O_CREAT | VFS_O_TRUNC,
                                        VFS_O_RDWR | VFS_O_APPEND};
        switch (h_rand() % 4) {
        case 0:
                return h_rand();
        case 1:
                return h_rand() % 8;
        default:
                return edge[h_rand() % (sizeof(edge) / sizeof(edge[0]))];
        }
}

static void random_messages(void)
{
        fx_setup_geom(8, FX_FILE_MAX, 24);
        static const char *const names[] = {"a", "/b", "c", "//a", "", "/", "d/e", "f", "g", "h"};
        const char *why = "";
        for (int i = 0; i < 200000; i++) {
                memset(&in, 0, sizeof(in));
                in.tag = VFS_OPEN + h_rand() % 10 - (h_rand() % 50 == 0);
                in.badge = h_rand() % 5;
                for (int w = 0; w < MK_MSG_WORDS; w++)
                        in.w[w] = rand_word();
                switch (h_rand() % 4) {
                case 0: { // a name
                        const char *n = names[h_rand() % 10];
                        in.len = (uint32_t)strlen(n) + 1;
                        memcpy(in.buf, n, in.len);
                        break;
                }
                case 1: // random bytes, random length (also past the buffer)
                        in.len = (uint32_t)(h_rand() % (MK_MSG_BUF + 64));
                        for (int b = 0; b < MK_MSG_BUF; b++)
                                in.buf[b] = (uint8_t)h_rand();
                        break;
                default:
                        in.len = (uint32_t)(h_rand() % 64);
                        memset(in.buf, 'r', in.len);
                }
                if (h_rand() % 200 == 0) {
                        // A shared mapper's stores past EOF, which growth must undo.
                        uint32_t ino = 1 + (uint32_t)(h_rand() % 7);
                        uint64_t sz = fx.itab[ino].size;
                        if (fx.itab[ino].used && sz % FX_PAGE) {
                                memset(fx_file(ino) + sz, 0x99, PAGE_END(sz) - sz);
                                scribbled[ino] = true;
                        }
                        continue;
                }
                uint64_t size_before[8];
                for (int k = 0; k < 8; k++)
                        size_before[k] = fx.itab[k].size;
                vfs_serve(fx.fs, &in, &out);
                for (int k = 0; k < 8; k++)
                        if (fx.itab[k].size != size_before[k] || !fx.itab[k].used)
                                scribbled[k] = false;
                int64_t r = (int64_t)out.w[0];
                if (out.tag != 0 || out.len > MK_MSG_BUF || (r < 0 && out.len) ||
                    (in.tag == VFS_READ && r >= 0 && out.len != (uint64_t)r)) {
                        printf("not ok host vfs_proto.random_messages: bad reply at %d\n", i);
                        h_failed_now = 1;
                        return;
                }
                if (!check_invariants(&why)) {
                        printf("not ok host vfs_proto.random_messages: step %d tag 0x%llx: %s\n", i,
                               (unsigned long long)in.tag, why);
                        h_failed_now = 1;
                        return;
                }
        }
}

// Kernel messages reach the VFS only from a process made with the VFS
// endpoint as its pager: a fault must get MK_FAULT_FAIL (anything else leaves
// the faulting thread waiting for good), and nothing is done as a request.
static void kernel_messages(void)
{
        fx_setup();
        memset(&in, 0, sizeof(in));
        in.tag = MK_TAG_FAULT;
        in.flags = MK_MSG_KERNEL;
        in.badge = 1;
        in.w[MK_FW_ADDR] = 0x10000;
        vfs_serve(fx.fs, &in, &out);
        EXPECT_EQ(out.tag, MK_FAULT_FAIL);
        EXPECT_EQ(out.w[0], MK_REASON_NOMAP);
        EXPECT_EQ(out.len, 0);
        in.tag = MK_TAG_EXIT;
        vfs_serve(fx.fs, &in, &out);
        EXPECT_EQ(out.tag, 0);
        EXPECT_EQ(out.w[0], (uint64_t)-ENOSYS);
        // With the flag, a request's tag does nothing either.
        in.tag = VFS_OPEN;
        in.w[0] = VFS_O_RDWR | VFS_O_CREAT;
        strcpy((char *)in.buf, "k");
        in.len = 2;
        vfs_serve(fx.fs, &in, &out);
        EXPECT_EQ(out.w[0], (uint64_t)-ENOSYS);
        EXPECT_EQ(ramfs_lookup(fx.fs, "k"), -ENOENT);
        // Without it (no user sender can set it: the kernel clears it) tag 1
        // is just an unknown request.
        in.tag = MK_TAG_FAULT;
        in.flags = 0;
        vfs_serve(fx.fs, &in, &out);
        EXPECT_EQ(out.tag, 0);
        EXPECT_EQ(out.w[0], (uint64_t)-ENOSYS);
}

static unsigned char ar[1 << 17];
static size_t arlen;

static void put(const char *name, const void *data, size_t dl, unsigned mode)
{
        size_t nl = strlen(name) + 1;
        arlen += sprintf((char *)ar + arlen,
                         "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", 1, mode, 0,
                         0, 1, 0, (unsigned)dl, 0, 0, 0, 0, (unsigned)nl, 0);
        memcpy(ar + arlen, name, nl);
        arlen += nl;
        while (arlen % 4)
                ar[arlen++] = 0;
        memcpy(ar + arlen, data, dl);
        arlen += dl;
        while (arlen % 4)
                ar[arlen++] = 0;
}

static void load_boot_image(void)
{
        fx_setup();
        static uint8_t big[FX_FILE_MAX + 1], prog[5000];
        char longname[VFS_NAME_MAX + 2];
        memset(longname, 'L', sizeof(longname) - 1);
        longname[sizeof(longname) - 1] = 0;
        for (size_t i = 0; i < sizeof(prog); i++)
                prog[i] = (uint8_t)(i * 13);
        arlen = 0;
        put("motd", "hello world\n", 12, 0100644);
        put(".", "", 0, 040755);
        put("./pager", prog, sizeof(prog), 0100755);
        put("empty", "", 0, 0100644);
        put(longname, "x", 1, 0100644);
        put("motd", "again", 5, 0100644);
        put("huge", big, sizeof(big), 0100644);
        put("/abs", "a", 1, 0100600);
        put("TRAILER!!!", "", 0, 0);
        struct vfs_load_result res;
        const char *err = NULL;
        EXPECT_EQ(vfs_load_cpio(fx.fs, ar, arlen, &res, &err), 0);
        EXPECT_EQ(res.files, 4);
        EXPECT_EQ(res.skipped, 4);
        EXPECT_EQ(res.bytes, 12 + sizeof(prog) + 1);
        EXPECT(strcmp(res.last_skipped, "huge") == 0);
        EXPECT_EQ(res.last_error, -EFBIG);
        long m = ramfs_lookup(fx.fs, "motd"), p = ramfs_lookup(fx.fs, "pager");
        EXPECT(m > 0 && p > 0);
        EXPECT_EQ(fx.itab[m].size, 12);
        EXPECT(memcmp(fx_file(m), "hello world\n", 12) == 0); // the first one stays
        EXPECT_EQ(fx.itab[p].size, sizeof(prog));
        EXPECT_EQ(fx.itab[p].mode, 0100755);
        EXPECT(memcmp(fx_file(p), prog, sizeof(prog)) == 0);
        EXPECT(fx_zero(p, sizeof(prog), PAGE_END(sizeof(prog))));
        EXPECT(ramfs_lookup(fx.fs, "empty") > 0);
        EXPECT_EQ(fx.itab[ramfs_lookup(fx.fs, "abs")].mode, 0100600);
        EXPECT_EQ(ramfs_lookup(fx.fs, "huge"), -ENOENT);
        EXPECT_EQ(ramfs_lookup(fx.fs, "."), -ENOENT);
        // Loaded files are ordinary files: open, read, write.
        char buf[16];
        long fd = fx_open(9, "/motd", VFS_O_RDWR | VFS_O_APPEND);
        EXPECT_EQ(ramfs_write(fx.fs, 9, fd, "!", 1, RAMFS_CUR), 1);
        EXPECT_EQ(ramfs_read(fx.fs, 9, fd, buf, sizeof(buf), 0), 13);
        EXPECT(memcmp(buf, "hello world\n!", 13) == 0);
}

static void load_bad_archives(void)
{
        arlen = 0;
        put("one", "1", 1, 0100644);
        put("two", "22", 2, 0100644);
        put("TRAILER!!!", "", 0, 0);
        struct vfs_load_result res;
        const char *err = NULL;
        // Cut anywhere after the first entry's data: the files before the cut
        // are loaded, then a clean -EBADMSG. Entry ends: header 110 bytes,
        // name padded to 4 with the header, then the data (padded to 4).
        const size_t one_end = 116 + 1, two_end = 120 + 116 + 2, trailer_end = 240 + 124;
        for (size_t cut = 0; cut < trailer_end; cut++) {
                fx_setup();
                err = NULL;
                EXPECT_EQ(vfs_load_cpio(fx.fs, ar, cut, &res, &err), -EBADMSG);
                EXPECT(err && *err);
                EXPECT_EQ(res.files, cut >= two_end ? 2u : cut >= one_end ? 1u : 0u);
        }
        fx_setup();
        EXPECT_EQ(vfs_load_cpio(fx.fs, ar, trailer_end, &res, &err), 0);
        EXPECT_EQ(res.files, 2);
        fx_setup();
        EXPECT_EQ(vfs_load_cpio(fx.fs, "junk", 4, &res, &err), -EBADMSG);
        EXPECT_EQ(res.files, 0);
        EXPECT_EQ(vfs_load_cpio(fx.fs, ar, 0, &res, &err), -EBADMSG);
        // More files than inodes: the rest are skipped with -ENOSPC.
        fx_setup_geom(3, FX_FILE_MAX, 0);
        arlen = 0;
        put("a", "a", 1, 0100644);
        put("b", "b", 1, 0100644);
        put("c", "c", 1, 0100644);
        put("TRAILER!!!", "", 0, 0);
        EXPECT_EQ(vfs_load_cpio(fx.fs, ar, arlen, &res, &err), 0);
        EXPECT_EQ(res.files, 2);
        EXPECT_EQ(res.skipped, 1);
        EXPECT_EQ(res.last_error, -ENOSPC);
}

int main(void)
{
        h_suite = "vfs_proto";
        RUN(every_request);
        RUN(full_message_transfers);
        RUN(malformed);
        RUN(random_messages);
        RUN(kernel_messages);
        RUN(load_boot_image);
        RUN(load_bad_archives);
        return DONE();
}
