// SPDX-License-Identifier: MIT
// System-call wrappers over the arch's trap instruction (libsys/arch/<arch>/).
#include <mk/pager.h>
#include <mk/sys.h>
#include <syscall.h>

long mk_syscall(long nr, long a0, long a1, long a2, long a3, long a4, long a5)
{
        return mk_syscall6(nr, a0, a1, a2, a3, a4, a5);
}

#define SC(nr, a0, a1, a2, a3) mk_syscall6(nr, (long)(a0), (long)(a1), (long)(a2), (long)(a3), 0, 0)

long mk_debug_write(const void *buf, size_t len)
{
        return SC(SYS_DEBUG_WRITE, buf, len, 0, 0);
}
long mk_yield(void)
{
        return SC(SYS_YIELD, 0, 0, 0, 0);
}
long mk_ep_create(void)
{
        return SC(SYS_EP_CREATE, 0, 0, 0, 0);
}
long mk_handle_close(long h)
{
        return SC(SYS_HANDLE_CLOSE, h, 0, 0, 0);
}
long mk_handle_give(long h, long proc, uint64_t badge, uint64_t rights)
{
        return SC(SYS_HANDLE_GIVE, h, proc, badge, rights);
}
long mk_send(long ep, struct mk_msg *m)
{
        return SC(SYS_SEND, ep, m, 0, 0);
}
long mk_recv(long ep, struct mk_msg *m)
{
        return SC(SYS_RECV, ep, m, 0, 0);
}
long mk_call(long ep, struct mk_msg *m)
{
        return SC(SYS_CALL, ep, m, 0, 0);
}
long mk_reply(struct mk_msg *m)
{
        return SC(SYS_REPLY, m, 0, 0, 0);
}
long mk_reply_save(void)
{
        return SC(SYS_REPLY_SAVE, 0, 0, 0, 0);
}
long mk_reply_to(long h, struct mk_msg *m)
{
        return SC(SYS_REPLY_TO, h, m, 0, 0);
}
long mk_reply_recv(long ep, struct mk_msg *reply, struct mk_msg *recv)
{
        return SC(SYS_REPLY_RECV, ep, reply, recv, 0);
}
long mk_proc_create(long pager_ep, uint64_t badge, uint64_t flags)
{
        return SC(SYS_PROC_CREATE, pager_ep, badge, flags, -1);
}
long mk_proc_create_in(long pager_ep, uint64_t badge, uint64_t flags, long acct)
{
        return SC(SYS_PROC_CREATE, pager_ep, badge, flags, acct);
}
long mk_proc_limit(long proc, uint64_t resource, uint64_t value)
{
        return SC(SYS_PROC_LIMIT, proc, resource, value, 0);
}
long mk_thread_affinity(uint64_t mask)
{
        return SC(SYS_THREAD_AFFINITY, mask, 0, 0, 0);
}

long mk_proc_name(long proc, const char *name)
{
        size_t n = 0;
        while (name[n] && n < MK_PROC_NAME_MAX - 1)
                n++;
        return SC(SYS_PROC_NAME, proc, (uint64_t)name, n, 0);
}

long mk_proc_usage(long proc, struct mk_usage *out)
{
        return SC(SYS_PROC_USAGE, proc, out, 0, 0);
}
long mk_thread_start(long proc, uint64_t ip, uint64_t sp, uint64_t arg)
{
        return SC(SYS_THREAD_START, proc, ip, sp, arg);
}
long mk_map(long proc, uint64_t va, uint64_t pa, uint64_t perms)
{
        return SC(SYS_MAP, proc, va, pa, perms);
}
long mk_unmap(long proc, uint64_t va)
{
        return SC(SYS_UNMAP, proc, va, 0, 0);
}
long mk_proc_wait(long proc, struct mk_exit_info *info, uint64_t flags)
{
        return SC(SYS_PROC_WAIT, proc, info, flags, 0);
}
long mk_region_pager(long proc, uint64_t start, uint64_t len, long ep, uint64_t badge)
{
        return mk_syscall6(SYS_REGION_PAGER, proc, (long)start, (long)len, ep, (long)badge, 0);
}
long mk_frame_give(long proc, uint64_t pa, uint64_t count)
{
        return SC(SYS_FRAME_GIVE, proc, pa, count, 0);
}
long mk_thread_fork(long proc)
{
        return SC(SYS_THREAD_FORK, proc, 0, 0, 0);
}
long mk_protect(long proc, uint64_t va, uint64_t len, uint64_t perms)
{
        return SC(SYS_PROTECT, proc, va, len, perms);
}
long mk_proc_kill(long proc, uint64_t reason)
{
        return SC(SYS_PROC_KILL, proc, reason, 0, 0);
}
long mk_info(uint64_t what, void *out)
{
        return SC(SYS_INFO, what, out, 0, 0);
}

void mk_exit(long status)
{
        SC(SYS_EXIT, status, 0, 0, 0);
        for (;;)
                ;
}

long mk_system_shutdown(long system, long status)
{
        return SC(SYS_SHUTDOWN, system, status, 0, 0);
}

void mk_shutdown(long status)
{
        mk_system_shutdown(MK_HANDLE_SYSTEM, status);
        mk_exit(status);
}

uint64_t mk_cycles(void)
{
        return mk_counter();
}

long mk_pager_ep = -1, mk_vfs_ep = -1, mk_vfs_serve = -1;
uint64_t mk_bootimg_size;
char **environ;

// Called by crt0's _start with the first argument register: the initial
// stack pointer (argc, argv..., NULL, envp..., NULL, auxv pairs, AT_NULL), or
// 0 for the first process, which the kernel starts with nothing.
__attribute__((noreturn)) void mk_start(long arg)
{
        static char *empty[1];
        int argc = 0;
        char **argv = empty, **envp = empty;
        if (arg) {
                uint64_t *sp = (uint64_t *)arg;
                argc = (int)sp[0];
                argv = (char **)(sp + 1);
                envp = argv + argc + 1;
                char **e = envp;
                while (*e)
                        e++;
                for (uint64_t *aux = (uint64_t *)(e + 1); aux[0] != 0; aux += 2) {
                        if (aux[0] == AT_MK_PAGER_EP)
                                mk_pager_ep = (long)aux[1];
                        else if (aux[0] == AT_MK_VFS_EP)
                                mk_vfs_ep = (long)aux[1];
                        else if (aux[0] == AT_MK_VFS_SERVE)
                                mk_vfs_serve = (long)aux[1];
                        else if (aux[0] == AT_MK_BOOTIMG_SIZE)
                                mk_bootimg_size = aux[1];
                }
        }
        environ = envp;
        mk_exit(main(argc, argv, envp));
}
