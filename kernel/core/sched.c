// SPDX-License-Identifier: MIT
// The scheduler on every CPU (docs/smp.md "Scheduling").
//
// Each CPU has a FIFO run queue, an idle thread (its boot context) and the
// thread it runs (struct cpu cur). Threads block by setting their state and
// calling sched_block(); a woken thread goes to the back of the queue of the
// CPU sched_ready() picks for it: an idle CPU its affinity allows (the one it
// last ran on first), else the waking CPU, else the least loaded allowed
// one; an idle CPU picked is woken by an IPI. An idle CPU takes work from
// the others' queues. The timer (CPU 0's) ends time slices: on CPU 0
// directly, on the others by a reschedule IPI when they have a thread
// waiting.
//
// Locking: the kernel lock (klock_enter/klock_leave). Every way into the
// kernel from user mode takes it, the way out releases it, and the idle loop
// drops it while it waits, so everything here, and every kernel object,
// changes under it. It is held across a context switch by the CPU that
// switches: a thread switched out is saved before any other CPU can take
// the lock and run it. What runs without it: the IPI handler (cross-calls:
// TLB flushes, dropping a root), which touches only its own CPU's hardware
// and struct cpu, and the wait for the lock itself, which runs the
// cross-calls made to its CPU meanwhile (a CPU holding the lock may be
// waiting for one).
#include <kernel/acct.h>
#include <kernel/arch.h>
#include <kernel/kalloc.h>
#include <kernel/kprintf.h>
#include <kernel/proc.h>
#include <kernel/smp.h>
#include <kernel/spinlock.h>
#include <kernel/timer.h>
#include <mk/errno.h>

static struct thread idle_threads[MAX_CPUS];
static struct thread *zombies; // dead threads whose stacks go once no CPU runs on them
static struct spinlock klock = SPINLOCK_INIT;

// --- The kernel lock ------------------------------------------------------------

// A waiter spins this long (polling its cross-calls), then sleeps until the
// CPU that hands it the lock sends it an IPI: a sleeping virtual CPU costs
// its host nothing, so the holder's host thread is not starved by spinners
// (QEMU runs more virtual CPUs than the host has cores).
#define KLOCK_SPINS 256

void klock_enter(void)
{
        struct cpu *c = this_cpu();
        if (c->klock)
                return;
        uint32_t t = __atomic_fetch_add(&klock.next, 1, __ATOMIC_RELAXED);
        unsigned spins = 0;
        while (__atomic_load_n(&klock.owner, __ATOMIC_ACQUIRE) != t) {
                smp_call_poll(c); // the holder may be waiting for our cross-call
                c->klock_spins++;
                if (++spins < KLOCK_SPINS) {
                        arch_cpu_relax();
                        continue;
                }
                // Sleep until our turn: say so, then look again (the
                // releaser reads klock_wait after moving owner on).
                __atomic_store_n(&c->klock_wait, t + 1, __ATOMIC_SEQ_CST);
                smp_store_load_fence();
                if (__atomic_load_n(&klock.owner, __ATOMIC_SEQ_CST) != t) {
                        arch_wait_for_interrupt(); // returns once one is pending
                        arch_irq_enable();         // (taken here, or already in the wait)
                        arch_irq_disable();
                        c->klock_sleeps++;
                }
                __atomic_store_n(&c->klock_wait, 0, __ATOMIC_RELAXED);
        }
        c->klock = true;
        c->klock_takes++;
}

// Takes the lock only if nobody holds it or waits for it (an interrupt
// handler's way: it may have interrupted this CPU's own wait).
bool klock_try(void)
{
        struct cpu *c = this_cpu();
        if (c->klock)
                return true;
        if (c->klock_wait || !spin_trylock(&klock))
                return false;
        c->klock = true;
        c->klock_takes++;
        return true;
}

