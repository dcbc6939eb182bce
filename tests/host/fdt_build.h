// SPDX-License-Identifier: MIT
// A tiny flattened-device-tree writer for host tests: builds blobs shaped like
// QEMU's, which the tests then corrupt.
#pragma once
#include <stdint.h>
#include <string.h>

struct fdtb {
        uint8_t st[4096], str[1024], out[8192];
        uint32_t nst, nstr, nout;
        uint64_t rsv[8][2];
        int nrsv;
};

static void fb_u32(uint8_t *p, uint32_t v)
{
        p[0] = v >> 24, p[1] = v >> 16, p[2] = v >> 8, p[3] = v;
}

static void fb_tok(struct fdtb *b, uint32_t v)
{
        fb_u32(b->st + b->nst, v);
        b->nst += 4;
}

static void fb_begin(struct fdtb *b, const char *name)
{
        fb_tok(b, 1);
        size_t l = strlen(name) + 1;
        memcpy(b->st + b->nst, name, l);
        b->nst += l;
        while (b->nst % 4)
                b->st[b->nst++] = 0;
}

static void fb_end(struct fdtb *b)
{
        fb_tok(b, 2);
}

static void fb_prop(struct fdtb *b, const char *name, const void *val, uint32_t len)
{
        uint32_t off = b->nstr;
        size_t l = strlen(name) + 1;
        memcpy(b->str + b->nstr, name, l);
        b->nstr += l;
        fb_tok(b, 3);
        fb_tok(b, len);
        fb_tok(b, off);
        memcpy(b->st + b->nst, val, len);
        b->nst += len;
        while (b->nst % 4)
                b->st[b->nst++] = 0;
}

static void fb_prop_u32(struct fdtb *b, const char *name, uint32_t v)
{
        uint8_t x[4];
        fb_u32(x, v);
        fb_prop(b, name, x, 4);
}

// A property of 64-bit big-endian numbers (reg with 2+2 cells).
static void fb_prop_u64s(struct fdtb *b, const char *name, const uint64_t *v, int n)
{
        uint8_t x[64];
        for (int i = 0; i < n; i++) {
                fb_u32(x + 8 * i, v[i] >> 32);
                fb_u32(x + 8 * i + 4, (uint32_t)v[i]);
        }
        fb_prop(b, name, x, 8 * n);
}

// Lays out header, reservation block, structure and strings; returns size.
static uint32_t fb_finish(struct fdtb *b)
{
        fb_tok(b, 9);
        uint32_t off_rsv = 40, off_st = off_rsv + 16 * (b->nrsv + 1);
        uint32_t off_str = off_st + b->nst, total = off_str + b->nstr;
        memset(b->out, 0, sizeof(b->out));
        uint32_t h[10] = {0xd00dfeed, total, off_st, off_str, off_rsv, 17, 16, 0, b->nstr, b->nst};
        for (int i = 0; i < 10; i++)
                fb_u32(b->out + 4 * i, h[i]);
        for (int i = 0; i < b->nrsv; i++) {
                for (int k = 0; k < 2; k++) {
                        fb_u32(b->out + off_rsv + 16 * i + 8 * k, b->rsv[i][k] >> 32);
                        fb_u32(b->out + off_rsv + 16 * i + 8 * k + 4, (uint32_t)b->rsv[i][k]);
                }
        }
        memcpy(b->out + off_st, b->st, b->nst);
        memcpy(b->out + off_str, b->str, b->nstr);
        b->nout = total;
        return total;
}

// A virt-like tree: 128 MiB at 0x40000000, a reserved-memory child, chosen
// with initrd and bootargs, one memory reservation.
static uint32_t fb_virt(struct fdtb *b)
{
        memset(b, 0, sizeof(*b));
        b->rsv[0][0] = 0x47000000;
        b->rsv[0][1] = 0x1000;
        b->nrsv = 1;
        fb_begin(b, "");
        fb_prop_u32(b, "#address-cells", 2);
        fb_prop_u32(b, "#size-cells", 2);
        fb_begin(b, "cpus");
        fb_prop_u32(b, "timebase-frequency", 10000000);
        fb_end(b);
        fb_begin(b, "memory@40000000");
        fb_prop(b, "device_type", "memory", 7);
        uint64_t reg[] = {0x40000000, 0x8000000};
        fb_prop_u64s(b, "reg", reg, 2);
        fb_end(b);
        fb_begin(b, "reserved-memory");
        fb_prop_u32(b, "#address-cells", 2);
        fb_prop_u32(b, "#size-cells", 2);
        fb_begin(b, "mmode_resv0@40000000");
        uint64_t rr[] = {0x40000000, 0x80000};
        fb_prop_u64s(b, "reg", rr, 2);
        fb_end(b);
        fb_end(b);
        fb_begin(b, "chosen");
        fb_prop(b, "bootargs", "test verbose", 13);
        uint64_t is = 0x44000000, ie = 0x44001000;
        fb_prop_u64s(b, "linux,initrd-start", &is, 1);
        fb_prop_u64s(b, "linux,initrd-end", &ie, 1);
        fb_end(b);
        fb_end(b);
        return fb_finish(b);
}
