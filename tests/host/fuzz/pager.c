// SPDX-License-Identifier: MIT
// Fuzz target pager: the system pager (servers/pager/, all of it, through
// pager_serve: main.c's loop step) on a fake kernel (pager_sys.c), fed a
// stream of messages as its endpoint would receive them: page faults of its
// processes anywhere in their address spaces (the kernel's, with the right
// pid), exits, every request of mk/pager.h with hostile words and buffers
// (mmap, munmap, mprotect, msync, brk, fork, spawn, maps, stats, frames,
// resume, limit, ...), forged faults and exits (without MK_MSG_KERNEL, or
// under another process's badge), writes of the VFS server to its inode
// table and page cache, and kernel calls that fail.
//
// Input: a set-up byte (the VFS server or not, how many processes start,
// whether they may shut down), then records: a selector byte (what, from
// which process, whether kernel calls fail), then its fields (fuzz.h).
// Checked after every message: a call is answered; a fault's MAP grants pass
// the kernel's checks (user page, a frame of the pager, R, known rights),
// never give the zero page writable, and give a frame writable to a private
// mapping only when no other process holds it (copy-on-write); a FAIL names
// a reason. At the end every process ends (as the kernel reports it) and
// then no frame is referenced or charged any more (no leak).
#include "cpio_build.h"
#include "../exec/elf_build.h"
#include "../../../servers/pager/pager.h"
#include "fuzz.h"
#include "pager_host.h"
#include <mk/vfs.h>

#define MAX_MSGS 16
#define MAX_LIVE 16
#define NEAR     16

static uint8_t bootimg_buf[256 * 1024];
static size_t bootimg_len;
static const char *const progs[] = {"init", "prog", "vfs", "wx", "bad", "nope", "", "init/x"};

// (MK_TAG_USER + 3 and + 4: unused, once the test requests PGR_EXPECT and
// PGR_RESULT.)
static const uint64_t req_tags[] = {PGR_MMAP,
                                    PGR_MUNMAP,
                                    PGR_MPROTECT,
                                    PGR_MSYNC,
                                    PGR_BRK,
                                    PGR_FORK,
                                    PGR_SPAWN,
                                    PGR_MAPS,
                                    PGR_STATS,
                                    PGR_FRAMES,
                                    PGR_RESUME,
                                    PGR_LIMIT,
                                    PGR_TRACE,
                                    PGR_PING,
                                    MK_TAG_USER + 3,
                                    MK_TAG_USER + 4,
                                    PGR_SHUTDOWN,
                                    PGR_VFS_RELEASE,
                                    MK_TAG_USER + 1,
                                    MK_TAG_USER + 99,
                                    MK_TAG_FAULT,
                                    MK_TAG_EXIT,
                                    0,
                                    PGR_MMAP};

static void cpio_put(const char *name, const void *data, size_t size)
{
        cpio_append(bootimg_buf, sizeof(bootimg_buf), &bootimg_len, name, data, size);
}

// The boot image: programs for x86_64 (typical, and one with an executable
// stack), the VFS server, and a broken one.
static void bootimg_build(void)
{
        static uint8_t elf[64 * 1024];
        if (bootimg_len)
                return;
        struct eb_spec s = eb_typical(ELF_EM_X86_64);
        uint64_t n = eb_write(&s, elf, sizeof(elf));
        cpio_put("init", elf, n);
        cpio_put("prog", elf, n);
        cpio_put("vfs", elf, n);
        s.ph[3].flags |= EB_PF_X;
        n = eb_write(&s, elf, sizeof(elf));
        cpio_put("wx", elf, n);
        cpio_put("bad", elf, 100);
        cpio_put("TRAILER!!!", "", 0);
}

