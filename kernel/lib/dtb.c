// SPDX-License-Identifier: MIT
// Flattened device tree reader (devicetree specification v0.4, chapter 5).
// Header fields are big-endian; the structure block is a stream of 32-bit
// tokens. Every offset and length is checked against the blob before use.
#include <kernel/dtb.h>
#include <common/string.h>
#include <mk/errno.h>

#define FDT_MAGIC      0xd00dfeedu
#define FDT_HDR_LEN    40
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE   2
#define FDT_PROP       3
#define FDT_NOP        4
#define FDT_END        9
#define FDT_MAX_DEPTH  16

enum {
        H_MAGIC,
        H_TOTALSIZE,
        H_OFF_STRUCT,
        H_OFF_STRINGS,
        H_OFF_RSVMAP,
        H_VERSION,
        H_LAST_COMP,
        H_BOOT_CPUID,
        H_SIZE_STRINGS,
        H_SIZE_STRUCT,
};

static uint64_t be64(const uint8_t *p)
{
        return (uint64_t)dtb_be32(p) << 32 | dtb_be32(p + 4);
}

int dtb_open(struct dtb *d, const void *blob, size_t avail, const char **err)
{
        const uint8_t *b = blob;
        uint32_t h[10];
        if (!blob || avail < FDT_HDR_LEN) {
                *err = "truncated: shorter than the 40-byte header";
                return -EBADMSG;
        }
        for (int i = 0; i < 10; i++)
                h[i] = dtb_be32(b + 4 * i);
        if (h[H_MAGIC] != FDT_MAGIC) {
                *err = "bad magic (expected 0xd00dfeed)";
                return -EBADMSG;
        }
        if (h[H_TOTALSIZE] < FDT_HDR_LEN || h[H_TOTALSIZE] > avail) {
                *err = "totalsize is smaller than the header or larger than the blob";
                return -EBADMSG;
        }
        if (h[H_VERSION] < 16 || h[H_LAST_COMP] > 17) {
                *err = "unsupported version (need 16 or 17 compatible)";
                return -EBADMSG;
        }
        uint32_t total = h[H_TOTALSIZE];
        uint32_t size_struct =
            h[H_VERSION] >= 17 ? h[H_SIZE_STRUCT] : total - MIN(total, h[H_OFF_STRUCT]);
        if (h[H_OFF_STRUCT] % 4 || h[H_OFF_STRUCT] > total ||
            size_struct > total - h[H_OFF_STRUCT] || size_struct % 4) {
                *err = "structure block lies outside the blob or is misaligned";
                return -EBADMSG;
        }
        if (h[H_OFF_STRINGS] > total || h[H_SIZE_STRINGS] > total - h[H_OFF_STRINGS]) {
                *err = "strings block lies outside the blob";
                return -EBADMSG;
        }
        if (h[H_OFF_RSVMAP] % 8 || h[H_OFF_RSVMAP] > total - 16) {
                *err = "memory reservation block lies outside the blob or is misaligned";
                return -EBADMSG;
        }
        d->blob = b;
        d->total = total;
        d->off_struct = h[H_OFF_STRUCT];
        d->size_struct = size_struct;
        d->off_strings = h[H_OFF_STRINGS];
        d->size_strings = h[H_SIZE_STRINGS];
        d->off_rsvmap = h[H_OFF_RSVMAP];
        return 0;
}

// One step of the structure-block walk.
struct tok {
        uint32_t type;
        const char *name; // node name or property name
        const uint8_t *val;
        uint32_t len;
};

