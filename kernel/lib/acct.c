// SPDX-License-Identifier: MIT
// Hierarchical resource accounting: the portable part (kernel/include/kernel/acct.h).
#include <kernel/acct.h>
#include <mk/errno.h>

void acct_init(struct acct *a, struct acct *parent)
{
        a->parent = parent;
        a->refs = 1;
        for (unsigned r = 0; r < MK_RES_N; r++) {
                a->used[r] = a->self[r] = 0;
                a->limit[r] = MK_LIMIT_NONE;
        }
        if (parent)
                parent->refs++;
}

long acct_charge(struct acct *a, unsigned res, uint64_t n)
{
        if (res >= MK_RES_N)
                return -EINVAL;
        for (const struct acct *x = a; x; x = x->parent)
                if (x->used[res] + n < x->used[res] || x->used[res] + n > x->limit[res])
                        return res == MK_RES_KMEM ? -ENOMEM : -EAGAIN;
        a->self[res] += n;
        for (struct acct *x = a; x; x = x->parent)
                x->used[res] += n;
        return 0;
}

void acct_uncharge(struct acct *a, unsigned res, uint64_t n)
{
        if (res >= MK_RES_N)
                return;
        n = MIN(n, a->self[res]); // never more than was charged
        a->self[res] -= n;
        for (struct acct *x = a; x; x = x->parent)
                x->used[res] -= n;
}

void acct_put(struct acct *a, void (*free_node)(struct acct *))
{
        while (a && --a->refs == 0) {
                struct acct *parent = a->parent;
                free_node(a);
                a = parent;
        }
}

uint64_t acct_limit_effective(const struct acct *a, unsigned res)
{
        uint64_t l = MK_LIMIT_NONE;
        for (; a && res < MK_RES_N; a = a->parent)
                l = MIN(l, a->limit[res]);
        return l;
}

bool acct_is_ancestor(const struct acct *anc, const struct acct *a)
{
        for (a = a ? a->parent : NULL; a; a = a->parent)
                if (a == anc)
                        return true;
        return false;
}

long acct_set_limit(const struct acct *caller, struct acct *target, unsigned res, uint64_t value)
{
        if (res >= MK_RES_N)
                return -EINVAL;
        if (value > target->limit[res] && !acct_is_ancestor(caller, target))
                return -EPERM;
        target->limit[res] = value;
        return 0;
}
