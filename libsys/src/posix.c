// SPDX-License-Identifier: MIT
// libsys's POSIX layer, memory and processes (docs/conformance.md): mmap,
// munmap, mprotect, msync, brk and sbrk over the system pager's requests
// (mk/pager.h); fork, spawn, waitpid, _exit and getpid. Semantics and errno
// choices are Linux's (glibc's for brk and sbrk); the pager checks ranges
// and regions, this layer the POSIX-only parts (flag encodings, file
// access modes, the no-op cases).
#include "posix_internal.h"
#include <errno.h>
#include <posix_mk.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <fcntl.h>
#include <mk/sys.h>
#include "../pagerlib/posix_hook.h"

#define PAGE_MASK_   (MK_PAGE_SIZE - 1)
#define PROT_KNOWN   (PROT_READ | PROT_WRITE | PROT_EXEC)
#define MS_KNOWN     (MS_ASYNC | MS_INVALIDATE | MS_SYNC)
#define MAX_CHILDREN 64

_Static_assert(PROT_READ == MK_PERM_R && PROT_WRITE == MK_PERM_W && PROT_EXEC == MK_PERM_X &&
                   PROT_KNOWN == MK_PERM_ALL,
               "PROT_* are the MK_PERM_* bits");

int errno;

long posix_fail(long err)
{
        errno = (int)-err;
        return -1;
}

// One request to the system pager: the reply's result word (>= 0, or
// -errno), or the IPC error.
static long pager_call(struct mk_msg *m)
{
        long r = mk_call(mk_pager_ep, m);
        return r < 0 ? r : (long)m->w[0];
}

// PROT_* to MK_PERM_* (the same bits); writing or executing implies reading,
// as on Linux. Other bits are kept for the pager to refuse.
static uint64_t prot_perms(int prot)
{
        uint64_t p = (uint64_t)(unsigned)prot;
        return p & (PROT_WRITE | PROT_EXEC) ? p | PROT_READ : p;
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
        int type = flags & MAP_TYPE;
        if ((type != MAP_SHARED && type != MAP_PRIVATE) || (off & PAGE_MASK_))
                return (void *)posix_fail(-EINVAL);
        if (len > MK_USER_TOP) // can never fit (Linux: longer than the address space)
                return (void *)posix_fail(-ENOMEM);
        // Unknown PROT bits are ignored, as Linux's mmap does.
        uint64_t perms = prot_perms(prot & PROT_KNOWN);
        uint64_t pflags = (type == MAP_SHARED ? PGR_MAP_SHARED : PGR_MAP_PRIVATE) |
                          (flags & MAP_FIXED ? PGR_MAP_FIXED : 0) |
                          (perms == 0 ? PGR_MAP_GUARD : 0);
        uint64_t inode = 0;
        if (flags & MAP_ANONYMOUS) {
                pflags |= PGR_MAP_ANON;
                off = 0;
                uint64_t va; // served by the pager MK_PAGER names, if set (posix_hook.h)
                int h = type == MAP_PRIVATE
                            ? mk_posix_mmap_hook((uint64_t)addr, len, (uint32_t)perms,
                                                 flags & MAP_FIXED ? MK_POSIX_FIXED : 0, &va)
                            : -ENOSYS;
                if (h != -ENOSYS)
                        return h < 0 ? (void *)posix_fail(h) : (void *)va;
        } else {
                int acc;
                int r = posix_fd_file(fd, &acc, &inode);
                if (r)
                        return (void *)posix_fail(r);
                if (acc == O_WRONLY || (type == MAP_SHARED && (prot & PROT_WRITE) && acc != O_RDWR))
                        return (void *)posix_fail(-EACCES);
        }
        // Write and execute together: mk's policy refuses it (the pager says
        // EACCES); POSIX's error for a protection it does not support.
        if ((perms & MK_PERM_W) && (perms & MK_PERM_X))
                return (void *)posix_fail(-ENOTSUP);
        // A file is named by its descriptor: the pager checks it (and its mode).
        struct mk_msg m = {.tag = PGR_MMAP,
                           .w = {(uint64_t)addr, len, perms, pflags,
                                 flags & MAP_ANONYMOUS ? 0 : (uint64_t)fd, (uint64_t)off}};
        long r = pager_call(&m);
        return r < 0 ? (void *)posix_fail(r) : (void *)r;
}

int munmap(void *addr, size_t len)
{
        struct mk_msg m = {.tag = PGR_MUNMAP, .w = {(uint64_t)addr, len}};
        long r = pager_call(&m);
        if (r >= 0)
                mk_posix_munmap_hook((uint64_t)addr, len);
        return r < 0 ? (int)posix_fail(r) : 0;
}

