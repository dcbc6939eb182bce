// SPDX-License-Identifier: MIT
// Fuzz target elf: an ELF file through both loaders that read one.
//   - The pager's: elf_parse (kernel/common/elf.c) through exec_build
//     (servers/pager/exec.c), with and without allow_wx, then region_format
//     (maps.c) of every region; every layout invariant of exec_check.h is
//     checked on success.
//   - The x86_64 UEFI loader's: elf_check and elf_load
//     (kernel/arch/x86_64/boot/elf_check.c; elf_loader.c).
// Seeds: generated images for each machine (elf_build.h), a kernel-like
// x86_64 image at KERNEL_VBASE, and the real executables and kernels of the
// cross builds next to this build dir when they are built.
#include "../exec/elf_build.h"
#include "../exec/exec_check.h"
#include "elf_loader.h"
#include "fuzz.h"
#include <common/elf.h>
#include <mk/errno.h>
#include <mk/pager.h>

#ifndef FUZZ_BUILD_ROOT
#define FUZZ_BUILD_ROOT "build"
#endif

#define FUZZ_LINE    256
#define SEED_CAP     (64 * 1024)
#define MAX_ELF_SIZE (4u << 20) // real ELFs larger than this are skipped

static const char *const fuzz_argv[] = {"fuzz", "arg", NULL};
static const char *const fuzz_envp[] = {"A=b", NULL};
static const struct exec_aux fuzz_aux[] = {{AT_MK_PAGER_EP, 1}, {AT_MK_VFS_EP, 2}, {AT_NULL, 0}};

// exec_build (machine from the file's own header) with and without allow_wx.
static const char *pager_exec(const uint8_t *data, size_t size, uint64_t *digest)
{
        static struct exec_layout lay;
        char line[FUZZ_LINE];
        uint16_t machine = ELF_EM_RISCV;
        if (size >= EB_E_MACHINE + sizeof(machine))
                memcpy(&machine, data + EB_E_MACHINE, sizeof(machine));
        for (int wx = 0; wx < 2; wx++) {
                const char *err = NULL;
                int rc = exec_build(&lay, data, size, machine, wx, "fuzz", fuzz_argv, fuzz_envp,
                                    fuzz_aux, &err);
                fuzz_hash64(digest, (uint64_t)rc);
                if (rc != 0) {
                        if ((rc != -ENOEXEC && rc != -E2BIG) || !err || !*err)
                                return "an error without -ENOEXEC/-E2BIG and a message";
                        continue;
                }
                const char *why = exec_layout_check(&lay, data, size, wx);
                if (why)
                        return why;
                for (int i = 0; i < lay.nregions; i++) {
                        int n = region_format(&lay.regions[i], line, sizeof(line));
                        if (n <= 0 || (size_t)n >= sizeof(line) || strlen(line) != (size_t)n)
                                return "region_format length";
                        fuzz_hash(digest, line, (size_t)n);
                }
        }
        return NULL;
}

static const char *one(const uint8_t *data, size_t size, uint64_t *digest)
{
        const char *why = pager_exec(data, size, digest);
        return why ? why : fuzz_elf_loader(data, size, digest);
}

// Generated seeds: for each machine, the typical program, one whose first
// segment holds the headers (AT_PHDR), one with mid-page segments and bss
// only, and one with an executable stack; then a kernel-like x86_64 image.
static void gen_seeds(fuzz_add_fn add)
{
        static const uint16_t machines[] = {ELF_EM_X86_64, ELF_EM_AARCH64, ELF_EM_RISCV};
        static uint8_t buf[SEED_CAP];
        char name[32];
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
                        snprintf(name, sizeof(name), "seed-%u-%d", machines[m], i);
                        add(buf, eb_write(&s[i], buf, sizeof(buf)), name);
                }
        }
        struct eb_spec k = eb_typical(ELF_EM_X86_64);
        k.entry = FUZZ_KERNEL_VBASE + 0x100;
        k.nph = 3;
        for (unsigned i = 0; i < 3; i++)
                k.ph[i].vaddr += FUZZ_KERNEL_VBASE - 0x400000;
        add(buf, eb_write(&k, buf, sizeof(buf)), "seed-kernel-x86_64");
}

// The real executables and kernels of the three cross builds.
static void real_seeds(fuzz_add_fn add)
{
        static const char *const arches[] = {"x86_64", "aarch64", "riscv64"};
        static const char *const progs[] = {"tests/user/utest", "servers/pager/pager",
                                            "servers/vfs/vfs", "kernel/kernel.elf"};
        static uint8_t buf[MAX_ELF_SIZE];
        for (unsigned a = 0; a < ARRAY_SIZE(arches); a++)
                for (unsigned p = 0; p < ARRAY_SIZE(progs); p++) {
                        char path[512], name[64];
                        snprintf(path, sizeof(path), "%s/%s/%s", FUZZ_BUILD_ROOT, arches[a],
                                 progs[p]);
                        FILE *f = fopen(path, "rb");
                        if (!f)
                                continue;
                        size_t n = fread(buf, 1, sizeof(buf), f);
                        fclose(f);
                        if (n == 0 || n == sizeof(buf))
                                continue;
                        snprintf(name, sizeof(name), "%s-%s", arches[a],
                                 strrchr(progs[p], '/') + 1);
                        add(buf, n, name);
                }
}

static void seeds(fuzz_add_fn add)
{
        gen_seeds(add);
        real_seeds(add);
}

// Every program seed is accepted by exec_build; the kernels (x86_64) by elf_check.
static const char *seed_check(const uint8_t *data, size_t size, const char *name)
{
        static struct exec_layout lay;
        const char *err = NULL;
        uint16_t machine;
        memcpy(&machine, data + EB_E_MACHINE, sizeof(machine));
        if (!strstr(name, "kernel"))
                return exec_build(&lay, data, size, machine, true, "x", NULL, NULL, NULL, &err)
                           ? err
                           : NULL;
        if (machine != ELF_EM_X86_64)
                return NULL;
        uint64_t digest = 0;
        return fuzz_elf_loader_accepts(data, size, &digest) ? NULL : "elf_check refused it";
}

const struct fuzz_target fuzz_target = {
    .name = "elf",
    .one = one,
    .seeds = seeds,
    .seed_check = seed_check,
    .smoke_mutants = 15000,
    .max_len = 20480, // the generated seeds (16 KiB), the headers of the real ones
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        return fuzz_entry(&fuzz_target, data, size);
}
