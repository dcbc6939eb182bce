// SPDX-License-Identifier: MIT
// Smoke mode of the ELF fuzz target (run by tools/test): the fuzz step of
// fuzz_elf.c on a corpus of generated seeds and the real ELFs of the cross
// builds, then a fixed number of deterministic mutations of them. Every input
// is an exact-size heap copy, so ASan sees any read past its end.
// `test_fuzz_elf --write-seeds DIR` writes that corpus as files for libFuzzer.
#include "../harness.h"
#include "elf_build.h"
#include "fuzz_elf.h"
#include "../../../servers/pager/exec.h"
#include <kernel/elf.h>
#include <sys/stat.h>

#ifndef FUZZ_BUILD_ROOT
#define FUZZ_BUILD_ROOT "build"
#endif

#define MAX_CORPUS   64
#define MAX_ELF_SIZE (4u << 20) // real ELFs larger than this are skipped
#define SEED_CAP     (64 * 1024)
#define NUM_MUTANTS  30000
#define MAX_MUTATION 6
#define MAX_GROW     512 // bytes a mutation may append

struct input {
        uint8_t *data;
        size_t size;
        char name[160];
};

static struct input corpus[MAX_CORPUS];
static unsigned ncorpus, nseeds, nreal;

static void add_input(const uint8_t *data, size_t size, const char *name)
{
        if (ncorpus == MAX_CORPUS)
                return;
        struct input *in = &corpus[ncorpus++];
        in->data = malloc(size);
        memcpy(in->data, data, size);
        in->size = size;
        snprintf(in->name, sizeof(in->name), "%s", name);
}

// Generated seeds: for each machine, the typical program, one whose first
// segment holds the headers (AT_PHDR), one with mid-page segments and bss
// only, and one with an executable stack.
static void add_seeds(void)
{
        static const uint16_t machines[] = {ELF_EM_X86_64, ELF_EM_AARCH64, ELF_EM_RISCV};
        static uint8_t buf[SEED_CAP];
        for (unsigned m = 0; m < ARRAY_SIZE(machines); m++) {
                struct eb_spec s[4];
                for (int i = 0; i < 4; i++)
                        s[i] = eb_typical(machines[m]);
                s[1].ph[0].offset = 0;
                s[1].ph[0].filesz = s[1].ph[0].memsz = 0x2000;
                s[2].ph[0].vaddr = 0x400123;
                s[2].ph[0].offset = 0x1045;
                s[2].entry = 0x400200;
                s[2].ph[2].filesz = 0;
                s[3].ph[3].flags |= EB_PF_X;
                for (int i = 0; i < 4; i++) {
                        char name[32];
                        snprintf(name, sizeof(name), "seed-%u-%d", machines[m], i);
                        add_input(buf, eb_write(&s[i], buf, sizeof(buf)), name);
                        nseeds++;
                }
        }
}

// The real executables of the three cross builds next to this build dir.
static void add_real_elfs(void)
{
        static const char *const arches[] = {"x86_64", "aarch64", "riscv64"};
        static const char *const progs[] = {"tests/user/utest", "servers/pager/pager",
                                            "servers/vfs/vfs"};
        for (unsigned a = 0; a < ARRAY_SIZE(arches); a++)
                for (unsigned p = 0; p < ARRAY_SIZE(progs); p++) {
                        char path[512];
                        snprintf(path, sizeof(path), "%s/%s/%s", FUZZ_BUILD_ROOT, arches[a],
                                 progs[p]);
                        FILE *f = fopen(path, "rb");
                        if (!f)
                                continue;
                        static uint8_t buf[MAX_ELF_SIZE];
                        size_t n = fread(buf, 1, sizeof(buf), f);
                        fclose(f);
                        if (n == 0 || n == sizeof(buf))
                                continue;
                        char name[64];
                        const char *base = strrchr(progs[p], '/');
                        snprintf(name, sizeof(name), "%s-%s", arches[a], base + 1);
                        add_input(buf, n, name);
                        nreal++;
                }
}

// Runs the fuzz step on an exact-size copy of data.
static const char *run_one(const uint8_t *data, size_t size)
{
        uint8_t *copy = malloc(size ? size : 1);
        memcpy(copy, data, size);
        const char *why = fuzz_elf_one(copy, size);
        free(copy);
        return why;
}