int mprotect(void *addr, size_t len, int prot)
{
        if ((uint64_t)addr & PAGE_MASK_)
                return (int)posix_fail(-EINVAL);
        if (len == 0)
                return 0; // Linux: nothing to do, whatever prot says
        if ((prot & PROT_WRITE) && (prot & PROT_EXEC))
                return (int)posix_fail(-ENOTSUP); // (mk's policy: as mmap)
        struct mk_msg m = {.tag = PGR_MPROTECT,
                           .w = {(uint64_t)addr, len, prot_perms(prot & ~PROT_SEM)}};
        long r = pager_call(&m);
        if (r >= 0)
                mk_posix_mprotect_hook((uint64_t)addr, len, (uint32_t)prot_perms(prot & ~PROT_SEM));
        return r < 0 ? (int)posix_fail(r) : 0;
}

int msync(void *addr, size_t len, int flags)
{
        if ((flags & ~MS_KNOWN) || ((uint64_t)addr & PAGE_MASK_) ||
            ((flags & MS_SYNC) && (flags & MS_ASYNC)))
                return (int)posix_fail(-EINVAL);
        if (len == 0)
                return 0;
        struct mk_msg m = {.tag = PGR_MSYNC, .w = {(uint64_t)addr, len, (uint64_t)flags}};
        long r = pager_call(&m);
        return r < 0 ? (int)posix_fail(r) : 0;
}

// The break as the pager last reported it (NULL: not asked yet).
static char *cur_brk;

// As glibc: asks for the break at addr (NULL: just query); the pager moves it
// or refuses, and brk fails (ENOMEM) only if the break ends below addr.
int brk(void *addr)
{
        struct mk_msg m = {.tag = PGR_BRK, .w = {(uint64_t)addr}};
        long r = pager_call(&m);
        if (r == -ENOMEM) { // refused: the break stays where it is
                m = (struct mk_msg){.tag = PGR_BRK, .w = {0}};
                r = pager_call(&m);
        }
        if (r < 0)
                return (int)posix_fail(r);
        cur_brk = (char *)r;
        return cur_brk < (char *)addr ? (int)posix_fail(-ENOMEM) : 0;
}

void *sbrk(long inc)
{
        if (!cur_brk && brk(NULL) < 0)
                return (void *)-1;
        char *old = cur_brk;
        if (inc == 0)
                return old;
        if (inc > 0 ? (uintptr_t)old + (uintptr_t)inc < (uintptr_t)old
                    : (uintptr_t)old < -(uintptr_t)inc)
                return (void *)posix_fail(-ENOMEM);
        if (brk(old + inc) < 0)
                return (void *)-1;
        return old;
}

// Children: pid -> the process handle the pager gave for SYS_PROC_WAIT.
static struct child {
        pid_t pid;
        long handle;
} children[MAX_CHILDREN];

static void child_add(pid_t pid, long handle)
{
        for (int i = 0; i < MAX_CHILDREN; i++)
                if (children[i].pid == 0) {
                        children[i] = (struct child){pid, handle};
                        return;
                }
        // No slot: the child runs, but cannot be waited for.
        mk_handle_close(handle);
}

static struct child *child_find(pid_t pid)
{
        for (int i = 0; i < MAX_CHILDREN; i++)
                if (children[i].pid && (pid == -1 || children[i].pid == pid))
                        return &children[i];
        return NULL;
}

pid_t fork(void)
{
        struct mk_msg m = {.tag = PGR_FORK};
        long r = mk_call(mk_pager_ep, &m);
        if (r == MK_FORK_CHILD) {
                // The copied table names the parent's children with the
                // parent's handles: not ours.
                memset(children, 0, sizeof(children));
                posix_fd_after_fork();
                return 0;
        }
        if (r == 0)
                r = (long)m.w[0];
        if (r < 0)
                return (pid_t)posix_fail(r);
        child_add((pid_t)r, (long)m.w[1]);
        return (pid_t)r;
}

// Appends the string a to m's buffer: 0 or -E2BIG.
static long put_arg(struct mk_msg *m, const char *a)
{
        size_t n = strlen(a) + 1;
        if (m->len + n > MK_MSG_BUF)
                return -E2BIG;
        memcpy(m->buf + m->len, a, n);
        m->len += (uint32_t)n;
        return 0;
}

