// SPDX-License-Identifier: MIT
// The VFS's RAM file system core (servers/vfs/ramfs.c): names, inodes, data
// placement, growth, truncation and the zeroing promises made to the pager,
// the page budget, and the size limits at the real geometry.
#include "vfs_fixture.h"
#include <sys/mman.h>

static void init_rejects_bad_config(void)
{
        struct ramfs *fs = calloc(1, sizeof(*fs));
        struct vfs_inode it[4];
        uint8_t d[4 * FX_PAGE];
        struct ramfs_config ok = {.itab = it, .data = d, .max_inodes = 4, .file_max = FX_PAGE};
        struct ramfs_config c;
        EXPECT_EQ(ramfs_init(fs, &ok), 0);
        c = ok, c.itab = NULL;
        EXPECT_EQ(ramfs_init(fs, &c), -EINVAL);
        c = ok, c.data = NULL;
        EXPECT_EQ(ramfs_init(fs, &c), -EINVAL);
        c = ok, c.max_inodes = 1; // only inode 0, which is never used
        EXPECT_EQ(ramfs_init(fs, &c), -EINVAL);
        c = ok, c.max_inodes = VFS_MAX_INODES + 1;
        EXPECT_EQ(ramfs_init(fs, &c), -EINVAL);
        c = ok, c.file_max = 0;
        EXPECT_EQ(ramfs_init(fs, &c), -EINVAL);
        c = ok, c.file_max = FX_PAGE + 1;
        EXPECT_EQ(ramfs_init(fs, &c), -EINVAL);
        c = ok, c.file_max = VFS_FILE_MAX + FX_PAGE;
        EXPECT_EQ(ramfs_init(fs, &c), -EINVAL);
        // Init clears a dirty inode table.
        memset(it, 0xff, sizeof(it));
        EXPECT_EQ(ramfs_init(fs, &ok), 0);
        EXPECT_EQ(it[3].used, 0);
        EXPECT_EQ(it[3].name[0], 0);
        free(fs);
}

// ramfs_name on a NUL-terminated string.
static int name_of(const char *s, char *out)
{
        return ramfs_name(s, strlen(s) + 1, out);
}

static void name_rules(void)
{
        char out[VFS_NAME_MAX + 1], big[VFS_NAME_MAX + 3];
        EXPECT_EQ(name_of("motd", out), 0);
        EXPECT(strcmp(out, "motd") == 0);
        EXPECT_EQ(name_of("/motd", out), 0);
        EXPECT(strcmp(out, "motd") == 0);
        EXPECT_EQ(name_of("///motd", out), 0);
        EXPECT(strcmp(out, "motd") == 0);
        EXPECT_EQ(name_of("...", out), 0); // a file name, not a directory
        EXPECT_EQ(name_of(".hidden", out), 0);
        EXPECT_EQ(name_of("with space\tand\x7f", out), 0);
        EXPECT_EQ(name_of("", out), -ENOENT);
        EXPECT_EQ(name_of("/", out), -EISDIR);
        EXPECT_EQ(name_of("//", out), -EISDIR);
        EXPECT_EQ(name_of(".", out), -EISDIR);
        EXPECT_EQ(name_of("..", out), -EISDIR);
        EXPECT_EQ(name_of("/..", out), -EISDIR);
        EXPECT_EQ(name_of("a/b", out), -ENOENT);
        EXPECT_EQ(name_of("a/", out), -ENOENT);
        memset(big, 'n', sizeof(big));
        big[VFS_NAME_MAX] = 0;
        EXPECT_EQ(name_of(big, out), 0);
        EXPECT_EQ(strlen(out), VFS_NAME_MAX);
        big[VFS_NAME_MAX] = 'n';
        big[VFS_NAME_MAX + 1] = 0;
        EXPECT_EQ(name_of(big, out), -ENAMETOOLONG);
        // "/" + VFS_NAME_MAX bytes is fine: the prefix is not part of the name.
        big[0] = '/';
        EXPECT_EQ(name_of(big, out), 0);
        // The NUL must be inside the buffer.
        EXPECT_EQ(ramfs_name("motd", 4, out), -EINVAL);
        EXPECT_EQ(ramfs_name("motd", 0, out), -EINVAL);
        EXPECT_EQ(ramfs_name(NULL, 8, out), -EINVAL);
        EXPECT_EQ(ramfs_name("a\0junk", 7, out), 0);
        EXPECT(strcmp(out, "a") == 0);
}