// Every seed and real ELF is a valid executable for its own machine.
static void corpus_valid(void)
{
        static struct exec_layout lay;
        for (unsigned i = 0; i < ncorpus; i++) {
                uint16_t machine;
                const char *err = NULL;
                memcpy(&machine, corpus[i].data + EB_E_MACHINE, sizeof(machine));
                int rc = exec_build(&lay, corpus[i].data, corpus[i].size, machine, true, "x", NULL,
                                    NULL, NULL, &err);
                if (rc)
                        printf("# %s: %s\n", corpus[i].name, err);
                EXPECT_EQ(rc, 0);
                const char *why = run_one(corpus[i].data, corpus[i].size);
                if (why)
                        printf("# %s: %s\n", corpus[i].name, why);
                EXPECT(why == NULL);
        }
        printf("# corpus: %u generated seeds, %u real ELFs under %s\n", nseeds, nreal,
               FUZZ_BUILD_ROOT);
}

// A few libFuzzer-style mutations of a corpus entry into buf; returns the
// new size.
static size_t mutate(uint8_t *buf, const struct input *in)
{
        static const uint64_t words[] = {
            0,     1,          0x40,         0x1000,       0xfff,         0x400000,
            ~0ull, 1ull << 63, 0x3fef000000, 0x3ff0000000, ~0ull - 0xfff, 0x38};
        size_t n = in->size;
        memcpy(buf, in->data, n);
        unsigned k = 1 + h_rand() % MAX_MUTATION;
        for (unsigned j = 0; j < k && n > 0; j++) {
                uint64_t r = h_rand();
                // Most mutations aim at the headers, where the parser looks.
                size_t hot = n < 0x400 ? n : 0x400;
                size_t at = (r >> 8) % ((r & 0x80) ? n : hot);
                switch (r % 7) {
                case 0:
                        buf[at] ^= (uint8_t)(1u << ((r >> 40) % 8));
                        break;
                case 1:
                        buf[at] = (uint8_t)(r >> 40);
                        break;
                case 2:
                        if (at + 8 <= n)
                                eb_put64(buf + (at & ~(size_t)7),
                                         words[(r >> 40) % ARRAY_SIZE(words)]);
                        break;
                case 3:
                        if (at + 2 <= n)
                                eb_put16(buf + (at & ~(size_t)1), (uint16_t)(r >> 40));
                        break;
                case 4:
                        n = at + 1; // truncate
                        break;
                case 5: {
                        size_t grow = (r >> 40) % MAX_GROW;
                        memset(buf + n, (int)(r >> 56), grow);
                        n += grow;
                        break;
                }
                default: { // copy a program header over another
                        size_t from = EB_EHDR_SIZE + ((r >> 40) % 4) * EB_PHDR_SIZE;
                        size_t to = EB_EHDR_SIZE + ((r >> 48) % 4) * EB_PHDR_SIZE;
                        if (from + EB_PHDR_SIZE <= n && to + EB_PHDR_SIZE <= n)
                                memmove(buf + to, buf + from, EB_PHDR_SIZE);
                }
                }
        }
        return n;
}

// NUM_MUTANTS deterministic mutants of the corpus through the fuzz step.
static void mutations(void)
{
        static uint8_t buf[MAX_ELF_SIZE + MAX_MUTATION * MAX_GROW];
        h_rng = 0xf0220e1f;
        EXPECT(ncorpus > 0);
        for (unsigned it = 0; it < NUM_MUTANTS; it++) {
                const struct input *in = &corpus[h_rand() % ncorpus];
                size_t n = mutate(buf, in);
                const char *why = run_one(buf, n);
                if (why)
                        printf("# mutant %u of %s: %s\n", it, in->name, why);
                EXPECT(why == NULL);
        }
        printf("# %u mutants\n", NUM_MUTANTS);
}

// Writes the corpus to dir as seed files for libFuzzer.
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

int main(int argc, char **argv)
{
        add_seeds();
        add_real_elfs();
        if (argc == 3 && strcmp(argv[1], "--write-seeds") == 0)
                return write_seeds(argv[2]);
        h_suite = "fuzz_elf";
        RUN(corpus_valid);
        RUN(mutations);
        for (unsigned i = 0; i < ncorpus; i++)
                free(corpus[i].data);
        return DONE();
}
