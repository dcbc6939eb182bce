// SPDX-License-Identifier: MIT
#include "harness.h"
#include <common/cpio.h>
#include <mk/errno.h>

static unsigned char ar[4096];
static size_t arlen;

static void put(const char *name, const char *data, unsigned mode)
{
        size_t nl = strlen(name) + 1, dl = strlen(data);
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

static void build(void)
{
        arlen = 0;
        memset(ar, 0, sizeof(ar));
        put("motd", "hello world\n", 0100644);
        put("pager",
            "\x7f"
            "ELF....",
            0100755);
        put("e", "", 0100644);
        put("TRAILER!!!", "", 0);
}

static void list(void)
{
        build();
        size_t n;
        const char *err;
        EXPECT_EQ(cpio_validate(ar, arlen, &n, &err), 0);
        EXPECT_EQ(n, 3);
        struct cpio_file f;
        EXPECT_EQ(cpio_find(ar, arlen, "pager", &f), 0);
        EXPECT_EQ(f.size, 8);
        EXPECT_EQ(f.mode, 0100755);
        EXPECT(memcmp(f.data,
                      "\x7f"
                      "ELF",
                      4) == 0);
        EXPECT_EQ(cpio_find(ar, arlen, "e", &f), 0);
        EXPECT_EQ(f.size, 0);
        EXPECT_EQ(cpio_find(ar, arlen, "nope", &f), -ENOENT);
}

static void truncated(void)
{
        build();
        size_t n;
        const char *err = NULL;
        // Every proper prefix is refused with a message; none crashes.
        for (size_t len = 0; len < arlen - 3; len++) {
                EXPECT_EQ(cpio_validate(ar, len, &n, &err), -EBADMSG);
                EXPECT(err && *err);
        }
}

static void corrupt_fields(void)
{
        size_t n;
        const char *err;
        build();
        ar[0] = 'X';
        EXPECT_EQ(cpio_validate(ar, arlen, &n, &err), -EBADMSG);
        EXPECT(strstr(err, "magic"));
        build();
        memcpy(ar + 6 + 8 * 6, "FFFFFFF0", 8); // filesize huge
        EXPECT_EQ(cpio_validate(ar, arlen, &n, &err), -EBADMSG);
        EXPECT(strstr(err, "past the end"));
        build();
        memcpy(ar + 6 + 8 * 11, "00000002", 8); // namesize cuts the name
        EXPECT_EQ(cpio_validate(ar, arlen, &n, &err), -EBADMSG);
        build();
        memcpy(ar + 6 + 8 * 11, "00000000", 8); // namesize 0
        EXPECT_EQ(cpio_validate(ar, arlen, &n, &err), -EBADMSG);
        build();
        ar[6 + 3] = 'g'; // not hex
        EXPECT_EQ(cpio_validate(ar, arlen, &n, &err), -EBADMSG);
        EXPECT(strstr(err, "hexadecimal"));
}

// Random byte corruption: the reader returns 0 or -EBADMSG, never reads out of
// bounds (run under AddressSanitizer).
static void random_corruption(void)
{
        for (int i = 0; i < 20000; i++) {
                build();
                size_t len = arlen - h_rand() % 16;
                unsigned char *copy = malloc(len);
                memcpy(copy, ar, len);
                for (int k = 0; k < 1 + (int)(h_rand() % 4); k++)
                        copy[h_rand() % len] = (unsigned char)h_rand();
                size_t n;
                const char *err;
                int r = cpio_validate(copy, len, &n, &err);
                free(copy);
                EXPECT(r == 0 || r == -EBADMSG);
        }
}

int main(void)
{
        h_suite = "cpio";
        RUN(list);
        RUN(truncated);
        RUN(corrupt_fields);
        RUN(random_corruption);
        return DONE();
}
