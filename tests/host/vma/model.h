// SPDX-License-Identifier: MIT
// The reference model for test_vma.c's randomized test (included there: one
// translation unit, since harness.h keeps its state in statics). The model is
// an array of pages, each with the attributes of the region holding it; it
// knows nothing of trees, nodes, splitting or joining descriptions. Regions
// are the maximal runs of pages that belong together (same_run). After every
// random operation the tree must answer as the model does and hold exactly
// the model's runs.
#define MODEL_PAGES 256
#define MODEL_OPS   5000

struct mpage {
        bool present;
        uint8_t kind, backing;
        uint32_t prot;
        uint64_t inode, image_size, guard, limit;
        const char *name;
        const uint8_t *image;
        uint64_t id;   // never-merging kinds: pages of one region share it
        uint64_t fpos; // file backings: file position of the page's first byte
        uint64_t fend; // BK_IMAGE: file position where the region's bytes end
};

static struct mpage m[MODEL_PAGES];
static uint64_t next_id;
static char name_copy[] = "lib";
static const char *const names[] = {NULL, "lib", name_copy, "other"};

static uint64_t rnd(uint64_t n)
{
        return h_rand() % n;
}

static bool str_eq(const char *a, const char *b)
{
        return a == b || (a && b && !strcmp(a, b));
}

static bool never_merges(unsigned kind)
{
        return kind == RK_STACK || kind == RK_HEAP || kind == RK_GUARD || kind == RK_EXTERNAL;
}

// File bytes in page p (BK_IMAGE).
static uint64_t nbytes(const struct mpage *p)
{
        return p->fend <= p->fpos ? 0 : p->fend - p->fpos > PG ? PG : p->fend - p->fpos;
}

// Whether pages i and i + 1 are one region.
static bool same_run(size_t i)
{
        const struct mpage *a = &m[i], *b = &m[i + 1];
        if (!a->present || !b->present || a->kind != b->kind || a->backing != b->backing ||
            a->prot != b->prot || a->inode != b->inode || !str_eq(a->name, b->name) ||
            a->image != b->image || a->image_size != b->image_size || a->guard != b->guard ||
            a->limit != b->limit)
                return false;
        if (never_merges(a->kind))
                return a->id == b->id;
        if (a->backing == BK_NONE)
                return true;
        if (b->fpos != a->fpos + PG)
                return false;
        return a->backing == BK_VFS || nbytes(a) == PG || nbytes(b) == 0;
}

// The run holding page i: [*lo, *hi).
static void run_of(size_t i, size_t *lo, size_t *hi)
{
        *lo = *hi = i;
        while (*lo > 0 && same_run(*lo - 1))
                (*lo)--;
        while (*hi + 1 < MODEL_PAGES && same_run(*hi))
                (*hi)++;
        (*hi)++;
}

static size_t pg(uint64_t va)
{
        return (va - P(0)) / PG;
}

static bool model_range_ok(uint64_t s, uint64_t e)
{
        return s < e && !((s | e) & (PG - 1)) && s >= P(0) && e <= P(MODEL_PAGES);
}

// A region boundary appears between pages b - 1 and b: the lower part's
// bytes stop at b, the upper part of a never-merging region is a new one.
static void model_cut(size_t b)
{
        if (b == 0 || b >= MODEL_PAGES || !same_run(b - 1))
                return;
        size_t lo, hi;
        run_of(b, &lo, &hi);
        for (size_t i = lo; i < b; i++)
                if (m[i].fend > m[b].fpos)
                        m[i].fend = m[b].fpos;
        if (never_merges(m[b].kind)) {
                next_id++;
                for (size_t i = b; i < hi; i++)
                        m[i].id = next_id;
        }
}

// Whether the guard gap below a region like page p keeps out one like page q
// (pieces of one stack may lie in each other's).
static bool keeps_out(const struct mpage *p, const struct mpage *q)
{
        return !(p->kind == RK_STACK && q->kind == RK_STACK && p->guard == q->guard);
}

