// SPDX-License-Identifier: MIT
// Host tests of the ELF process-image builder (servers/pager/exec.c) and the
// maps line format (servers/pager/maps.c): layouts of small ELF images built
// in memory, the initial stack read back, every malformed-input check, and a
// deterministic random-corruption loop (run under ASan + UBSan).
#include "../harness.h"
#include "elf_build.h"
#include "exec_check.h"
#include <common/elf.h>
#include <mk/errno.h>
#include <mk/pager.h>

#define IMG_CAP      (64 * 1024)
#define MACHINE      ELF_EM_RISCV
#define PAGE         4096ull
#define NUM_MUTANTS  20000
#define MAX_MUTATION 8

static uint8_t img[IMG_CAP];
static uint64_t img_size;
static struct exec_layout lay;
static struct exec_stack_view view;
static const char *err;

static const char *const test_argv[] = {"prog", "-v", "hello world", NULL};
static const char *const test_envp[] = {"HOME=/", "TERM=dumb", NULL};
static const struct exec_aux test_aux[] = {{AT_MK_PAGER_EP, 7}, {AT_MK_VFS_EP, 9}, {AT_NULL, 0}};

// Writes s into img and runs exec_build on it with the test arguments.
static int build_spec(const struct eb_spec *s, bool allow_wx)
{
        img_size = eb_write(s, img, sizeof(img));
        if (!img_size)
                return -1000;
        err = NULL;
        return exec_build(&lay, img, img_size, MACHINE, allow_wx, "prog", test_argv, test_envp,
                          test_aux, &err);
}

static const struct region_desc *reg(int i)
{
        return &lay.regions[i];
}

// --- layouts -----------------------------------------------------------------

// Text, rodata, data with a partial last page, then bss pages: one region per
// part, the heap placeholder at the page after bss, the stack.
static void typical_layout(void)
{
        struct eb_spec s = eb_typical(MACHINE);
        EXPECT_EQ(build_spec(&s, false), 0);
        EXPECT(exec_layout_check(&lay, img, img_size, false) == NULL);
        EXPECT_EQ(lay.nregions, 6);
        EXPECT_EQ(reg(0)->start, 0x400000);
        EXPECT_EQ(reg(0)->end, 0x402000);
        EXPECT_EQ(reg(0)->kind, RK_TEXT);
        EXPECT_EQ(reg(0)->prot, MK_PERM_R | MK_PERM_X);
        EXPECT_EQ(reg(0)->backing, BK_IMAGE);
        EXPECT_EQ(reg(0)->file_off, 0x1000);
        EXPECT_EQ(reg(0)->file_size, 0x1c82);
        EXPECT_EQ(reg(0)->data_off, 0);
        EXPECT(reg(0)->image == img && reg(0)->image_size == img_size);
        EXPECT(strcmp(reg(0)->name, "prog") == 0);
        EXPECT_EQ(reg(1)->start, 0x402000);
        EXPECT_EQ(reg(1)->end, 0x403000);
        EXPECT_EQ(reg(1)->kind, RK_RODATA);
        EXPECT_EQ(reg(1)->prot, MK_PERM_R);
        EXPECT_EQ(reg(2)->start, 0x403000);
        EXPECT_EQ(reg(2)->end, 0x404000);
        EXPECT_EQ(reg(2)->kind, RK_DATA);
        EXPECT_EQ(reg(2)->prot, MK_PERM_R | MK_PERM_W);
        EXPECT_EQ(reg(2)->file_off, 0x4000);
        EXPECT_EQ(reg(2)->file_size, 0x10);
        EXPECT_EQ(reg(3)->start, 0x404000);
        EXPECT_EQ(reg(3)->end, 0x406000);
        EXPECT_EQ(reg(3)->kind, RK_BSS);
        EXPECT_EQ(reg(3)->backing, BK_NONE);
        EXPECT_EQ(reg(3)->prot, MK_PERM_R | MK_PERM_W);
        EXPECT(reg(3)->name == NULL);
        EXPECT_EQ(lay.brk, 0x406000);
        EXPECT_EQ(reg(4)->kind, RK_HEAP);
        EXPECT_EQ(reg(4)->start, 0x406000);
        EXPECT_EQ(reg(4)->end, 0x406000);
        EXPECT_EQ(reg(4)->limit, 0x406000 + EXEC_HEAP_MAX);
        EXPECT_EQ(reg(5)->kind, RK_STACK);
        EXPECT_EQ(reg(5)->start, EXEC_STACK_TOP - EXEC_STACK_INIT);
        EXPECT_EQ(reg(5)->end, EXEC_STACK_TOP);
        EXPECT_EQ(reg(5)->limit, EXEC_STACK_TOP - EXEC_STACK_MAX);
        EXPECT_EQ(reg(5)->guard_below, EXEC_STACK_GUARD);
        EXPECT_EQ(reg(5)->prot, MK_PERM_R | MK_PERM_W);
        EXPECT_EQ(lay.entry, 0x400100);
        EXPECT(!lay.exec_stack);
}

