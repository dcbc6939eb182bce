// SPDX-License-Identifier: MIT
// The pager's fault decision table: every region kind x access x page state.
#include "harness.h"
#include "policy.h"
#include <mk/fault.h>
#include <mk/syscall.h>

#define R MK_PERM_R
#define W MK_PERM_W
#define X MK_PERM_X

static struct region_desc reg(unsigned kind, unsigned backing, uint32_t prot)
{
        return (struct region_desc){.start = 0x10000,
                                    .end = 0x20000,
                                    .prot = prot,
                                    .kind = (uint8_t)kind,
                                    .backing = (uint8_t)backing};
}

static unsigned decide(const struct region_desc *r, unsigned access, unsigned kind, uint64_t entry,
                       uint32_t refs, bool eof)
{
        struct fault_in in = {r, access, kind, entry, refs, eof};
        return fault_decide(&in);
}

static void failures(void)
{
        struct region_desc text = reg(RK_TEXT, BK_IMAGE, R | X), guard = reg(RK_GUARD, BK_NONE, 0);
        struct region_desc ro = reg(RK_RODATA, BK_IMAGE, R), data = reg(RK_DATA, BK_IMAGE, R | W);
        EXPECT_EQ(decide(NULL, FAULT_READ, FAULT_NOT_PRESENT, 0, 0, 0), FD_FAIL_NOMAP);
        EXPECT_EQ(decide(&guard, FAULT_READ, FAULT_NOT_PRESENT, 0, 0, 0), FD_FAIL_GUARD);
        EXPECT_EQ(decide(&guard, FAULT_WRITE, FAULT_NOT_PRESENT, 0, 0, 0), FD_FAIL_GUARD);
        EXPECT_EQ(decide(&text, FAULT_WRITE, FAULT_PROTECTION, 0, 0, 0), FD_FAIL_ACCESS);
        EXPECT_EQ(decide(&ro, FAULT_WRITE, FAULT_NOT_PRESENT, 0, 0, 0), FD_FAIL_ACCESS);
        EXPECT_EQ(decide(&ro, FAULT_EXEC, FAULT_NOT_PRESENT, 0, 0, 0), FD_FAIL_ACCESS);
        EXPECT_EQ(decide(&data, FAULT_EXEC, FAULT_PROTECTION, 0, 0, 0), FD_FAIL_ACCESS);
        EXPECT_EQ(decide(&data, FAULT_READ, FAULT_OTHER, 0, 0, 0), FD_FAIL_BUS);
        struct region_desc f = reg(RK_FILE_SHARED, BK_VFS, R | W);
        EXPECT_EQ(decide(&f, FAULT_READ, FAULT_NOT_PRESENT, 0, 0, true), FD_FAIL_BUS);
}

static void first_touch(void)
{
        struct region_desc text = reg(RK_TEXT, BK_IMAGE, R | X),
                           data = reg(RK_DATA, BK_IMAGE, R | W);
        struct region_desc bss = reg(RK_BSS, BK_NONE, R | W),
                           anon = reg(RK_ANON_PRIVATE, BK_NONE, R | W);
        struct region_desc shanon = reg(RK_ANON_SHARED, BK_NONE, R | W);
        struct region_desc fp = reg(RK_FILE_PRIVATE, BK_VFS, R | W),
                           fs = reg(RK_FILE_SHARED, BK_VFS, R | W);
        EXPECT_EQ(decide(&text, FAULT_EXEC, FAULT_NOT_PRESENT, 0, 0, 0), FD_FILL_IMAGE);
        EXPECT_EQ(decide(&text, FAULT_READ, FAULT_NOT_PRESENT, 0, 0, 0), FD_FILL_IMAGE);
        EXPECT_EQ(decide(&data, FAULT_WRITE, FAULT_NOT_PRESENT, 0, 0, 0), FD_FILL_IMAGE);
        EXPECT_EQ(decide(&bss, FAULT_READ, FAULT_NOT_PRESENT, 0, 0, 0), FD_MAP_ZERO);
        EXPECT_EQ(decide(&bss, FAULT_WRITE, FAULT_NOT_PRESENT, 0, 0, 0), FD_FILL_ZERO);
        EXPECT_EQ(decide(&anon, FAULT_READ, FAULT_NOT_PRESENT, 0, 0, 0), FD_MAP_ZERO);
        EXPECT_EQ(decide(&anon, FAULT_WRITE, FAULT_NOT_PRESENT, 0, 0, 0), FD_FILL_ZERO);
        EXPECT_EQ(decide(&shanon, FAULT_READ, FAULT_NOT_PRESENT, 0, 0, 0), FD_FILL_ZERO);
        EXPECT_EQ(decide(&fp, FAULT_READ, FAULT_NOT_PRESENT, 0, 0, 0), FD_MAP_FILE);
        EXPECT_EQ(decide(&fp, FAULT_WRITE, FAULT_NOT_PRESENT, 0, 0, 0), FD_COPY_FILE);
        EXPECT_EQ(decide(&fs, FAULT_READ, FAULT_NOT_PRESENT, 0, 0, 0), FD_MAP_FILE);
        EXPECT_EQ(decide(&fs, FAULT_WRITE, FAULT_NOT_PRESENT, 0, 0, 0), FD_MAP_FILE);
}