// Reads the token at *pos; advances *pos. Returns 0 or -EBADMSG with *err.
static int next_tok(const struct dtb *d, uint32_t *pos, struct tok *t, const char **err)
{
        const uint8_t *s = d->blob + d->off_struct;
        uint32_t end = d->size_struct;
        if (*pos > end - 4 || end < 4) {
                *err = "structure block ends without FDT_END";
                return -EBADMSG;
        }
        t->type = dtb_be32(s + *pos);
        *pos += 4;
        switch (t->type) {
        case FDT_BEGIN_NODE: {
                const char *n = (const char *)s + *pos;
                uint32_t l = strnlen(n, end - *pos);
                if (l == end - *pos) {
                        *err = "node name is not terminated";
                        return -EBADMSG;
                }
                t->name = n;
                *pos = ALIGN_UP(*pos + l + 1, 4);
                return 0;
        }
        case FDT_PROP: {
                if (end - *pos < 8) {
                        *err = "property header truncated";
                        return -EBADMSG;
                }
                uint32_t len = dtb_be32(s + *pos), nameoff = dtb_be32(s + *pos + 4);
                *pos += 8;
                if (len > end - *pos) {
                        *err = "property value runs past the structure block";
                        return -EBADMSG;
                }
                if (nameoff >= d->size_strings) {
                        *err = "property name offset outside the strings block";
                        return -EBADMSG;
                }
                const char *n = (const char *)d->blob + d->off_strings + nameoff;
                if (strnlen(n, d->size_strings - nameoff) == d->size_strings - nameoff) {
                        *err = "property name is not terminated";
                        return -EBADMSG;
                }
                t->name = n;
                t->val = s + *pos;
                t->len = len;
                *pos = ALIGN_UP(*pos + len, 4);
                return 0;
        }
        case FDT_END_NODE:
        case FDT_NOP:
        case FDT_END:
                return 0;
        default:
                *err = "unknown structure token";
                return -EBADMSG;
        }
}

// Whether node name `node` ("memory@40000000") matches path component c
// ("memory" or "memory@40000000") of length cl.
static bool name_match(const char *node, const char *c, size_t cl)
{
        if (strncmp(node, c, cl) != 0)
                return false;
        bool c_has_unit = false;
        for (size_t i = 0; i < cl; i++)
                c_has_unit |= c[i] == '@';
        return node[cl] == '\0' || (node[cl] == '@' && !c_has_unit);
}

int dtb_find_prop(const struct dtb *d, const char *path, const char *prop, const void **val,
                  uint32_t *len)
{
        const char *comp[FDT_MAX_DEPTH];
        size_t clen[FDT_MAX_DEPTH];
        int ncomp = 0, depth = 0, matched = 0;
        const char *err;
        for (const char *p = path; *p;) {
                while (*p == '/')
                        p++;
                if (!*p)
                        break;
                if (ncomp == FDT_MAX_DEPTH)
                        return -ENOENT;
                comp[ncomp] = p;
                while (*p && *p != '/')
                        p++;
                clen[ncomp] = p - comp[ncomp];
                ncomp++;
        }
        uint32_t pos = 0;
        struct tok t;
        for (;;) {
                if (next_tok(d, &pos, &t, &err))
                        return -EBADMSG;
                switch (t.type) {
                case FDT_BEGIN_NODE:
                        // depth counts open nodes: the root is depth 1.
                        if (depth >= 1 && depth - 1 < ncomp && matched == depth - 1 &&
                            name_match(t.name, comp[depth - 1], clen[depth - 1]))
                                matched = depth;
                        depth++;
                        break;
                case FDT_END_NODE:
                        if (depth == 0)
                                return -EBADMSG;
                        // The closing node sits at level depth - 1 (root = 0).
                        if (matched > 0 && matched == depth - 1)
                                matched--;
                        depth--;
                        break;
                case FDT_PROP:
                        if (depth == ncomp + 1 && matched == ncomp && strcmp(t.name, prop) == 0) {
                                *val = t.val;
                                *len = t.len;
                                return 0;
                        }
                        break;
                case FDT_END:
                        return -ENOENT;
                }
        }
}

// Reads a number of `cells` 32-bit cells (1 or 2).
static uint64_t read_cells(const uint8_t *p, uint32_t cells)
{
        return cells == 2 ? be64(p) : dtb_be32(p);
}

// Adds every (address, size) pair of a reg property to m as `type`.
static int add_reg(struct memmap *m, const struct tok *t, uint32_t ac, uint32_t sc, uint32_t type,
                   const char **err)
{
        uint32_t entry = 4 * (ac + sc);
        if (ac < 1 || ac > 2 || sc < 1 || sc > 2) {
                *err = "unsupported #address-cells/#size-cells (need 1 or 2)";
                return -EBADMSG;
        }
        if (t->len % entry) {
                *err = "reg property length is not a multiple of its entry size";
                return -EBADMSG;
        }
        for (uint32_t o = 0; o < t->len; o += entry) {
                uint64_t base = read_cells(t->val + o, ac);
                uint64_t size = read_cells(t->val + o + 4 * ac, sc);
                int r = memmap_add(m, base, size, type);
                if (r) {
                        *err = r == -ENOSPC ? "too many memory ranges"
                                            : "memory range wraps around the address space";
                        return r;
                }
        }
        return 0;
}