static int model_insert(const struct region_desc *d)
{
        if (!model_range_ok(d->start, d->end))
                return -EINVAL;
        size_t s = pg(d->start), e = pg(d->end), i, j;
        for (i = s; i < e; i++)
                if (m[i].present)
                        return -EEXIST;
        for (j = e; j < MODEL_PAGES && !m[j].present; j++)
                ;
        struct mpage like = {.kind = d->kind, .guard = d->guard_below};
        if (j < MODEL_PAGES && keeps_out(&m[j], &like) && d->end + m[j].guard > P(j))
                return -EEXIST;
        for (i = s; i > 0 && !m[i - 1].present; i--)
                ;
        if (i > 0 && keeps_out(&like, &m[i - 1]) && d->start < P(i) + d->guard_below)
                return -EEXIST;
        next_id++;
        for (i = s; i < e; i++)
                m[i] = (struct mpage){.present = true,
                                      .kind = d->kind,
                                      .backing = d->backing,
                                      .prot = d->prot,
                                      .inode = d->inode,
                                      .image_size = d->image_size,
                                      .guard = d->guard_below,
                                      .limit = d->limit,
                                      .name = d->name,
                                      .image = d->image,
                                      .id = next_id,
                                      .fpos = d->file_off + (i - s) * PG,
                                      .fend = d->file_off + d->file_size};
        return 0;
}

static int model_remove(uint64_t s, uint64_t e)
{
        if (!model_range_ok(s, e))
                return -EINVAL;
        model_cut(pg(s));
        model_cut(pg(e));
        for (size_t i = pg(s); i < pg(e); i++)
                m[i] = (struct mpage){0};
        return 0;
}

static int model_protect(uint64_t s, uint64_t e, uint32_t prot)
{
        if (!model_range_ok(s, e))
                return -EINVAL;
        size_t a = pg(s), b = pg(e);
        for (size_t i = a; i < b; i++)
                if (!m[i].present)
                        return -ENOMEM;
        if (m[a].prot != prot)
                model_cut(a);
        if (m[b - 1].prot != prot)
                model_cut(b);
        for (size_t i = a; i < b; i++)
                m[i].prot = prot;
        return 0;
}

// Grows the region holding page i to [ns, ne).
static int model_expand(size_t i, uint64_t ns, uint64_t ne)
{
        size_t lo, hi, j;
        run_of(i, &lo, &hi);
        const struct mpage *p = &m[lo];
        if (((ns | ne) & (PG - 1)) || ns > P(lo) || ne < P(hi) || ns < P(0) ||
            ne > P(MODEL_PAGES) || (ns < P(lo) && p->backing != BK_NONE))
                return -EINVAL;
        if ((p->kind == RK_STACK && p->limit && ns < p->limit) ||
            (p->kind == RK_HEAP && p->limit && ne > p->limit))
                return -ENOMEM;
        if (ns < P(lo)) {
                for (j = lo; j > 0 && !m[j - 1].present; j--)
                        ;
                if (j > 0 && (ns < P(j) || (keeps_out(p, &m[j - 1]) && ns < P(j) + p->guard)))
                        return -EEXIST;
        }
        if (ne > P(hi)) {
                for (j = hi; j < MODEL_PAGES && !m[j].present; j++)
                        ;
                if (j < MODEL_PAGES &&
                    (ne > P(j) || (keeps_out(&m[j], p) && ne + m[j].guard > P(j))))
                        return -EEXIST;
        }
        struct mpage below = m[lo], above = m[hi - 1];
        for (j = pg(ns); j < lo; j++)
                m[j] = below;
        for (j = hi; j < pg(ne); j++) {
                m[j] = above;
                m[j].fpos = above.fpos + (j - (hi - 1)) * PG;
        }
        return 0;
}

static int model_find_free(uint64_t len, uint64_t align, uint64_t lo, uint64_t hi, uint64_t *addr)
{
        if (!len || (len & (PG - 1)) || align < PG || (align & (align - 1)))
                return -EINVAL;
        lo = lo > P(0) ? lo : P(0);
        hi = hi < P(MODEL_PAGES) ? hi : P(MODEL_PAGES);
        if (hi <= lo || hi - lo < len)
                return -ENOMEM;
        bool taken[MODEL_PAGES];
        for (size_t i = 0; i < MODEL_PAGES; i++)
                taken[i] = m[i].present;
        for (size_t i = 0; i < MODEL_PAGES; i++)
                if (m[i].present && (i == 0 || !same_run(i - 1)))
                        for (uint64_t g = 1; g <= m[i].guard / PG && g <= i; g++)
                                taken[i - g] = true;
        // The highest run of free pages in [lo, hi) with room for len at any
        // alignment, len + align - PG bytes (vma.h's rule), holds the answer.
        for (size_t e = pg(hi); e > pg(lo);) {
                if (taken[e - 1]) {
                        e--;
                        continue;
                }
                size_t s = e;
                while (s > pg(lo) && !taken[s - 1])
                        s--;
                if ((e - s) * PG >= len + align - PG) {
                        *addr = (P(e) - len) & ~(align - 1);
                        return 0;
                }
                e = s;
        }
        return -ENOMEM;
}

