// SPDX-License-Identifier: MIT
// A fake kernel for the system pager on the host (pager_host.h): the system
// calls it makes (mk/sys.h), with the kernel's own checks on grants and
// handles, processes that end when the pager kills them (their exit events
// queued for the harness to deliver), and failures on demand (fk_fail) so
// that every error path of the pager runs.
#include "pager_host.h"
#include <common/string.h>
#include <mk/sys.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#define RANGE0_FRAMES 512 // two ranges with a hole between them
#define HOLE_FRAMES   64
#define FK_END        (FK_PA_BASE + (uint64_t)FK_FRAMES * MK_PAGE_SIZE)

jmp_buf fk_shutdown;
bool fk_shutdown_armed;
int fk_verbose;

static uint8_t *arena; // FK_FRAMES frames from FK_PA_BASE
static const void *img;
static uint64_t img_size;
static struct kproc {
        bool handle; // its handle is open
        bool alive;
        uint32_t pid;
        uint32_t nhandles; // handles given to it (the next one's index)
} kp[FK_PROCS];
static uint32_t next_pid, nkp;
static struct {
        uint32_t pid;
        uint64_t reason;
} exits[FK_EXITS];
static unsigned nexits, exit_head;
static uint32_t fail_mask, fail_k;
// A machine of another shape (fk_config): its memory, command line, arch.
static struct {
        bool on, phys_on;
        struct mk_physmem phys;
        char cmdline[256];
        long arch;
        uint8_t *mem;
        size_t mem_len;
} cfg;
FILE *fk_console;

// Whether this call fails (fk_fail).
static bool fail_now(void)
{
        bool f = fail_k < 32 && (fail_mask >> fail_k & 1);
        fail_k++;
        return f;
}

static struct kproc *proc_of(long h)
{
        if (h < FK_HANDLE0 || h >= FK_HANDLE0 + (long)nkp || !kp[h - FK_HANDLE0].handle)
                return NULL;
        return &kp[h - FK_HANDLE0];
}

void fk_reset(const void *bootimg, uint64_t bootimg_size)
{
        if (!arena)
                arena = aligned_alloc(MK_PAGE_SIZE, (size_t)FK_FRAMES * MK_PAGE_SIZE);
        img = bootimg;
        img_size = bootimg_size;
        memset(kp, 0, sizeof(kp));
        nkp = 0;
        next_pid = MK_PID_SYSTEM_PAGER + 1; // the pager is MK_PID_SYSTEM_PAGER
        nexits = exit_head = 0;
        fail_mask = fail_k = 0;
}

void fk_zero(uint64_t pa, uint64_t len)
{
        if (pa >= FK_PA_BASE && pa < FK_END)
                memset(arena + (pa - FK_PA_BASE), 0, MIN(len, FK_END - pa));
}

void fk_fail(uint32_t mask)
{
        fail_mask = mask;
        fail_k = 0;
}

bool fk_exit_pop(uint32_t *pid, uint64_t *reason)
{
        if (exit_head == nexits)
                return false;
        *pid = exits[exit_head].pid;
        *reason = exits[exit_head].reason;
        exit_head++;
        return true;
}

bool fk_alive_pid(uint32_t pid)
{
        for (uint32_t i = 0; i < nkp; i++)
                if (kp[i].pid == pid)
                        return kp[i].alive;
        return false;
}

void fk_end_pid(uint32_t pid)
{
        for (uint32_t i = 0; i < nkp; i++)
                if (kp[i].pid == pid)
                        kp[i].alive = false;
}

const char *fk_grant_check(uint64_t va, uint64_t pa, uint64_t perms)
{
        if ((va & (MK_PAGE_SIZE - 1)) || va < MK_USER_BASE || va >= MK_USER_TOP)
                return "a grant's address is not a user page";
        if ((pa & (MK_PAGE_SIZE - 1)) || !(perms & MK_PERM_R) ||
            (perms & ~(uint64_t)(MK_PERM_R | MK_PERM_W | MK_PERM_X)))
                return "a grant's frame is unaligned or its rights lack R or are unknown";
        if (pa < FK_PA_BASE || pa >= FK_END ||
            (pa >= FK_PA_BASE + (uint64_t)RANGE0_FRAMES * MK_PAGE_SIZE &&
             pa < FK_PA_BASE + (uint64_t)(RANGE0_FRAMES + HOLE_FRAMES) * MK_PAGE_SIZE))
                return "a grant of a frame that is not the pager's";
        return NULL;
}

long mk_info(uint64_t what, void *out)
{
        switch (what) {
        case MK_INFO_PHYS_WINDOW: {
                struct mk_physmem *m = out;
                if (cfg.phys_on) {
                        *m = cfg.phys;
                        return 0;
                }
                memset(m, 0, sizeof(*m));
                m->window = (uint64_t)arena - FK_PA_BASE;
                m->nranges = 2;
                m->r[0].base = FK_PA_BASE;
                m->r[0].size = (uint64_t)RANGE0_FRAMES * MK_PAGE_SIZE;
                m->r[1].base = FK_PA_BASE + (uint64_t)(RANGE0_FRAMES + HOLE_FRAMES) * MK_PAGE_SIZE;
                m->r[1].size = (uint64_t)(FK_FRAMES - RANGE0_FRAMES - HOLE_FRAMES) * MK_PAGE_SIZE;
                return 0;
        }
        case MK_INFO_BOOTIMG:
                ((struct mk_region *)out)->va = (uint64_t)img;
                ((struct mk_region *)out)->size = img_size;
                return 0;
        case MK_INFO_CMDLINE:
                memset(out, 0, 256);
                if (cfg.on)
                        memcpy(out, cfg.cmdline, sizeof(cfg.cmdline));
                return 0;
        case MK_INFO_ARCH:
                return cfg.on ? cfg.arch : 1; // FAULT_ARCH_X86_64
        case MK_INFO_PID:
                return 1;
        case MK_INFO_PROC_PID: {
                struct kproc *k = proc_of((long)out);
                return k ? (long)k->pid : -EBADF;
        }
        default:
                return -EINVAL;
        }
}