void klock_leave(void)
{
        struct cpu *c = this_cpu();
        if (!c->klock)
                return;
        c->klock = false;
        uint32_t next = klock.owner + 1;
        __atomic_store_n(&klock.owner, next, __ATOMIC_SEQ_CST);
        smp_store_load_fence();
        if (__atomic_load_n(&klock.next, __ATOMIC_RELAXED) == next)
                return; // nobody waits
        for (unsigned i = 0; i < ncpus; i++)
                if (__atomic_load_n(&cpus[i].klock_wait, __ATOMIC_SEQ_CST) == next + 1)
                        arch_send_ipi(&cpus[i]); // its turn: wake it
}

bool klock_held(void)
{
        return this_cpu()->klock;
}

// A thread of a process that ended on another CPU while this one ran it.
static NORETURN void die(void)
{
        sched_zombie(current);
        sched_block();
        panic("dead thread resumed");
}

void kernel_enter_smp(void)
{
        klock_enter();
        if (current->dying)
                die();
        timer_catch_up();
}

// --- Run queues -----------------------------------------------------------------

static uint32_t cpu_bit(const struct cpu *c)
{
        return 1u << c->id;
}

// CPUs that run threads.
static uint32_t sched_cpus(void)
{
        uint32_t m = 0;
        for (unsigned i = 0; i < ncpus; i++)
                if (cpus[i].sched_on && cpus[i].state == CPU_UP)
                        m |= 1u << i;
        return m;
}

static bool cpu_idle(const struct cpu *c)
{
        return c->cur == c->idle && c->nrun == 0;
}

static void enqueue(struct cpu *c, struct thread *t)
{
        t->in_runq = 1;
        t->rq_cpu = (uint8_t)c->id;
        t->next = NULL;
        if (c->runq_tail)
                c->runq_tail->next = t;
        else
                c->runq = t;
        c->runq_tail = t;
        c->nrun++;
}

static struct thread *runq_pop(struct cpu *c)
{
        struct thread *t = c->runq;
        if (!t)
                return NULL;
        c->runq = t->next;
        if (!c->runq)
                c->runq_tail = NULL;
        c->nrun--;
        t->in_runq = 0;
        t->next = NULL;
        return t;
}

// Removes t from the run queue it is in, if any.
void sched_unqueue(struct thread *t)
{
        if (!t->in_runq)
                return;
        struct cpu *c = &cpus[t->rq_cpu];
        struct thread **pp = &c->runq, *prev = NULL;
        for (; *pp; prev = *pp, pp = &(*pp)->next) {
                if (*pp == t) {
                        *pp = t->next;
                        if (c->runq_tail == t)
                                c->runq_tail = prev;
                        c->nrun--;
                        t->in_runq = 0;
                        t->next = NULL;
                        return;
                }
        }
}

// Where a ready thread should run (see the top of this file).
static struct cpu *pick_cpu(struct thread *t)
{
        struct cpu *me = this_cpu();
        uint32_t allowed = t->affinity & sched_cpus();
        if (!allowed)
                return me->sched_on ? me : &cpus[0]; // (before the scheduler starts)
        struct cpu *last = &cpus[t->last_cpu];
        if ((allowed & cpu_bit(last)) && cpu_idle(last))
                return last;
        for (unsigned i = 0; i < ncpus; i++) {
                struct cpu *c = &cpus[(me->id + i) % ncpus];
                if ((allowed & cpu_bit(c)) && cpu_idle(c))
                        return c;
        }
        if (allowed & cpu_bit(me))
                return me;
        struct cpu *best = NULL;
        for (unsigned i = 0; i < ncpus; i++)
                if ((allowed & (1u << i)) && (!best || cpus[i].nrun < best->nrun))
                        best = &cpus[i];
        return best;
}

