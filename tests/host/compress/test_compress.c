// SPDX-License-Identifier: MIT
// Host tests of the compress pager's compressor (lz.c), page codec
// (pagecodec.c) and store allocator (store.c): round trips of compressible,
// incompressible, random and edge-sized data, malformed input, and the
// allocator against a model.
#include "harness.h"
#include "lz.h"
#include "pagecodec.h"
#include "store.h"
#include <stdint.h>

#define BIG (200u * 1024) // longer than the 64 KiB window

static struct lz_work work;
static uint8_t src[BIG], comp[BIG + BIG / 255 + 64], out[BIG + 64];

// Compresses n bytes of src into the worst-case room, decompresses, and
// checks the round trip; returns the compressed size (0 on failure).
static size_t round_trip(size_t n)
{
        size_t c = lz_compress(&work, src, n, comp, lz_bound(n));
        if (c == 0 || c > lz_bound(n))
                return 0;
        memset(out, 0xee, sizeof(out));
        long d = lz_decompress(comp, c, out, n);
        if (d != (long)n || memcmp(src, out, n) != 0)
                return 0;
        return c;
}

static void fill_random(uint8_t *p, size_t n)
{
        for (size_t i = 0; i < n; i++)
                p[i] = (uint8_t)h_rand();
}

// Text-like data: words from a small vocabulary.
static void fill_words(uint8_t *p, size_t n)
{
        static const char *const words[] = {"page ", "fault ", "frame ", "pager ",
                                            "the ",  "evict ", "map ",   "region "};
        size_t i = 0;
        while (i < n) {
                const char *w = words[h_rand() % 8];
                for (size_t k = 0; w[k] && i < n; k++)
                        p[i++] = (uint8_t)w[k];
        }
}

static void zero_page(void)
{
        memset(src, 0, PAGE_BYTES);
        size_t c = round_trip(PAGE_BYTES);
        EXPECT(c != 0);
        EXPECT(c < 32); // a run: one literal, one long overlapping match
}

static void fill_byte(void)
{
        memset(src, 0xa5, PAGE_BYTES);
        size_t c = round_trip(PAGE_BYTES);
        EXPECT(c != 0 && c < 32);
}

static void records(void)
{
        // 64-byte records differing in one counter: typical heap data.
        for (size_t i = 0; i < PAGE_BYTES; i += 8) {
                uint64_t v = (i % 64 == 0) ? i / 64 : 0x1122334455667788ull;
                memcpy(src + i, &v, 8);
        }
        size_t c = round_trip(PAGE_BYTES);
        EXPECT(c != 0 && c < PAGE_BYTES / 4);
}

static void words(void)
{
        fill_words(src, PAGE_BYTES);
        size_t c = round_trip(PAGE_BYTES);
        EXPECT(c != 0 && c < PAGE_BYTES * 3 / 4);
}

static void random_data(void)
{
        for (int k = 0; k < 50; k++) {
                size_t n = 1 + h_rand() % (3 * PAGE_BYTES);
                fill_random(src, n);
                size_t c = round_trip(n);
                EXPECT(c != 0);
                EXPECT(c >= n); // nothing to find in random bytes
        }
}

static void incompressible_does_not_fit(void)
{
        fill_random(src, PAGE_BYTES);
        EXPECT_EQ(lz_compress(&work, src, PAGE_BYTES, comp, PAGE_BYTES - 1), 0);
        EXPECT_EQ(lz_compress(&work, src, PAGE_BYTES, comp, 0), 0);
}

static void edge_sizes(void)
{
        static const size_t sizes[] = {
            0,   1,   2,   3,   4,   5,   11,  12,  13,   14,   15,   16,   17,    19,    20,   254,
            255, 256, 269, 270, 271, 510, 511, 512, 4095, 4096, 4097, 8191, 65535, 65536, 65537};
        for (unsigned s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
                size_t n = sizes[s];
                for (int kind = 0; kind < 3; kind++) {
                        if (kind == 0)
                                memset(src, 0, n);
                        else if (kind == 1)
                                fill_random(src, n);
                        else
                                fill_words(src, n);
                        if (!round_trip(n)) {
                                printf("# size %zu kind %d\n", n, kind);
                                EXPECT(0);
                        }
                }
        }
}

