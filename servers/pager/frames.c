// SPDX-License-Identifier: MIT
// The pager's frames: a bump pointer over the ranges the kernel gave it, and
// a free list (the link lives in the free frame itself).
#include "pager.h"
#include <mk/errno.h>

static struct mk_physmem phys;
static uint32_t cur;       // range the bump pointer is in
static uint64_t bump;      // next never-used frame in it
static uint64_t free_head; // freed frames
static uint64_t nfree;

void *frame_ptr(uint64_t pa)
{
        return (void *)(phys.window + pa);
}

void frames_init(void)
{
        if (mk_info(MK_INFO_PHYS_WINDOW, &phys) < 0 || phys.nranges == 0) {
                mk_printf("pager: no physical memory\n");
                mk_shutdown(2);
        }
        bump = phys.r[0].base;
        for (uint32_t i = 0; i < phys.nranges; i++)
                nfree += phys.r[i].size / MK_PAGE_SIZE;
}

uint64_t frame_get(void)
{
        if (free_head) {
                uint64_t pa = free_head;
                free_head = *(uint64_t *)frame_ptr(pa);
                nfree--;
                return pa;
        }
        while (cur < phys.nranges) {
                if (bump < phys.r[cur].base + phys.r[cur].size) {
                        uint64_t pa = bump;
                        bump += MK_PAGE_SIZE;
                        nfree--;
                        return pa;
                }
                if (++cur < phys.nranges)
                        bump = phys.r[cur].base;
        }
        return 0;
}

void frame_put(uint64_t pa)
{
        *(uint64_t *)frame_ptr(pa) = free_head;
        free_head = pa;
        nfree++;
}

uint64_t frames_free(void)
{
        return nfree;
}

uint64_t frames_total(void)
{
        uint64_t n = 0;
        for (uint32_t i = 0; i < phys.nranges; i++)
                n += phys.r[i].size / MK_PAGE_SIZE;
        return n;
}

bool frame_ours(uint64_t pa)
{
        for (uint32_t i = 0; i < phys.nranges; i++)
                if (pa >= phys.r[i].base && pa - phys.r[i].base < phys.r[i].size)
                        return true;
        return false;
}

// Reference counts: how many shadow entries (of all processes) hold each
// frame. A two-level table by frame number: 512 leaves of 2048 counters.
#define REF_PER_LEAF 2048
#define REF_LEAVES   512
static uint16_t *ref_leaves[REF_LEAVES];

static uint16_t *ref_slot(uint64_t pa, bool alloc)
{
        uint64_t pfn = pa / MK_PAGE_SIZE;
        if (pfn / REF_PER_LEAF >= REF_LEAVES)
                return NULL;
        uint16_t **leaf = &ref_leaves[pfn / REF_PER_LEAF];
        if (!*leaf) {
                if (!alloc)
                        return NULL;
                uint64_t f = frame_get();
                if (!f)
                        return NULL;
                page_zero(frame_ptr(f));
                *leaf = frame_ptr(f);
        }
        return &(*leaf)[pfn % REF_PER_LEAF];
}

uint32_t frame_refs(uint64_t pa)
{
        uint16_t *r = ref_slot(pa, false);
        return r ? *r : 0;
}

int frame_ref(uint64_t pa)
{
        uint16_t *r = ref_slot(pa, true);
        if (!r || *r == UINT16_MAX)
                return -ENOMEM;
        (*r)++;
        return 0;
}

void frame_unref(uint64_t pa)
{
        uint16_t *r = ref_slot(pa, false);
        if (!r || *r == 0) {
                mk_printf("pager: unref of unreferenced frame 0x%llx\n", (unsigned long long)pa);
                return;
        }
        if (--*r == 0)
                frame_put(pa);
}

// Fixed-size objects (tree nodes, process records) carved from frames.
struct slab_free {
        struct slab_free *next;
};

void *slab_alloc(struct slab *sl)
{
        if (!sl->free) {
                uint64_t f = frame_get();
                if (!f)
                        return NULL;
                char *p = frame_ptr(f);
                for (size_t off = 0; off + sl->size <= MK_PAGE_SIZE; off += sl->size) {
                        struct slab_free *o = (struct slab_free *)(p + off);
                        o->next = sl->free;
                        sl->free = o;
                }
        }
        struct slab_free *o = sl->free;
        sl->free = o->next;
        memset(o, 0, sl->size);
        return o;
}

void slab_free(struct slab *sl, void *p)
{
        struct slab_free *o = p;
        o->next = sl->free;
        sl->free = o;
}

// Copies one page (copy-on-write and private file pages).
void page_copy(void *dst, const void *src)
{
#if defined(__x86_64__)
        uint64_t n = MK_PAGE_SIZE / 8;
        __asm__ volatile("rep movsq" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
#else
        uint64_t *d = dst;
        const uint64_t *s = src, *e = s + MK_PAGE_SIZE / 8;
        for (; s < e; s += 8, d += 8) {
                uint64_t a = s[0], b = s[1], c = s[2], x = s[3], y = s[4], z = s[5], u = s[6],
                         v = s[7];
                d[0] = a, d[1] = b, d[2] = c, d[3] = x, d[4] = y, d[5] = z, d[6] = u, d[7] = v;
        }
#endif
}

// Zeroes one page as fast as the arch allows (it is on the fault path).
void page_zero(void *p)
{
#if defined(__x86_64__)
        uint64_t n = MK_PAGE_SIZE / 8;
        __asm__ volatile("rep stosq" : "+D"(p), "+c"(n) : "a"(0ull) : "memory");
#elif defined(__aarch64__)
        // DC ZVA zeroes a block of 4 << DCZID_EL0.BS bytes (64 on QEMU's CPUs).
        uint64_t dczid;
        __asm__ volatile("mrs %0, dczid_el0" : "=r"(dczid));
        uint64_t block = 4ull << (dczid & 0xf);
        if (!(dczid & 0x10)) {
                for (char *c = p, *e = c + MK_PAGE_SIZE; c < e; c += block)
                        __asm__ volatile("dc zva, %0" : : "r"(c) : "memory");
                return;
        }
        memset(p, 0, MK_PAGE_SIZE);
#else
        uint64_t *w = p, *e = w + MK_PAGE_SIZE / 8;
        for (; w < e; w += 16) {
                w[0] = 0, w[1] = 0, w[2] = 0, w[3] = 0, w[4] = 0, w[5] = 0, w[6] = 0, w[7] = 0;
                w[8] = 0, w[9] = 0, w[10] = 0, w[11] = 0, w[12] = 0, w[13] = 0, w[14] = 0,
                w[15] = 0;
        }
#endif
}
