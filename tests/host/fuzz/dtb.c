// SPDX-License-Identifier: MIT
// Fuzz target dtb: a flattened device tree through the kernel's reader
// (kernel/lib/dtb.c: dtb_open, dtb_scan_boot, dtb_find_prop) and the boot
// path that uses it (kernel/lib/boot.c: boot_collect, with
// kernel/lib/memmap.c).
//
// Input: the blob; the bytes after its header's totalsize (if any) are a
// boot-info trailer: a flags byte, the kernel and boot-image ranges, up to
// 32 memory ranges and a command line, from which boot_collect's boot_info
// is built (without a trailer: a UEFI-like default with the DTB attached).
// Checked: errors come with a message; a parsed tree's properties lie inside
// the structure block; bootargs is terminated; initrd end >= start; every
// map is sorted, disjoint and typed after normalisation; boot_collect's map
// holds the whole kernel as MEM_KERNEL.
#include "../fdt_build.h"
#include "fuzz.h"
#include <kernel/boot.h>
#include <kernel/dtb.h>
#include <mk/errno.h>

#define SCAN_CAP       32 // a small map, so that "too many ranges" is reached
#define TRAILER_RANGES 32
#define F_BAD_MAGIC    0x01
#define F_BAD_VERSION  0x02
#define F_NO_DTB       0x04
#define F_NMEM_BIG     0x08

static const uint64_t near[] = {0x40000000, 0x44000000, 0x47000000, 0x48000000, 0x80000000,
                                0x80200000, 0x100000,   0x0,        0xfee00000, 0x1000};
static const char *const paths[][2] = {
    {"/chosen", "bootargs"},
    {"/cpus", "timebase-frequency"},
    {"/memory", "reg"},
    {"/", "#address-cells"},
    {"/reserved-memory/mmode_resv0", "reg"},
    {"/memory@40000000", "device_type"},
    {"//chosen//", "linux,initrd-start"},
    {"/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q", "x"},
};

// Sorted, disjoint, non-empty, typed: what memmap_normalize promises.
static const char *map_check(const struct memmap *m)
{
        if (m->n > m->cap)
                return "memmap: more entries than its capacity";
        for (size_t i = 0; i < m->n; i++) {
                const struct mem_range *r = &m->r[i];
                if (!r->size || r->type < MEM_USABLE || r->type > MEM_TYPE_MAX ||
                    r->base + r->size < r->base)
                        return "memmap: an empty, untyped or wrapping range";
                if (i && m->r[i - 1].base + m->r[i - 1].size > r->base)
                        return "memmap: unsorted or overlapping after normalisation";
        }
        return NULL;
}

static int scan_rc, boot_rc; // the last input's, for seed_check

static const char *tree(const uint8_t *data, size_t size, uint64_t *digest)
{
        static struct mem_range st[SCAN_CAP];
        struct memmap m = {st, 0, SCAN_CAP};
        struct dtb d;
        struct dtb_boot db;
        const char *err = "";
        scan_rc = boot_rc = 1;
        if (dtb_open(&d, data, size, &err)) {
                fuzz_hash(digest, err, strlen(err));
                return *err ? NULL : "dtb_open: an error without a message";
        }
        if (d.total > size || d.off_struct + (uint64_t)d.size_struct > d.total ||
            d.off_strings + (uint64_t)d.size_strings > d.total)
                return "dtb_open: blocks outside the blob";
        for (unsigned k = 0; k < ARRAY_SIZE(paths); k++) {
                const void *val = NULL;
                uint32_t len = 0;
                int r = dtb_find_prop(&d, paths[k][0], paths[k][1], &val, &len);
                fuzz_hash64(digest, (uint64_t)r);
                if (r)
                        continue;
                const uint8_t *v = val, *s = d.blob + d.off_struct;
                if (v < s || v > s + d.size_struct || len > (uint64_t)(s + d.size_struct - v))
                        return "dtb_find_prop: a value outside the structure block";
                fuzz_hash(digest, v, len);
        }
        err = "";
        int r = scan_rc = dtb_scan_boot(&d, &m, &db, &err);
        fuzz_hash64(digest, (uint64_t)r);
        if (r)
                return *err ? NULL : "dtb_scan_boot: an error without a message";
        if (!memchr(db.bootargs, 0, sizeof(db.bootargs)))
                return "dtb_scan_boot: bootargs not terminated";
        if (db.initrd_end < db.initrd_start)
                return "dtb_scan_boot: initrd ends before it starts";
        fuzz_hash(digest, &db, sizeof(db));
        fuzz_hash(digest, st, m.n * sizeof(st[0]));
        if (memmap_normalize(&m) == 0)
                return map_check(&m);
        return NULL;
}