static void present_pages(void)
{
        struct region_desc anon = reg(RK_ANON_PRIVATE, BK_NONE, R | W);
        struct region_desc sh = reg(RK_ANON_SHARED, BK_NONE, R | W);
        uint64_t zero = 0x5000 | SH_PRESENT | SH_ZERO, cow = 0x6000 | SH_PRESENT | SH_COW;
        uint64_t mine = 0x7000 | SH_PRESENT;
        // Zero page then write: a new zeroed frame.
        EXPECT_EQ(decide(&anon, FAULT_WRITE, FAULT_PROTECTION, zero, 0, 0), FD_FILL_ZERO);
        EXPECT_EQ(decide(&anon, FAULT_READ, FAULT_NOT_PRESENT, zero, 0, 0), FD_REMAP);
        // Copy-on-write: copy when shared, reuse when ours alone.
        EXPECT_EQ(decide(&anon, FAULT_WRITE, FAULT_PROTECTION, cow, 2, 0), FD_COW_COPY);
        EXPECT_EQ(decide(&anon, FAULT_WRITE, FAULT_PROTECTION, cow, 1, 0), FD_COW_REUSE);
        EXPECT_EQ(decide(&anon, FAULT_WRITE, FAULT_NOT_PRESENT, cow, 3, 0), FD_COW_COPY);
        EXPECT_EQ(decide(&anon, FAULT_READ, FAULT_NOT_PRESENT, cow, 3, 0), FD_REMAP);
        // A page we already have, not installed (after fork or mprotect): remap.
        EXPECT_EQ(decide(&anon, FAULT_WRITE, FAULT_NOT_PRESENT, mine, 1, 0), FD_REMAP);
        // Shared pages are never copied.
        EXPECT_EQ(decide(&sh, FAULT_WRITE, FAULT_PROTECTION, 0x8000 | SH_PRESENT | SH_SHARED, 2, 0),
                  FD_REMAP);
}

static void perms(void)
{
        struct region_desc anon = reg(RK_ANON_PRIVATE, BK_NONE, R | W);
        struct region_desc wo = reg(RK_ANON_PRIVATE, BK_NONE, W);
        EXPECT_EQ(fault_perms(&anon, SH_PRESENT), R | W);
        EXPECT_EQ(fault_perms(&anon, SH_PRESENT | SH_COW), R);
        EXPECT_EQ(fault_perms(&anon, SH_PRESENT | SH_ZERO), R);
        EXPECT_EQ(fault_perms(&wo, SH_PRESENT), R | W); // write-only is read-write on every MMU
        for (unsigned d = 0; d < FD_COUNT; d++)
                EXPECT(strcmp(fault_decision_name(d), "?") != 0);
}

// A file hole read first maps the zero page (fault.c); a write there then
// gets the page-cache frame for a shared mapping, a zeroed frame of its own
// for a private one; a read just maps it again.
static void hole_then_write(void)
{
        struct region_desc fs = reg(RK_FILE_SHARED, BK_VFS, R | W);
        struct region_desc fp = reg(RK_FILE_PRIVATE, BK_VFS, R | W);
        uint64_t zero = 0x5000 | SH_PRESENT | SH_ZERO;
        EXPECT_EQ(decide(&fs, FAULT_WRITE, FAULT_PROTECTION, zero, 0, 0), FD_MAP_FILE);
        EXPECT_EQ(decide(&fp, FAULT_WRITE, FAULT_PROTECTION, zero, 0, 0), FD_FILL_ZERO);
        EXPECT_EQ(decide(&fs, FAULT_READ, FAULT_NOT_PRESENT, zero, 0, 0), FD_REMAP);
        EXPECT_EQ(decide(&fs, FAULT_WRITE, FAULT_PROTECTION, zero, 0, 1), FD_FAIL_BUS);
        EXPECT_EQ(fault_perms(&fs, SH_PRESENT | SH_ZERO), R);
}

int main(void)
{
        h_suite = "policy";
        RUN(failures);
        RUN(first_touch);
        RUN(present_pages);
        RUN(perms);
        RUN(hole_then_write);
        return DONE();
}
