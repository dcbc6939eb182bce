// SPDX-License-Identifier: MIT
// The pager's frames: a bump pointer over the ranges the kernel gave it, and
// a stack of freed frame numbers. The stack and a bitmap of free frames live
// in frames taken for the pager itself at start, which no process ever gets:
// nothing about free frames is stored in the frames themselves, so a process
// still reaching a frame (a bug elsewhere) cannot corrupt the allocator, and
// a frame freed twice is caught instead of being handed out twice.
#include "pager.h"
#include <mk/errno.h>

static struct mk_physmem phys;
static uint32_t cur;         // range the bump pointer is in
static uint64_t bump;        // next never-used frame in it
static uint32_t *free_stack; // frame numbers of freed frames
static uint64_t nstack, stack_cap;
static uint64_t *free_bits; // one bit per frame number from pfn_lo: set while free
static uint64_t pfn_lo, pfn_span;
static uint64_t nfree;

void *frame_ptr(uint64_t pa)
{
        return (void *)(phys.window + pa);
}

uint64_t frame_pa(const void *ptr)
{
        return (uint64_t)ptr - phys.window;
}

// A never-used frame from the bump pointer, or 0.
static uint64_t bump_get(void)
{
        while (cur < phys.nranges) {
                if (bump < phys.r[cur].base + phys.r[cur].size) {
                        uint64_t pa = bump;
                        bump += MK_PAGE_SIZE;
                        return pa;
                }
                if (++cur < phys.nranges)
                        bump = phys.r[cur].base;
        }
        return 0;
}

// Zeroed bytes for the pager itself: frames in a row taken off the end of
// the first range large enough (they leave the allocatable ranges, so no
// process ever gets them); NULL if none is.
static void *private_alloc(uint64_t bytes);

void *frames_private(uint64_t bytes)
{
        return private_alloc(bytes);
}

static void *private_alloc(uint64_t bytes)
{
        uint64_t size = (bytes + MK_PAGE_SIZE - 1) & ~(MK_PAGE_SIZE - 1);
        for (uint32_t i = cur; i < phys.nranges; i++) {
                // (Not into the range the bump pointer is in past it.)
                if (phys.r[i].size <= size ||
                    (i == cur && bump > phys.r[i].base + phys.r[i].size - size))
                        continue;
                phys.r[i].size -= size;
                uint64_t pa = phys.r[i].base + phys.r[i].size;
                for (uint64_t o = 0; o < size; o += MK_PAGE_SIZE)
                        page_zero(frame_ptr(pa + o));
                nfree -= size / MK_PAGE_SIZE;
                return frame_ptr(pa);
        }
        return NULL;
}

static bool bit_test(uint64_t pa)
{
        uint64_t i = pa / MK_PAGE_SIZE - pfn_lo;
        return free_bits[i / 64] >> (i % 64) & 1;
}

static void bit_set(uint64_t pa, bool on)
{
        uint64_t i = pa / MK_PAGE_SIZE - pfn_lo;
        if (on)
                free_bits[i / 64] |= 1ull << (i % 64);
        else
                free_bits[i / 64] &= ~(1ull << (i % 64));
}

void frames_init(void)
{
        if (mk_info(MK_INFO_PHYS_WINDOW, &phys) < 0 || phys.nranges == 0) {
                mk_printf("pager: no physical memory\n");
                mk_shutdown(2);
        }
        uint64_t lo = UINT64_MAX, hi = 0;
        bump = phys.r[0].base;
        for (uint32_t i = 0; i < phys.nranges; i++) {
                nfree += phys.r[i].size / MK_PAGE_SIZE;
                if (phys.r[i].base < lo)
                        lo = phys.r[i].base;
                if (phys.r[i].base + phys.r[i].size > hi)
                        hi = phys.r[i].base + phys.r[i].size;
        }
        pfn_lo = lo / MK_PAGE_SIZE;
        pfn_span = (hi - lo) / MK_PAGE_SIZE;
        stack_cap = nfree;
        free_stack = private_alloc(stack_cap * sizeof(uint32_t));
        free_bits = private_alloc((pfn_span + 63) / 64 * 8);
        if (!free_stack || !free_bits || hi / MK_PAGE_SIZE > UINT32_MAX) {
                mk_printf("pager: cannot set up the frame allocator\n");
                mk_shutdown(2);
        }
}

uint64_t frame_get(void)
{
        uint64_t pa;
        if (nstack) {
                pa = (uint64_t)free_stack[--nstack] * MK_PAGE_SIZE;
                bit_set(pa, false);
        } else if (!(pa = bump_get())) {
                return 0;
        }
        nfree--;
        return pa;
}

// Whether pa is past the bump pointer (never handed out).
static bool never_used(uint64_t pa)
{
        for (uint32_t i = cur; i < phys.nranges; i++)
                if (pa >= (i == cur ? bump : phys.r[i].base) &&
                    pa < phys.r[i].base + phys.r[i].size)
                        return true;
        return false;
}