// As posix_spawn with environ: the child gets the caller's environment.
pid_t spawn(const char *path, char *const argv[])
{
        struct mk_msg m = {.tag = PGR_SPAWN};
        if (!path)
                return (pid_t)posix_fail(-EFAULT);
        // PGR_SPAWN takes "path\0arg1\0...\0env1\0...": path is the child's
        // argv[0].
        uint64_t argc = 1, envc = 0;
        long r = put_arg(&m, path);
        for (int i = 1; !r && argv && argv[0] && argv[i]; i++, argc++)
                r = put_arg(&m, argv[i]);
        for (char **e = environ; !r && e && *e; e++, envc++)
                r = put_arg(&m, *e);
        m.w[0] = argc;
        m.w[2] = envc;
        if (!r)
                r = pager_call(&m);
        if (r < 0)
                return (pid_t)posix_fail(r);
        child_add((pid_t)r, (long)m.w[1]);
        return (pid_t)r;
}

int posix_reason_signal(uint64_t reason)
{
        switch (reason) {
        case MK_REASON_EXIT:
                return 0;
        case MK_REASON_NOMAP:
        case MK_REASON_ACCESS:
        case MK_REASON_GUARD:
        case MK_REASON_LOOP:
                return SIGSEGV;
        case MK_REASON_BUS:
                return SIGBUS;
        case MK_REASON_ILLEGAL:
                return SIGILL;
        case MK_REASON_TRAP:
                return SIGTRAP;
        case MK_REASON_ARITH:
                return SIGFPE;
        default: // out of memory, killed, pager gone, bad pager reply, pager timeout
                return SIGKILL;
        }
}

pid_t posix_waitpid_info(pid_t pid, int *status, int options, struct mk_exit_info *out)
{
        struct mk_exit_info info;
        pid_t who = 0;
        // (WUNTRACED, WCONTINUED: nothing on mk stops or continues a process.)
        if (options & ~(WNOHANG | WUNTRACED | WCONTINUED))
                return (pid_t)posix_fail(-EINVAL);
        bool nohang = options & WNOHANG;
        if (pid == 0)
                pid = -1; // no process groups: every child is in ours
        if (pid < -1 || !child_find(pid))
                return (pid_t)posix_fail(-ECHILD);
        int n = 0;
        for (int i = 0; i < MAX_CHILDREN; i++)
                n += children[i].pid != 0 && (pid == -1 || children[i].pid == pid);
        // One child can be waited for blocking; several are polled in turn.
        bool poll = nohang || n > 1;
        while (!who) {
                for (int i = 0; i < MAX_CHILDREN && !who; i++) {
                        struct child *c = &children[i];
                        if (!c->pid || (pid != -1 && c->pid != pid))
                                continue;
                        long r = mk_proc_wait(c->handle, &info, poll ? MK_WAIT_NOHANG : 0);
                        if (r == -EAGAIN)
                                continue;
                        if (r < 0)
                                return (pid_t)posix_fail(r);
                        who = c->pid;
                        mk_handle_close(c->handle);
                        *c = (struct child){0, 0};
                }
                if (!who && nohang)
                        return 0;
                if (!who)
                        sched_yield();
        }
        int sig = posix_reason_signal(info.reason);
        if (status)
                *status = sig ? sig : (int)((info.status & 0xff) << 8);
        if (out)
                *out = info;
        return who;
}

pid_t waitpid(pid_t pid, int *status, int options)
{
        return posix_waitpid_info(pid, status, options, NULL);
}

pid_t wait(int *status)
{
        return posix_waitpid_info(-1, status, 0, NULL);
}

int posix_kill_child(pid_t pid)
{
        struct child *c = pid > 0 ? child_find(pid) : NULL;
        if (!c)
                return (int)posix_fail(-ESRCH);
        long r = mk_proc_kill(c->handle, MK_REASON_KILLED);
        return r < 0 ? (int)posix_fail(r) : 0;
}

void posix_shutdown(int status)
{
        struct mk_msg m = {.tag = PGR_SHUTDOWN, .w = {(uint64_t)(long)status}};
        mk_call(mk_pager_ep, &m);
        mk_exit(status);
}

void _exit(int status)
{
        mk_exit(status);
}

void _Exit(int status)
{
        mk_exit(status);
}

// Nothing is buffered (stdio writes at once), so exit is _exit.
void exit(int status)
{
        mk_exit(status);
}

// mk has no signals: ends the process with the status a shell shows for
// SIGABRT (128 + 6).
void abort(void)
{
        mk_exit(128 + SIGABRT);
}

pid_t getpid(void)
{
        return (pid_t)mk_info(MK_INFO_PID, 0);
}

int sched_yield(void)
{
        mk_yield();
        return 0;
}

long sysconf(int name)
{
        return name == _SC_PAGESIZE ? (long)MK_PAGE_SIZE : posix_fail(-EINVAL);
}

int getpagesize(void)
{
        return (int)MK_PAGE_SIZE;
}