// Segments that start mid-page, with the page offset of vaddr unrelated to
// the file offset: data_off is vaddr's page offset, file_off the segment's.
static void segment_page_offsets(void)
{
        struct eb_spec s = {.machine = MACHINE, .entry = 0x400200, .nph = 2};
        s.ph[0] = (struct eb_ph){EB_PT_LOAD, EB_PF_R | EB_PF_X, 0x145, 0x400123, 0x1000, 0x1000};
        s.ph[1] = (struct eb_ph){EB_PT_LOAD, EB_PF_R | EB_PF_W, 0x1145, 0x402ff0, 0x20, 0x20};
        EXPECT_EQ(build_spec(&s, false), 0);
        EXPECT(exec_layout_check(&lay, img, img_size, false) == NULL);
        EXPECT_EQ(lay.nregions, 4);
        EXPECT_EQ(reg(0)->start, 0x400000);
        EXPECT_EQ(reg(0)->end, 0x402000); // 0x400123 + 0x1000 crosses into the second page
        EXPECT_EQ(reg(0)->data_off, 0x123);
        EXPECT_EQ(reg(0)->file_off, 0x145);
        EXPECT_EQ(reg(1)->start, 0x402000);
        EXPECT_EQ(reg(1)->end, 0x404000); // 0x402ff0 + 0x20 crosses a page
        EXPECT_EQ(reg(1)->data_off, 0xff0);
        // The bytes the pager copies to the first byte of the segment.
        EXPECT_EQ(reg(1)->image[reg(1)->file_off], eb_byte(0x1145));
        EXPECT_EQ(lay.brk, 0x404000);
}

// filesz < memsz within one page: the data region holds the page, its tail
// past the file bytes reads as zero (no bss region); a larger memsz adds bss.
static void partial_last_page(void)
{
        struct eb_spec s = {.machine = MACHINE, .entry = 0x400000, .nph = 2};
        s.ph[0] = (struct eb_ph){EB_PT_LOAD, EB_PF_R | EB_PF_X, 0x1000, 0x400000, 0x100, 0x100};
        s.ph[1] = (struct eb_ph){EB_PT_LOAD, EB_PF_R | EB_PF_W, 0x2000, 0x401000, 0x1800, 0x1900};
        EXPECT_EQ(build_spec(&s, false), 0);
        EXPECT(exec_layout_check(&lay, img, img_size, false) == NULL);
        EXPECT_EQ(lay.nregions, 4);
        EXPECT_EQ(reg(1)->kind, RK_DATA);
        EXPECT_EQ(reg(1)->end, 0x403000);
        EXPECT_EQ(reg(1)->file_size, 0x1800);
        EXPECT_EQ(lay.brk, 0x403000);

        s.ph[1].memsz = 0x4801; // file bytes end mid-page: the data page, then 3 bss pages
        EXPECT_EQ(build_spec(&s, false), 0);
        EXPECT_EQ(lay.nregions, 5);
        EXPECT_EQ(reg(1)->end, 0x403000);
        EXPECT_EQ(reg(2)->kind, RK_BSS);
        EXPECT_EQ(reg(2)->start, 0x403000);
        EXPECT_EQ(reg(2)->end, 0x406000);
        EXPECT_EQ(lay.brk, 0x406000);

        s.ph[1].filesz = 0x2000; // file bytes end on a page boundary
        EXPECT_EQ(build_spec(&s, false), 0);
        EXPECT_EQ(reg(1)->end, 0x403000);
        EXPECT_EQ(reg(2)->start, 0x403000);
}

// A segment with no file bytes is bss only, with the segment's permissions.
static void bss_only_segment(void)
{
        struct eb_spec s = {.machine = MACHINE, .entry = 0x400000, .nph = 3};
        s.ph[0] = (struct eb_ph){EB_PT_LOAD, EB_PF_R | EB_PF_X, 0x1000, 0x400000, 0x100, 0x100};
        s.ph[1] = (struct eb_ph){EB_PT_LOAD, EB_PF_R | EB_PF_W, 0x2000, 0x410000, 0, 0x3000};
        s.ph[2] = (struct eb_ph){EB_PT_LOAD, EB_PF_R, 0x2000, 0x420800, 0, 0x10};
        EXPECT_EQ(build_spec(&s, false), 0);
        EXPECT(exec_layout_check(&lay, img, img_size, false) == NULL);
        EXPECT_EQ(lay.nregions, 5);
        EXPECT_EQ(reg(1)->kind, RK_BSS);
        EXPECT_EQ(reg(1)->start, 0x410000);
        EXPECT_EQ(reg(1)->end, 0x413000);
        EXPECT_EQ(reg(1)->prot, MK_PERM_R | MK_PERM_W);
        EXPECT_EQ(reg(2)->kind, RK_BSS);
        EXPECT_EQ(reg(2)->start, 0x420000);
        EXPECT_EQ(reg(2)->end, 0x421000);
        EXPECT_EQ(reg(2)->prot, MK_PERM_R);
        EXPECT_EQ(lay.brk, 0x421000);
}