static long proc_create(void)
{
        if (fail_now())
                return -EAGAIN;
        if (nkp == FK_PROCS)
                return -ENOMEM;
        kp[nkp] = (struct kproc){.handle = true, .alive = true, .pid = next_pid++};
        return FK_HANDLE0 + nkp++;
}

long mk_proc_create(long pager_ep, uint64_t badge, uint64_t flags)
{
        return proc_create();
}

long mk_proc_create_in(long pager_ep, uint64_t badge, uint64_t flags, long acct)
{
        return proc_of(acct) ? proc_create() : -EBADF;
}

long mk_handle_give(long h, long proc, uint64_t badge, uint64_t rights)
{
        if (proc == MK_SELF)
                return fail_now() ? -ENOSPC : 8;
        struct kproc *k = proc_of(proc);
        if (!k)
                return -EBADF;
        if (fail_now())
                return -ENOSPC;
        return k->nhandles++;
}

long mk_handle_close(long h)
{
        struct kproc *k = proc_of(h);
        if (k)
                k->handle = false;
        return 0;
}

long mk_map(long proc, uint64_t va, uint64_t pa, uint64_t perms)
{
        struct kproc *k = proc_of(proc);
        if (!k)
                return -EBADF;
        if (fk_grant_check(va, pa, perms))
                return -EINVAL;
        if (fail_now())
                return -ENOMEM;
        return k->alive ? 0 : -ESRCH;
}

long mk_unmap(long proc, uint64_t va)
{
        struct kproc *k = proc_of(proc);
        if (!k)
                return -EBADF;
        if (fail_now())
                return -EINVAL;
        return k->alive ? 0 : -ESRCH;
}

long mk_proc_name(long proc, const char *name)
{
        return 0; // names are for the console and debuggers
}

long mk_protect(long proc, uint64_t va, uint64_t len, uint64_t perms)
{
        struct kproc *k = proc_of(proc);
        if (!k)
                return -EBADF;
        if (fail_now())
                return -ENOMEM;
        return k->alive ? (long)(len / MK_PAGE_SIZE) : -ESRCH;
}

long mk_yield(void)
{
        return 0; // (the host pager runs one thread: its locks never wait)
}

long mk_thread_start(long proc, uint64_t ip, uint64_t sp, uint64_t arg)
{
        struct kproc *k = proc_of(proc);
        if (!k)
                return -EBADF;
        return fail_now() ? -ENOMEM : 1;
}

long mk_thread_fork(long proc)
{
        struct kproc *k = proc_of(proc);
        if (!k)
                return -EBADF;
        return fail_now() ? -EAGAIN : 1;
}

long mk_frame_give(long proc, uint64_t pa, uint64_t count)
{
        struct kproc *k = proc_of(proc);
        if (!k)
                return -EBADF;
        return fail_now() ? -EPERM : 0;
}

long mk_proc_kill(long proc, uint64_t reason)
{
        struct kproc *k = proc_of(proc);
        if (!k)
                return -EBADF;
        if (k->alive && nexits < FK_EXITS) {
                exits[nexits].pid = k->pid;
                exits[nexits++].reason = reason;
        }
        k->alive = false;
        return 0;
}

long mk_ep_create(void)
{
        return 7;
}

long mk_reply(struct mk_msg *m)
{
        return -EINVAL; // (tests.c's bad grants: each one refused)
}

long mk_reply_recv(long ep, struct mk_msg *reply, struct mk_msg *recv)
{
        return -ENOSYS;
}

long mk_recv(long ep, struct mk_msg *m)
{
        return -ENOSYS;
}

long mk_debug_write(const void *buf, size_t len)
{
        if (fk_console)
                fwrite(buf, 1, len, fk_console);
        else if (fk_verbose)
                fwrite(buf, 1, len, stdout);
        return (long)len;
}

void mk_shutdown(long status)
{
        if (fk_shutdown_armed)
                longjmp(fk_shutdown, 1);
        abort();
}

int fk_config(const struct mk_physmem *m, const char *cmdline, long arch)
{
        if (cfg.mem)
                munmap(cfg.mem, cfg.mem_len);
        memset(&cfg, 0, sizeof(cfg));
        if (!cmdline)
                return 0;
        cfg.on = true;
        snprintf(cfg.cmdline, sizeof(cfg.cmdline), "%s", cmdline);
        cfg.arch = arch;
        if (!m)
                return 0;
        uint64_t lo = UINT64_MAX, hi = 0;
        for (uint32_t i = 0; i < m->nranges && i < MK_PHYS_RANGES; i++) {
                lo = MIN(lo, m->r[i].base);
                hi = MAX(hi, m->r[i].base + m->r[i].size);
        }
        if (!m->nranges || hi <= lo) {
                cfg.on = false;
                return -1;
        }
        // The whole span, zero, its pages made only when the pager touches them.
        void *mem = mmap(NULL, hi - lo, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (mem == MAP_FAILED)
                return -1;
        cfg.phys_on = true;
        cfg.mem = mem;
        cfg.mem_len = hi - lo;
        cfg.phys = *m;
        cfg.phys.window = (uint64_t)cfg.mem - lo;
        return 0;
}