static void long_lengths(void)
{
        // Literal and match lengths far past the nibble: 300 random bytes,
        // then 5,000 zeros, then 600 random bytes, repeated.
        size_t n = 0;
        while (n + 5900 <= 60000) {
                fill_random(src + n, 300);
                memset(src + n + 300, 0, 5000);
                fill_random(src + n + 5300, 600);
                n += 5900;
        }
        EXPECT(round_trip(n) != 0);
}

static void far_matches(void)
{
        // A 70,000-byte random block repeated: its copy lies beyond the
        // 64 KiB window, and must still round-trip (as literals).
        fill_random(src, 70000);
        memcpy(src + 70000, src, 70000);
        EXPECT(round_trip(140000) != 0);
        // A 3,000-byte random block repeated 20 times: every copy after the
        // first is found (the hash table remembers the last 3,000 positions).
        fill_random(src, 3000);
        for (int k = 1; k < 20; k++)
                memcpy(src + k * 3000, src, 3000);
        size_t c = round_trip(60000);
        EXPECT(c != 0 && c < 4000);
}

static void random_mixes(void)
{
        for (int k = 0; k < 300; k++) {
                size_t n = h_rand() % (2 * PAGE_BYTES + 1), i = 0;
                while (i < n) {
                        size_t run = 1 + h_rand() % 64;
                        if (run > n - i)
                                run = n - i;
                        switch (h_rand() % 4) {
                        case 0:
                                fill_random(src + i, run);
                                break;
                        case 1:
                                memset(src + i, (int)(h_rand() & 3), run);
                                break;
                        case 2: // copy from earlier: a match
                                if (i >= run) {
                                        memmove(src + i, src + h_rand() % (i - run + 1), run);
                                        break;
                                }
                                // fall through
                        default:
                                fill_words(src + i, run);
                        }
                        i += run;
                }
                if (!round_trip(n)) {
                        printf("# mix %d size %zu\n", k, n);
                        EXPECT(0);
                }
        }
}

static void output_too_small(void)
{
        fill_words(src, PAGE_BYTES);
        size_t c = lz_compress(&work, src, PAGE_BYTES, comp, lz_bound(PAGE_BYTES));
        EXPECT(c != 0);
        EXPECT_EQ(lz_decompress(comp, c, out, PAGE_BYTES - 1), -1);
        // Every shorter output room fails cleanly, never a partial success.
        for (size_t cap = 0; cap < c; cap++)
                EXPECT_EQ(lz_compress(&work, src, PAGE_BYTES, comp, cap), 0);
}

static void malformed(void)
{
        // Truncations of a valid stream, and random garbage: never a crash
        // (ASan watches), never more than the room given.
        fill_words(src, PAGE_BYTES);
        size_t c = lz_compress(&work, src, PAGE_BYTES, comp, lz_bound(PAGE_BYTES));
        EXPECT(c != 0);
        for (size_t t = 0; t < c; t++) {
                long d = lz_decompress(comp, t, out, PAGE_BYTES);
                EXPECT(d < (long)PAGE_BYTES); // a truncated stream is never a full page
        }
        EXPECT_EQ(lz_decompress(comp, 0, out, PAGE_BYTES), -1);
        static const uint8_t bad_offset[] = {0x10, 'a', 0x05, 0x00}; // offset 5 > 1 byte out
        EXPECT_EQ(lz_decompress(bad_offset, sizeof(bad_offset), out, PAGE_BYTES), -1);
        static const uint8_t zero_offset[] = {0x10, 'a', 0x00, 0x00};
        EXPECT_EQ(lz_decompress(zero_offset, sizeof(zero_offset), out, PAGE_BYTES), -1);
        static const uint8_t long_lit[] = {0xf0, 0xff, 0xff}; // length runs off the end
        EXPECT_EQ(lz_decompress(long_lit, sizeof(long_lit), out, PAGE_BYTES), -1);
        for (int k = 0; k < 20000; k++) {
                size_t n = h_rand() % 64;
                fill_random(comp, n);
                long d = lz_decompress(comp, n, out, PAGE_BYTES);
                EXPECT(d >= -1 && d <= (long)PAGE_BYTES);
        }
        // Flipped bytes in a valid stream.
        for (int k = 0; k < 2000; k++) {
                c = lz_compress(&work, src, PAGE_BYTES, comp, lz_bound(PAGE_BYTES));
                comp[h_rand() % c] ^= (uint8_t)(1 + h_rand() % 255);
                long d = lz_decompress(comp, c, out, PAGE_BYTES);
                EXPECT(d >= -1 && d <= (long)PAGE_BYTES);
        }
}