static void create_lookup(void)
{
        fx_setup();
        long a = ramfs_create(fx.fs, "a", 0644);
        long b = ramfs_create(fx.fs, "b", 0100755);
        EXPECT(a >= RAMFS_FIRST_INODE && b >= RAMFS_FIRST_INODE && a != b);
        EXPECT_EQ(ramfs_lookup(fx.fs, "a"), a);
        EXPECT_EQ(ramfs_lookup(fx.fs, "b"), b);
        EXPECT_EQ(ramfs_lookup(fx.fs, "c"), -ENOENT);
        EXPECT_EQ(ramfs_lookup(fx.fs, ""), -ENOENT);
        EXPECT_EQ(ramfs_create(fx.fs, "a", 0644), -EEXIST);
        const struct vfs_inode *in = ramfs_inode(fx.fs, (uint64_t)a);
        EXPECT(in == &fx.itab[a]);
        EXPECT_EQ(in->used, 1);
        EXPECT_EQ(in->size, 0);
        EXPECT_EQ(in->mode, 0100644);
        EXPECT_EQ(in->generation, 1);
        EXPECT(strcmp(in->name, "a") == 0);
        EXPECT_EQ(fx.itab[b].mode, 0100755);
        EXPECT_EQ(ramfs_inode(fx.fs, 0), NULL);
        EXPECT_EQ(ramfs_inode(fx.fs, FX_INODES), NULL);
        EXPECT_EQ(ramfs_inode(fx.fs, UINT64_MAX), NULL);
        // The type bits are always a regular file's.
        long c = ramfs_create(fx.fs, "c", 040755);
        EXPECT_EQ(fx.itab[c].mode, 0100755);
        EXPECT_EQ(fx.itab[0].used, 0); // inode 0 stays unused
}

static void create_until_full(void)
{
        fx_setup();
        char name[8];
        for (int i = RAMFS_FIRST_INODE; i < FX_INODES; i++) {
                snprintf(name, sizeof(name), "f%d", i);
                EXPECT(ramfs_create(fx.fs, name, 0644) > 0);
        }
        EXPECT_EQ(ramfs_create(fx.fs, "more", 0644), -ENOSPC);
        EXPECT_EQ(fx.itab[0].used, 0);
        EXPECT_EQ(ramfs_unlink(fx.fs, "f5"), 0);
        EXPECT(ramfs_create(fx.fs, "more", 0644) > 0);
        EXPECT_EQ(ramfs_create(fx.fs, "again", 0644), -ENOSPC);
}

static void unlink_and_reuse(void)
{
        fx_setup();
        long a = fx_make("a", 10, 'x');
        EXPECT(a > 0);
        EXPECT_EQ(ramfs_unlink(fx.fs, "a"), 0);
        EXPECT_EQ(ramfs_lookup(fx.fs, "a"), -ENOENT);
        EXPECT_EQ(fx.itab[a].used, 0);
        EXPECT_EQ(fx.itab[a].name[0], 0);
        EXPECT_EQ(ramfs_unlink(fx.fs, "a"), -ENOENT);
        EXPECT_EQ(ramfs_unlink(fx.fs, "never"), -ENOENT);
        // The inode with charged pages is the one reused: generation bumped,
        // size 0, and its old bytes never show.
        long b = ramfs_create(fx.fs, "b", 0644);
        EXPECT_EQ(b, a);
        EXPECT_EQ(fx.itab[b].generation, 2);
        EXPECT_EQ(fx.itab[b].size, 0);
        char buf[16];
        EXPECT_EQ(ramfs_pread(fx.fs, (uint32_t)b, buf, sizeof(buf), 0), 0);
        EXPECT_EQ(ramfs_truncate(fx.fs, (uint32_t)b, 10), 0);
        EXPECT_EQ(ramfs_pread(fx.fs, (uint32_t)b, buf, sizeof(buf), 0), 10);
        EXPECT(fx_zero(b, 0, FX_PAGE));
}

