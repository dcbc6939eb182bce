// SPDX-License-Identifier: MIT
// The system pager on the host (pager_host.h: all of servers/pager/ on the
// fake kernel of the pager fuzz target), driven through pager_serve as its
// loop does: regression tests for what the pager fuzz target found.
#include "cpio_build.h"
#include "../harness.h"
#include "../../../servers/pager/pager.h"
#include "pager_host.h"
#include <mk/errno.h>

static struct mk_msg in, out;
static uint8_t img[64 * 1024];
static size_t img_len;

static void cpio_put(const char *name, const void *data, size_t size)
{
        cpio_append(img, sizeof(img), &img_len, name, data, size);
}

#include "../exec/elf_build.h"

// A fresh pager (what main() does before its loop) with a boot image of
// two programs.
static void boot(void)
{
        static uint8_t elf[32 * 1024];
        if (!img_len) {
                struct eb_spec s = eb_typical(ELF_EM_X86_64);
                uint64_t n = eb_write(&s, elf, sizeof(elf));
                cpio_put("init", elf, n);
                cpio_put("prog", elf, n);
                cpio_put("TRAILER!!!", "", 0);
        }
        pager_host_boot(img, img_len);
}

static struct pproc *start(const char *prog)
{
        const char *argv[] = {prog, NULL}, *envp[] = {NULL}, *err;
        struct pproc *p = pproc_new(prog, NULL);
        if (p && pproc_load(p, prog, argv, envp, NULL, true, &err))
                return NULL;
        return p;
}

static long request(struct pproc *p, uint64_t tag, uint64_t w0, uint64_t w1, uint64_t w2,
                    const void *buf, uint32_t len)
{
        memset(&in, 0, sizeof(in));
        in.tag = tag;
        in.badge = p->badge;
        in.w[0] = w0;
        in.w[1] = w1;
        in.w[2] = w2;
        if (len)
                memcpy(in.buf, buf, len);
        in.len = len;
        pager_serve(&in, &out);
        return (long)out.w[0];
}

// Every process ends, as the kernel reports it; true when nothing is left
// referenced or charged then.
static bool end_all_clean(void)
{
        uint32_t pid;
        uint64_t reason;
        for (uint32_t i = 1; i < MAX_PROCS; i++) {
                if (!procs[i].used)
                        continue;
                memset(&in, 0, sizeof(in));
                in.tag = MK_TAG_EXIT;
                in.flags = MK_MSG_KERNEL;
                in.badge = procs[i].badge;
                in.w[MK_XW_PID] = procs[i].pid;
                pager_serve(&in, &out);
        }
        while (fk_exit_pop(&pid, &reason))
                ;
        for (uint32_t i = 1; i < MAX_PROCS; i++)
                if (procs[i].used || acct[i].used)
                        return false;
        for (uint64_t k = 0; k < FK_FRAMES; k++)
                if (frame_refs(FK_PA_BASE + k * MK_PAGE_SIZE))
                        return false;
        return true;
}

// A spawn that runs out of frames for the child's page records after its
// stack page was allocated: the stack page must not stay referenced.
static void spawn_out_of_memory_leaks_nothing(void)
{
        boot();
        struct pproc *p = start("init");
        EXPECT(p != NULL);
        // Its tree may hold one frame more: the child's stack page, not the
        // tables that record it.
        EXPECT_EQ(request(p, PGR_LIMIT, 0, acct[p->idx].tree_frames + 1, 0, NULL, 0), 0);
        EXPECT_EQ(request(p, PGR_SPAWN, 1, 0, 0, "prog", 5), -ENOMEM);
        EXPECT(end_all_clean());
}

// The same when even the stack page cannot be had.
static void spawn_without_frames_leaks_nothing(void)
{
        boot();
        struct pproc *p = start("init");
        EXPECT(p != NULL);
        EXPECT_EQ(request(p, PGR_LIMIT, 0, acct[p->idx].tree_frames, 0, NULL, 0), 0);
        EXPECT_EQ(request(p, PGR_SPAWN, 1, 0, 0, "prog", 5), -ENOMEM);
        EXPECT(end_all_clean());
}

int main(int argc, char **argv, char **envp)
{
        h_suite = "pager_host";
        RUN(spawn_out_of_memory_leaks_nothing);
        RUN(spawn_without_frames_leaks_nothing);
        return DONE();
}
