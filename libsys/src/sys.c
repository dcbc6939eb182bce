// SPDX-License-Identifier: MIT
// System-call wrappers over the arch's trap instruction (libsys/arch/<arch>/).
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
long mk_reply_recv(long ep, struct mk_msg *reply, struct mk_msg *recv)
{
        return SC(SYS_REPLY_RECV, ep, reply, recv, 0);
}
long mk_proc_create(long pager_ep, uint64_t badge, uint64_t flags)
{
        return SC(SYS_PROC_CREATE, pager_ep, badge, flags, 0);
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
long mk_proc_wait(long proc, struct mk_exit_info *info)
{
        return SC(SYS_PROC_WAIT, proc, info, 0, 0);
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

void mk_shutdown(long status)
{
        SC(SYS_SHUTDOWN, status, 0, 0, 0);
        mk_exit(status);
}

uint64_t mk_cycles(void)
{
        return mk_counter();
}

// Called by crt0's _start with the first argument register.
__attribute__((noreturn)) void mk_start(long arg)
{
        mk_exit(main(arg));
}