// boot_collect as the kernel calls it: the DTB mapped with DTB_MAX_SIZE
// readable bytes (a heap block of that size, the blob at its start).
static const char *boot(const uint8_t *data, size_t size, const uint8_t *tail, size_t ntail,
                        uint64_t *digest)
{
        static uint8_t *dtb_area;
        static struct boot_info bi;
        static struct mem_range st[BOOT_MAX_MEM];
        struct memmap m = {st, 0, BOOT_MAX_MEM};
        struct fuzz_in in = {tail, ntail};
        const char *err = "";
        if (size > DTB_MAX_SIZE)
                return NULL;
        if (!dtb_area)
                dtb_area = calloc(1, DTB_MAX_SIZE);
        memcpy(dtb_area, data, size);
        memset(&bi, 0, sizeof(bi));
        uint8_t flags = fin_u8(&in);
        bi.magic = flags & F_BAD_MAGIC ? fin_u64(&in) : BOOT_INFO_MAGIC;
        bi.version = flags & F_BAD_VERSION ? fin_u32(&in) : BOOT_INFO_VERSION;
        bi.dtb_phys = flags & F_NO_DTB ? 0 : 0x48000000;
        if (ntail) {
                bi.kernel_phys = fin_word(&in, near, ARRAY_SIZE(near));
                bi.kernel_size = fin_word(&in, near, ARRAY_SIZE(near));
                bi.bootimg_phys = fin_word(&in, near, ARRAY_SIZE(near));
                bi.bootimg_size = fin_word(&in, near, ARRAY_SIZE(near));
                bi.nmem = fin_u8(&in) % (TRAILER_RANGES + 1);
                for (uint32_t i = 0; i < bi.nmem; i++) {
                        bi.mem[i].base = fin_word(&in, near, ARRAY_SIZE(near));
                        bi.mem[i].size = fin_word(&in, near, ARRAY_SIZE(near));
                        bi.mem[i].type = fin_u8(&in) % (MEM_TYPE_MAX + 2);
                }
                if (flags & F_NMEM_BIG)
                        bi.nmem = BOOT_MAX_MEM + fin_u8(&in) % 2;
                for (size_t k = 0; k < sizeof(bi.cmdline) && fin_left(&in); k++)
                        bi.cmdline[k] = (char)fin_u8(&in);
        } else { // UEFI-like: RAM around the kernel, the DTB's memory node decides the rest
                bi.kernel_phys = 0x40200000;
                bi.kernel_size = 0x100000;
                bi.mem[bi.nmem++] = (struct mem_range){0x40000000, 0x8000000, MEM_USABLE, 0};
        }
        uint64_t kernel_size = bi.kernel_size;
        int r = boot_rc = boot_collect(&bi, dtb_area, &m, &err);
        memset(dtb_area, 0, size);
        fuzz_hash64(digest, (uint64_t)r);
        if (r)
                return *err ? NULL : "boot_collect: an error without a message";
        if (!memchr(bi.cmdline, 0, sizeof(bi.cmdline)))
                return "boot_collect: command line not terminated";
        const char *why = map_check(&m);
        if (why)
                return why;
        if (memmap_total(&m, MEM_KERNEL) < kernel_size)
                return "boot_collect: the kernel is not all MEM_KERNEL";
        if (memmap_total(&m, MEM_USABLE) + memmap_total(&m, MEM_BOOT_RECLAIM) == 0)
                return "boot_collect: accepted without usable memory";
        fuzz_hash(digest, st, m.n * sizeof(st[0]));
        fuzz_hash(digest, bi.cmdline, strlen(bi.cmdline));
        return NULL;
}

static const char *one(const uint8_t *data, size_t size, uint64_t *digest)
{
        const char *why = tree(data, size, digest);
        if (why)
                return why;
        // The trailer: whatever follows totalsize.
        uint32_t total = size >= 8 ? dtb_be32(data + 4) : 0;
        size_t blob = total && total < size ? total : size;
        return boot(data, blob, data + blob, size - blob, digest);
}