static void write_read_basic(void)
{
        fx_setup();
        long a = ramfs_create(fx.fs, "a", 0644);
        char buf[32] = {0};
        EXPECT_EQ(ramfs_pwrite(fx.fs, (uint32_t)a, "hello", 5, 0), 5);
        EXPECT_EQ(fx.itab[a].size, 5);
        EXPECT(memcmp(fx_file(a), "hello", 5) == 0); // exactly in place
        EXPECT(fx_zero(a, 5, FX_PAGE));
        EXPECT_EQ(ramfs_pread(fx.fs, (uint32_t)a, buf, sizeof(buf), 0), 5);
        EXPECT(memcmp(buf, "hello", 5) == 0);
        EXPECT_EQ(ramfs_pread(fx.fs, (uint32_t)a, buf, 3, 1), 3);
        EXPECT(memcmp(buf, "ell", 3) == 0);
        EXPECT_EQ(ramfs_pread(fx.fs, (uint32_t)a, buf, 10, 3), 2); // clipped at EOF
        EXPECT_EQ(ramfs_pread(fx.fs, (uint32_t)a, buf, 10, 5), 0);
        EXPECT_EQ(ramfs_pread(fx.fs, (uint32_t)a, buf, 10, 6), 0);
        EXPECT_EQ(ramfs_pread(fx.fs, (uint32_t)a, buf, 10, UINT64_MAX), 0);
        EXPECT_EQ(ramfs_pread(fx.fs, (uint32_t)a, buf, 0, 0), 0);
        EXPECT_EQ(ramfs_pwrite(fx.fs, (uint32_t)a, "J", 1, 0), 1); // overwrite, no growth
        EXPECT_EQ(fx.itab[a].size, 5);
        EXPECT_EQ(ramfs_pwrite(fx.fs, (uint32_t)a, "", 0, 3), 0);
        EXPECT_EQ(fx.itab[a].size, 5);
        EXPECT(memcmp(fx_file(a), "Jello", 5) == 0);
        // Another file's bytes are in its own slot.
        long b = fx_make("b", 7, 'b');
        EXPECT(fx_all(b, 0, 7, 'b'));
        EXPECT(memcmp(fx_file(a), "Jello", 5) == 0);
}

static void write_grows_across_pages(void)
{
        fx_setup();
        long a = ramfs_create(fx.fs, "a", 0644);
        static uint8_t src[3 * FX_PAGE + 100], back[3 * FX_PAGE + 100];
        for (size_t i = 0; i < sizeof(src); i++)
                src[i] = (uint8_t)(i * 7 + 3);
        // In odd pieces that straddle page boundaries.
        size_t off = 0, step = 1000;
        while (off < sizeof(src)) {
                size_t n = off + step > sizeof(src) ? sizeof(src) - off : step;
                EXPECT_EQ(ramfs_pwrite(fx.fs, (uint32_t)a, src + off, n, off), (long)n);
                EXPECT_EQ(fx.itab[a].size, off + n);
                off += n;
                step = step * 3 % 5000 + 1;
        }
        EXPECT(memcmp(fx_file(a), src, sizeof(src)) == 0);
        EXPECT(fx_zero(a, sizeof(src), PAGE_END(sizeof(src))));
        EXPECT_EQ(ramfs_pread(fx.fs, (uint32_t)a, back, sizeof(back), 0), (long)sizeof(back));
        EXPECT(memcmp(back, src, sizeof(src)) == 0);
        EXPECT_EQ(fx.fs->node[a].dirty_end, 4 * FX_PAGE);
}

