// SPDX-License-Identifier: MIT
// xtest_compress: the compress pager's workload. It starts the pager, attaches
// WORK_PAGES pages (8 times the pager's budget) and, in several passes,
// writes and verifies all of it: pages of records and of text (they
// compress), of random bytes (they do not), mostly-zero pages, and pages it
// only reads (zero). Every word read is checked against what was written
// last. Then it checks the pager's statistics: it evicted dirty pages, kept
// some compressed and some raw, restored them, and the compressed store is
// smaller than what it holds. Prints `example ok compress` or
// `example not ok compress: WHY`.
#include "compress.h"

#define WORK_FACTOR 8
#define WORK_PAGES  (WORK_FACTOR * COMPRESS_BUDGET)
#define WORDS       (MK_PAGE_SIZE / sizeof(uint64_t))
#define KINDS       5 // page kinds, by page number: see page_word
#define RANDOM_OPS  600
#define GOLDEN      0x9e3779b97f4a7c15ull

static uint64_t base;
static uint32_t version[WORK_PAGES]; // what was written last in each page (0: never)
static int failures;

static uint64_t mix(uint64_t x)
{
        x ^= x >> 31;
        x *= 0xbf58476d1ce4e5b9ull;
        x ^= x >> 29;
        return x;
}

// Word k of page p as version v wrote it. Kinds: 0 records (one counter in
// eight words), 1 text (words of a small vocabulary), 2 random (does not
// compress), 3 mostly zero (one word set, or none), 4 never written (zero).
static uint64_t page_word(uint64_t p, uint32_t v, uint64_t k)
{
        static const uint64_t vocab[8] = {0x2065676170206568ull, 0x2074756c61662061ull,
                                          0x20656d6172662061ull, 0x2072656761702061ull,
                                          0x2074636976652061ull, 0x206e6f6967657220ull,
                                          0x20706d61206f7420ull, 0x2073736572706d6full};
        if (v == 0)
                return 0;
        uint64_t seed = p * GOLDEN + v;
        switch (p % KINDS) {
        case 0:
                return k % 8 == 0 ? seed + k : 0x1111111111111111ull * (v & 0xf);
        case 1:
                return vocab[mix(seed + k / 3) % 8];
        case 2:
                return mix(seed ^ (k * GOLDEN));
        case 3: // odd versions set one word, even ones write the page all zero
                return v % 2 && k == p % WORDS ? seed : 0;
        default:
                return 0;
        }
}

static volatile uint64_t *page_at(uint64_t p)
{
        return (volatile uint64_t *)(base + p * MK_PAGE_SIZE);
}

static void page_write(uint64_t p, uint32_t v)
{
        if (p % KINDS == 4)
                return; // read-only kind: stays zero
        volatile uint64_t *w = page_at(p);
        for (uint64_t k = 0; k < WORDS; k++)
                w[k] = page_word(p, v, k);
        version[p] = v;
}

static void page_check(uint64_t p, const char *pass)
{
        volatile uint64_t *w = page_at(p);
        for (uint64_t k = 0; k < WORDS; k++) {
                uint64_t want = page_word(p, version[p], k);
                if (w[k] != want) {
                        if (failures++ < 4)
                                mk_printf("xtest_compress: %s: page %llu word %llu is 0x%llx, "
                                          "expected 0x%llx\n",
                                          pass, (unsigned long long)p, (unsigned long long)k,
                                          (unsigned long long)w[k], (unsigned long long)want);
                        return;
                }
        }
}

static uint64_t rng = 0x123456789abcdefull;
static uint64_t next_random(void)
{
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        return rng;
}

static void workload(void)
{
        // 1: write everything in order; 2: check in order.
        for (uint64_t p = 0; p < WORK_PAGES; p++)
                page_write(p, 1);
        for (uint64_t p = 0; p < WORK_PAGES; p++)
                page_check(p, "pass 2");
        // 3: rewrite every other page, check all backwards.
        for (uint64_t p = 1; p < WORK_PAGES; p += 2)
                page_write(p, 2);
        for (uint64_t p = WORK_PAGES; p-- > 0;)
                page_check(p, "pass 3");
        // 4: random reads and writes, a small hot set among them.
        for (int i = 0; i < RANDOM_OPS; i++) {
                uint64_t x = next_random();
                uint64_t p = (i % 3 == 0) ? x % (COMPRESS_BUDGET / 2) : x % WORK_PAGES;
                if (x & (1ull << 40))
                        page_write(p, 3 + (uint32_t)i);
                else
                        page_check(p, "pass 4");
        }
        // 5: everything once more.
        for (uint64_t p = 0; p < WORK_PAGES; p++)
                page_check(p, "pass 5");
}

// What the pager's statistics must show; NULL when they do.
static const char *stats_check(const struct compress_stats *s)
{
        if (s->evict_dirty == 0)
                return "no dirty page was evicted";
        if (s->evict_clean == 0)
                return "no clean page was evicted";
        if (s->restores == 0)
                return "no page was restored";
        if (s->kept_lz == 0 || s->kept_raw == 0 || s->kept_zero == 0)
                return "not every kind of copy (zero, lz, raw) was made";
        if (s->bytes_out >= s->bytes_in)
                return "the copies are not smaller than the pages";
        if (s->lost)
                return "pages were lost";
        return NULL;
}

int main(int argc, char **argv, char **envp)
{
        long ep, proc;
        uint32_t id;
        struct mk_exit_info info;
        static struct mk_msg m;
        uint64_t lib[6];
        int r = mkp_spawn_pager("compress", &ep, &proc);
        if (r == 0)
                r = mkp_attach(ep, proc, WORK_PAGES * MK_PAGE_SIZE, &base, &id);
        if (r) {
                mk_printf("example not ok compress: cannot start or attach the pager (%d)\n", r);
                return 1;
        }
        workload();
        m.tag = COMPRESS_REQ_STATS;
        long sr = mk_call(ep, &m);
        struct compress_stats s;
        memcpy(&s, m.buf, sizeof(s));
        const char *why = failures ? "the data read back differs from what was written"
                          : sr < 0 || (long)m.w[0] < 0 || m.len != sizeof(s)
                              ? "no statistics from the pager"
                              : stats_check(&s);
        if (!why && (mkp_stats(ep, lib) < 0 || lib[3] != s.evict_dirty + s.evict_clean))
                why = "the library's eviction count differs from the pager's";
        mk_printf("xtest_compress: %u pages through %u frames: %llu faults, %llu evictions "
                  "(%llu dirty), %llu restores, %llu KiB compressed to %llu KiB\n",
                  WORK_PAGES, COMPRESS_BUDGET, (unsigned long long)s.faults,
                  (unsigned long long)(s.evict_dirty + s.evict_clean),
                  (unsigned long long)s.evict_dirty, (unsigned long long)s.restores,
                  (unsigned long long)(s.bytes_in >> 10), (unsigned long long)(s.bytes_out >> 10));
        if (!why &&
            (mkp_detach(ep, base, id) || mkp_shutdown(ep) < 0 || mk_proc_wait(proc, &info, 0) < 0 ||
             info.reason != MK_REASON_EXIT || info.status != 0))
                why = "the pager did not detach and end cleanly";
        if (why) {
                mk_printf("example not ok compress: %s\n", why);
                return 1;
        }
        mk_printf("example ok compress\n");
        return 0;
}
