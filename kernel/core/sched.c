// SPDX-License-Identifier: MIT
// Round-robin scheduler on one CPU. The boot context becomes the idle thread.
// Threads block by setting their state and calling sched_block(); a woken
// thread goes to the back of the run queue; the timer sets need_resched and
// trap_user_return() yields.
#include <kernel/acct.h>
#include <kernel/arch.h>
#include <kernel/kalloc.h>
#include <kernel/kprintf.h>
#include <kernel/proc.h>

struct thread *current;
bool need_resched;
static struct thread idle_thread;
static struct thread *runq_head, *runq_tail;
static struct proc *active_proc; // whose root is loaded
static struct thread *zombies;   // dead threads whose stacks can go once we are off them

void sched_init(void)
{
        idle_thread.state = T_READY;
        current = &idle_thread;
}

void sched_ready(struct thread *t)
{
        t->state = T_READY;
        if (t->in_runq || t == &idle_thread)
                return;
        t->in_runq = 1;
        t->next = NULL;
        if (runq_tail)
                runq_tail->next = t;
        else
                runq_head = t;
        runq_tail = t;
}

static struct thread *runq_pop(void)
{
        struct thread *t = runq_head;
        if (!t)
                return NULL;
        runq_head = t->next;
        if (!runq_head)
                runq_tail = NULL;
        t->in_runq = 0;
        t->next = NULL;
        return t;
}

// Removes t from the run queue if it is there.
void sched_unqueue(struct thread *t)
{
        struct thread **pp = &runq_head, *prev = NULL;
        for (; *pp; prev = *pp, pp = &(*pp)->next) {
                if (*pp == t) {
                        *pp = t->next;
                        if (runq_tail == t)
                                runq_tail = prev;
                        t->in_runq = 0;
                        t->next = NULL;
                        return;
                }
        }
}

// Frees the kernel stacks of dead threads (never the one we run on).
static void reap(void)
{
        while (zombies && zombies != current) {
                struct thread *z = zombies;
                zombies = z->next;
                kstack_free(z->kstack_top);
                kfree(z, sizeof(*z));
                acct_thread_freed();
        }
}

void sched_zombie(struct thread *t)
{
        t->state = T_DEAD;
        t->next = zombies;
        zombies = t;
}

// Forgets p's root if it is loaded (p is dying): runs on no user space.
void sched_drop_root(struct proc *p)
{
        if (active_proc == p) {
                arch_user_root_switch(0, 0);
                active_proc = NULL;
        }
}

static void switch_to(struct thread *next)
{
        need_resched = false;
        if (next == current)
                return;
        struct thread *prev = current;
        current = next;
        if (next->proc) {
                if (next->proc != active_proc) {
                        arch_user_root_switch(next->proc->root, next->proc->asid);
                        active_proc = next->proc;
                }
                arch_set_kernel_stack(next->kstack_top);
        }
        arch_switch(&prev->ctx, &next->ctx);
        reap();
}

void sched_block(void)
{
        struct thread *next = runq_pop();
        switch_to(next ? next : &idle_thread);
}

void sched_switch_to(struct thread *t)
{
        sched_unqueue(t);
        t->state = T_READY;
        switch_to(t);
}

void sched_yield(void)
{
        if (!runq_head) {
                need_resched = false;
                return;
        }
        if (current != &idle_thread)
                sched_ready(current);
        switch_to(runq_pop());
}

void thread_first_run(void)
{
        reap();
}

void trap_user_return(struct trap_frame *tf)
{
        if (need_resched)
                sched_yield();
}

void sched_idle_loop(void)
{
        for (;;) {
                reap();
                struct thread *t = runq_pop();
                if (t) {
                        switch_to(t);
                        continue;
                }
                arch_irq_enable();
                arch_wait_for_interrupt();
                arch_irq_disable();
        }
}
