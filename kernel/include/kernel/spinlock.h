// SPDX-License-Identifier: MIT
// Spinlocks (docs/smp.md): a ticket lock, fair between CPUs. Taking one does
// not mask interrupts; a lock an interrupt handler also takes must be taken
// with interrupts masked (none is yet). Acquire and release order memory:
// what one holder wrote, the next holder sees.
#pragma once
#include <common/types.h>

struct spinlock {
        volatile uint32_t next;  // the ticket the next taker draws
        volatile uint32_t owner; // the ticket now served
};
#define SPINLOCK_INIT                                                                              \
        {                                                                                          \
                0, 0                                                                               \
        }

void arch_cpu_relax(void); // a pause/yield hint in a spin loop

static inline void spin_lock(struct spinlock *l)
{
        uint32_t t = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);
        while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != t)
                arch_cpu_relax();
}

static inline bool spin_trylock(struct spinlock *l)
{
        uint32_t o = __atomic_load_n(&l->owner, __ATOMIC_RELAXED);
        uint32_t want = o;
        return __atomic_compare_exchange_n(&l->next, &want, o + 1, false, __ATOMIC_ACQUIRE,
                                           __ATOMIC_RELAXED);
}

static inline void spin_unlock(struct spinlock *l)
{
        __atomic_store_n(&l->owner, l->owner + 1, __ATOMIC_RELEASE);
}

static inline bool spin_held(const struct spinlock *l)
{
        return __atomic_load_n(&l->next, __ATOMIC_RELAXED) !=
               __atomic_load_n(&l->owner, __ATOMIC_RELAXED);
}