// Separate text, rodata, data and bss segments, listed out of order in the
// program headers: the regions come out sorted; zero-size segments vanish.
static void separate_segments_sorted(void)
{
        struct eb_spec s = {.machine = MACHINE, .entry = 0x500010, .nph = 5};
        s.ph[0] = (struct eb_ph){EB_PT_LOAD, EB_PF_R | EB_PF_W, 0x3000, 0x700000, 0x800, 0x800};
        s.ph[1] = (struct eb_ph){EB_PT_LOAD, EB_PF_R, 0x2000, 0x600000, 0x1000, 0x1000};
        s.ph[2] = (struct eb_ph){EB_PT_LOAD, EB_PF_R | EB_PF_X, 0x1000, 0x500000, 0x1000, 0x1000};
        s.ph[3] = (struct eb_ph){EB_PT_LOAD, EB_PF_R | EB_PF_W, 0, 0x800000, 0, 0x1000};
        s.ph[4] = (struct eb_ph){EB_PT_LOAD, EB_PF_R, 0, 0x900000, 0, 0};
        EXPECT_EQ(build_spec(&s, false), 0);
        EXPECT(exec_layout_check(&lay, img, img_size, false) == NULL);
        EXPECT_EQ(lay.nregions, 6);
        EXPECT_EQ(reg(0)->kind, RK_TEXT);
        EXPECT_EQ(reg(1)->kind, RK_RODATA);
        EXPECT_EQ(reg(2)->kind, RK_DATA);
        EXPECT_EQ(reg(3)->kind, RK_BSS);
        EXPECT_EQ(reg(3)->start, 0x800000);
        EXPECT_EQ(lay.brk, 0x801000);
}

// PT_GNU_STACK: RW gives an RW stack; RWX is refused without allow_wx and
// gives an RWX stack with it; absent gives RW.
static void gnu_stack(void)
{
        struct eb_spec s = eb_typical(MACHINE);
        s.ph[3].flags = EB_PF_R | EB_PF_W | EB_PF_X;
        EXPECT_EQ(build_spec(&s, false), -ENOEXEC);
        EXPECT(err && strstr(err, "executable stack"));
        EXPECT_EQ(lay.nregions, 0);
        EXPECT_EQ(build_spec(&s, true), 0);
        EXPECT(exec_layout_check(&lay, img, img_size, true) == NULL);
        EXPECT(lay.exec_stack);
        EXPECT_EQ(reg(lay.nregions - 1)->prot, MK_PERM_R | MK_PERM_W | MK_PERM_X);
        s.nph = 3; // no PT_GNU_STACK
        EXPECT_EQ(build_spec(&s, false), 0);
        EXPECT(!lay.exec_stack);
        EXPECT_EQ(reg(lay.nregions - 1)->prot, MK_PERM_R | MK_PERM_W);
}

// A writable and executable segment is refused unless allow_wx; with it, it
// is a data region with RWX.
static void wx_segment(void)
{
        struct eb_spec s = eb_typical(MACHINE);
        s.ph[2].flags = EB_PF_R | EB_PF_W | EB_PF_X;
        EXPECT_EQ(build_spec(&s, false), -ENOEXEC);
        EXPECT(err && strstr(err, "writable and executable"));
        EXPECT_EQ(build_spec(&s, true), 0);
        EXPECT(exec_layout_check(&lay, img, img_size, true) == NULL);
        EXPECT_EQ(reg(2)->kind, RK_DATA);
        EXPECT_EQ(reg(2)->prot, MK_PERM_R | MK_PERM_W | MK_PERM_X);
}

// p_flags to permissions: every combination without W+X, and the kind.
static void flags_to_prot(void)
{
        static const struct {
                uint32_t flags, prot;
                uint8_t kind;
        } cases[] = {
            {EB_PF_R, MK_PERM_R, RK_RODATA}, {EB_PF_R | EB_PF_X, MK_PERM_R | MK_PERM_X, RK_TEXT},
            {EB_PF_X, MK_PERM_X, RK_TEXT},   {EB_PF_R | EB_PF_W, MK_PERM_R | MK_PERM_W, RK_DATA},
            {EB_PF_W, MK_PERM_W, RK_DATA},   {0, 0, RK_RODATA},
        };
        for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
                struct eb_spec s = eb_typical(MACHINE);
                s.ph[1].flags = cases[i].flags;
                EXPECT_EQ(build_spec(&s, false), 0);
                EXPECT_EQ(reg(1)->prot, cases[i].prot);
                EXPECT_EQ(reg(1)->kind, cases[i].kind);
        }
}

// The entry point: in an executable segment (even its last byte), not in a
// readable-only one, not outside every segment.
static void entry_point(void)
{
        struct eb_spec s = eb_typical(MACHINE);
        s.entry = 0x400000 + 0x1c81;
        EXPECT_EQ(build_spec(&s, false), 0);
        EXPECT_EQ(lay.entry, 0x401c81);
        s.entry = 0x400000 + 0x1c82;
        EXPECT_EQ(build_spec(&s, false), -ENOEXEC);
        EXPECT(strstr(err, "entry point outside"));
        s.entry = 0x402010;
        EXPECT_EQ(build_spec(&s, false), -ENOEXEC);
        EXPECT(strstr(err, "non-executable"));
        s.entry = 0;
        EXPECT_EQ(build_spec(&s, false), -ENOEXEC);
        EXPECT(strstr(err, "entry point outside"));
}

