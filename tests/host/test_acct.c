// SPDX-License-Identifier: MIT
// Hierarchical resource accounting (kernel/lib/acct.c): charges count in
// every ancestor, a limit anywhere above stops a charge (all or nothing),
// uncharges give back exactly, limits are lowered by anyone and raised only
// from above, and nodes outlive their descendants (references).
#include "harness.h"
#include <kernel/acct.h>
#include <mk/errno.h>

static int nfreed;
static struct acct *freed[16];

static void free_node(struct acct *a)
{
        freed[nfreed++] = a;
}

static void charge_counts_in_ancestors(void)
{
        struct acct root, a, b;
        acct_init(&root, NULL);
        acct_init(&a, &root);
        acct_init(&b, &a);
        EXPECT_EQ(acct_charge(&b, MK_RES_THREADS, 3), 0);
        EXPECT_EQ(acct_charge(&a, MK_RES_THREADS, 1), 0);
        EXPECT_EQ(b.used[MK_RES_THREADS], 3);
        EXPECT_EQ(a.used[MK_RES_THREADS], 4);
        EXPECT_EQ(root.used[MK_RES_THREADS], 4);
        EXPECT_EQ(a.self[MK_RES_THREADS], 1);
        EXPECT_EQ(b.self[MK_RES_THREADS], 3);
        acct_uncharge(&b, MK_RES_THREADS, 3);
        EXPECT_EQ(a.used[MK_RES_THREADS], 1);
        EXPECT_EQ(root.used[MK_RES_THREADS], 1);
        // Never more than was charged to that node itself.
        acct_uncharge(&b, MK_RES_THREADS, 5);
        EXPECT_EQ(root.used[MK_RES_THREADS], 1);
        EXPECT_EQ(acct_charge(&b, MK_RES_N, 1), -EINVAL);
}

static void limit_anywhere_above_stops(void)
{
        struct acct root, a, b, c;
        acct_init(&root, NULL);
        acct_init(&a, &root);
        acct_init(&b, &a);
        acct_init(&c, &a); // b's sibling: a bystander in the same tree
        a.limit[MK_RES_PROCS] = 5;
        for (int i = 0; i < 5; i++)
                EXPECT_EQ(acct_charge(&b, MK_RES_PROCS, 1), 0);
        EXPECT_EQ(acct_charge(&b, MK_RES_PROCS, 1), -EAGAIN);
        EXPECT_EQ(acct_charge(&c, MK_RES_PROCS, 1), -EAGAIN); // same tree
        EXPECT_EQ(acct_charge(&root, MK_RES_PROCS, 1), 0);    // outside it
        // All or nothing: a refused charge changed nothing anywhere.
        EXPECT_EQ(b.used[MK_RES_PROCS], 5);
        EXPECT_EQ(a.used[MK_RES_PROCS], 5);
        EXPECT_EQ(root.used[MK_RES_PROCS], 6);
        // Kernel memory says ENOMEM, threads EAGAIN.
        b.limit[MK_RES_KMEM] = 10;
        EXPECT_EQ(acct_charge(&b, MK_RES_KMEM, 11), -ENOMEM);
        EXPECT_EQ(acct_charge(&b, MK_RES_KMEM, 10), 0);
        b.limit[MK_RES_THREADS] = 0;
        EXPECT_EQ(acct_charge(&b, MK_RES_THREADS, 1), -EAGAIN);
        // Freed room is usable again.
        acct_uncharge(&b, MK_RES_PROCS, 2);
        EXPECT_EQ(acct_charge(&c, MK_RES_PROCS, 2), 0);
        EXPECT_EQ(acct_charge(&c, MK_RES_PROCS, 1), -EAGAIN);
        // Overflow of the counter is refused, not wrapped.
        EXPECT_EQ(acct_charge(&root, MK_RES_KMEM, UINT64_MAX), -ENOMEM);
}

static void effective_limit_is_the_smallest(void)
{
        struct acct root, a, b;
        acct_init(&root, NULL);
        acct_init(&a, &root);
        acct_init(&b, &a);
        EXPECT_EQ(acct_limit_effective(&b, MK_RES_KMEM), MK_LIMIT_NONE);
        a.limit[MK_RES_KMEM] = 100;
        b.limit[MK_RES_KMEM] = 200;
        EXPECT_EQ(acct_limit_effective(&b, MK_RES_KMEM), 100);
        root.limit[MK_RES_KMEM] = 50;
        EXPECT_EQ(acct_limit_effective(&b, MK_RES_KMEM), 50);
        EXPECT_EQ(acct_limit_effective(&b, MK_RES_PROCS), MK_LIMIT_NONE);
}