// Whether the tree holds exactly the model's regions; the reason if not.
static const char *compare(void)
{
        if (vma_check(&t))
                return "vma_check";
        static struct mpage tp[MODEL_PAGES];
        static size_t node_of[MODEL_PAGES];
        memset(tp, 0, sizeof(tp));
        memset(node_of, 0, sizeof(node_of));
        size_t n = 0;
        for (struct vma *v = vma_first(&t); v; v = vma_next(v)) {
                n++;
                const struct region_desc *d = &v->d;
                for (size_t i = pg(d->start); i < pg(d->end); i++) {
                        tp[i] = (struct mpage){.present = true,
                                               .kind = d->kind,
                                               .backing = d->backing,
                                               .prot = d->prot,
                                               .inode = d->inode,
                                               .image_size = d->image_size,
                                               .guard = d->guard_below,
                                               .limit = d->limit,
                                               .name = d->name,
                                               .image = d->image,
                                               .fpos = d->file_off + P(i) - d->start - d->data_off,
                                               .fend = d->file_off + d->file_size};
                        node_of[i] = n;
                }
        }
        for (size_t i = 0; i < MODEL_PAGES; i++) {
                const struct mpage *a = &tp[i], *b = &m[i];
                if (a->present != b->present)
                        return "page presence";
                if (!a->present)
                        continue;
                if (a->kind != b->kind || a->backing != b->backing || a->prot != b->prot ||
                    a->inode != b->inode || !str_eq(a->name, b->name) || a->image != b->image ||
                    a->image_size != b->image_size || a->guard != b->guard || a->limit != b->limit)
                        return "page attributes";
                if (a->backing != BK_NONE && a->fpos != b->fpos)
                        return "file position";
                if (a->backing == BK_IMAGE && nbytes(a) != nbytes(b))
                        return "file bytes in page";
                if (i + 1 < MODEL_PAGES && (node_of[i] == node_of[i + 1]) != same_run(i))
                        return "region boundary";
        }
        return NULL;
}

// A random region: any kind, mostly valid and placed anywhere.
static struct region_desc random_desc(void)
{
        static const uint32_t prots[] = {PROT_R, PROT_RW, PROT_RX};
        uint64_t s = rnd(MODEL_PAGES), len = 1 + rnd(8);
        struct region_desc d = {.start = P(s), .end = P(s + len), .prot = prots[rnd(3)]};
        if (rnd(50) == 0)
                d.start += 8; // unaligned
        d.name = names[rnd(4)];
        uint64_t fpos = rnd(4) ? s * PG : rnd(64) * PG; // mostly in step with addresses
        switch (rnd(8)) {
        case 0:
        case 1:
                d.kind = RK_ANON_PRIVATE;
                break;
        case 2:
                d.kind = RK_ANON_SHARED;
                break;
        case 3:
                d.kind = RK_FILE_PRIVATE, d.backing = BK_VFS, d.inode = 1 + rnd(2);
                d.file_off = fpos;
                break;
        case 4:
                d.kind = RK_TEXT, d.backing = BK_IMAGE, d.image = image_a + rnd(2);
                d.image_size = sizeof(image_a) - (d.image - image_a);
                d.file_off = fpos;
                switch (rnd(4)) { // all bytes, a zeroed tail, more than fit, none
                case 0:
                        d.file_size = len * PG;
                        break;
                case 1:
                        d.file_size = rnd(len * PG);
                        break;
                case 2:
                        d.file_size = (len + 1 + rnd(3)) * PG;
                        break;
                default:
                        d.file_size = 0;
                        break;
                }
                break;
        case 5:
                d.kind = RK_STACK, d.prot = PROT_RW, d.guard_below = rnd(6) * PG;
                d.limit = rnd(2) ? P(s - (s < 20 ? s : rnd(20))) : 0;
                break;
        case 6:
                d.kind = RK_HEAP, d.prot = PROT_RW;
                d.limit = rnd(2) ? P(s + len + rnd(20)) : 0;
                break;
        default:
                d.kind = RK_GUARD, d.prot = 0;
                break;
        }
        return d;
}