// Segments may reach up to the stack floor, not into the stack's range or
// its guard gap; the heap limit stops at the floor.
static void address_range(void)
{
        struct eb_spec s = {.machine = MACHINE, .nph = 1};
        s.ph[0] = (struct eb_ph){EB_PT_LOAD, EB_PF_R | EB_PF_X, 0x1000, 0, 0x1000, 0x1000};
        s.ph[0].vaddr = EXEC_STACK_FLOOR - 0x1000;
        s.entry = s.ph[0].vaddr;
        EXPECT_EQ(build_spec(&s, false), 0);
        EXPECT(exec_layout_check(&lay, img, img_size, false) == NULL);
        EXPECT_EQ(lay.brk, EXEC_STACK_FLOOR);
        EXPECT_EQ(reg(1)->limit, EXEC_STACK_FLOOR);
        s.ph[0].vaddr = EXEC_STACK_FLOOR - 0x800;
        s.entry = s.ph[0].vaddr;
        EXPECT_EQ(build_spec(&s, false), -ENOEXEC);
        EXPECT(strstr(err, "user address range"));
        s.ph[0].vaddr = EXEC_STACK_TOP - 0x1000;
        s.entry = s.ph[0].vaddr;
        EXPECT_EQ(build_spec(&s, false), -ENOEXEC);
        s.ph[0].vaddr = MK_USER_BASE;
        s.entry = s.ph[0].vaddr;
        EXPECT_EQ(build_spec(&s, false), 0);
        s.ph[0].vaddr = MK_USER_BASE - 0x1000;
        s.entry = s.ph[0].vaddr;
        EXPECT_EQ(build_spec(&s, false), -ENOEXEC);
        EXPECT(strstr(err, "user address range"));
}

// --- the initial stack ---------------------------------------------------------

// argc, argv, envp and auxv read back from the stack page; sp 16-aligned.
static void stack_layout(void)
{
        struct eb_spec s = eb_typical(MACHINE);
        EXPECT_EQ(build_spec(&s, false), 0);
        EXPECT_EQ(lay.sp % 16, 0);
        EXPECT(lay.sp >= EXEC_STACK_TOP - PAGE && lay.sp < EXEC_STACK_TOP);
        EXPECT(exec_parse_stack(&lay, &view) == NULL);
        EXPECT_EQ(view.argc, 3);
        for (int i = 0; i < 3; i++)
                EXPECT(strcmp(view.argv[i], test_argv[i]) == 0);
        EXPECT_EQ(view.envc, 2);
        for (int i = 0; i < 2; i++)
                EXPECT(strcmp(view.envp[i], test_envp[i]) == 0);
        // No PT_PHDR and the headers are not in a segment: AT_PHDR is omitted;
        // then AT_PHENT, AT_PHNUM, AT_PAGESZ, AT_ENTRY and the caller's entries.
        static const uint64_t want[][2] = {{AT_PHENT, 56},      {AT_PHNUM, 4},
                                           {AT_PAGESZ, 4096},   {AT_ENTRY, 0x400100},
                                           {AT_MK_PAGER_EP, 7}, {AT_MK_VFS_EP, 9}};
        EXPECT_EQ(view.naux, ARRAY_SIZE(want));
        for (unsigned i = 0; i < ARRAY_SIZE(want); i++) {
                EXPECT_EQ(view.aux[i][0], want[i][0]);
                EXPECT_EQ(view.aux[i][1], want[i][1]);
        }
        // The block above the auxv holds only the strings, up to the top.
        uint64_t strings = 0;
        for (int i = 0; i < 3; i++)
                strings += strlen(test_argv[i]) + 1;
        for (int i = 0; i < 2; i++)
                strings += strlen(test_envp[i]) + 1;
        EXPECT_EQ((const uint8_t *)view.argv[0] - lay.stack_page, PAGE - strings);
}

// When the first segment loads the ELF and program headers, AT_PHDR gives
// their address in memory.
static void stack_at_phdr(void)
{
        struct eb_spec s = eb_typical(MACHINE);
        s.ph[0].offset = 0;
        s.ph[0].vaddr = 0x400000;
        s.ph[0].filesz = s.ph[0].memsz = 0x2000;
        EXPECT_EQ(build_spec(&s, false), 0);
        EXPECT(exec_parse_stack(&lay, &view) == NULL);
        EXPECT_EQ(view.aux[0][0], AT_PHDR);
        EXPECT_EQ(view.aux[0][1], 0x400000 + EB_EHDR_SIZE);
        EXPECT_EQ(exec_aux_get(&view, AT_PHNUM, 0), 4);
        // A table that starts in the segment but runs past its file bytes is
        // not in memory: no AT_PHDR.
        s.ph[0].filesz = s.ph[0].memsz = EB_EHDR_SIZE + 2 * EB_PHDR_SIZE;
        s.entry = 0x400000;
        EXPECT_EQ(build_spec(&s, false), 0);
        EXPECT(exec_parse_stack(&lay, &view) == NULL);
        EXPECT_EQ(exec_aux_get(&view, AT_PHDR, 0), 0);
}