// Addresses worth faulting at or passing in p's requests.
FUZZ_NOCOV static void near_of(const struct pproc *p, uint64_t *near)
{
        // (0x60000000-0x63000000: where the pager's test regions were, now
        // plain addresses of the mmap range.)
        static const uint64_t fixed[NEAR] = {0x400000,
                                             0x402000,
                                             0x403000,
                                             0, // the break
                                             EXEC_STACK_TOP - MK_PAGE_SIZE,
                                             EXEC_STACK_TOP - EXEC_STACK_INIT - MK_PAGE_SIZE,
                                             EXEC_STACK_FLOOR,
                                             MMAP_LO,
                                             MMAP_HI - 0x10000,
                                             0x60000000,
                                             0x61000000,
                                             0x62000000,
                                             0x63000000,
                                             VFS_INODE_TABLE_VA,
                                             VFS_DATA_BASE,
                                             MK_USER_TOP - MK_PAGE_SIZE};
        memcpy(near, fixed, sizeof(fixed));
        near[3] = p ? p->brk_start : 0x404000;
}

// The processes the pager serves now but the VFS server (their slots), for
// the selector.
FUZZ_NOCOV static unsigned live(uint32_t *idx)
{
        unsigned n = 0;
        for (uint32_t i = 1; i < MAX_PROCS && n < MAX_LIVE; i++)
                if (procs[i].used && !procs[i].oom_killed && !procs[i].is_vfs)
                        idx[n++] = i;
        return n;
}

// A fault reply against the kernel's checks and the pager's promises.
FUZZ_NOCOV static const char *fault_reply_check(const struct pproc *p, uint64_t addr,
                                                const struct mk_msg *out)
{
        if (out->tag == MK_FAULT_FAIL)
                return out->w[0] && out->w[0] <= MK_REASON_MAX ? NULL : "a FAIL without a reason";
        if (out->tag == MK_FAULT_RETRY)
                return NULL;
        if (out->tag != MK_FAULT_MAP || out->len % sizeof(struct mk_grant) || out->len > MK_MSG_BUF)
                return "a malformed fault reply";
        struct mk_grant g[MK_MAX_GRANTS];
        unsigned n = 1 + out->len / sizeof(struct mk_grant);
        g[0] = (struct mk_grant){out->w[0], out->w[1], out->w[2]};
        memcpy(g + 1, out->buf, out->len);
        for (unsigned k = 0; k < n; k++) {
                const char *why = fk_grant_check(g[k].va, g[k].pa, g[k].perms);
                if (why)
                        return why;
                if (!(g[k].perms & MK_PERM_W))
                        continue;
                if (g[k].pa == zero_page)
                        return "the zero page granted writable";
                if (!p)
                        continue;
                uint64_t e = shadow_get((struct shadow *)&p->sh, g[k].va);
                if (SH_PA(e) != g[k].pa)
                        return "a frame granted writable that the process's page does not hold";
                if (frame_refs(g[k].pa) > 1 && !(e & SH_SHARED))
                        return "a frame others hold granted writable to a private page";
        }
        if (g[0].va != (addr & ~(uint64_t)(MK_PAGE_SIZE - 1)))
                return "a MAP for another page than the one that faulted";
        return NULL;
}

// The kernel's exit events for the processes the pager killed.
FUZZ_NOCOV static void deliver_exits(uint64_t *digest)
{
        static struct mk_msg in, out;
        uint32_t pid;
        uint64_t reason;
        while (fk_exit_pop(&pid, &reason)) {
                for (uint32_t i = 1; i < MAX_PROCS; i++) {
                        if (!procs[i].used || procs[i].pid != pid)
                                continue;
                        memset(&in, 0, offsetof(struct mk_msg, buf));
                        in.tag = MK_TAG_EXIT;
                        in.flags = MK_MSG_KERNEL;
                        in.badge = procs[i].badge;
                        in.w[MK_XW_PID] = pid;
                        in.w[MK_XW_REASON] = reason;
                        pager_serve(&in, &out);
                        fuzz_hash64(digest, pid);
                        break;
                }
        }
}