static void write_hole_reads_zero(void)
{
        fx_setup();
        long a = ramfs_create(fx.fs, "a", 0644);
        EXPECT_EQ(ramfs_pwrite(fx.fs, (uint32_t)a, "z", 1, 10000), 1);
        EXPECT_EQ(fx.itab[a].size, 10001);
        EXPECT(fx_zero(a, 0, 10000));
        EXPECT_EQ(fx_file(a)[10000], 'z');
        EXPECT(fx_zero(a, 10001, PAGE_END(10001)));
        char buf[100];
        memset(buf, 1, sizeof(buf));
        EXPECT_EQ(ramfs_pread(fx.fs, (uint32_t)a, buf, sizeof(buf), 5000), 100);
        for (int i = 0; i < 100; i++)
                EXPECT_EQ(buf[i], 0);
}

static void write_size_limit(void)
{
        fx_setup();
        long a = ramfs_create(fx.fs, "a", 0644);
        char buf[10] = "0123456789";
        EXPECT_EQ(ramfs_pwrite(fx.fs, (uint32_t)a, buf, 1, FX_FILE_MAX - 1), 1);
        EXPECT_EQ(fx.itab[a].size, FX_FILE_MAX);
        EXPECT_EQ(ramfs_pwrite(fx.fs, (uint32_t)a, buf, 1, FX_FILE_MAX), -EFBIG);
        EXPECT_EQ(ramfs_pwrite(fx.fs, (uint32_t)a, buf, 0, FX_FILE_MAX), -EFBIG);
        EXPECT_EQ(ramfs_pwrite(fx.fs, (uint32_t)a, buf, 1, UINT64_MAX), -EFBIG);
        // A write across the limit is cut short, as Linux does.
        EXPECT_EQ(ramfs_pwrite(fx.fs, (uint32_t)a, buf, 10, FX_FILE_MAX - 4), 4);
        EXPECT(memcmp(fx_file(a) + FX_FILE_MAX - 4, "0123", 4) == 0);
        // The next file's slot is untouched.
        EXPECT(fx_zero(a + 1, 0, 16));
        EXPECT_EQ(ramfs_truncate(fx.fs, (uint32_t)a, FX_FILE_MAX + 1), -EFBIG);
        EXPECT_EQ(ramfs_truncate(fx.fs, (uint32_t)a, UINT64_MAX), -EFBIG);
        EXPECT_EQ(fx.itab[a].size, FX_FILE_MAX);
}

static void truncate_shrink_zeroes_tail(void)
{
        fx_setup();
        long a = fx_make("a", 5000, 0xaa);
        EXPECT_EQ(ramfs_truncate(fx.fs, (uint32_t)a, 1000), 0);
        EXPECT_EQ(fx.itab[a].size, 1000);
        EXPECT(fx_all(a, 0, 1000, 0xaa));
        EXPECT(fx_zero(a, 1000, FX_PAGE)); // the new last page's cut bytes
        // Growing again reads zeros everywhere past the old end.
        EXPECT_EQ(ramfs_truncate(fx.fs, (uint32_t)a, 6000), 0);
        EXPECT_EQ(fx.itab[a].size, 6000);
        EXPECT(fx_zero(a, 1000, 2 * FX_PAGE));
        static char buf[6000];
        EXPECT_EQ(ramfs_pread(fx.fs, (uint32_t)a, buf, sizeof(buf), 0), 6000);
        for (int i = 1000; i < 6000; i++)
                EXPECT_EQ(buf[i], 0);
        // Shrink to a page boundary and to zero; same size is a no-op.
        EXPECT_EQ(ramfs_truncate(fx.fs, (uint32_t)a, FX_PAGE), 0);
        EXPECT_EQ(ramfs_truncate(fx.fs, (uint32_t)a, FX_PAGE), 0);
        EXPECT_EQ(fx.itab[a].size, FX_PAGE);
        EXPECT_EQ(ramfs_truncate(fx.fs, (uint32_t)a, 0), 0);
        EXPECT_EQ(fx.itab[a].size, 0);
        EXPECT_EQ(ramfs_pwrite(fx.fs, (uint32_t)a, "q", 1, 0), 1);
        EXPECT(fx_zero(a, 1, 2 * FX_PAGE)); // old bytes gone from the new last page
}