// No argv, envp or extra auxv at all: argc 0, two NULLs, the standard auxv.
static void stack_empty_args(void)
{
        struct eb_spec s = eb_typical(MACHINE);
        img_size = eb_write(&s, img, sizeof(img));
        EXPECT_EQ(exec_build(&lay, img, img_size, MACHINE, false, NULL, NULL, NULL, NULL, NULL), 0);
        EXPECT(exec_parse_stack(&lay, &view) == NULL);
        EXPECT_EQ(view.argc, 0);
        EXPECT_EQ(view.envc, 0);
        EXPECT_EQ(view.naux, 4);
        // argc, 2 NULLs, 5 auxv pairs (with AT_NULL): 13 words, 104 bytes, aligned to 112.
        EXPECT_EQ(lay.sp, EXEC_STACK_TOP - 112);
        EXPECT(reg(0)->name == NULL);
}

static char big[8192];
static const char *many[1024];

// argv + envp strings and pointers: exactly EXEC_ARGS_MAX fits, one byte more
// is -E2BIG (argv or envp), as are too many auxv entries.
static void stack_e2big(void)
{
        struct eb_spec s = eb_typical(MACHINE);
        img_size = eb_write(&s, img, sizeof(img));
        // One argument: its string + NUL + 2 pointers (argv[0], NULL) + 1 NULL (envp).
        uint64_t len = EXEC_ARGS_MAX - 3 * 8 - 1;
        memset(big, 'a', len);
        big[len] = 0;
        const char *argv1[] = {big, NULL};
        EXPECT_EQ(exec_build(&lay, img, img_size, MACHINE, false, "p", argv1, NULL, NULL, &err), 0);
        EXPECT(exec_parse_stack(&lay, &view) == NULL);
        EXPECT_EQ(strlen(view.argv[0]), len);
        big[len] = 'a';
        big[len + 1] = 0;
        EXPECT_EQ(exec_build(&lay, img, img_size, MACHINE, false, "p", argv1, NULL, NULL, &err),
                  -E2BIG);
        EXPECT(strstr(err, "too long"));
        EXPECT_EQ(lay.nregions, 0);
        // The same through envp.
        const char *envp1[] = {big, NULL};
        EXPECT_EQ(exec_build(&lay, img, img_size, MACHINE, false, "p", NULL, envp1, NULL, &err),
                  -E2BIG);
        big[len] = 0;
        EXPECT_EQ(exec_build(&lay, img, img_size, MACHINE, false, "p", NULL, envp1, NULL, &err), 0);
        // A string far longer than the limit (reads stop at the limit).
        memset(big, 'b', sizeof(big) - 1);
        big[sizeof(big) - 1] = 0;
        EXPECT_EQ(exec_build(&lay, img, img_size, MACHINE, false, "p", argv1, NULL, NULL, &err),
                  -E2BIG);
        // Many empty arguments: 1 byte + 8 bytes of pointer each.
        for (unsigned i = 0; i < ARRAY_SIZE(many) - 1; i++)
                many[i] = "";
        EXPECT_EQ(exec_build(&lay, img, img_size, MACHINE, false, "p", many, NULL, NULL, &err),
                  -E2BIG);
        many[(EXEC_ARGS_MAX - 16) / 9] = NULL;
        EXPECT_EQ(exec_build(&lay, img, img_size, MACHINE, false, "p", many, NULL, NULL, &err), 0);
        EXPECT(exec_parse_stack(&lay, &view) == NULL);
        EXPECT_EQ(view.argc, (EXEC_ARGS_MAX - 16) / 9);
        // Too many auxv entries.
        static struct exec_aux aux[EXEC_AUX_MAX + 2];
        for (unsigned i = 0; i <= EXEC_AUX_MAX; i++)
                aux[i] = (struct exec_aux){0x2000 + i, i};
        EXPECT_EQ(exec_build(&lay, img, img_size, MACHINE, false, "p", NULL, NULL, aux, &err),
                  -E2BIG);
        EXPECT(strstr(err, "auxiliary"));
        aux[EXEC_AUX_MAX] = (struct exec_aux){AT_NULL, 0};
        EXPECT_EQ(exec_build(&lay, img, img_size, MACHINE, false, "p", NULL, NULL, aux, &err), 0);
        EXPECT(exec_parse_stack(&lay, &view) == NULL);
        EXPECT_EQ(view.naux, 4 + EXEC_AUX_MAX);
        // The largest arguments with the most auxv entries still fit the page.
        memset(big, 'c', len);
        big[len] = 0;
        EXPECT_EQ(exec_build(&lay, img, img_size, MACHINE, false, "p", argv1, NULL, aux, &err), 0);
        EXPECT(exec_layout_check(&lay, img, img_size, false) == NULL);
}

// --- malformed inputs ----------------------------------------------------------

