// SPDX-License-Identifier: MIT
// The smoke mode shared by every host fuzz target (fuzz.h), linked with one
// target into test_fuzz_NAME in the ASan + UBSan host build:
//   test_fuzz_NAME                    the smoke test tools/test runs: every
//                                     seed, each seed again in reverse order
//                                     (same digest: no state leaks from one
//                                     input to the next), then a fixed number
//                                     of deterministic mutations of the seeds
//   test_fuzz_NAME --write-seeds DIR  writes the seed corpus for libFuzzer
//   test_fuzz_NAME --max-len          prints the target's libFuzzer -max_len
//   test_fuzz_NAME --libfuzzer-args   prints the libFuzzer options it runs with
//   test_fuzz_NAME FILE...            runs files (a crash libFuzzer found)
// Every input is an exact-size heap copy, so ASan sees any read past its end.
#include <dirent.h>
#include "../harness.h"
#include "fuzz.h"
#include <sys/stat.h>

#define MAX_CORPUS   256
#define MAX_MUTATION 8

struct input {
        uint8_t *data;
        size_t size;
        char name[96];
        uint64_t digest;
};

static struct input corpus[MAX_CORPUS];
static unsigned ncorpus;

static void add_seed(const void *data, size_t size, const char *name)
{
        if (ncorpus == MAX_CORPUS)
                return;
        struct input *in = &corpus[ncorpus++];
        in->data = malloc(size ? size : 1);
        memcpy(in->data, data, size);
        in->size = size;
        snprintf(in->name, sizeof(in->name), "%s", name);
}

// Runs the target's step on an exact-size copy of data.
static const char *run_one(const uint8_t *data, size_t size, uint64_t *digest)
{
        uint8_t *copy = malloc(size ? size : 1);
        memcpy(copy, data, size);
        *digest = 0;
        const char *why = fuzz_target.one(copy, size, digest);
        free(copy);
        return why;
}

// Every seed goes through without breaking an invariant.
static void seeds(void)
{
        EXPECT(ncorpus > 0);
        for (unsigned i = 0; i < ncorpus; i++) {
                const char *why = run_one(corpus[i].data, corpus[i].size, &corpus[i].digest);
                if (!why && fuzz_target.seed_check)
                        why =
                            fuzz_target.seed_check(corpus[i].data, corpus[i].size, corpus[i].name);
                if (why)
                        printf("# seed %s: %s\n", corpus[i].name, why);
                EXPECT(why == NULL);
        }
        printf("# %s: %u seeds\n", fuzz_target.name, ncorpus);
}

// The same input gives the same answers whatever ran before it.
static void deterministic(void)
{
        for (unsigned k = ncorpus; k-- > 0;) {
                uint64_t d;
                EXPECT(run_one(corpus[k].data, corpus[k].size, &d) == NULL);
                if (d != corpus[k].digest)
                        printf("# seed %s: digest 0x%llx, then 0x%llx\n", corpus[k].name,
                               (unsigned long long)corpus[k].digest, (unsigned long long)d);
                EXPECT_EQ(d, corpus[k].digest);
        }
}

static const uint64_t interesting[] = {0,
                                       1,
                                       2,
                                       0x7f,
                                       0x80,
                                       0xff,
                                       0x100,
                                       0xfff,
                                       0x1000,
                                       0x7fff,
                                       0xffff,
                                       0x10000,
                                       0x7fffffff,
                                       0x80000000,
                                       0xffffffff,
                                       0x100000000ull,
                                       0x0000800000000000ull,
                                       0x7fffffffffffffffull,
                                       0x8000000000000000ull,
                                       ~0ull,
                                       ~0ull - 0xfff};

// libFuzzer-like mutations of a corpus entry into buf (room for max_len
// bytes); returns the new size.
static size_t mutate(uint8_t *buf, size_t max, const struct input *in)
{
        size_t n = in->size < max ? in->size : max;
        memcpy(buf, in->data, n);
        unsigned k = 1 + h_rand() % MAX_MUTATION;
        for (unsigned j = 0; j < k; j++) {
                uint64_t r = h_rand();
                // Most mutations aim at the first bytes (headers, first messages).
                size_t hot = n < 0x200 ? n : 0x200;
                size_t at = n ? (r >> 8) % ((r & 0x80) ? n : hot) : 0;
                unsigned width = 1u << ((r >> 36) % 4); // 1, 2, 4 or 8 bytes
                switch (r % 9) {
                case 0:
                        if (n)
                                buf[at] ^= (uint8_t)(1u << ((r >> 40) % 8));
                        break;
                case 1:
                        if (n)
                                buf[at] = (uint8_t)(r >> 40);
                        break;
                case 2: { // an interesting value, little- or big-endian
                        uint64_t v = interesting[(r >> 40) % ARRAY_SIZE(interesting)];
                        if ((r >> 50) & 1)
                                v = __builtin_bswap64(v) >> (64 - 8 * width);
                        if (at + width <= n)
                                memcpy(buf + at, &v, width);
                        break;
                }
                case 3: // add or subtract a little
                        if (at + width <= n) {
                                uint64_t v = 0;
                                memcpy(&v, buf + at, width);
                                v += (uint64_t)((int64_t)((r >> 40) % 33) - 16);
                                memcpy(buf + at, &v, width);
                        }
                        break;
                case 4:
                        n = at; // truncate
                        break;
                case 5: { // insert bytes
                        size_t len = 1 + (r >> 40) % 64;
                        if (n + len > max)
                                break;
                        memmove(buf + at + len, buf + at, n - at);
                        for (size_t i = 0; i < len; i++)
                                buf[at + i] = (uint8_t)h_rand();
                        n += len;
                        break;
                }
                case 6: { // erase bytes
                        size_t len = 1 + (r >> 40) % 64;
                        if (at + len <= n) {
                                memmove(buf + at, buf + at + len, n - at - len);
                                n -= len;
                        }
                        break;
                }
                case 7: { // copy a chunk of the input over another place
                        size_t len = 1 + (r >> 40) % 64, from = n ? (r >> 48) % n : 0;
                        if (from + len <= n && at + len <= n)
                                memmove(buf + at, buf + from, len);
                        break;
                }
                default: { // splice: the tail of another corpus entry
                        const struct input *o = &corpus[(r >> 40) % ncorpus];
                        size_t from = o->size ? (r >> 48) % o->size : 0;
                        size_t len = o->size - from;
                        if (at + len > max)
                                len = max - at;
                        memcpy(buf + at, o->data + from, len);
                        n = at + len;
                }
                }
        }
        return n;
}