// A shared mapper may store past EOF in the last page (the pager maps the
// whole page); those bytes must not show when the file grows over them.
static void mapper_stores_zeroed_on_growth(void)
{
        fx_setup();
        long a = fx_make("a", 100, 'd');
        memset(fx_file(a) + 100, 0x55, FX_PAGE - 100);
        char buf[300];
        EXPECT_EQ(ramfs_pread(fx.fs, (uint32_t)a, buf, sizeof(buf), 0), 100);
        EXPECT_EQ(ramfs_pwrite(fx.fs, (uint32_t)a, "w", 1, 200), 1);
        EXPECT(fx_all(a, 0, 100, 'd'));
        EXPECT(fx_zero(a, 100, 200));
        EXPECT_EQ(fx_file(a)[200], 'w');
        EXPECT(fx_zero(a, 201, FX_PAGE));
        // The same through truncate.
        memset(fx_file(a) + 201, 0x66, FX_PAGE - 201);
        EXPECT_EQ(ramfs_truncate(fx.fs, (uint32_t)a, 3000), 0);
        EXPECT(fx_zero(a, 201, FX_PAGE));
        // And through an append that ends mid-page.
        memset(fx_file(a) + 3000, 0x77, FX_PAGE - 3000);
        EXPECT_EQ(ramfs_pwrite(fx.fs, (uint32_t)a, "e", 1, 3000), 1);
        EXPECT(fx_zero(a, 3001, FX_PAGE));
        // Stores within the file are the file (a shared mapping's write).
        fx_file(a)[5] = 'M';
        EXPECT_EQ(ramfs_pread(fx.fs, (uint32_t)a, buf, 6, 0), 6);
        EXPECT_EQ(buf[5], 'M');
}

// Pages of an earlier, longer life of the inode (or stores through a stale
// mapping after a shrink) are zeroed before the file grows over them.
static void stale_pages_zeroed(void)
{
        fx_setup();
        long a = fx_make("a", 3 * FX_PAGE, 0xee);
        EXPECT_EQ(ramfs_truncate(fx.fs, (uint32_t)a, 10), 0);
        EXPECT(fx_all(a, FX_PAGE, 3 * FX_PAGE, 0xee)); // past the last page: lazily
        fx_file(a)[2 * FX_PAGE + 7] = 0x12;            // a stale mapping's store
        EXPECT_EQ(ramfs_truncate(fx.fs, (uint32_t)a, 3 * FX_PAGE), 0);
        EXPECT(fx_zero(a, 10, 3 * FX_PAGE));
        EXPECT_EQ(ramfs_unlink(fx.fs, "a"), 0);
        // A new file on the same inode.
        memset(fx_file(a), 0xcc, 3 * FX_PAGE);
        long b = ramfs_create(fx.fs, "b", 0644);
        EXPECT_EQ(b, a);
        EXPECT_EQ(ramfs_pwrite(fx.fs, (uint32_t)b, "x", 1, FX_PAGE + 1), 1);
        EXPECT(fx_zero(b, 0, FX_PAGE + 1));
        EXPECT(fx_zero(b, FX_PAGE + 2, 2 * FX_PAGE));
        EXPECT(fx_all(b, 2 * FX_PAGE, 3 * FX_PAGE, 0xcc)); // beyond the file: not yet
}