// Every process ends (the kernel reports each); then nothing may be left
// referenced or charged.
FUZZ_NOCOV static const char *end_all(uint64_t *digest)
{
        static struct mk_msg in, out;
        fk_fail(0);
        for (int round = 0; round < 2; round++) // the VFS server last
                for (uint32_t i = 1; i < MAX_PROCS; i++) {
                        if (!procs[i].used || (round == 0 && procs[i].is_vfs))
                                continue;
                        memset(&in, 0, offsetof(struct mk_msg, buf));
                        in.tag = MK_TAG_EXIT;
                        in.flags = MK_MSG_KERNEL;
                        in.badge = procs[i].badge;
                        in.w[MK_XW_PID] = procs[i].pid;
                        fk_end_pid(procs[i].pid);
                        pager_serve(&in, &out);
                        deliver_exits(digest);
                }
        for (uint32_t i = 1; i < MAX_PROCS; i++)
                if (procs[i].used || acct[i].used)
                        return "a process slot or its account still in use after every end";
        for (uint64_t k = 0; k < FK_FRAMES; k++) {
                uint64_t pa = FK_PA_BASE + k * MK_PAGE_SIZE;
                if (!frame_refs(pa))
                        continue;
                if (fk_verbose)
                        printf("frame 0x%llx: %u references, charged to slot %u\n",
                               (unsigned long long)pa, frame_refs(pa), frame_owner(pa));
                return "a frame still referenced after every process ended";
        }
        return NULL;
}

