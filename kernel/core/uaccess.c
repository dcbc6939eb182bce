// SPDX-License-Identifier: MIT
// Copies between kernel and user memory. A page the process has not touched
// yet is faulted in through its pager exactly as a user access would be; an
// address the pager refuses, or one outside the user range, gives -EFAULT.
#include <arch/memlayout.h>
#include <kernel/arch.h>
#include <kernel/extable.h>
#include <kernel/proc.h>
#include <mk/errno.h>
#include <mk/layout.h>

#define COPY_RETRIES 8

static bool user_range_ok(uint64_t ua, size_t n)
{
        return ua >= MK_USER_BASE && ua < MK_USER_TOP && n <= MK_USER_TOP - ua;
}

static long copy_user(void *dst, const void *src, size_t n, uint64_t ua)
{
        if (!user_range_ok(ua, n))
                return -EFAULT;
        for (int tries = 0; tries < COPY_RETRIES; tries++) {
                arch_user_access_begin();
                long r = arch_copy_fixup(dst, src, n);
                arch_user_access_end();
                if (r == 0)
                        return 0;
                struct fault_info f = kfault_last;
                if (f.addr < ua || f.addr - ua >= n)
                        return -EFAULT; // the kernel side faulted: not the user's doing
                f.flags |= FAULT_F_USER;
                if (fault_resolve(&f, false))
                        return -EFAULT;
        }
        return -EFAULT;
}

long copy_from_user(void *dst, uint64_t usrc, size_t n)
{
        return copy_user(dst, (const void *)usrc, n, usrc);
}

long copy_to_user(uint64_t udst, const void *src, size_t n)
{
        return copy_user((void *)udst, src, n, udst);
}