// FUZZ_SMOKE_DUMP=DIR: a failing mutant is written there (replay it with
// `test_fuzz_NAME FILE`).
static void dump(const uint8_t *data, size_t n, unsigned it)
{
        const char *dir = getenv("FUZZ_SMOKE_DUMP");
        char path[512];
        if (!dir)
                return;
        snprintf(path, sizeof(path), "%s/%s-mutant-%u", dir, fuzz_target.name, it);
        FILE *f = fopen(path, "wb");
        if (f && fwrite(data, 1, n, f) == n)
                printf("# written to %s\n", path);
        if (f)
                fclose(f);
}

// A fixed number of deterministic mutants of the seeds.
static void smoke(void)
{
        size_t max = fuzz_target.max_len;
        uint8_t *buf = malloc(max);
        h_rng = 0xf0220e1f;
        EXPECT(ncorpus > 0 && buf);
        for (unsigned it = 0; it < fuzz_target.smoke_mutants; it++) {
                const struct input *in = &corpus[h_rand() % ncorpus];
                size_t n = mutate(buf, max, in);
                uint64_t d;
                const char *why = run_one(buf, n, &d);
                if (why) {
                        printf("# mutant %u of %s: %s\n", it, in->name, why);
                        dump(buf, n, it);
                        free(buf);
                        EXPECT(why == NULL);
                }
        }
        free(buf);
        printf("# %s: %u mutants\n", fuzz_target.name, fuzz_target.smoke_mutants);
}

static int write_seeds(const char *dir)
{
        mkdir(dir, 0755);
        for (unsigned i = 0; i < ncorpus; i++) {
                char path[512];
                snprintf(path, sizeof(path), "%s/%s", dir, corpus[i].name);
                FILE *f = fopen(path, "wb");
                if (!f || fwrite(corpus[i].data, 1, corpus[i].size, f) != corpus[i].size) {
                        perror(path);
                        return 1;
                }
                fclose(f);
        }
        printf("wrote %u seeds to %s\n", ncorpus, dir);
        return 0;
}

// Runs files through the step (what a libFuzzer crash file does, without libFuzzer).
static int run_files(int n, char **paths)
{
        int bad = 0;
        for (int i = 0; i < n; i++) {
                FILE *f = fopen(paths[i], "rb");
                if (!f) {
                        perror(paths[i]);
                        return 2;
                }
                size_t cap = 1 << 16, len = 0;
                uint8_t *data = malloc(cap);
                size_t got;
                while ((got = fread(data + len, 1, cap - len, f)) > 0) {
                        len += got;
                        if (len == cap)
                                data = realloc(data, cap *= 2);
                }
                fclose(f);
                uint64_t d;
                const char *why = run_one(data, len, &d);
                printf("%s: %s (digest 0x%llx)\n", paths[i], why ? why : "ok",
                       (unsigned long long)d);
                bad |= why != NULL;
                free(data);
        }
        return bad;
}

// Inputs that once failed (tests/host/fuzz/regress/TARGET/, each a crash
// file libFuzzer wrote, named after the defect): every one must pass now.
static void regressions(void)
{
#ifdef FUZZ_REGRESS_DIR
        char dir[512];
        snprintf(dir, sizeof(dir), "%s/%s", FUZZ_REGRESS_DIR, fuzz_target.name);
        DIR *d = opendir(dir);
        unsigned n = 0;
        for (struct dirent *e; d && (e = readdir(d));) {
                if (e->d_name[0] == '.')
                        continue;
                char path[1024], *p = path;
                snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
                EXPECT_EQ(run_files(1, &p), 0);
                n++;
        }
        if (d)
                closedir(d);
        printf("# %s: %u regression inputs\n", fuzz_target.name, n);
#endif
}

int main(int argc, char **argv)
{
        fuzz_target.seeds(add_seed);
        if (argc == 3 && strcmp(argv[1], "--write-seeds") == 0)
                return write_seeds(argv[2]);
        if (argc == 2 && strcmp(argv[1], "--max-len") == 0) {
                printf("%zu\n", fuzz_target.max_len);
                return 0;
        }
        if (argc == 2 && strcmp(argv[1], "--libfuzzer-args") == 0) {
                printf("-max_len=%zu %s\n", fuzz_target.max_len,
                       fuzz_target.libfuzzer_args ? fuzz_target.libfuzzer_args : "");
                return 0;
        }
        if (argc > 1)
                return run_files(argc - 1, argv + 1);
        static char suite[64];
        snprintf(suite, sizeof(suite), "fuzz_%s", fuzz_target.name);
        h_suite = suite;
        RUN(seeds);
        RUN(regressions);
        RUN(deterministic);
        RUN(smoke);
        for (unsigned i = 0; i < ncorpus; i++)
                free(corpus[i].data);
        return DONE();
}