// Builds the typical image, lets `poke` corrupt it, and expects -ENOEXEC with
// a message containing `want`.
static const char *malformed(void (*poke)(uint8_t *img, uint64_t *size), const char *want)
{
        struct eb_spec s = eb_typical(MACHINE);
        img_size = eb_write(&s, img, sizeof(img));
        poke(img, &img_size);
        err = NULL;
        int rc = exec_build(&lay, img, img_size, MACHINE, false, "p", test_argv, test_envp,
                            test_aux, &err);
        if (rc != -ENOEXEC)
                return "not -ENOEXEC";
        if (!err || !strstr(err, want))
                return err ? err : "no message";
        return NULL;
}

#define PH(i) (img + EB_EHDR_SIZE + (i)*EB_PHDR_SIZE)

static void p_short(uint8_t *m, uint64_t *n)
{
        *n = EB_EHDR_SIZE - 1;
}
static void p_empty(uint8_t *m, uint64_t *n)
{
        *n = 0;
}
static void p_magic(uint8_t *m, uint64_t *n)
{
        m[1] = 'e';
}
static void p_class32(uint8_t *m, uint64_t *n)
{
        m[EB_EI_CLASS] = 1;
}
static void p_bigendian(uint8_t *m, uint64_t *n)
{
        m[EB_EI_DATA] = 2;
}
static void p_version(uint8_t *m, uint64_t *n)
{
        m[EB_EI_VERSION] = 0;
}
static void p_dyn(uint8_t *m, uint64_t *n)
{
        eb_put16(m + EB_E_TYPE, EB_ET_DYN);
}
static void p_machine(uint8_t *m, uint64_t *n)
{
        eb_put16(m + EB_E_MACHINE, ELF_EM_X86_64);
}
static void p_phentsize(uint8_t *m, uint64_t *n)
{
        eb_put16(m + EB_E_PHENTSIZE, 32);
}
static void p_phnum0(uint8_t *m, uint64_t *n)
{
        eb_put16(m + EB_E_PHNUM, 0);
}
static void p_phnum_big(uint8_t *m, uint64_t *n)
{
        eb_put16(m + EB_E_PHNUM, 65);
}
static void p_phoff_out(uint8_t *m, uint64_t *n)
{
        eb_put64(m + EB_E_PHOFF, *n + 1);
}
static void p_phoff_huge(uint8_t *m, uint64_t *n)
{
        eb_put64(m + EB_E_PHOFF, ~0ull - 8);
}
static void p_ph_cut(uint8_t *m, uint64_t *n)
{
        *n = EB_EHDR_SIZE + 3 * EB_PHDR_SIZE + 10; // the last header is cut
}
static void p_ph_tail(uint8_t *m, uint64_t *n)
{
        eb_put64(m + EB_E_PHOFF, *n - 2 * EB_PHDR_SIZE);
}
static void p_filesz_gt_memsz(uint8_t *m, uint64_t *n)
{
        eb_put64(PH(2) + EB_P_FILESZ, 0x3000);
}
static void p_offset_out(uint8_t *m, uint64_t *n)
{
        eb_put64(PH(1) + EB_P_OFFSET, *n + 1);
}
static void p_offset_huge(uint8_t *m, uint64_t *n)
{
        eb_put64(PH(1) + EB_P_OFFSET, ~0ull - 0x100);
}
static void p_bytes_out(uint8_t *m, uint64_t *n)
{
        eb_put64(PH(1) + EB_P_OFFSET, *n - 0x10);
}
static void p_vaddr_low(uint8_t *m, uint64_t *n)
{
        eb_put64(PH(1) + EB_P_VADDR, 0x1000);
}
static void p_vaddr_high(uint8_t *m, uint64_t *n)
{
        eb_put64(PH(1) + EB_P_VADDR, EXEC_STACK_TOP - 0x10000);
}
static void p_wrap(uint8_t *m, uint64_t *n)
{
        eb_put64(PH(1) + EB_P_VADDR, 0x402000);
        eb_put64(PH(1) + EB_P_MEMSZ, ~0ull - 0x1000);
}
static void p_kernel(uint8_t *m, uint64_t *n)
{
        eb_put64(PH(1) + EB_P_VADDR, 0xffffffff80000000ull);
}
static void p_overlap(uint8_t *m, uint64_t *n)
{
        eb_put64(PH(1) + EB_P_VADDR, 0x401000);
}
static void p_share_page(uint8_t *m, uint64_t *n)
{
        eb_put64(PH(1) + EB_P_VADDR, 0x401c90); // text ends at 0x401c82, same page
}
static void p_no_load(uint8_t *m, uint64_t *n)
{
        for (int i = 0; i < 3; i++)
                eb_put32(PH(i) + EB_P_TYPE, EB_PT_NOTE);
}
static void p_entry_nx(uint8_t *m, uint64_t *n)
{
        eb_put64(m + EB_E_ENTRY, 0x403004);
}
static void p_entry_out(uint8_t *m, uint64_t *n)
{
        eb_put64(m + EB_E_ENTRY, 0x7000000);
}