// One message of the input, served.
static const char *message(struct fuzz_in *fin, uint64_t *digest)
{
        static struct mk_msg in, out;
        uint32_t idx[MAX_LIVE];
        uint64_t near[NEAR];
        unsigned nlive = live(idx);
        uint8_t sel = fin_u8(fin);
        fk_fail(sel & 0x80 ? fin_u8(fin) : 0);
        // From one of the processes (who 0-5), the VFS server (6), or a badge
        // and pid from the input (7).
        unsigned who = (sel >> 3) & 7;
        struct pproc *p = who == 6 && vfs_idx ? &procs[vfs_idx]
                          : nlive && who < 7  ? &procs[idx[who % nlive]]
                                              : NULL;
        near_of(p, near);
        memset(&in, 0, sizeof(in));
        uint32_t b = fin_u8(fin) % (MAX_PROCS + 2);
        // (An odd slot's own badge, current or stale; an even one's index.)
        in.badge = p ? p->badge : b < MAX_PROCS && (b & 1) ? procs[b].badge : b;
        uint32_t pid = p ? p->pid : fin_u8(fin);
        bool fault = false;
        switch (sel & 7) {
        case 0:
        case 1:
        case 2: { // a fault, as the kernel reports it
                uint8_t b = fin_u8(fin);
                in.tag = MK_TAG_FAULT;
                in.flags = MK_MSG_KERNEL;
                struct fault_info fi = {.access = (uint8_t)(b % 3),
                                        .kind = (uint8_t)(b / 3 % 3),
                                        .arch = FAULT_ARCH_X86_64,
                                        .level = FAULT_LEVEL_UNKNOWN,
                                        .flags = FAULT_F_USER | FAULT_F_ADDR_VALID};
                fi.addr = fin_word(fin, near, NEAR);
                fi.addr += b & 0x40 ? fin_u8(fin) * 8 : 0;
                fault_msg_encode(in.w, &fi, 1, pid);
                if (b >= 0xf0)
                        in.w[MK_FW_INFO] = fin_u64(fin);
                fault = true;
                break;
        }
        case 3: // a request with any words and bytes
        case 4: {
                in.tag = req_tags[fin_u8(fin) % ARRAY_SIZE(req_tags)];
                for (int w = 0; w < MK_MSG_WORDS; w++)
                        in.w[w] = fin_word(fin, near, NEAR);
                uint8_t b = fin_u8(fin);
                if (b < 0x80) { // spawn's strings: a program, an argument, an environment
                        const char *s[3] = {progs[b % ARRAY_SIZE(progs)], "arg", "A=b"};
                        for (int k = 0; k < 3; k++) {
                                size_t l = strlen(s[k]) + 1;
                                memcpy(in.buf + in.len, s[k], l);
                                in.len += (uint32_t)l;
                        }
                        if ((sel & 7) == 4) { // well formed: argc 2, envc 1
                                in.tag = PGR_SPAWN;
                                in.w[0] = 2;
                                in.w[1] &= 7;
                                in.w[2] = 1;
                        }
                } else {
                        in.len = fin_u16(fin) % (MK_MSG_BUF + 8);
                        for (uint32_t k = 0; k < in.len && k < MK_MSG_BUF; k++)
                                in.buf[k] = fin_u8(fin);
                }
                break;
        }
        case 5: // the process ended, as the kernel reports it
                in.tag = MK_TAG_EXIT;
                in.flags = MK_MSG_KERNEL;
                in.w[MK_XW_PID] = pid;
                in.w[MK_XW_STATUS] = fin_u8(fin);
                in.w[MK_XW_REASON] = fin_u8(fin) % (MK_REASON_MAX + 2);
                fk_end_pid(pid);
                break;
        case 6: { // the VFS server writes its inode table or a page-cache page
                if (!vfs_idx)
                        return NULL;
                uint8_t b = fin_u8(fin);
                uint64_t ino = 1 + fin_u8(fin) % 15;
                uint64_t va = (b & 1) ? VFS_DATA_VA(ino) + (uint64_t)(b >> 1) * MK_PAGE_SIZE
                                      : VFS_INODE_TABLE_VA + ino * sizeof(struct vfs_inode);
                struct pproc *v = &procs[vfs_idx];
                in.tag = MK_TAG_FAULT;
                in.flags = MK_MSG_KERNEL;
                in.badge = procs[vfs_idx].badge;
                struct fault_info fi = {
                    .addr = va, .access = FAULT_WRITE, .arch = FAULT_ARCH_X86_64};
                fault_msg_encode(in.w, &fi, 1, v->pid);
                pager_serve(&in, &out);
                fuzz_hash64(digest, out.tag);
                uint64_t e = shadow_get(&v->sh, va & ~(uint64_t)(MK_PAGE_SIZE - 1));
                if (!(b & 1) && (e & SH_PRESENT) && !(e & SH_ZERO)) {
                        struct vfs_inode node = {.size = fin_u16(fin) * 16ull,
                                                 .used = 1,
                                                 .mode = 0100644,
                                                 .generation = fin_u8(fin)};
                        snprintf(node.name, sizeof(node.name), "f%u", (unsigned)ino);
                        memcpy((char *)frame_ptr(SH_PA(e)) + (va & (MK_PAGE_SIZE - 1)), &node,
                               sizeof(node));
                }
                return NULL;
        }
        default: // forged: a kernel tag without the kernel's flag, another pid
                in.tag = fin_u8(fin) % 4;
                in.flags = sel & 0x40 ? MK_MSG_KERNEL : 0;
                struct fault_info fi = {.addr = fin_word(fin, near, NEAR)};
                fi.access = (uint8_t)(fin_u8(fin) % 3);
                fault_msg_encode(in.w, &fi, 1, pid ^ 1);
                in.w[MK_XW_PID] = pid ^ 1;
                break;
        }
        memset(&out, 0xa5, sizeof(out));
        bool answered = pager_serve(&in, &out);
        fk_fail(0);
        if (fk_verbose)
                printf("> tag 0x%llx badge %llu flags %u w %llx %llx %llx %llx %llx %llx len %u"
                       " -> %s tag 0x%llx w %llx %llx %llx len %u\n",
                       (unsigned long long)in.tag, (unsigned long long)in.badge, in.flags,
                       (unsigned long long)in.w[0], (unsigned long long)in.w[1],
                       (unsigned long long)in.w[2], (unsigned long long)in.w[3],
                       (unsigned long long)in.w[4], (unsigned long long)in.w[5], in.len,
                       answered ? "reply" : "none", (unsigned long long)out.tag,
                       (unsigned long long)out.w[0], (unsigned long long)out.w[1],
                       (unsigned long long)out.w[2], answered ? out.len : 0);
        uint64_t bi = in.badge & ((1u << BADGE_IDX_BITS) - 1);
        bool from_ours = bi && bi < MAX_PROCS && procs[bi].used && procs[bi].badge == in.badge;
        if (answered) {
                if (out.len > MK_MSG_BUF)
                        return "a reply longer than a message";
                fuzz_hash64(digest, out.tag);
                fuzz_hash(digest, out.w, sizeof(out.w));
                fuzz_hash64(digest, out.len);
        } else if (in.tag >= MK_TAG_USER && from_ours) {
                return "a request of a process left unanswered";
        }
        if (fault && answered && p && pid == p->pid) {
                const char *why = fault_reply_check(p->used ? p : NULL, in.w[MK_FW_ADDR], &out);
                if (why)
                        return why;
        }
        deliver_exits(digest);
        return NULL;
}

