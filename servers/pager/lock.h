// SPDX-License-Identifier: MIT
// The system pager's locks (docs/smp.md, "The system pager's threads").
//
// With one CPU the pager has one thread and takes no lock (pg_threaded is
// false: every function here is a test of it). With several it serves with
// one thread per CPU, and:
//
//   pg_world  a reader-writer lock over everything. A fault of an anonymous
//             or image-backed region that needs no new table, no region
//             change and no memory from another process holds it shared;
//             every other message (requests, exit events, file faults,
//             faults that grow a stack, need a shadow table or end a process
//             for memory) holds it exclusively. Whoever holds it
//             exclusively is alone in the pager's state.
//   p->lock   (shared holders) one process's region tree, shadow map,
//             region cache, loop detector and counters.
//   pg_mem    (shared holders) the frame pool: free frames, reference
//             counts, owners and the accounting tree (account.h).
//
// Order: pg_world, then one process's lock, then pg_mem. A shared holder
// takes at most one process lock. The answer to a message is sent after its
// locks are released, with the next receive (mk_reply_recv: the faulting
// thread runs on at once, on its CPU). A change handled meanwhile (munmap,
// mprotect, fork's write-protect, another thread's answer for the same
// page) goes through the kernel, which then refuses to install an answer
// built before it (docs/smp.md, "Stale answers"): the thread faults again
// and is answered from the state after the change. The one thing an answer
// must still precede is dropping a copy-on-write source (the process maps
// it until the answer replaces it): that reference goes after the answer
// is sent (struct worker's unref).
//
// Waiting spins with the CPU's pause hint and yields the CPU every 64 turns
// (a holder may have been preempted).
#pragma once
#include <mk/sys.h>
#include <stdbool.h>
#include <stdint.h>

extern bool pg_threaded; // set once, before the threads start

static inline void pg_relax(unsigned *n)
{
#if defined(__x86_64__)
        __asm__ volatile("pause" ::: "memory");
#elif defined(__aarch64__)
        __asm__ volatile("yield" ::: "memory");
#else
        __asm__ volatile("" ::: "memory");
#endif
        if (++*n % 64 == 0)
                mk_yield();
}

// A spin lock: 0 free, 1 held.
static inline void pg_spin_lock(uint32_t *l)
{
        unsigned n = 0;
        if (!pg_threaded)
                return;
        while (__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE))
                while (__atomic_load_n(l, __ATOMIC_RELAXED))
                        pg_relax(&n);
}

static inline void pg_spin_unlock(uint32_t *l)
{
        if (pg_threaded)
                __atomic_store_n(l, 0, __ATOMIC_RELEASE);
}

// The reader-writer lock: the count of readers, PG_W while a writer holds
// it, PG_WW while one waits (new readers then wait too: writers are not
// starved by a stream of faults).
#define PG_W  0x80000000u
#define PG_WW 0x40000000u
extern uint32_t pg_world;
extern uint32_t pg_mem;

static inline void pg_read_lock(void)
{
        unsigned n = 0;
        if (!pg_threaded)
                return;
        for (;;) {
                uint32_t x = __atomic_load_n(&pg_world, __ATOMIC_RELAXED);
                if (!(x & (PG_W | PG_WW)) &&
                    __atomic_compare_exchange_n(&pg_world, &x, x + 1, false, __ATOMIC_ACQUIRE,
                                                __ATOMIC_RELAXED))
                        return;
                pg_relax(&n);
        }
}

static inline void pg_read_unlock(void)
{
        if (pg_threaded)
                __atomic_fetch_sub(&pg_world, 1, __ATOMIC_RELEASE);
}

static inline void pg_write_lock(void)
{
        unsigned n = 0;
        if (!pg_threaded)
                return;
        for (;;) {
                uint32_t x = __atomic_load_n(&pg_world, __ATOMIC_RELAXED);
                if ((x & ~PG_WW) == 0) {
                        if (__atomic_compare_exchange_n(&pg_world, &x, PG_W, false,
                                                        __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
                                return;
                        continue;
                }
                if (!(x & PG_WW))
                        __atomic_fetch_or(&pg_world, PG_WW, __ATOMIC_RELAXED);
                pg_relax(&n);
        }
}

static inline void pg_write_unlock(void)
{
        // (A writer waiting sets PG_WW again on its next turn.)
        if (pg_threaded)
                __atomic_store_n(&pg_world, 0, __ATOMIC_RELEASE);
}