static void set_limit_rules(void)
{
        struct acct root, a, b, other;
        acct_init(&root, NULL);
        acct_init(&a, &root);
        acct_init(&b, &a);
        acct_init(&other, &root);
        a.limit[MK_RES_PROCS] = 10;
        // The tree itself may lower its own limit, not raise it.
        EXPECT_EQ(acct_set_limit(&a, &a, MK_RES_PROCS, 5), 0);
        EXPECT_EQ(acct_set_limit(&a, &a, MK_RES_PROCS, 6), -EPERM);
        EXPECT_EQ(acct_set_limit(&b, &a, MK_RES_PROCS, MK_LIMIT_NONE), -EPERM);
        EXPECT_EQ(acct_set_limit(&other, &a, MK_RES_PROCS, 6), -EPERM);
        // Ancestors may raise it.
        EXPECT_EQ(acct_set_limit(&root, &a, MK_RES_PROCS, 20), 0);
        EXPECT_EQ(a.limit[MK_RES_PROCS], 20);
        EXPECT_EQ(acct_set_limit(&a, &b, MK_RES_PROCS, 100), 0);
        // A limit below what is used: nothing more until usage drops.
        EXPECT_EQ(acct_charge(&b, MK_RES_PROCS, 3), 0);
        EXPECT_EQ(acct_set_limit(&a, &b, MK_RES_PROCS, 1), 0);
        EXPECT_EQ(acct_charge(&b, MK_RES_PROCS, 1), -EAGAIN);
        acct_uncharge(&b, MK_RES_PROCS, 3);
        EXPECT_EQ(acct_charge(&b, MK_RES_PROCS, 1), 0);
        EXPECT_EQ(acct_set_limit(&root, &b, MK_RES_N, 1), -EINVAL);
        EXPECT(acct_is_ancestor(&root, &b));
        EXPECT(!acct_is_ancestor(&b, &b));
        EXPECT(!acct_is_ancestor(&other, &b));
}

// A node stays while any descendant lives; the last reference frees it and
// then, in turn, ancestors nobody else holds.
static void ancestors_outlive_descendants(void)
{
        struct acct root, a, b, c;
        nfreed = 0;
        acct_init(&root, NULL);
        acct_init(&a, &root);
        acct_init(&b, &a);
        acct_init(&c, &b);
        EXPECT_EQ(root.refs, 2);
        EXPECT_EQ(a.refs, 2);
        EXPECT_EQ(acct_charge(&c, MK_RES_KMEM, 7), 0);
        acct_put(&a, free_node); // a's process ended and was freed
        acct_put(&b, free_node); // so was b's
        EXPECT_EQ(nfreed, 0);    // c still charges through them
        EXPECT_EQ(a.used[MK_RES_KMEM], 7);
        acct_uncharge(&c, MK_RES_KMEM, 7);
        EXPECT_EQ(root.used[MK_RES_KMEM], 0);
        acct_put(&c, free_node);
        EXPECT_EQ(nfreed, 3);
        EXPECT(freed[0] == &c && freed[1] == &b && freed[2] == &a);
        EXPECT_EQ(root.refs, 1);
}

// A random tree against a model: every node's usage is the sum of its
// subtree's own charges, and no limit is ever passed.
static void random_vs_model(void)
{
        enum { N = 12 };
        struct acct n[N];
        int parent[N];
        acct_init(&n[0], NULL);
        parent[0] = -1;
        for (int i = 1; i < N; i++) {
                parent[i] = (int)(h_rand() % (unsigned)i);
                acct_init(&n[i], &n[parent[i]]);
                n[i].limit[MK_RES_KMEM] = h_rand() % 3 ? 20 + h_rand() % 60 : MK_LIMIT_NONE;
        }
        for (int step = 0; step < 20000; step++) {
                int i = (int)(h_rand() % N);
                uint64_t k = h_rand() % 8;
                if (h_rand() % 2) {
                        bool fits = true;
                        for (int x = i; x >= 0; x = parent[x])
                                fits =
                                    fits && n[x].used[MK_RES_KMEM] + k <= n[x].limit[MK_RES_KMEM];
                        EXPECT_EQ(acct_charge(&n[i], MK_RES_KMEM, k), fits ? 0 : -ENOMEM);
                } else {
                        acct_uncharge(&n[i], MK_RES_KMEM, k);
                }
                for (int x = 0; x < N; x++) {
                        uint64_t sum = 0;
                        for (int y = 0; y < N; y++) {
                                int z = y;
                                while (z >= 0 && z != x)
                                        z = parent[z];
                                if (z == x)
                                        sum += n[y].self[MK_RES_KMEM];
                        }
                        EXPECT_EQ(n[x].used[MK_RES_KMEM], sum);
                        EXPECT(n[x].used[MK_RES_KMEM] <= n[x].limit[MK_RES_KMEM]);
                }
        }
}

int main(void)
{
        h_suite = "acct";
        RUN(charge_counts_in_ancestors);
        RUN(limit_anywhere_above_stops);
        RUN(effective_limit_is_the_smallest);
        RUN(set_limit_rules);
        RUN(ancestors_outlive_descendants);
        RUN(random_vs_model);
        return DONE();
}