// A region right above or below the one holding page i, like it, so that
// the two may merge.
static struct region_desc clone_desc(size_t i)
{
        struct region_desc d = vma_find(&t, P(i))->d;
        uint64_t len = (1 + rnd(6)) * PG;
        if (rnd(2)) {
                d.file_off += d.end - d.start - d.data_off;
                d.start = d.end, d.end += len;
        } else {
                d.file_off = d.file_off >= len ? d.file_off - len : 0;
                d.end = d.start, d.start -= len;
        }
        d.data_off = 0;
        d.file_size = rnd(3) ? len : rnd(len);
        return d;
}

// A random page that is present, or MODEL_PAGES if none.
static size_t random_present(void)
{
        size_t i = rnd(MODEL_PAGES);
        for (size_t k = 0; k < MODEL_PAGES; k++, i = (i + 1) % MODEL_PAGES)
                if (m[i].present)
                        return i;
        return MODEL_PAGES;
}

// One random operation on both; the reason if they disagree.
static const char *random_step(void)
{
        uint64_t s = P(rnd(MODEL_PAGES)), e = s + (1 + rnd(rnd(4) ? 12 : 200)) * PG;
        if (rnd(40) == 0)
                e -= 16; // unaligned
        size_t i = random_present();
        unsigned op = rnd(100);
        if (op < 35) {
                struct region_desc d = i < MODEL_PAGES && rnd(2) ? clone_desc(i) : random_desc();
                struct vma *out = NULL;
                int rc = vma_insert(&t, &d, &out);
                if (rc != model_insert(&d))
                        return "insert result";
                if (!rc && (out->d.start > d.start || out->d.end < d.end))
                        return "insert out";
        } else if (op < 50) {
                if (vma_remove_range(&t, s, e, NULL, NULL) != model_remove(s, e))
                        return "remove result";
        } else if (op < 70) {
                static const uint32_t prots[] = {PROT_R, PROT_RW, PROT_RX, 0};
                uint32_t prot = prots[rnd(4)];
                if (i < MODEL_PAGES && rnd(4)) { // mostly a covered range
                        s = P(i - (i < 2 ? i : rnd(3)));
                        e = P(i + 1 + rnd(6));
                }
                if (vma_protect_range(&t, s, e, prot, NULL, NULL) != model_protect(s, e, prot))
                        return "protect result";
        } else if (op < 80) {
                if (i == MODEL_PAGES)
                        return NULL;
                struct vma *v = vma_find(&t, P(i));
                uint64_t ns = v->d.start, ne = v->d.end;
                if (rnd(2))
                        ns -= (ns - P(0) < 8 * PG ? (ns - P(0)) / PG : rnd(8)) * PG;
                else
                        ne += rnd(8) * PG;
                if (rnd(30) == 0)
                        ne -= PG; // shrinking
                if (vma_expand(&t, v, ns, ne) != model_expand(i, ns, ne))
                        return "expand result";
        } else if (op < 90) {
                uint64_t a = s + rnd(PG);
                struct vma *v = vma_find(&t, a), *above = vma_find_above(&t, a);
                size_t k = pg(a), lo, hi;
                if (!v != !m[k].present)
                        return "find";
                if (v) {
                        run_of(k, &lo, &hi);
                        if (v->d.start != P(lo) || v->d.end != P(hi) || above != v)
                                return "find range";
                } else {
                        while (k < MODEL_PAGES && !m[k].present)
                                k++;
                        if (!above != (k == MODEL_PAGES) || (above && above->d.start != P(k)))
                                return "find_above";
                }
        } else {
                uint64_t len = (1 + rnd(12)) * PG, align = PG << rnd(5);
                uint64_t lo = rnd(3) ? 0 : s, hi = rnd(3) ? ~0ull : e, a = 0, b = 0;
                int rc = vma_find_free(&t, len, align, lo, hi, &a);
                if (rc != model_find_free(len, align, lo, hi, &b) || (!rc && a != b))
                        return "find_free";
        }
        return compare();
}

static void random_ops(void)
{
        static const unsigned long long seeds[] = {1, 2, 3, 4, 0x5eed, 0xdecafbad};
        for (unsigned k = 0; k < sizeof(seeds) / sizeof(seeds[0]); k++) {
                setup();
                vma_tree_init(&t, P(0), P(MODEL_PAGES), node_alloc, node_free, NULL);
                memset(m, 0, sizeof(m));
                h_rng = seeds[k];
                for (int op = 0; op < MODEL_OPS; op++) {
                        const char *why = random_step();
                        if (why)
                                printf("# seed %llu op %d: %s\n", seeds[k], op, why);
                        EXPECT(!why);
                }
                done();
                EXPECT_EQ(live_nodes, 0);
        }
}
