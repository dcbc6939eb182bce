// SPDX-License-Identifier: MIT
// Kernel resource accounting (docs/abi.md, "Quotas"). Every process has an
// accounting node; a node's parent is the node of the process it is charged
// to (SYS_PROC_CREATE's `acct`, or its creator). A node counts what its whole
// tree uses (its own process and every node below it) and may carry a limit
// for that tree. A charge succeeds only if no node from the charged one up
// to the root would pass its limit; it is then counted in all of them.
//
// Lifetime: a node is referenced by its process (until the process object
// is freed) and by each child node, so it outlives every descendant; the
// last reference frees it and drops the reference on its parent.
//
// The logic (kernel/lib/acct.c) is portable and host-tested
// (tests/host/test_acct.c); the kernel's glue is kernel/core/acct.c.
#pragma once
#include <common/types.h>
#include <mk/syscall.h>

struct acct {
        struct acct *parent;      // the node this tree is charged to (a reference), NULL: root
        uint32_t refs;            // its process (until freed) + child nodes
        uint64_t used[MK_RES_N];  // what the tree uses now
        uint64_t limit[MK_RES_N]; // most the tree may use (MK_LIMIT_NONE)
        uint64_t self[MK_RES_N];  // of `used`, what the node's own process holds
};

// Portable logic (kernel/lib/acct.c).
// A fresh node below parent (NULL: a root), one reference, no limits.
void acct_init(struct acct *a, struct acct *parent);
// Charges n of resource res to a (its process) and every ancestor; all or
// nothing: -EAGAIN (MK_RES_PROCS, MK_RES_THREADS) or -ENOMEM (MK_RES_KMEM)
// when one of them would pass its limit.
long acct_charge(struct acct *a, unsigned res, uint64_t n);
// Gives back what acct_charge took.
void acct_uncharge(struct acct *a, unsigned res, uint64_t n);
// Drops one reference; frees (with free_node) every node left unreferenced,
// walking up iteratively.
void acct_put(struct acct *a, void (*free_node)(struct acct *));
// The limit that binds a's tree: the smallest of its own and its ancestors'.
uint64_t acct_limit_effective(const struct acct *a, unsigned res);
// Whether anc is a strict ancestor of a.
bool acct_is_ancestor(const struct acct *anc, const struct acct *a);
// SYS_PROC_LIMIT's rule: sets target's limit of res to value. Anyone with the
// right may lower a limit; only a node's strict ancestor may raise it
// (whatever it is set to, the ancestors' limits still bind). 0, -EINVAL (bad
// res) or -EPERM.
long acct_set_limit(const struct acct *caller, struct acct *target, unsigned res, uint64_t value);

#ifdef KERNEL
struct proc;
struct thread;

// Kernel frames charged (MK_RES_KMEM): a process object and its page-table
// root; a thread's kernel stack and its object.
#define ACCT_KMEM_PROC   2
#define ACCT_KMEM_THREAD (KSTACK_SIZE / PAGE_SIZE + 1)

// Called once the first process has its memory: what the kernel keeps is the
// kernel reserve, and the default limits of top-level trees are half of it.
void acct_boot_done(void);
// A new process p: its node below acct's (NULL: a root), charged one process
// and its kernel frames. 0 or a negative error (p gets no node then).
long acct_proc_new(struct proc *p, struct proc *acct);
// p has ended: gives back its threads, their stacks and its page tables.
void acct_proc_ended(struct proc *p);
// p's object is being freed: gives back the rest and drops its node.
void acct_proc_freed(struct proc *p);
// A thread for p: 0, -EAGAIN or -ENOMEM. acct_thread_undo if it then fails.
long acct_thread_new(struct proc *p);
void acct_thread_undo(struct proc *p);
// A thread object was freed (reaped).
void acct_thread_freed(void);
// Page tables allocated between acct_pt_begin(p) and acct_pt_end() are
// charged to p (grant installs); pt_table_alloc asks acct_pt_charge().
void acct_pt_begin(struct proc *p);
void acct_pt_end(void);
bool acct_pt_charge(void);
void acct_pt_uncharge(void);
// Object counts for MK_INFO_KSTATS.
void acct_ep_created(void);
void acct_ep_freed(void);
void acct_handle_added(void);
void acct_handle_removed(void);
long acct_kstats(uint64_t uout);
// SYS_PROC_LIMIT and SYS_PROC_USAGE.
long sys_proc_limit(long ph, uint64_t res, uint64_t value);
long sys_proc_usage(long ph, uint64_t uout);

// A process nobody names any more (no handle) and with no thread can never
// run: proc_put queues it (proc_unnamed) and proc_reap_drain ends it
// (MK_REASON_KILLED), iteratively, at the end of a system call and of
// proc_kill (which closes handles and so may leave others unnamed).
void proc_unnamed(struct proc *p);
// Thread-less processes that only other such processes name (one naming
// itself, two naming each other) can never run either: proc_put notes that a
// thread-less process lost a name (proc_gc_due), and proc_reap_drain then
// ends every alive process without threads that no chain of process handles
// from a process with threads reaches (proc_garbage, proc.c).
void proc_gc_due(void);
unsigned proc_garbage(struct proc **out);
void proc_reap_drain_list(void);
extern struct proc *proc_reap_list; // queued by proc_unnamed
extern bool proc_gc_pending;        // set by proc_gc_due
static inline void proc_reap_drain(void)
{
        if (proc_reap_list || proc_gc_pending) // almost never: two loads per system call
                proc_reap_drain_list();
}
#endif