// Every check of elf_parse, one corrupted field at a time.
static void malformed_fields(void)
{
        static const struct {
                void (*poke)(uint8_t *, uint64_t *);
                const char *want;
        } cases[] = {
            {p_short, "too short"},
            {p_empty, "too short"},
            {p_magic, "bad magic"},
            {p_class32, "64-bit little-endian"},
            {p_bigendian, "64-bit little-endian"},
            {p_version, "64-bit little-endian"},
            {p_dyn, "ET_EXEC"},
            {p_machine, "another machine"},
            {p_phentsize, "program header size or count"},
            {p_phnum0, "program header size or count"},
            {p_phnum_big, "program header size or count"},
            {p_phoff_out, "program headers lie outside"},
            {p_phoff_huge, "program headers lie outside"},
            {p_ph_cut, "program headers lie outside"},
            {p_ph_tail, "program headers lie outside"},
            {p_filesz_gt_memsz, "filesz > memsz"},
            {p_offset_out, "file bytes lie outside"},
            {p_offset_huge, "file bytes lie outside"},
            {p_bytes_out, "file bytes lie outside"},
            {p_vaddr_low, "user address range"},
            {p_vaddr_high, "user address range"},
            {p_wrap, "user address range"},
            {p_kernel, "user address range"},
            {p_overlap, "overlap"},
            {p_share_page, "share a page"},
            {p_no_load, "no loadable segment"},
            {p_entry_nx, "non-executable"},
            {p_entry_out, "entry point outside"},
        };
        for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
                const char *why = malformed(cases[i].poke, cases[i].want);
                if (why)
                        printf("# malformed case %u (want \"%s\"): %s\n", i, cases[i].want, why);
                EXPECT(why == NULL);
                EXPECT_EQ(lay.nregions, 0);
        }
}

// More PT_LOAD segments than the loader takes.
static void malformed_too_many_segments(void)
{
        struct eb_spec s = {.machine = MACHINE, .entry = 0x400000, .nph = ELF_MAX_SEGS + 1};
        for (unsigned i = 0; i < s.nph; i++)
                s.ph[i] = (struct eb_ph){
                    EB_PT_LOAD, EB_PF_R | EB_PF_X, 0x1000, 0x400000 + i * 0x10000, 0x100, 0x100};
        EXPECT_EQ(build_spec(&s, false), -ENOEXEC);
        EXPECT(strstr(err, "too many PT_LOAD"));
        s.nph = ELF_MAX_SEGS;
        EXPECT_EQ(build_spec(&s, false), 0);
        EXPECT(exec_layout_check(&lay, img, img_size, false) == NULL);
        EXPECT_EQ(lay.nregions, ELF_MAX_SEGS + 2);
}

// exec_build without an err pointer still fails cleanly.
static void malformed_null_err(void)
{
        EXPECT_EQ(exec_build(&lay, img, 10, MACHINE, false, "p", NULL, NULL, NULL, NULL), -ENOEXEC);
        EXPECT_EQ(exec_build(&lay, NULL, 0, MACHINE, false, "p", NULL, NULL, NULL, &err), -ENOEXEC);
}

// --- random corruption ---------------------------------------------------------

// Thousands of images mutated from valid seeds (bit flips, byte stores,
// interesting words at header fields, truncation): exec_build must return 0
// with every layout invariant holding, or -ENOEXEC/-E2BIG with a message.
// Each input is an exact-size heap copy so ASan sees any read past its end.
static void random_corruption(void)
{
        struct eb_spec seeds[4] = {eb_typical(MACHINE), eb_typical(MACHINE), eb_typical(MACHINE),
                                   eb_typical(MACHINE)};
        seeds[1].ph[0].offset = 0; // headers inside the text segment
        seeds[1].ph[0].filesz = seeds[1].ph[0].memsz = 0x2000;
        seeds[2].ph[0].vaddr = 0x400123; // page offsets
        seeds[2].entry = 0x400200;
        seeds[3].ph[3].flags |= EB_PF_X;
        static const uint64_t words[] = {
            0,     1,          0x1000,           0xfff,       0x400000,
            ~0ull, 1ull << 63, EXEC_STACK_FLOOR, MK_USER_TOP, ~0ull - 0xfff};
        static const unsigned fields[] = {EB_E_ENTRY,
                                          EB_E_PHOFF,
                                          EB_EHDR_SIZE + EB_P_OFFSET,
                                          EB_EHDR_SIZE + EB_P_VADDR,
                                          EB_EHDR_SIZE + EB_P_FILESZ,
                                          EB_EHDR_SIZE + EB_P_MEMSZ};
        unsigned ok = 0, bad = 0;
        h_rng = 0x5eed0e1f;
        for (unsigned it = 0; it < NUM_MUTANTS; it++) {
                const struct eb_spec *s = &seeds[h_rand() % ARRAY_SIZE(seeds)];
                uint64_t n = eb_write(s, img, sizeof(img));
                unsigned k = 1 + h_rand() % MAX_MUTATION;
                for (unsigned j = 0; j < k; j++) {
                        uint64_t r = h_rand(), at = (r >> 8) % n;
                        switch (r % 5) {
                        case 0:
                                img[at] ^= (uint8_t)(1u << ((r >> 40) % 8));
                                break;
                        case 1:
                                img[at % (EB_EHDR_SIZE + 4 * EB_PHDR_SIZE)] = (uint8_t)(r >> 40);
                                break;
                        case 2: {
                                unsigned f = fields[(r >> 40) % ARRAY_SIZE(fields)];
                                f += (unsigned)((r >> 48) % 4) *
                                     (f >= EB_EHDR_SIZE ? EB_PHDR_SIZE : 0);
                                eb_put64(img + f, words[(r >> 56) % ARRAY_SIZE(words)]);
                                break;
                        }
                        case 3:
                                n = 1 + at;
                                break;
                        default:
                                eb_put16(img + EB_E_PHNUM, (uint16_t)((r >> 40) % 6));
                        }
                }
                uint8_t *copy = malloc(n);
                memcpy(copy, img, n);
                bool wx = h_rand() & 1;
                int rc = exec_build(&lay, copy, n, MACHINE, wx, "m", test_argv, test_envp, test_aux,
                                    &err);
                const char *why = NULL;
                if (rc == 0)
                        why = exec_layout_check(&lay, copy, n, wx), ok++;
                else if ((rc != -ENOEXEC && rc != -E2BIG) || !err || !*err)
                        why = "bad error return";
                else
                        bad++;
                free(copy);
                if (why)
                        printf("# mutant %u: %s\n", it, why);
                EXPECT(why == NULL);
        }
        printf("# random_corruption: %u accepted, %u refused\n", ok, bad);
        EXPECT(ok > 100 && bad > 100);
}