// Seeds: the virt-like tree with and without trailers, a riscv-like one
// (1 + 1 cells, no reservation) and a deeper one with many memory nodes.
static void seeds(fuzz_add_fn add)
{
        static struct fdtb b;
        static struct fuzz_buf t;
        uint32_t n = fb_virt(&b);
        add(b.out, n, "virt");
        // Trailers: kernel at 0x40200000 (1 MiB), a boot image, RAM, an MMIO
        // window and a reserved range, a command line; with and without the DTB.
        for (int nodtb = 0; nodtb < 2; nodtb++) {
                t.n = 0;
                fbuf_put(&t, b.out, n);
                fbuf_u8(&t, nodtb ? F_NO_DTB : 0);
                fbuf_word(&t, 0x40200000);
                fbuf_pages(&t, 256);
                fbuf_near(&t, 1, 0);
                fbuf_pages(&t, 1);
                fbuf_u8(&t, 3);
                fbuf_near(&t, 0, 0);
                fbuf_word(&t, 0x8000000);
                fbuf_u8(&t, MEM_USABLE);
                fbuf_near(&t, 8, 0);
                fbuf_pages(&t, 1);
                fbuf_u8(&t, MEM_MMIO);
                fbuf_near(&t, 3, 0);
                fbuf_pages(&t, 16);
                fbuf_u8(&t, MEM_RESERVED);
                fbuf_put(&t, "test ktest", 11);
                add(t.b, t.n, nodtb ? "virt-nodtb" : "virt-bootinfo");
        }

        memset(&b, 0, sizeof(b));
        fb_begin(&b, "");
        fb_prop_u32(&b, "#address-cells", 1);
        fb_prop_u32(&b, "#size-cells", 1);
        fb_begin(&b, "memory@80000000");
        uint8_t reg[8];
        fb_u32(reg, 0x80000000);
        fb_u32(reg + 4, 0x8000000);
        fb_prop(&b, "reg", reg, 8);
        fb_end(&b);
        fb_begin(&b, "chosen");
        fb_prop(&b, "bootargs", "test", 5);
        fb_prop_u32(&b, "linux,initrd-start", 0x84000000);
        fb_prop_u32(&b, "linux,initrd-end", 0x84010000);
        fb_end(&b);
        fb_end(&b);
        n = fb_finish(&b);
        add(b.out, n, "riscv");

        memset(&b, 0, sizeof(b));
        fb_begin(&b, "");
        fb_prop_u32(&b, "#address-cells", 2);
        fb_prop_u32(&b, "#size-cells", 2);
        for (int k = 0; k < 6; k++) {
                char name[32];
                uint64_t r[4] = {0x40000000ull + k * 0x10000000ull, 0x1000000,
                                 0x100000000ull + k * 0x1000000ull, 0x2000};
                snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)r[0]);
                fb_begin(&b, name);
                fb_prop_u64s(&b, "reg", r, 4);
                fb_begin(&b, "sub");
                fb_prop(&b, "x", "", 0);
                fb_end(&b);
                fb_end(&b);
        }
        fb_begin(&b, "reserved-memory");
        fb_prop_u32(&b, "#address-cells", 1);
        fb_prop_u32(&b, "#size-cells", 1);
        fb_begin(&b, "a@40000000");
        fb_u32(reg, 0x40000000);
        fb_u32(reg + 4, 0x10000);
        fb_prop(&b, "reg", reg, 8);
        fb_end(&b);
        fb_end(&b);
        fb_end(&b);
        n = fb_finish(&b);
        add(b.out, n, "many-memory");
}

// Every seed parses, and boots.
static const char *seed_check(const uint8_t *data, size_t size, const char *name)
{
        uint64_t digest = 0;
        one(data, size, &digest);
        return scan_rc ? "dtb_scan_boot refused it" : boot_rc ? "boot_collect refused it" : NULL;
}

const struct fuzz_target fuzz_target = {
    .name = "dtb",
    .one = one,
    .seeds = seeds,
    .seed_check = seed_check,
    .smoke_mutants = 60000,
    .max_len = 8192,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        return fuzz_entry(&fuzz_target, data, size);
}
