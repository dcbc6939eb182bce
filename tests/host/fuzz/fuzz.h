// SPDX-License-Identifier: MIT
// Host fuzz targets (docs/fuzzing.md). Each target file (tests/host/fuzz/*.c)
// defines `fuzz_target`: its step (one input through the real code, every
// invariant it can check cheaply), its seed corpus, and its
// LLVMFuzzerTestOneInput. The same file is linked two ways:
//   - with libFuzzer (clang -fsanitize=fuzzer,address,undefined): the
//     `fuzz_NAME` binaries tools/fuzz-host runs;
//   - with smoke.c in the ordinary ASan + UBSan host build: `test_fuzz_NAME`,
//     which tools/test runs (the seeds, a determinism check and a fixed number
//     of deterministic mutations), and which writes the seed corpus
//     (`--write-seeds DIR`) and replays files (`test_fuzz_NAME FILE...`).
// A step must be deterministic and leave nothing behind for the next input:
// stateful targets start every input from a fresh state.
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

// For the targets' invariant checks: no coverage feedback (they are not the
// code under test, and comparisons in loops over whole tables cost libFuzzer
// more than the code they check).
#if defined(__clang__)
#define FUZZ_NOCOV __attribute__((no_sanitize("coverage"), noinline))
#else
#define FUZZ_NOCOV
#endif

// Adds a seed (copied) named `name` (a file name) to the corpus.
typedef void (*fuzz_add_fn)(const void *data, size_t size, const char *name);

struct fuzz_target {
        const char *name;
        // One input: NULL, or the invariant it broke. *digest (0 on entry) may
        // get a hash of what the real code answered (the smoke test checks
        // that one input always gives the same digest).
        const char *(*one)(const uint8_t *data, size_t size, uint64_t *digest);
        void (*seeds)(fuzz_add_fn add);
        // Optional, run by the smoke test on every seed: NULL, or why this
        // seed does not reach as deep as it should (a parser refused it).
        const char *(*seed_check)(const uint8_t *data, size_t size, const char *name);
        unsigned smoke_mutants;     // mutated inputs the smoke test runs
        size_t max_len;             // libFuzzer -max_len, and the smoke mutator's limit
        const char *libfuzzer_args; // further libFuzzer options for tools/fuzz-host (or NULL)
};

extern const struct fuzz_target fuzz_target;

// LLVMFuzzerTestOneInput's body: a broken invariant is a crash.
static inline int fuzz_entry(const struct fuzz_target *t, const uint8_t *data, size_t size)
{
        uint64_t digest = 0;
        const char *why = t->one(data, size, &digest);
        if (why) {
                fprintf(stderr, "fuzz_%s: %s\n", t->name, why);
                abort();
        }
        return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

// FNV-1a over bytes, chained through *h.
static inline void fuzz_hash(uint64_t *h, const void *p, size_t n)
{
        const uint8_t *b = p;
        uint64_t x = *h ? *h : 0xcbf29ce484222325ull;
        for (size_t i = 0; i < n; i++)
                x = (x ^ b[i]) * 0x100000001b3ull;
        *h = x;
}

static inline void fuzz_hash64(uint64_t *h, uint64_t v)
{
        fuzz_hash(h, &v, sizeof(v));
}

// Reading a structured input: a stream of bytes, words and choices; past the
// end everything reads as zero (so every input means something).
struct fuzz_in {
        const uint8_t *p;
        size_t n;
};

static inline bool fin_left(const struct fuzz_in *in)
{
        return in->n > 0;
}

static inline uint8_t fin_u8(struct fuzz_in *in)
{
        if (!in->n)
                return 0;
        in->n--;
        return *in->p++;
}

static inline uint64_t fin_bytes(struct fuzz_in *in, unsigned n)
{
        uint64_t v = 0;
        for (unsigned i = 0; i < n; i++)
                v |= (uint64_t)fin_u8(in) << (8 * i);
        return v;
}

static inline uint16_t fin_u16(struct fuzz_in *in)
{
        return (uint16_t)fin_bytes(in, 2);
}

static inline uint32_t fin_u32(struct fuzz_in *in)
{
        return (uint32_t)fin_bytes(in, 4);
}

static inline uint64_t fin_u64(struct fuzz_in *in)
{
        return fin_bytes(in, 8);
}

// A word for a message, compact so that mutations hit meaningful values: one
// selector byte s, then
//   s < 0x40:  s itself (small numbers: ids, counts, flags)
//   s < 0x80:  near[s & 15] + 4096 * ((s >> 4) & 3) (the caller's interesting
//              values, e.g. region starts and their next pages)
//   s < 0xc0:  4096 * the next 2 bytes (page multiples)
//   else:      the next 8 bytes
static inline uint64_t fin_word(struct fuzz_in *in, const uint64_t *near, unsigned nnear)
{
        uint8_t s = fin_u8(in);
        if (s < 0x40)
                return s;
        if (s < 0x80)
                return (nnear ? near[(s & 15) % nnear] : 0) + 4096ull * ((s >> 4) & 3);
        if (s < 0xc0)
                return 4096ull * fin_u16(in);
        return fin_u64(in);
}

// Encoders for seeds: the inverse of fin_word for the three explicit forms.
static inline size_t fout_small(uint8_t *p, uint8_t v)
{
        p[0] = v & 0x3f;
        return 1;
}

static inline size_t fout_near(uint8_t *p, unsigned k, unsigned pages)
{
        p[0] = (uint8_t)(0x40 | (pages & 3) << 4 | (k & 15));
        return 1;
}

static inline size_t fout_pages(uint8_t *p, uint16_t pages)
{
        p[0] = 0x80;
        memcpy(p + 1, &pages, 2);
        return 3;
}

static inline size_t fout_u64(uint8_t *p, uint64_t v)
{
        p[0] = 0xc0;
        memcpy(p + 1, &v, 8);
        return 9;
}

// A growable byte buffer for building seeds.
struct fuzz_buf {
        uint8_t b[1 << 16];
        size_t n;
};

static inline void fbuf_put(struct fuzz_buf *f, const void *p, size_t n)
{
        if (f->n + n > sizeof(f->b))
                n = sizeof(f->b) - f->n;
        memcpy(f->b + f->n, p, n);
        f->n += n;
}

static inline void fbuf_u8(struct fuzz_buf *f, uint8_t v)
{
        fbuf_put(f, &v, 1);
}

static inline void fbuf_u16(struct fuzz_buf *f, uint16_t v)
{
        fbuf_put(f, &v, 2);
}

static inline void fbuf_u32(struct fuzz_buf *f, uint32_t v)
{
        fbuf_put(f, &v, 4);
}

static inline void fbuf_u64(struct fuzz_buf *f, uint64_t v)
{
        fbuf_put(f, &v, 8);
}

// fin_word encodings.
static inline void fbuf_small(struct fuzz_buf *f, uint8_t v)
{
        uint8_t t[9];
        fbuf_put(f, t, fout_small(t, v));
}

static inline void fbuf_near(struct fuzz_buf *f, unsigned k, unsigned pages)
{
        uint8_t t[9];
        fbuf_put(f, t, fout_near(t, k, pages));
}

static inline void fbuf_pages(struct fuzz_buf *f, uint16_t pages)
{
        uint8_t t[9];
        fbuf_put(f, t, fout_pages(t, pages));
}

static inline void fbuf_word(struct fuzz_buf *f, uint64_t v)
{
        uint8_t t[9];
        fbuf_put(f, t, fout_u64(t, v));
}
