// SPDX-License-Identifier: MIT
// boot_collect: the boot-info record and DTB turned into one memory map, and
// every kind of bad input refused with a message.
#include "fdt_build.h"
#include "harness.h"
#include <kernel/boot.h>
#include <mk/errno.h>

static struct mem_range st[BOOT_MAX_MEM];
static struct memmap m;
static struct boot_info bi;
static struct fdtb fb;

static void uefi_like(void)
{
        memset(&bi, 0, sizeof(bi));
        bi.magic = BOOT_INFO_MAGIC;
        bi.version = BOOT_INFO_VERSION;
        bi.mem[bi.nmem++] = (struct mem_range){0x0, 0xa0000, MEM_USABLE, 0};
        bi.mem[bi.nmem++] = (struct mem_range){0x100000, 0x7f00000, MEM_USABLE, 0};
        bi.mem[bi.nmem++] = (struct mem_range){0x800000, 0x200000, MEM_LOADER, 0};
        bi.mem[bi.nmem++] = (struct mem_range){0xfee00000, 0x1000, MEM_MMIO, 0};
        bi.kernel_phys = 0x800000;
        bi.kernel_size = 0x40000;
        bi.bootimg_phys = 0x900000;
        bi.bootimg_size = 0x2000;
        m = (struct memmap){st, 0, BOOT_MAX_MEM};
}

static void uefi_ok(void)
{
        const char *err = "";
        uefi_like();
        EXPECT_EQ(boot_collect(&bi, NULL, &m, &err), 0);
        EXPECT_EQ(memmap_total(&m, MEM_KERNEL), 0x40000);
        EXPECT_EQ(memmap_total(&m, MEM_BOOTIMG), 0x2000);
        EXPECT_EQ(memmap_total(&m, MEM_USABLE), 0xa0000 + 0x7f00000 - 0x200000);
}

static void uefi_bad(void)
{
        const char *err = "";
        uefi_like();
        bi.magic ^= 1;
        EXPECT_EQ(boot_collect(&bi, NULL, &m, &err), -EBADMSG);
        EXPECT(strstr(err, "magic"));
        uefi_like();
        bi.version = 99;
        EXPECT_EQ(boot_collect(&bi, NULL, &m, &err), -EBADMSG);
        uefi_like();
        bi.nmem = BOOT_MAX_MEM + 1;
        EXPECT_EQ(boot_collect(&bi, NULL, &m, &err), -EBADMSG);
        EXPECT(strstr(err, "entries"));
        uefi_like();
        bi.mem[1].size = ~0ull; // wraps
        EXPECT_EQ(boot_collect(&bi, NULL, &m, &err), -EBADMSG);
        EXPECT(strstr(err, "wraps"));
        uefi_like();
        bi.mem[2].type = 77;
        EXPECT_EQ(boot_collect(&bi, NULL, &m, &err), -EBADMSG);
        uefi_like();
        bi.kernel_phys = 0x20000000; // outside RAM
        EXPECT_EQ(boot_collect(&bi, NULL, &m, &err), -EBADMSG);
        EXPECT(strstr(err, "kernel image is not inside RAM"));
        uefi_like();
        bi.bootimg_phys = 0xfee00000; // in MMIO
        EXPECT_EQ(boot_collect(&bi, NULL, &m, &err), -EBADMSG);
        EXPECT(strstr(err, "boot image is not inside RAM"));
        uefi_like();
        bi.nmem = 1;
        bi.mem[0] = (struct mem_range){0x800000, 0x200000, MEM_ACPI_NVS, 0};
        EXPECT_EQ(boot_collect(&bi, NULL, &m, &err), -EBADMSG);
        EXPECT(strstr(err, "no usable memory"));
        uefi_like();
        bi.kernel_size = 0;
        EXPECT_EQ(boot_collect(&bi, NULL, &m, &err), -EBADMSG);
        // Overlapping entries are resolved, not refused: reserved wins.
        uefi_like();
        bi.mem[bi.nmem++] = (struct mem_range){0x0, 0x1000, MEM_RESERVED, 0};
        EXPECT_EQ(boot_collect(&bi, NULL, &m, &err), 0);
        EXPECT_EQ(m.r[0].type, MEM_RESERVED);
}

static void dtb_like(void)
{
        memset(&bi, 0, sizeof(bi));
        bi.magic = BOOT_INFO_MAGIC;
        bi.version = BOOT_INFO_VERSION;
        bi.dtb_phys = 0x47f00000;
        bi.kernel_phys = 0x40080000;
        bi.kernel_size = 0x100000;
        fb_virt(&fb);
        m = (struct memmap){st, 0, BOOT_MAX_MEM};
}

static void dtb_ok(void)
{
        const char *err = "";
        dtb_like();
        EXPECT_EQ(boot_collect(&bi, fb.out, &m, &err), 0);
        EXPECT_EQ(bi.bootimg_phys, 0x44000000);
        EXPECT_EQ(bi.bootimg_size, 0x1000);
        EXPECT(strcmp(bi.cmdline, "test verbose") == 0);
        EXPECT_EQ(memmap_total(&m, MEM_DTB), fb.nout);
        EXPECT_EQ(memmap_total(&m, MEM_KERNEL), 0x100000 - 0x0); // kernel beyond the resv
}

static void dtb_bad(void)
{
        const char *err = "";
        dtb_like();
        fb.out[3] = 0;
        EXPECT_EQ(boot_collect(&bi, fb.out, &m, &err), -EBADMSG);
        EXPECT(strstr(err, "magic"));
        dtb_like();
        EXPECT_EQ(boot_collect(&bi, NULL, &m, &err), -EBADMSG);
}

int main(void)
{
        h_suite = "boot";
        RUN(uefi_ok);
        RUN(uefi_bad);
        RUN(dtb_ok);
        RUN(dtb_bad);
        return DONE();
}