void sched_ready(struct thread *t)
{
        t->state = T_READY;
        if (t->in_runq || t->on_cpu || t->proc == NULL)
                return; // queued, running, or an idle thread
        if (ncpus == 1) {
                enqueue(&cpus[0], t);
                return;
        }
        struct cpu *c = pick_cpu(t);
        enqueue(c, t);
        if (c != this_cpu() && c->cur == c->idle)
                arch_send_ipi(c); // wake it
}

// A thread queued on another CPU that may run here (an idle CPU's work).
static struct thread *steal(struct cpu *me)
{
        for (unsigned i = 1; i < ncpus; i++) {
                struct cpu *c = &cpus[(me->id + i) % ncpus];
                for (struct thread *t = c->runq; t; t = t->next) {
                        if (t->affinity & cpu_bit(me)) {
                                sched_unqueue(t);
                                return t;
                        }
                }
        }
        return NULL;
}

static struct thread *next_ready(struct cpu *c)
{
        struct thread *t = runq_pop(c);
        return t || ncpus == 1 ? t : steal(c);
}

// Frees the kernel stacks of dead threads no CPU runs on.
void sched_reap(void)
{
        for (struct thread **pp = &zombies, *z; (z = *pp);) {
                if (z->on_cpu) {
                        pp = &z->next;
                        continue;
                }
                *pp = z->next;
                kstack_free(z->kstack_top);
                kfree(z, sizeof(*z));
                acct_thread_freed();
        }
}

void sched_zombie(struct thread *t)
{
        sched_unqueue(t);
        t->state = T_DEAD;
        t->next = zombies;
        zombies = t;
}

// Runs on a CPU that may have p's root loaded: loads none instead.
static void drop_root_call(void *arg)
{
        struct cpu *c = this_cpu();
        if (c->active == arg) {
                arch_user_root_switch(0, 0);
                c->active = NULL;
        }
}

// Makes every CPU stop using p's root (p is dying); false if a CPU did not
// answer (its tables must then never be freed).
bool sched_drop_root(struct proc *p)
{
        bool ok = true;
        for (unsigned i = 0; i < ncpus; i++)
                if (cpus[i].active == p && smp_call(&cpus[i], drop_root_call, p) != 0)
                        ok = false;
        return ok;
}

// Where the switch happens: under the kernel lock, interrupts masked.
// need_resched stays as it is: a direct hand-off (IPC) runs no queued
// thread, so the time slice that ended is still owed to them (a thread in
// a call-and-answer loop with a server would otherwise starve the threads
// queued on its CPU: the reschedule IPI's flag was cleared by its next
// hand-off before it got back to user mode).
static void switch_to(struct thread *next)
{
        struct cpu *c = this_cpu();
        struct thread *prev = c->cur;
        if (next == prev)
                return;
        c->cur = next;
        arch_set_current(next);
        prev->on_cpu = 0; // saved by arch_switch before the lock is released
        next->on_cpu = 1;
        next->last_cpu = (uint8_t)c->id;
        struct proc *p = next->proc;
        if (p) {
                if (p != c->active) {
                        arch_user_root_switch(p->root, p->asid);
                        c->active = p;
#if !ARCH_TLB_SWITCH_FLUSHES && !ARCH_TLB_BROADCAST
                        // It keeps p's translations after switching away.
                        p->tlb_cpus |= cpu_bit(c);
#endif
                }
                arch_set_kernel_stack(next->kstack_top);
        }
        c->switches++;
        arch_switch(&prev->ctx, &next->ctx);
        sched_reap();
}

void sched_block(void)
{
        struct cpu *c = this_cpu();
        struct thread *next = next_ready(c);
        if (next)
                c->need_resched = false; // a queued thread runs
        switch_to(next ? next : c->idle);
}

void sched_switch_to(struct thread *t)
{
        if (ncpus > 1 && !(t->affinity & cpu_bit(this_cpu()))) {
                sched_ready(t); // not allowed here: it runs where it may
                sched_block();
                return;
        }
        sched_unqueue(t);
        t->state = T_READY;
        switch_to(t);
}