// --- the maps line -------------------------------------------------------------

static void format_lines(void)
{
        char buf[160];
        struct eb_spec s = eb_typical(MACHINE);
        EXPECT_EQ(build_spec(&s, false), 0);
        static const char *const want[] = {
            "0000400000-0000402000 r-xp 00001000 text prog",
            "0000402000-0000403000 r--p 00003000 rodata prog",
            "0000403000-0000404000 rw-p 00004000 data prog",
            "0000404000-0000406000 rw-p 00000000 bss [anon]",
            "0000406000-0000406000 rw-p 00000000 heap [heap]",
            "3feffe0000-3ff0000000 rw-p 00000000 stack [stack]",
        };
        for (int i = 0; i < 6; i++) {
                int n = region_format(reg(i), buf, sizeof(buf));
                EXPECT_EQ(n, strlen(want[i]));
                if (strcmp(buf, want[i]) != 0)
                        printf("# got \"%s\"\n", buf);
                EXPECT(strcmp(buf, want[i]) == 0);
        }

        // A mid-page segment: the offset of the region's first byte.
        s.ph[0].offset = 0x1123;
        s.ph[0].vaddr = 0x400123;
        s.entry = 0x400200;
        EXPECT_EQ(build_spec(&s, false), 0);
        region_format(reg(0), buf, sizeof(buf));
        EXPECT(strcmp(buf, "0000400000-0000402000 r-xp 00001000 text prog") == 0);

        // Shared kinds print 's'; unnamed anonymous, guard and file regions.
        struct region_desc d = {.start = 0x1000000000ull,
                                .end = 0x1000002000ull,
                                .prot = MK_PERM_R | MK_PERM_W,
                                .kind = RK_ANON_SHARED};
        region_format(&d, buf, sizeof(buf));
        EXPECT(strcmp(buf, "1000000000-1000002000 rw-s 00000000 anon_shared [anon]") == 0);
        d.kind = RK_GUARD;
        d.prot = 0;
        region_format(&d, buf, sizeof(buf));
        EXPECT(strcmp(buf, "1000000000-1000002000 ---p 00000000 guard [guard]") == 0);
        d.kind = RK_FILE_SHARED;
        d.backing = BK_VFS;
        d.prot = MK_PERM_R;
        d.file_off = 0x3000;
        region_format(&d, buf, sizeof(buf));
        EXPECT(strcmp(buf, "1000000000-1000002000 r--s 00003000 file_shared [file]") == 0);
        d.name = "data.txt";
        d.kind = RK_FILE_PRIVATE;
        region_format(&d, buf, sizeof(buf));
        EXPECT(strcmp(buf, "1000000000-1000002000 r--p 00003000 file_private data.txt") == 0);
        // Truncation: snprintf's contract.
        char small[12];
        int n = region_format(&d, small, sizeof(small));
        EXPECT_EQ(n, strlen("1000000000-1000002000 r--p 00003000 file_private data.txt"));
        EXPECT(strcmp(small, "1000000000-") == 0);
}

int main(void)
{
        h_suite = "exec";
        RUN(typical_layout);
        RUN(segment_page_offsets);
        RUN(partial_last_page);
        RUN(bss_only_segment);
        RUN(separate_segments_sorted);
        RUN(gnu_stack);
        RUN(wx_segment);
        RUN(flags_to_prot);
        RUN(entry_point);
        RUN(address_range);
        RUN(stack_layout);
        RUN(stack_at_phdr);
        RUN(stack_empty_args);
        RUN(stack_e2big);
        RUN(malformed_fields);
        RUN(malformed_too_many_segments);
        RUN(malformed_null_err);
        RUN(random_corruption);
        RUN(format_lines);
        return DONE();
}
