// SPDX-License-Identifier: MIT
// The host replay of the system pager (pager_replay.c) on a small recording
// checked in (replay/small.rec): the pager on the fake kernel, booted with
// `record` on a boot image made here (an init and a VFS, both a typical ELF),
// served a short life: text, data and bss faults, stack growth and the
// guard gap, mmap, fork with copy-on-write on both sides, a tree at its
// frame limit (out of memory), the child's exit and the first program's
// (which shuts down). Its replay gives 0 mismatches; a copy with one grant's
// rights edited (replay/small_edited.rec) exactly that one; another boot
// image is refused. `test_pager_replay --write FILE` records the life again
// (after a change of the pager's recording or of elf_build.h).
#include "cpio_build.h"
#include "../harness.h"
#include "../../../servers/pager/pager.h"
#include "pager_host.h"
#include "pager_replay.h"
#include <mk/errno.h>
#include <stdlib.h>

static uint8_t img[64 * 1024];
static size_t img_len;
static char img_path[] = "/tmp/mk-replay-img.XXXXXX";

static void cpio_put(const char *name, const void *data, size_t size)
{
        cpio_append(img, sizeof(img), &img_len, name, data, size);
}

#include "../exec/elf_build.h"

// The boot image, also as a file (what the replay reads).
static int image(void)
{
        static uint8_t elf[32 * 1024];
        struct eb_spec s = eb_typical(ELF_EM_X86_64);
        uint64_t n = eb_write(&s, elf, sizeof(elf));
        cpio_put("init", elf, n);
        cpio_put("vfs", elf, n);
        cpio_put("TRAILER!!!", "", 0);
        int fd = mkstemp(img_path);
        FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
        if (!f)
                return -1;
        bool ok = fwrite(img, 1, img_len, f) == img_len;
        return fclose(f) == 0 && ok ? 0 : -1;
}

static struct mk_msg in, out;

static long request(struct pproc *p, uint64_t tag, uint64_t w0, uint64_t w1, uint64_t w2,
                    uint64_t w3)
{
        memset(&in, 0, sizeof(in));
        in.tag = tag;
        in.badge = p->idx;
        in.w[0] = w0;
        in.w[1] = w1;
        in.w[2] = w2;
        in.w[3] = w3;
        pager_serve(&in, &out);
        return (long)out.w[0];
}

static void fault(struct pproc *p, uint64_t addr, unsigned access, unsigned kind)
{
        struct fault_info f = {.addr = addr,
                               .access = (uint8_t)access,
                               .kind = (uint8_t)kind,
                               .level = FAULT_LEVEL_UNKNOWN,
                               .flags = FAULT_F_USER | FAULT_F_ADDR_VALID};
        memset(&in, 0, sizeof(in));
        in.tag = MK_TAG_FAULT;
        in.flags = MK_MSG_KERNEL;
        in.badge = p->idx;
        fault_msg_encode(in.w, &f, 1, p->pid);
        pager_serve(&in, &out);
}

static void exit_event(struct pproc *p, uint64_t status)
{
        memset(&in, 0, sizeof(in));
        in.tag = MK_TAG_EXIT;
        in.flags = MK_MSG_KERNEL;
        in.badge = p->idx;
        in.w[MK_XW_PID] = p->pid;
        in.w[MK_XW_STATUS] = status;
        in.w[MK_XW_REASON] = MK_REASON_EXIT;
        pager_serve(&in, &out);
}

static struct pproc *named(const char *name, struct pproc * not )
{
        for (uint32_t i = 1; i < MAX_PROCS; i++)
                if (procs[i].used && procs[i].idx && !strcmp(procs[i].name, name) &&
                    &procs[i] != not )
                        return &procs[i];
        return NULL;
}

