// SPDX-License-Identifier: MIT
// Host test of the loader's ELF validation (elf_check.c over the kernel's
// elf_parse, kernel/common/elf.c): each rule rejects what it should, a valid
// image loads byte-exact, and random corruption never reads outside the file
// (run under ASan/UBSan). Built by tests/host.
#include "harness.h"
#include "elf_check.h"

#define KV 0xffffffff80000000ull // KERNEL_VBASE on x86_64

static uint8_t file[0x3000];
static uint64_t len;
static uint8_t dst[0x6000];

static struct elf64_ehdr *ehdr(void)
{
        return (struct elf64_ehdr *)file;
}

static struct elf64_phdr *phdr(int i)
{
        return (struct elf64_phdr *)(file + sizeof(struct elf64_ehdr) +
                                     i * sizeof(struct elf64_phdr));
}

// A valid two-segment kernel: text at KV, data + bss at KV + 0x1000.
static void build(void)
{
        memset(file, 0, sizeof(file));
        len = sizeof(file);
        memcpy(file,
               "\x7f"
               "ELF\x02\x01\x01",
               7);
        ehdr()->e_type = ET_EXEC;
        ehdr()->e_machine = ELF_EM_X86_64;
        ehdr()->e_version = EV_CURRENT;
        ehdr()->e_entry = KV + 0x10;
        ehdr()->e_phoff = sizeof(struct elf64_ehdr);
        ehdr()->e_phentsize = sizeof(struct elf64_phdr);
        ehdr()->e_phnum = 2;
        *phdr(0) = (struct elf64_phdr){PT_LOAD, 5, 0x1000, KV, KV, 0x100, 0x100, 0x1000};
        *phdr(1) = (struct elf64_phdr){PT_LOAD, 6, 0x2000, KV + 0x1000, 0, 0x10, 0x5000, 0x1000};
        memset(file + 0x1000, 0xaa, 0x100);
        memset(file + 0x2000, 0xbb, 0x10);
}

// Whether elf_check's verdict contains `want` (NULL: accepted).
static int verdict(const char *want)
{
        struct kernel_image img;
        const char *got = elf_check(file, len, KV, &img);
        return want ? got && strstr(got, want) : !got;
}

static void valid_loads(void)
{
        struct kernel_image img;
        build();
        EXPECT(elf_check(file, len, KV, &img) == NULL);
        EXPECT_EQ(img.elf.entry, KV + 0x10);
        EXPECT_EQ(img.span_base, KV);
        EXPECT_EQ(img.span_size, 0x6000);
        memset(dst, 0x55, sizeof(dst));
        elf_load(&img, dst);
        EXPECT_EQ(dst[0], 0xaa);
        EXPECT_EQ(dst[0xff], 0xaa);
        EXPECT_EQ(dst[0x100], 0); // gap after text
        EXPECT_EQ(dst[0x1000], 0xbb);
        EXPECT_EQ(dst[0x1010], 0); // bss
        EXPECT_EQ(dst[0x5fff], 0);
}

static void bad_header(void)
{
        build(), file[0] = 0;
        EXPECT(verdict("magic"));
        build(), file[4] = 1;
        EXPECT(verdict("64-bit"));
        build(), file[5] = 2;
        EXPECT(verdict("little-endian"));
        build(), ehdr()->e_machine = 183;
        EXPECT(verdict("another machine"));
        build(), ehdr()->e_type = 3;
        EXPECT(verdict("ET_EXEC"));
        build(), ehdr()->e_phentsize = 32;
        EXPECT(verdict("program header size"));
        build(), ehdr()->e_phnum = 0;
        EXPECT(verdict("program header size or count"));
        build(), len = 50;
        EXPECT(verdict("too short"));
}

static void phdrs_outside(void)
{
        build(), ehdr()->e_phoff = len - 60;
        EXPECT(verdict("outside the file"));
        build(), ehdr()->e_phoff = ~0ull - 10; // offset + size wraps
        EXPECT(verdict("outside the file"));
}

static void bad_segments(void)
{
        build(), phdr(0)->p_filesz = 0x200;
        EXPECT(verdict("filesz > memsz"));
        build(), phdr(1)->p_offset = ~0ull; // wraps
        EXPECT(verdict("outside the file"));
        build(), phdr(1)->p_offset = len - 8;
        EXPECT(verdict("outside the file"));
        build(), phdr(1)->p_vaddr = 0x1000; // below the kernel base
        EXPECT(verdict("address range"));
        build(), phdr(1)->p_vaddr = ~0ull - 0x100; // wraps
        EXPECT(verdict("address range"));
        build(), phdr(1)->p_vaddr = KV + 0x80;
        EXPECT(verdict("overlap"));
        build(), phdr(1)->p_vaddr = KV + 0x800; // shares the text's page
        EXPECT(verdict("share a page"));
        build(), ehdr()->e_entry = KV + 0x200;
        EXPECT(verdict("entry point outside"));
        build(), ehdr()->e_entry = KV + 0x1000; // in the data segment
        EXPECT(verdict("non-executable"));
        build(), phdr(0)->p_type = phdr(1)->p_type = 4;
        EXPECT(verdict("no loadable segment"));
}

static void edge_cases(void)
{
        build(), phdr(1)->p_vaddr = ~0ull - 0x4fff - 0x1000; // ends at 2^64 - one page
        EXPECT(verdict(NULL));
        build(), phdr(1)->p_vaddr = ~0ull - 0x4fff; // ends at 2^64: the last page is refused
        EXPECT(verdict("address range"));
        build(), ehdr()->e_phnum = 3; // an empty segment anywhere is ignored
        *phdr(2) = (struct elf64_phdr){PT_LOAD, 6, 0, 0x10, 0, 0, 0, 0x1000};
        EXPECT(verdict(NULL));
}

static void random_corruption(void)
{
        struct kernel_image img;
        for (int it = 0; it < 200000; it++) {
                build();
                for (unsigned k = 0, n = h_rand() % 8 + 1; k < n; k++)
                        file[h_rand() % 0x200] = (uint8_t)h_rand();
                len = h_rand() % (sizeof(file) + 1);
                if (!elf_check(file, len, KV, &img) && img.span_size <= sizeof(dst))
                        elf_load(&img, dst);
        }
}

int main(void)
{
        h_suite = "elf_check";
        RUN(valid_loads);
        RUN(bad_header);
        RUN(phdrs_outside);
        RUN(bad_segments);
        RUN(edge_cases);
        RUN(random_corruption);
        return DONE();
}