// Who each frame is charged to (a pager slot, 0: nobody): a two-level table
// by frame number, 4096 one-byte entries per leaf (leaves are pager frames).
#define OWN_PER_LEAF 4096
#define OWN_LEAVES   256
static uint8_t *own_leaves[OWN_LEAVES];
_Static_assert(MAX_PROCS <= 256, "frame owners are one byte");

static uint8_t *own_slot(uint64_t pa, bool alloc)
{
        uint64_t pfn = pa / MK_PAGE_SIZE;
        if (pfn / OWN_PER_LEAF >= OWN_LEAVES)
                return NULL;
        uint8_t **leaf = &own_leaves[pfn / OWN_PER_LEAF];
        if (!*leaf) {
                uint64_t f;
                if (!alloc || !(f = frame_get()))
                        return NULL;
                page_zero(frame_ptr(f));
                *leaf = frame_ptr(f);
        }
        return &(*leaf)[pfn % OWN_PER_LEAF];
}

uint32_t frame_owner(uint64_t pa)
{
        uint8_t *o = own_slot(pa, false);
        return o ? *o : 0;
}

// Frees what the frame was charged to: its slot's count and its tree's.
static void frame_uncharge(uint64_t pa)
{
        uint8_t *o = own_slot(pa, false);
        if (!o || !*o)
                return;
        uint32_t i = *o;
        *o = 0;
        acct_charge(acct, i, -1);
        if (!acct[i].live)
                node_gc(i);
}

uint64_t frame_owner_move(uint32_t from, uint32_t to)
{
        uint64_t moved = 0;
        for (uint32_t l = 0; l < OWN_LEAVES && acct[from].frames; l++) {
                if (!own_leaves[l])
                        continue;
                for (uint32_t k = 0; k < OWN_PER_LEAF; k++)
                        if (own_leaves[l][k] == from) {
                                own_leaves[l][k] = (uint8_t)to;
                                acct_charge(acct, from, -1);
                                acct_charge(acct, to, 1);
                                moved++;
                        }
        }
        return moved;
}

// Ends an out-of-memory victim so that `p` can have a frame; false if the
// victim would be p itself (or the process being served) or there is none.
static bool make_room(struct pproc *p, uint32_t root)
{
        uint32_t v = acct_victim(acct, MAX_PROCS, root);
        if (!v || !procs[v].used || (p && v == p->idx) || (serving && v == serving->idx))
                return false;
        return oom_kill(&procs[v]);
}

// frame_alloc's slow path: p's tree is at a limit, or the pool is empty.
static __attribute__((noinline)) uint64_t frame_alloc_slow(struct pproc *p)
{
        for (int tries = 0; tries < 16; tries++) {
                uint32_t lim = p ? acct_limit_hit(acct, p->idx, 1) : 0;
                if (lim) {
                        // Its tree is at its limit: the largest process of that
                        // tree makes room, unless that is p itself.
                        if (!make_room(p, lim))
                                return 0;
                        continue;
                }
                uint64_t pa = frame_get();
                if (pa) {
                        uint8_t *o = p ? own_slot(pa, true) : NULL;
                        if (o) {
                                *o = (uint8_t)p->idx;
                                acct_charge(acct, p->idx, 1);
                        }
                        return pa;
                }
                if (!make_room(p, 0))
                        return 0;
        }
        return 0;
}

uint64_t frame_alloc_try(struct pproc *p)
{
        if (acct_take(acct, p->idx))
                return 0; // p's tree is at a limit: making room ends a process
        uint64_t pa = frame_get();
        uint8_t *o = pa ? own_slot(pa, true) : NULL;
        if (o) {
                *o = (uint8_t)p->idx;
                return pa;
        }
        acct_charge(acct, p->idx, -1);
        if (pa)
                frame_put(pa); // (uncharged: it has no owner entry)
        return 0;
}

uint64_t frame_alloc(struct pproc *p)
{
        // The fast path (every fault that maps a new frame): one walk checks
        // and charges p's tree, and the pool has a frame.
        if (p && !acct_take(acct, p->idx)) {
                uint64_t pa = frame_get();
                if (pa) {
                        uint8_t *o = own_slot(pa, true);
                        if (o)
                                *o = (uint8_t)p->idx;
                        else
                                acct_charge(acct, p->idx, -1);
                        return pa;
                }
                acct_charge(acct, p->idx, -1);
        }
        return frame_alloc_slow(p);
}

void frame_put(uint64_t pa)
{
        if (!frame_ours(pa) || pa & (MK_PAGE_SIZE - 1) || bit_test(pa) || nstack == stack_cap ||
            never_used(pa)) {
                mk_printf("pager: bad or double free of frame 0x%llx (ignored)\n",
                          (unsigned long long)pa);
                return;
        }
        frame_uncharge(pa);
        bit_set(pa, true);
        free_stack[nstack++] = (uint32_t)(pa / MK_PAGE_SIZE);
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