static uint64_t prop_u64(const struct tok *t)
{
        return t->len == 8 ? be64(t->val) : t->len == 4 ? dtb_be32(t->val) : 0;
}

int dtb_scan_boot(const struct dtb *d, struct memmap *m, struct dtb_boot *out, const char **err)
{
        uint32_t root_ac = 2, root_sc = 1, rsv_ac = 2, rsv_sc = 1;
        // What the node at depth 2 (a child of the root) is, and its child.
        enum { N_OTHER, N_MEMORY, N_RESERVED, N_CHOSEN } top = N_OTHER;
        int depth = 0, r;
        memset(out, 0, sizeof(*out));

        // The memory reservation block: (address, size) pairs ending with 0, 0.
        for (uint32_t o = d->off_rsvmap;; o += 16) {
                if (o > d->total - 16) {
                        *err = "memory reservation block is not terminated";
                        return -EBADMSG;
                }
                uint64_t a = be64(d->blob + o), s = be64(d->blob + o + 8);
                if (!a && !s)
                        break;
                if ((r = memmap_add(m, a, s, MEM_RESERVED))) {
                        *err = "bad memory reservation entry";
                        return r;
                }
        }

        uint32_t pos = 0;
        struct tok t;
        for (;;) {
                if ((r = next_tok(d, &pos, &t, err)))
                        return r;
                switch (t.type) {
                case FDT_BEGIN_NODE:
                        depth++;
                        if (depth > FDT_MAX_DEPTH) {
                                *err = "nodes nested too deeply";
                                return -EBADMSG;
                        }
                        if (depth == 2) {
                                if (name_match(t.name, "memory", 6))
                                        top = N_MEMORY;
                                else if (strcmp(t.name, "reserved-memory") == 0)
                                        top = N_RESERVED;
                                else if (strcmp(t.name, "chosen") == 0)
                                        top = N_CHOSEN;
                                else
                                        top = N_OTHER;
                        }
                        break;
                case FDT_END_NODE:
                        if (depth == 0) {
                                *err = "unbalanced FDT_END_NODE";
                                return -EBADMSG;
                        }
                        depth--;
                        break;
                case FDT_PROP:
                        if (depth == 1 && strcmp(t.name, "#address-cells") == 0 && t.len == 4)
                                root_ac = dtb_be32(t.val);
                        else if (depth == 1 && strcmp(t.name, "#size-cells") == 0 && t.len == 4)
                                root_sc = dtb_be32(t.val);
                        else if (depth == 2 && top == N_MEMORY && strcmp(t.name, "reg") == 0) {
                                if ((r = add_reg(m, &t, root_ac, root_sc, MEM_USABLE, err)))
                                        return r;
                        } else if (depth == 2 && top == N_RESERVED) {
                                if (strcmp(t.name, "#address-cells") == 0 && t.len == 4)
                                        rsv_ac = dtb_be32(t.val);
                                else if (strcmp(t.name, "#size-cells") == 0 && t.len == 4)
                                        rsv_sc = dtb_be32(t.val);
                        } else if (depth == 3 && top == N_RESERVED && strcmp(t.name, "reg") == 0) {
                                if ((r = add_reg(m, &t, rsv_ac, rsv_sc, MEM_RESERVED, err)))
                                        return r;
                        } else if (depth == 2 && top == N_CHOSEN) {
                                if (strcmp(t.name, "linux,initrd-start") == 0)
                                        out->initrd_start = prop_u64(&t);
                                else if (strcmp(t.name, "linux,initrd-end") == 0)
                                        out->initrd_end = prop_u64(&t);
                                else if (strcmp(t.name, "bootargs") == 0) {
                                        size_t n = MIN(t.len, sizeof(out->bootargs) - 1);
                                        memcpy(out->bootargs, t.val, n);
                                        out->bootargs[n] = '\0';
                                }
                        }
                        break;
                case FDT_END:
                        if (depth != 0) {
                                *err = "FDT_END inside a node";
                                return -EBADMSG;
                        }
                        if (out->initrd_end < out->initrd_start) {
                                *err = "/chosen initrd end lies before its start";
                                return -EBADMSG;
                        }
                        return 0;
                }
        }
}