// The life recorded in replay/small.rec.
static int life(FILE *rec)
{
        pager_host_zero_used();
        pager_host_reset();
        fk_reset(img, img_len);
        fk_config(NULL, "record", FAULT_ARCH_X86_64);
        fk_console = rec;
        fk_shutdown_armed = true;
        if (!setjmp(fk_shutdown)) {
                pager_start();
                struct pproc *p = named("init", NULL);
                if (!p)
                        return -1;
                uint64_t rw = MK_PERM_R | MK_PERM_W;
                fault(p, 0x400100, FAULT_EXEC, FAULT_NOT_PRESENT); // text
                fault(p, 0x403008, FAULT_READ, FAULT_NOT_PRESENT); // data
                fault(p, 0x403008, FAULT_WRITE, FAULT_PROTECTION); // data, written
                fault(p, 0x404010, FAULT_READ, FAULT_NOT_PRESENT); // bss: the zero page
                fault(p, 0x404010, FAULT_WRITE, FAULT_PROTECTION); // bss, written
                fault(p, 0x400100, FAULT_WRITE, FAULT_PROTECTION); // text, written: refused
                fault(p, 0x1000, FAULT_READ, FAULT_NOT_PRESENT);   // no mapping
                struct vma *s = NULL;
                for (struct vma *v = vma_first(&p->tree); v; v = vma_next(v))
                        if (v->d.kind == RK_STACK)
                                s = v;
                if (!s)
                        return -1;
                uint64_t start = s->d.start, limit = s->d.limit;
                fault(p, start - 16, FAULT_WRITE, FAULT_NOT_PRESENT); // the stack grows
                fault(p, limit - 8, FAULT_WRITE, FAULT_NOT_PRESENT);  // the guard gap
                uint64_t va = (uint64_t)request(p, PGR_MMAP, 0, 4 * MK_PAGE_SIZE, rw,
                                                PGR_MAP_PRIVATE | PGR_MAP_ANON);
                fault(p, va, FAULT_WRITE, FAULT_NOT_PRESENT);
                fault(p, va + MK_PAGE_SIZE, FAULT_READ, FAULT_NOT_PRESENT);
                request(p, PGR_FORK, 0, 0, 0, 0);
                struct pproc *c = named("init", p);
                if (!c)
                        return -1;
                fault(c, va, FAULT_READ, FAULT_NOT_PRESENT); // the parent's frame, read-only
                fault(p, va, FAULT_WRITE, FAULT_PROTECTION); // copy-on-write: a copy
                fault(c, va, FAULT_WRITE, FAULT_PROTECTION); // the last holder: reused
                fault(c, va + MK_PAGE_SIZE, FAULT_WRITE, FAULT_NOT_PRESENT);
                request(c, PGR_MUNMAP, va + 2 * MK_PAGE_SIZE, MK_PAGE_SIZE, 0, 0);
                // The child's tree at its frame limit: out of memory.
                request(c, PGR_LIMIT, 0, acct[c->idx].tree_frames, 0, 0);
                fault(c, va + 3 * MK_PAGE_SIZE, FAULT_WRITE, FAULT_NOT_PRESENT);
                exit_event(c, 0);
                request(p, PGR_STATS, (uint64_t)-1, 0, 0, 0);
                exit_event(p, 0); // the first program: the machine shuts down
        }
        fk_shutdown_armed = false;
        fk_console = NULL;
        fk_config(NULL, NULL, 0);
        return 0;
}

static void recorded(void)
{
        EXPECT_EQ(pager_replay(FIXTURES "/small.rec", img_path, 1), 0);
}

static void hand_edited(void)
{
        // One grant's rights changed (rw- to r--): exactly that mismatch.
        EXPECT_EQ(pager_replay(FIXTURES "/small_edited.rec", img_path, 1), 1);
}

static void other_image(void)
{
        char other[] = "/tmp/mk-replay-other.XXXXXX";
        int fd = mkstemp(other);
        FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
        EXPECT(f != NULL);
        EXPECT_EQ(fwrite(img, 1, img_len - 4, f), img_len - 4);
        fclose(f);
        EXPECT_EQ(pager_replay(FIXTURES "/small.rec", other, 1), 1);
        remove(other);
}

static void missing(void)
{
        EXPECT_EQ(pager_replay(FIXTURES "/no-such.rec", img_path, 0), -1);
}

int main(int argc, char **argv, char **envp)
{
        if (image())
                return 1;
        if (argc == 3 && !strcmp(argv[1], "--write")) {
                FILE *f = fopen(argv[2], "w");
                int r = f ? life(f) : -1;
                if (f)
                        fclose(f);
                remove(img_path);
                return r ? 1 : 0;
        }
        h_suite = "pager_replay";
        RUN(recorded);
        RUN(hand_edited);
        RUN(other_image);
        RUN(missing);
        remove(img_path);
        return DONE();
}
