// SPDX-License-Identifier: MIT
// External pagers (SYS_REGION_PAGER, docs/abi.md): ranges of a process whose
// faults go to another endpoint than its pager's, the deadline such a pager
// has to answer, and the bounds of its grants. Everything about them is in
// kernel/core/xpager.c; the fault path (fault.c), IPC (ipc.c), processes
// (proc.c), system calls and the timer call in through this interface.
#pragma once
#include <common/types.h>
#include <mk/msg.h>

struct endpoint;
struct proc;
struct thread;

// Seconds an external pager has to answer a fault before it counts as gone.
#define EXT_PAGER_TIMEOUT_S 5

// A range of a process whose faults go to an external pager.
struct ext_region {
        uint64_t start, end;
        struct endpoint *ep; // NULL: unused slot
        uint64_t badge;
};

// System calls and process lifetime.
// SYS_REGION_PAGER on p: routes [start, start+len) to ep with badge (len 0
// removes the range at start). 0 or a negative error.
long ext_region_set(struct proc *p, uint64_t start, uint64_t len, struct endpoint *ep,
                    uint64_t badge);
// p is ending: drops its ranges' endpoint references.
void ext_regions_release(struct proc *p);
// Nobody can receive on ep any more: remove the pages of every range routed
// to it from the page tables (their frames go back to the system pager).
void ext_pager_gone(struct endpoint *ep);

// The fault path (fault.c), for a fault of the current thread at addr.
// The external region covering addr, or NULL (the process's pager serves it).
const struct ext_region *xpager_route(const struct proc *p, uint64_t addr);
// Before the fault goes to x (NULL: the process's pager): sets the current
// thread's deadline (also in *deadline, for xpager_fault_end). Returns false
// when the fault must fail with MK_REASON_PAGER_TIMEOUT (a RETRY answer's
// deadline passed).
bool xpager_fault_begin(const struct ext_region *x, uint64_t addr, uint64_t *deadline);
// After the fault call returned r: a RETRY keeps the fault's deadline.
void xpager_fault_end(const struct ext_region *x, uint64_t addr, uint64_t deadline, long r);
// Whether every grant of a reply to a fault routed to x (NULL: no bound) lies
// inside x.
bool xpager_grants_inside(const struct ext_region *x, const struct mk_grant *g, size_t n);

// IPC (ipc.c): a fault call with a deadline waits on this list.
void xpager_wait_add(struct thread *t);
void xpager_wait_remove(struct thread *t);
// From the timer: fail faults whose external pager has not answered in time.
void ext_fault_timeouts(uint64_t now);