void sched_yield(void)
{
        struct cpu *c = this_cpu();
        c->need_resched = false;
        struct thread *next = next_ready(c);
        if (!next)
                return;
        if (current != c->idle) {
                current->state = T_READY;
                enqueue(c, current);
        }
        switch_to(next);
}

// Whether a yield could run something else: a thread queued here, or on a
// CPU it could be taken from (racy reads, no lock: a hint for SYS_YIELD's
// lock-free path; a thread queued a moment later runs at the next tick).
bool sched_wants_yield(void)
{
        struct cpu *me = this_cpu();
        if (me->need_resched || me->nrun)
                return true;
        for (unsigned i = 0; i < ncpus; i++)
                if (cpus[i].nrun)
                        return true;
        return false;
}

void thread_first_run(void)
{
        sched_reap();
}

static __attribute__((noinline)) void user_return_slow(void)
{
        if (ncpus == 1) {
                sched_yield(); // one CPU: no lock, nobody else ends our threads
                return;
        }
        struct cpu *c = this_cpu();
        if (c->need_resched || current->dying) {
                kernel_enter(); // does not return if current's process ended
                if (this_cpu()->need_resched)
                        sched_yield();
        }
        klock_leave();
}

// Every return to user mode: kept to one test, it is on every path (CPU 0's
// return_work: its need_resched, or smp_return once several CPUs run).
void trap_user_return(struct trap_frame *tf)
{
        if (cpus[0].return_work)
                user_return_slow();
}

// Time slices (CPU 0's timer tick; no lock: it reads the queue lengths as
// they are, a thread queued a moment later waits one tick more): this CPU
// yields on its way back to user mode; another CPU with threads waiting is
// told by an IPI to do the same.
void sched_tick(void)
{
        struct cpu *me = this_cpu();
        me->need_resched = true;
        for (unsigned i = 0; i < ncpus; i++) {
                struct cpu *c = &cpus[i];
                if (c != me && c->sched_on && __atomic_load_n(&c->nrun, __ATOMIC_RELAXED)) {
                        c->need_resched = true;
                        arch_send_ipi(c);
                }
        }
}

long sched_set_affinity(uint64_t mask)
{
        uint32_t m = (uint32_t)mask & sched_cpus();
        if (!mask)
                return current->affinity & sched_cpus();
        if (mask >> MAX_CPUS || !m)
                return -EINVAL;
        uint32_t old = current->affinity;
        current->affinity = m;
        if (!(m & cpu_bit(this_cpu()))) {
                struct cpu *c = pick_cpu(current);
                current->state = T_READY;
                enqueue(c, current);
                if (c->cur == c->idle)
                        arch_send_ipi(c);
                struct thread *next = next_ready(this_cpu());
                switch_to(next ? next : this_cpu()->idle);
        }
        return old & sched_cpus();
}

// The calling CPU's idle thread is the context calling this.
void sched_cpu_init(struct cpu *c)
{
        struct thread *idle = &idle_threads[c->id];
        idle->state = T_READY;
        idle->affinity = cpu_bit(c);
        idle->on_cpu = 1;
        idle->last_cpu = (uint8_t)c->id;
        c->idle = idle;
        c->cur = idle;
        arch_set_current(idle);
}

void sched_init(void)
{
        sched_cpu_init(this_cpu());
}

void sched_idle_loop(void)
{
        struct cpu *c = this_cpu(); // (the idle thread never moves)
        __atomic_store_n(&c->sched_on, true, __ATOMIC_RELEASE);
        for (;;) {
                klock_enter();
                sched_reap();
                struct thread *t = next_ready(c);
                if (t) {
                        c->need_resched = false;
                        switch_to(t);
                        continue;
                }
                klock_leave();
                arch_wait_for_interrupt(); // returns once one is pending
                arch_irq_enable();         // (taken here, or already in the wait)
                arch_irq_disable();
        }
}
