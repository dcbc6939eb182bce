// SPDX-License-Identifier: MIT
#include "fdt_build.h"
#include "harness.h"
#include <kernel/dtb.h>
#include <mk/errno.h>
#include <stdio.h>

static struct fdtb fb;
static struct mem_range st[BOOT_MAX_MEM];

static void parse_virt(void)
{
        uint32_t n = fb_virt(&fb);
        struct dtb d;
        const char *err;
        struct memmap m = {st, 0, BOOT_MAX_MEM};
        struct dtb_boot b;
        EXPECT_EQ(dtb_open(&d, fb.out, n, &err), 0);
        EXPECT_EQ(dtb_scan_boot(&d, &m, &b, &err), 0);
        EXPECT_EQ(b.initrd_start, 0x44000000);
        EXPECT_EQ(b.initrd_end, 0x44001000);
        EXPECT(strcmp(b.bootargs, "test verbose") == 0);
        EXPECT_EQ(memmap_normalize(&m), 0);
        EXPECT_EQ(memmap_total(&m, MEM_USABLE), 0x8000000 - 0x80000 - 0x1000);
        EXPECT_EQ(memmap_total(&m, MEM_RESERVED), 0x80000 + 0x1000);
}

static void find_prop(void)
{
        uint32_t n = fb_virt(&fb);
        struct dtb d;
        const char *err;
        const void *v;
        uint32_t len;
        EXPECT_EQ(dtb_open(&d, fb.out, n, &err), 0);
        EXPECT_EQ(dtb_find_prop(&d, "/cpus", "timebase-frequency", &v, &len), 0);
        EXPECT_EQ(len, 4);
        EXPECT_EQ(dtb_be32(v), 10000000);
        EXPECT_EQ(dtb_find_prop(&d, "/memory", "device_type", &v, &len), 0);
        EXPECT_EQ(dtb_find_prop(&d, "/memory@40000000", "reg", &v, &len), 0);
        EXPECT_EQ(len, 16);
        EXPECT_EQ(dtb_find_prop(&d, "/reserved-memory/mmode_resv0", "reg", &v, &len), 0);
        EXPECT_EQ(dtb_find_prop(&d, "/", "#size-cells", &v, &len), 0);
        EXPECT_EQ(dtb_find_prop(&d, "/memory@50000000", "reg", &v, &len), -ENOENT);
        EXPECT_EQ(dtb_find_prop(&d, "/cpus", "reg", &v, &len), -ENOENT);
        EXPECT_EQ(dtb_find_prop(&d, "/chosen/x", "bootargs", &v, &len), -ENOENT);
        // A property of a sibling is not found under another node.
        EXPECT_EQ(dtb_find_prop(&d, "/chosen", "timebase-frequency", &v, &len), -ENOENT);
}

static void bad_headers(void)
{
        uint32_t n = fb_virt(&fb);
        struct dtb d;
        const char *err;
        EXPECT_EQ(dtb_open(&d, fb.out, 20, &err), -EBADMSG); // shorter than a header
        EXPECT(strstr(err, "truncated"));
        EXPECT_EQ(dtb_open(&d, fb.out, n - 1, &err), -EBADMSG); // totalsize > avail
        EXPECT(strstr(err, "totalsize"));
        fb.out[0] ^= 1;
        EXPECT_EQ(dtb_open(&d, fb.out, n, &err), -EBADMSG);
        EXPECT(strstr(err, "magic"));
        fb_virt(&fb);
        fb_u32(fb.out + 8, n); // structure block beyond the end
        EXPECT_EQ(dtb_open(&d, fb.out, n, &err), -EBADMSG);
        EXPECT(strstr(err, "structure"));
        fb_virt(&fb);
        fb_u32(fb.out + 20, 1); // version 1
        EXPECT_EQ(dtb_open(&d, fb.out, n, &err), -EBADMSG);
        EXPECT(strstr(err, "version"));
}

static void bad_structure(void)
{
        uint32_t n = fb_virt(&fb);
        struct dtb d;
        const char *err;
        struct memmap m = {st, 0, BOOT_MAX_MEM};
        struct dtb_boot b;
        // The structure block cut short: claims a smaller size, no FDT_END.
        fb_u32(fb.out + 36, fb.nst - 8);
        EXPECT_EQ(dtb_open(&d, fb.out, n, &err), 0);
        EXPECT_EQ(dtb_scan_boot(&d, &m, &b, &err), -EBADMSG);
        EXPECT(err && *err);
        // An unknown token.
        n = fb_virt(&fb);
        fb_u32(fb.out + 40 + 32, 0x77);
        EXPECT_EQ(dtb_open(&d, fb.out, n, &err), 0);
        m.n = 0;
        EXPECT_EQ(dtb_scan_boot(&d, &m, &b, &err), -EBADMSG);
}

// Random corruption of header and body never crashes (AddressSanitizer) and
// either parses or reports an error with a message.
static void random_corruption(void)
{
        uint32_t n = fb_virt(&fb);
        static uint8_t copy[8192];
        for (int i = 0; i < 20000; i++) {
                memcpy(copy, fb.out, n);
                int k = 1 + h_rand() % 4;
                while (k--)
                        copy[h_rand() % n] = (uint8_t)h_rand();
                uint32_t len = n - (h_rand() % 4 == 0 ? h_rand() % n : 0);
                uint8_t *heap = malloc(len ? len : 1);
                memcpy(heap, copy, len);
                struct dtb d;
                const char *err = NULL;
                struct memmap m = {st, 0, BOOT_MAX_MEM};
                struct dtb_boot b;
                const void *v;
                uint32_t vl;
                if (dtb_open(&d, heap, len, &err) == 0) {
                        int r = dtb_scan_boot(&d, &m, &b, &err);
                        EXPECT(r == 0 || (r < 0 && err && *err));
                        dtb_find_prop(&d, "/chosen", "bootargs", &v, &vl);
                } else {
                        EXPECT(err && *err);
                }
                free(heap);
        }
}

int main(void)
{
        h_suite = "dtb";
        RUN(parse_virt);
        RUN(find_prop);
        RUN(bad_headers);
        RUN(bad_structure);
        RUN(random_corruption);
        return DONE();
}