static const char *run(const uint8_t *data, size_t size, uint64_t *digest)
{
        struct fuzz_in fin = {data, size};
        const char *err;
        uint8_t setup = fin_u8(&fin);
        // What main() does before its loop.
        pager_machine = ELF_EM_X86_64;
        frames_init();
        if (mk_info(MK_INFO_BOOTIMG, &bootimg) < 0)
                return "no boot image";
        pager_ep = 3;
        default_frame_limit = frames_free() / 4 * 3;
        zero_page = frame_get();
        page_zero(frame_ptr(zero_page));
        if (setup & 1)
                vfs_start();
        // Programs started as tests.c's start() does.
        for (unsigned k = 0; k <= ((setup >> 1) & 1); k++) {
                const char *prog = k == 2 && (setup & 0x40) ? "wx" : progs[k & 1];
                const char *argv[] = {prog, "1", NULL}, *envp[] = {"A=b", NULL};
                struct pproc *p = pproc_new(prog, NULL);
                if (!p)
                        return "cannot make a process at start";
                p->can_shutdown = setup & 0x80;
                if (pproc_load(p, prog, argv, envp, NULL, true, &err)) {
                        if (p->proc >= 0)
                                mk_proc_kill(p->proc, MK_REASON_KILLED);
                        pproc_release(p);
                }
        }
        deliver_exits(digest);
        for (unsigned k = 0; k < MAX_MSGS && fin_left(&fin); k++) {
                const char *why = message(&fin, digest);
                if (why)
                        return why;
        }
        return end_all(digest);
}

static const char *one(const uint8_t *data, size_t size, uint64_t *digest)
{
        static const char *why;
        bootimg_build();
        pager_host_zero_used();
        pager_host_reset();
        fk_reset(bootimg_buf, bootimg_len);
        fk_verbose = getenv("FUZZ_DEBUG") != NULL;
        fk_shutdown_armed = true;
        if (!setjmp(fk_shutdown))
                why = run(data, size, digest);
        else
                why = NULL; // a process with the right shut the system down
        fk_shutdown_armed = false;
        return why;
}

// Seed records (see message()).
static void rec_fault(struct fuzz_buf *b, unsigned who, unsigned near, unsigned pages,
                      unsigned access)
{
        fbuf_u8(b, (uint8_t)(who << 3));
        fbuf_u8(b, (uint8_t)access); // access, not-present
        fbuf_near(b, near, pages);
}

static void rec_req(struct fuzz_buf *b, unsigned who, unsigned tag_index, const uint64_t w[6])
{
        fbuf_u8(b, (uint8_t)(3 | who << 3));
        fbuf_u8(b, (uint8_t)tag_index);
        for (int k = 0; k < 6; k++) {
                if (w[k] < 0x40)
                        fbuf_small(b, (uint8_t)w[k]);
                else
                        fbuf_word(b, w[k]);
        }
        fbuf_u8(b, 0x80);
        fbuf_u16(b, 0);
}