// Zeroing reads pages but stores only into those holding non-zero bytes:
// pages nobody wrote keep costing no frame. Checked with the untouched part
// of the data area made read-only (a store there would crash the test).
static void zeroing_never_stores_to_zero_pages(void)
{
        size_t len = FX_INODES * FX_FILE_MAX;
        uint8_t *d = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        EXPECT(d != MAP_FAILED);
        struct vfs_inode it[FX_INODES];
        struct ramfs *fs = calloc(1, sizeof(*fs));
        struct ramfs_config cfg = {
            .itab = it, .data = d, .max_inodes = FX_INODES, .file_max = FX_FILE_MAX};
        EXPECT_EQ(ramfs_init(fs, &cfg), 0);
        long a = ramfs_create(fs, "a", 0644);
        EXPECT_EQ(ramfs_pwrite(fs, (uint32_t)a, "abc", 3, 0), 3);
        EXPECT_EQ(ramfs_truncate(fs, (uint32_t)a, 10 * FX_PAGE), 0);
        EXPECT_EQ(ramfs_truncate(fs, (uint32_t)a, 3), 0);
        uint8_t *f = d + a * FX_FILE_MAX;
        EXPECT_EQ(mprotect(f + FX_PAGE, FX_FILE_MAX - FX_PAGE, PROT_READ), 0);
        EXPECT_EQ(ramfs_truncate(fs, (uint32_t)a, 10 * FX_PAGE), 0);
        EXPECT_EQ(ramfs_truncate(fs, (uint32_t)a, 5 * FX_PAGE + 5), 0);
        EXPECT_EQ(ramfs_truncate(fs, (uint32_t)a, 9 * FX_PAGE), 0);
        EXPECT_EQ(fs->node[a].dirty_end, 10 * FX_PAGE);
        EXPECT(memcmp(f, "abc", 3) == 0);
        munmap(d, len);
        free(fs);
}

static void budget(void)
{
        fx_setup_geom(FX_INODES, FX_FILE_MAX, 4);
        static uint8_t buf[6 * FX_PAGE];
        memset(buf, 'b', sizeof(buf));
        long a = ramfs_create(fx.fs, "a", 0644);
        long b = ramfs_create(fx.fs, "b", 0644);
        EXPECT_EQ(ramfs_pwrite(fx.fs, (uint32_t)a, buf, 3 * FX_PAGE, 0), 3 * FX_PAGE);
        EXPECT_EQ(fx.fs->pages_charged, 3);
        // Rewriting charged pages costs nothing; growing stops at the budget.
        EXPECT_EQ(ramfs_pwrite(fx.fs, (uint32_t)a, buf, 3 * FX_PAGE, 0), 3 * FX_PAGE);
        EXPECT_EQ(ramfs_pwrite(fx.fs, (uint32_t)a, buf, 2 * FX_PAGE, 3 * FX_PAGE - 10),
                  FX_PAGE + 10);
        EXPECT_EQ(fx.itab[a].size, 4 * FX_PAGE);
        EXPECT_EQ(fx.fs->pages_charged, 4);
        EXPECT_EQ(ramfs_pwrite(fx.fs, (uint32_t)b, buf, 1, 0), -ENOSPC);
        EXPECT_EQ(ramfs_pwrite(fx.fs, (uint32_t)a, buf, 1, 4 * FX_PAGE), -ENOSPC);
        EXPECT_EQ(fx.itab[a].size, 4 * FX_PAGE);
        // Growing by truncate writes nothing: always allowed.
        EXPECT_EQ(ramfs_truncate(fx.fs, (uint32_t)b, 8 * FX_PAGE), 0);
        // Unlink + create reuses the charged inode, so space comes back.
        EXPECT_EQ(ramfs_unlink(fx.fs, "a"), 0);
        long c = ramfs_create(fx.fs, "c", 0644);
        EXPECT_EQ(c, a);
        EXPECT_EQ(ramfs_pwrite(fx.fs, (uint32_t)c, buf, 4 * FX_PAGE, 0), 4 * FX_PAGE);
        EXPECT_EQ(fx.fs->node[c].charged, 4);
        EXPECT_EQ(fx.fs->pages_charged, 4);
        // A sparse write is charged for the pages it touches only.
        fx_setup_geom(FX_INODES, FX_FILE_MAX, 2);
        a = ramfs_create(fx.fs, "a", 0644);
        EXPECT_EQ(ramfs_pwrite(fx.fs, (uint32_t)a, "x", 1, 10 * FX_PAGE), 1);
        EXPECT_EQ(ramfs_pwrite(fx.fs, (uint32_t)a, "y", 1, 0), 1);
        EXPECT_EQ(fx.fs->pages_charged, 2);
        EXPECT_EQ(ramfs_pwrite(fx.fs, (uint32_t)a, "z", 1, 5 * FX_PAGE), -ENOSPC);
}

