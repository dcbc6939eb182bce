// SPDX-License-Identifier: MIT
// The pager library's system calls on the target (the host fakes these in
// replay.c): frames from the system pager, unmapping in a client, whether a
// client still runs.
#include "pagerlib_int.h"
#include <mk/pager.h>

long mkp_sys_frames(struct mkp_pager *pg, uint32_t n)
{
        struct mk_msg m;
        memset(&m, 0, sizeof(m));
        m.tag = PGR_FRAMES;
        m.w[0] = n;
        long r = mk_call(mk_pager_ep, &m);
        if (r < 0)
                return r;
        if ((long)m.w[0] < 0)
                return (long)m.w[0];
        uint64_t count = m.w[0], base = m.w[1];
        const uint64_t *pas = (const uint64_t *)m.buf;
        for (uint64_t i = 0; i < count && i < m.len / sizeof(uint64_t); i++)
                if (mkp_pool_add(pg, pas[i], (void *)(base + i * MK_PAGE_SIZE)))
                        return (long)i;
        return (long)count;
}

long mkp_sys_unmap(long proc, uint64_t va)
{
        return mk_unmap(proc, va);
}

long mkp_sys_protect(long proc, uint64_t va, uint32_t perms)
{
        long r = mk_protect(proc, va, MK_PAGE_SIZE, perms);
        return r < 0 ? r : 0;
}

bool mkp_sys_alive(long proc)
{
        struct mk_exit_info info;
        long r = mk_proc_wait(proc, &info, MK_WAIT_NOHANG);
        return r == -EAGAIN || r == -EINVAL; // -EINVAL: ourselves
}

uint32_t mkp_sys_pid(long proc)
{
        long pid = mk_info(MK_INFO_PROC_PID, (void *)proc);
        return pid > 0 ? (uint32_t)pid : 0;
}

void mkp_sys_close(long handle)
{
        mk_handle_close(handle);
}

long mkp_sys_reply_save(void)
{
        return mk_reply_save();
}

long mkp_sys_reply_to(long h, struct mk_msg *m)
{
        return mk_reply_to(h, m);
}

long mkp_sys_mint(struct mkp_pager *pg, long proc, uint64_t badge)
{
        return mk_handle_give(mkp_priv(pg)->ep, proc, badge, MK_RIGHT_SEND);
}