static void codec(void)
{
        static uint8_t page[PAGE_BYTES], enc[PAGE_BYTES], dec[PAGE_BYTES];
        size_t len;
        memset(page, 0, sizeof(page));
        EXPECT_EQ(page_encode(&work, page, enc, &len), PAGE_ZERO);
        EXPECT_EQ(len, 0);
        memset(dec, 1, sizeof(dec));
        EXPECT_EQ(page_decode(PAGE_ZERO, enc, 0, dec), 0);
        EXPECT(page_is_zero(dec));
        page[PAGE_BYTES - 1] = 1; // zero but for the last byte
        EXPECT_EQ(page_encode(&work, page, enc, &len), PAGE_LZ);
        EXPECT(len < 32);
        EXPECT_EQ(page_decode(PAGE_LZ, enc, len, dec), 0);
        EXPECT(memcmp(page, dec, PAGE_BYTES) == 0);
        fill_random(page, PAGE_BYTES);
        EXPECT_EQ(page_encode(&work, page, enc, &len), PAGE_RAW);
        EXPECT_EQ(len, PAGE_BYTES);
        EXPECT_EQ(page_decode(PAGE_RAW, enc, len, dec), 0);
        EXPECT(memcmp(page, dec, PAGE_BYTES) == 0);
        // Malformed data decodes to an error and a zero page.
        EXPECT_EQ(page_decode(PAGE_RAW, enc, 100, dec), -1);
        EXPECT(page_is_zero(dec));
        EXPECT_EQ(page_decode(PAGE_LZ, enc, 100, dec), -1);
        EXPECT_EQ(page_decode((enum page_code)0, enc, 0, dec), -1);
}

// Host "system pager" for the store: chunks from malloc, at most `budget`.
struct grow_ctx {
        int chunks, budget;
        void *mem[64];
};

static void *grow(void *ctx, size_t len)
{
        struct grow_ctx *g = ctx;
        if (g->chunks >= g->budget)
                return NULL;
        return g->mem[g->chunks++] = malloc(len);
}

static void store_model(void)
{
        static struct grow_ctx g = {.budget = 8};
        static struct store s;
        enum { N = 4000 };
        static struct {
                uint8_t *p;
                size_t n;
                uint8_t tag;
        } live[N];
        store_init(&s, grow, &g);
        EXPECT(store_alloc(&s, 0) == NULL);
        EXPECT(store_alloc(&s, STORE_MAX_BLOCK + 1) == NULL);
        uint64_t in_use = 0;
        for (int step = 0; step < 40000; step++) {
                int i = (int)(h_rand() % N);
                if (live[i].p) {
                        for (size_t k = 0; k < live[i].n; k++)
                                if (live[i].p[k] != live[i].tag) {
                                        printf("# block %d overwritten\n", i);
                                        EXPECT(0);
                                }
                        store_free(&s, live[i].p, live[i].n);
                        in_use -= store_rounded(live[i].n);
                        live[i].p = NULL;
                } else {
                        size_t n = 1 + h_rand() % STORE_MAX_BLOCK;
                        uint8_t *p = store_alloc(&s, n);
                        if (!p) // out of chunks: allowed, nothing changes
                                continue;
                        EXPECT(((uintptr_t)p & 7) == 0);
                        live[i].p = p;
                        live[i].n = n;
                        live[i].tag = (uint8_t)step;
                        memset(p, live[i].tag, n);
                        in_use += store_rounded(n);
                }
                EXPECT_EQ(s.in_use, in_use);
        }
        EXPECT(s.arena <= (uint64_t)g.budget * STORE_CHUNK);
        // Reuse: a freed block comes back for the same size class.
        uint8_t *a = store_alloc(&s, 100);
        if (a) {
                store_free(&s, a, 100);
                EXPECT(store_alloc(&s, 97) == a);
        }
        for (int c = 0; c < g.chunks; c++)
                free(g.mem[c]);
}

int main(void)
{
        h_suite = "compress";
        RUN(zero_page);
        RUN(fill_byte);
        RUN(records);
        RUN(words);
        RUN(random_data);
        RUN(incompressible_does_not_fit);
        RUN(edge_sizes);
        RUN(long_lengths);
        RUN(far_matches);
        RUN(random_mixes);
        RUN(output_too_small);
        RUN(malformed);
        RUN(codec);
        RUN(store_model);
        return DONE();
}
