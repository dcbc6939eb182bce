// SPDX-License-Identifier: MIT
// libFuzzer target for the ELF loader: elf_parse (kernel/lib/elf.c) through
// exec_build (servers/pager/exec.c), then region_format, with every layout
// invariant of exec_check.h checked on success.
//
// Build (clang with the fuzzer runtime; Debian: libclang-rt-14-dev), with a
// configured host build dir B (tools/build host makes build/host):
//   ninja -C B tests/host/exec/fuzz_elf
// Seed corpus (generated images and the real ELFs of the cross builds):
//   B/tests/host/exec/test_fuzz_elf --write-seeds /tmp/elf-seeds
// Run for five minutes, keeping what it finds in /tmp/elf-corpus:
//   mkdir -p /tmp/elf-corpus
//   B/tests/host/exec/fuzz_elf -max_total_time=300 -max_len=65536 -timeout=5
//       /tmp/elf-corpus /tmp/elf-seeds          (one command line)
// A crash or broken invariant stops it and leaves crash-<sha1> in the current
// directory; replay it with `B/tests/host/exec/fuzz_elf crash-<sha1>`.
// tools/test runs test_fuzz_elf (fuzz_smoke.c): the same step on the seeds,
// the real ELFs and a fixed number of mutations, without libFuzzer.
#include "fuzz_elf.h"
#include "elf_build.h"
#include "exec_check.h"
#include <kernel/elf.h>
#include <mk/errno.h>
#include <mk/pager.h>
#include <stdio.h>
#include <stdlib.h>

#define FUZZ_LINE 256

static const char *const fuzz_argv[] = {"fuzz", "arg", NULL};
static const char *const fuzz_envp[] = {"A=b", NULL};
static const struct exec_aux fuzz_aux[] = {{AT_MK_PAGER_EP, 1}, {AT_MK_VFS_EP, 2}, {AT_NULL, 0}};

const char *fuzz_elf_one(const uint8_t *data, size_t size)
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
                }
        }
        return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        const char *why = fuzz_elf_one(data, size);
        if (why) {
                fprintf(stderr, "fuzz_elf: %s\n", why);
                abort();
        }
        return 0;
}