static void list_order(void)
{
        fx_setup();
        EXPECT_EQ(ramfs_list(fx.fs, 0), -ENOENT);
        long a = ramfs_create(fx.fs, "a", 0644);
        long b = ramfs_create(fx.fs, "b", 0644);
        long c = ramfs_create(fx.fs, "c", 0644);
        EXPECT_EQ(ramfs_list(fx.fs, 0), a);
        EXPECT_EQ(ramfs_list(fx.fs, 1), b);
        EXPECT_EQ(ramfs_list(fx.fs, 2), c);
        EXPECT_EQ(ramfs_list(fx.fs, 3), -ENOENT);
        EXPECT_EQ(ramfs_list(fx.fs, UINT64_MAX), -ENOENT);
        EXPECT_EQ(ramfs_unlink(fx.fs, "b"), 0);
        EXPECT_EQ(ramfs_list(fx.fs, 1), c);
        EXPECT_EQ(ramfs_list(fx.fs, 2), -ENOENT);
}

// The real layout: VFS_MAX_INODES files of VFS_FILE_MAX bytes (16 GiB of
// address space reserved, only touched pages cost memory).
static void real_geometry_limits(void)
{
        size_t len = (size_t)VFS_MAX_INODES * VFS_FILE_MAX;
        uint8_t *d = mmap(NULL, len, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        EXPECT(d != MAP_FAILED);
        static struct vfs_inode it[VFS_MAX_INODES];
        struct ramfs *fs = calloc(1, sizeof(*fs));
        struct ramfs_config cfg = {
            .itab = it, .data = d, .max_inodes = VFS_MAX_INODES, .file_max = VFS_FILE_MAX};
        EXPECT_EQ(ramfs_init(fs, &cfg), 0);
        char name[16];
        long last = 0;
        for (int i = RAMFS_FIRST_INODE; i < VFS_MAX_INODES; i++) {
                snprintf(name, sizeof(name), "file%d", i);
                last = ramfs_create(fs, name, 0644);
                EXPECT(last > 0);
        }
        EXPECT_EQ(last, VFS_MAX_INODES - 1);
        EXPECT_EQ(ramfs_create(fs, "one-more", 0644), -ENOSPC);
        EXPECT_EQ(ramfs_pwrite(fs, (uint32_t)last, "end", 3, VFS_FILE_MAX - 3), 3);
        EXPECT(memcmp(d + VFS_DATA_VA(last) - VFS_DATA_BASE + VFS_FILE_MAX - 3, "end", 3) == 0);
        EXPECT_EQ(it[last].size, VFS_FILE_MAX);
        EXPECT_EQ(ramfs_pwrite(fs, (uint32_t)last, "x", 1, VFS_FILE_MAX), -EFBIG);
        EXPECT_EQ(ramfs_truncate(fs, (uint32_t)last, VFS_FILE_MAX + 1), -EFBIG);
        EXPECT_EQ(ramfs_truncate(fs, 1, VFS_FILE_MAX), 0);
        EXPECT_EQ(ramfs_truncate(fs, 1, 0), 0);
        munmap(d, len);
        free(fs);
}

// The pager's side of PGR_VFS_RELEASE, faked: an inode is "mapped" while
// fake_mapped[ino]; when not, it is dropped as the pager does it (used = 0,
// data pages zero).
static bool fake_mapped[FX_INODES];
static int fake_calls;

static void fake_drop(uint32_t ino)
{
        __atomic_store_n(&fx.itab[ino].used, 0, __ATOMIC_RELEASE);
        memset(fx_file(ino), 0, fx.fs->cfg.file_max);
}

static long fake_release(void *ctx, uint32_t ino, uint64_t generation)
{
        fake_calls++;
        if (generation != fx.itab[ino].generation)
                return -ENOENT;
        if (fake_mapped[ino])
                return -EBUSY;
        fake_drop(ino);
        return 0;
}

static void mapped_file_outlives_unlink(void)
{
        fx_setup_geom(4, FX_FILE_MAX, 8);
        fx.fs->cfg.release = fake_release;
        memset(fake_mapped, 0, sizeof(fake_mapped));
        fake_calls = 0;
        long a = fx_open(1, "a", VFS_O_CREAT | VFS_O_RDWR);
        EXPECT(a >= 0);
        EXPECT_EQ(ramfs_write(fx.fs, 1, (uint64_t)a, "AAAA", 4, RAMFS_CUR), 4);
        long ino = ramfs_lookup(fx.fs, "a");
        uint64_t gen = fx.itab[ino].generation;
        fake_mapped[ino] = true; // a process maps it
        EXPECT_EQ(ramfs_close(fx.fs, 1, (uint64_t)a), 0);
        EXPECT_EQ(ramfs_unlink_path(fx.fs, "a", 2), 0);
        EXPECT_EQ(fake_calls, 1);
        // Gone by name, but its inode and data stay for the mapper.
        EXPECT_EQ(ramfs_lookup(fx.fs, "a"), -ENOENT);
        EXPECT_EQ(fx.itab[ino].used, 1);
        EXPECT_EQ(fx.itab[ino].generation, gen);
        EXPECT(fx_all(ino, 0, 4, 'A'));
        EXPECT_EQ(fx.fs->pages_charged, 1);
        // A new file gets another inode: the mapper's data is not reused.
        long b = fx_open(1, "b", VFS_O_CREAT | VFS_O_RDWR);
        EXPECT(b >= 0);
        EXPECT(ramfs_lookup(fx.fs, "b") != ino);
        EXPECT_EQ(ramfs_write(fx.fs, 1, (uint64_t)b, "BBBB", 4, RAMFS_CUR), 4);
        EXPECT(fx_all(ino, 0, 4, 'A'));
        EXPECT_EQ(fx.fs->pages_charged, 2);
        // Files fill the other inodes; the mapped one is not free.
        EXPECT(ramfs_create(fx.fs, "c", RAMFS_MODE_DEFAULT) >= 0);
        EXPECT_EQ(ramfs_create(fx.fs, "d", RAMFS_MODE_DEFAULT), -ENOSPC);
        // The last mapping goes: the pager drops it; the next create reuses
        // it, with its charges and dirty extent forgotten.
        fake_mapped[ino] = false;
        fake_drop((uint32_t)ino);
        long d = ramfs_create(fx.fs, "d", RAMFS_MODE_DEFAULT);
        EXPECT_EQ(d, ino);
        EXPECT_EQ(fx.itab[ino].generation, gen + 1);
        EXPECT_EQ(fx.fs->node[ino].charged, 0);
        EXPECT_EQ(fx.fs->node[ino].dirty_end, 0);
        EXPECT_EQ(fx.fs->pages_charged, 1);
        EXPECT_EQ(fx.fs->nmapped_only, 0);
        // Unmapped, unlinked with no fd: released at once, pages back.
        EXPECT_EQ(ramfs_close(fx.fs, 1, (uint64_t)b), 0);
        long bino = ramfs_lookup(fx.fs, "b");
        EXPECT_EQ(ramfs_unlink_path(fx.fs, "b", 2), 0);
        EXPECT_EQ(fx.itab[bino].used, 0);
        EXPECT_EQ(fx.fs->pages_charged, 0);
        EXPECT(fx_zero(bino, 0, FX_PAGE));
}

int main(void)
{
        h_suite = "vfs";
        RUN(init_rejects_bad_config);
        RUN(name_rules);
        RUN(create_lookup);
        RUN(create_until_full);
        RUN(unlink_and_reuse);
        RUN(write_read_basic);
        RUN(write_grows_across_pages);
        RUN(write_hole_reads_zero);
        RUN(write_size_limit);
        RUN(truncate_shrink_zeroes_tail);
        RUN(mapper_stores_zeroed_on_growth);
        RUN(stale_pages_zeroed);
        RUN(zeroing_never_stores_to_zero_pages);
        RUN(budget);
        RUN(list_order);
        RUN(real_geometry_limits);
        RUN(mapped_file_outlives_unlink);
        return DONE();
}