static void seeds(fuzz_add_fn add)
{
        static struct fuzz_buf b;
        const uint64_t anon = PGR_MAP_PRIVATE | PGR_MAP_ANON, rw = MK_PERM_R | MK_PERM_W;
        for (int vfs = 0; vfs < 2; vfs++) {
                b.n = 0;
                fbuf_u8(&b, (uint8_t)(vfs | 2));                                    // two processes
                rec_fault(&b, 0, 0, 0, FAULT_EXEC);                                 // text
                rec_fault(&b, 0, 2, 0, FAULT_WRITE);                                // data
                rec_fault(&b, 0, 2, 1, FAULT_READ);                                 // bss
                rec_fault(&b, 0, 4, 0, FAULT_WRITE);                                // stack
                rec_fault(&b, 0, 5, 0, FAULT_WRITE);                                // stack growth
                rec_fault(&b, 0, 6, 0, FAULT_READ);                                 // guard gap
                rec_req(&b, 0, 0, (const uint64_t[6]){0, 0x10000, rw, anon, 0, 0}); // mmap
                rec_req(&b, 0, 4, (const uint64_t[6]){0x500000, 0, 0, 0, 0, 0});    // brk
                rec_fault(&b, 0, 3, 0, FAULT_WRITE);                                // heap
                rec_req(&b, 0, 5, (const uint64_t[6]){0});                          // fork
                rec_fault(&b, 0, 2, 0, FAULT_WRITE); // copy-on-write (parent)
                rec_fault(&b, 1, 2, 0, FAULT_WRITE); // (the other process)
                rec_req(&b, 0, 2, (const uint64_t[6]){0x403000, 0x1000, MK_PERM_R, 0, 0, 0});
                rec_fault(&b, 0, 2, 0, FAULT_WRITE);                      // access violation now
                rec_req(&b, 0, 7, (const uint64_t[6]){0, 0, 0, 0, 0, 0}); // maps
                rec_req(&b, 0, 8, (const uint64_t[6]){(uint64_t)-1, 0, 0, 0, 0, 0});  // stats
                rec_req(&b, 0, 9, (const uint64_t[6]){4, 0, 0, 0, 0, 0});             // frames
                rec_req(&b, 0, 11, (const uint64_t[6]){0, 40, 3, 0, 0, 0});           // limit
                rec_req(&b, 1, 1, (const uint64_t[6]){0x403000, 0x2000, 0, 0, 0, 0}); // munmap
                fbuf_u8(&b, 4 | 1 << 3); // spawn "prog" suspended
                fbuf_u8(&b, 6);
                for (int k = 0; k < 6; k++)
                        fbuf_small(&b, k == 1 ? PGR_SPAWN_SUSPENDED | PGR_SPAWN_TIED : 0);
                fbuf_u8(&b, 1);
                rec_fault(&b, 0, 12, 0, FAULT_WRITE); // the test loop page
                rec_fault(&b, 0, 11, 0, FAULT_WRITE); // the bad-grant page
                fbuf_u8(&b, 0x80 | 3);                // kernel calls fail during a fork
                fbuf_u8(&b, 0x0f);
                fbuf_u8(&b, 5);
                for (int k = 0; k < 6; k++)
                        fbuf_small(&b, 0);
                fbuf_u8(&b, 0x80);
                fbuf_u16(&b, 0);
                if (vfs) { // the VFS writes inode 3, a process maps it shared
                        fbuf_u8(&b, 6);
                        fbuf_u8(&b, 0);
                        fbuf_u8(&b, 2);
                        fbuf_u16(&b, 600);
                        fbuf_u8(&b, 1);
                        fbuf_u8(&b, 6);
                        fbuf_u8(&b, 1);
                        fbuf_u8(&b, 2);
                        rec_req(&b, 1, 0, (const uint64_t[6]){0, 0x3000, rw, PGR_MAP_SHARED, 3, 0});
                }
                fbuf_u8(&b, 5); // the first process exits
                fbuf_u8(&b, 0);
                fbuf_u8(&b, 0);
                add(b.b, b.n, vfs ? "session-vfs" : "session");
        }
}

const struct fuzz_target fuzz_target = {
    .name = "pager",
    .one = one,
    .seeds = seeds,
    .smoke_mutants = 5000,
    .max_len = 2048,
    // The entropic schedule's per-feature bookkeeping costs more than half
    // of an input here (each covers thousands of edges).
    .libfuzzer_args = "-entropic=0",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        return fuzz_entry(&fuzz_target, data, size);
}
