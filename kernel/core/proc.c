// SPDX-License-Identifier: MIT
// Processes, threads, endpoints and handles; frame ownership.
#include <arch/memlayout.h>
#include <arch/trap.h>
#include <kernel/acct.h>
#include <kernel/arch.h>
#include <kernel/kalloc.h>
#include <common/string.h>
#include <kernel/kprintf.h>
#include <kernel/kvm.h>
#include <kernel/proc.h>
#include <kernel/pt.h>
#include <kernel/tlb.h>
#include <mk/errno.h>
#include <mk/layout.h>

static struct proc *procs[MAX_PROCS]; // by slot; slot = asid (tools/gdb/mk.py reads it)
_Static_assert(sizeof(struct proc) <= PAGE_SIZE, "kalloc gives at most a page");
// The first process created is the system pager.
static uint32_t next_pid = MK_PID_SYSTEM_PAGER, next_tid = 1;

struct proc *proc_at(unsigned i)
{
        return i < MAX_PROCS ? procs[i] : NULL;
}

struct proc *proc_by_pid(uint32_t pid)
{
        for (unsigned i = 1; i < MAX_PROCS; i++)
                if (procs[i] && procs[i]->pid == pid)
                        return procs[i];
        return NULL;
}

struct endpoint *ep_create(void)
{
        struct endpoint *ep = kalloc(sizeof(struct endpoint));
        if (ep)
                acct_ep_created();
        return ep;
}

// Drops a handle's reference to ep; recv says the handle could receive.
static void ep_drop(struct endpoint *ep, bool recv)
{
        if (recv && --ep->recv_handles == 0) {
                ep_abort_waiters(ep);
                ext_pager_gone(ep);
                // Nobody can receive its events any more.
                while (ep->events) {
                        struct kevent *ev = ep->events;
                        ep->events = ev->next;
                        kevent_done(ev);
                }
                ep->events_tail = NULL;
        }
        if (--ep->refs == 0) {
                // Nobody names it: no thread can be queued on it (senders
                // and receivers hold handles), but events may be left.
                while (ep->events) {
                        struct kevent *ev = ep->events;
                        ep->events = ev->next;
                        kevent_done(ev);
                }
                kfree(ep, sizeof(*ep));
                acct_ep_freed();
        }
}

void ep_put(struct endpoint *ep)
{
        ep_drop(ep, false);
}

int handle_install(struct proc *p, uint8_t type, uint8_t rights, uint64_t badge, void *obj)
{
        for (int h = 0; h < MAX_HANDLES; h++) {
                if (p->handles[h].type != OBJ_NONE)
                        continue;
                p->handles[h] = (struct handle){type, rights, badge, obj};
                acct_handle_added();
                if (type == OBJ_ENDPOINT) {
                        struct endpoint *ep = obj;
                        ep->refs++;
                        if (rights & MK_RIGHT_RECV)
                                ep->recv_handles++;
                } else if (type == OBJ_PROC) {
                        ((struct proc *)obj)->refs++;
                }
                return h;
        }
        return -ENOSPC;
}

struct handle *handle_get(struct proc *p, long h, uint8_t type, uint8_t rights)
{
        if (h < 0 || h >= MAX_HANDLES || p->handles[h].type != type)
                return NULL;
        if ((p->handles[h].rights & rights) != rights)
                return NULL;
        return &p->handles[h];
}

// Releases handle h of p.
void handle_close(struct proc *p, int h)
{
        struct handle hd = p->handles[h];
        p->handles[h].type = OBJ_NONE;
        acct_handle_removed();
        if (hd.type == OBJ_ENDPOINT)
                ep_drop(hd.obj, hd.rights & MK_RIGHT_RECV);
        else if (hd.type == OBJ_PROC)
                proc_put(hd.obj);
        else if (hd.type == OBJ_REPLY)
                ipc_reply_drop(hd.obj);
}

void proc_put(struct proc *p)
{
        if (--p->refs) {
                if (p->refs == 1 + p->wait_refs)
                        proc_unnamed(p); // B4: alive, no thread, no handle: end it
                else if (p->alive && !p->threads)
                        proc_gc_due(); // named still, but maybe only by garbage
                return;
        }
        procs[p->asid] = NULL;
        acct_proc_freed(p);
        kfree(p, sizeof(*p));
}

// Alive processes without threads that no thread can reach: no chain of
// process handles leads to them from a process with threads (or from the
// system pager). Nothing can ever run in them, map into them or wait for
// them; only they name each other (a process holding a handle to itself, two
// holding handles to each other). Puts them in out[] with a reference each
// and returns how many.
unsigned proc_garbage(struct proc **out)
{
        static bool mark[MAX_PROCS];
        static struct proc *stack[MAX_PROCS];
        unsigned n = 0, k = 0;
        for (unsigned i = 1; i < MAX_PROCS; i++) {
                struct proc *p = procs[i];
                mark[i] = p && p->alive && (p->threads || p->pid == MK_PID_SYSTEM_PAGER);
                if (mark[i])
                        stack[n++] = p;
        }
        while (n) {
                struct proc *p = stack[--n];
                for (int h = 0; h < MAX_HANDLES; h++) {
                        struct proc *q = p->handles[h].obj;
                        if (p->handles[h].type != OBJ_PROC || mark[q->asid])
                                continue;
                        mark[q->asid] = true;
                        stack[n++] = q; // each process at most once: n < MAX_PROCS
                }
        }
        for (unsigned i = 1; i < MAX_PROCS; i++) {
                struct proc *p = procs[i];
                if (p && p->alive && !mark[i]) {
                        p->refs++;
                        out[k++] = p;
                }
        }
        return k;
}

struct proc *proc_create(struct endpoint *pager, uint64_t badge, uint32_t flags, struct proc *acct,
                         long *err)
{
        unsigned slot = 1;
        while (slot < MAX_PROCS && procs[slot])
                slot++;
        *err = -EAGAIN;
        if (slot == MAX_PROCS)
                return NULL;
        *err = -ENOMEM;
        struct proc *p = kalloc(sizeof(*p));
        if (!p)
                return NULL;
        if ((*err = acct_proc_new(p, acct))) {
                kfree(p, sizeof(*p));
                return NULL;
        }
        p->root = pt_table_alloc();
        if (!p->root) {
                acct_proc_freed(p);
                kfree(p, sizeof(*p));
                *err = -ENOMEM;
                return NULL;
        }
        arch_user_root_init(p->root);
        arch_tlb_flush_asid(slot); // the asid may have served a dead process
        p->asid = slot;
        p->pid = next_pid++;
        p->refs = 1; // dropped when the process ends
        p->alive = true;
        p->flags = flags;
        if (pager) {
                p->pager = pager;
                pager->refs++;
        }
        p->pager_badge = badge;
        procs[slot] = p;
        return p;
}

struct thread *thread_create(struct proc *p, uint64_t ip, uint64_t sp, uint64_t arg, long *err)
{
        if (!p->alive) {
                *err = -ESRCH;
                return NULL;
        }
        if ((*err = acct_thread_new(p)))
                return NULL;
        struct thread *t = kalloc(sizeof(*t));
        *err = -ENOMEM;
        if (t && !(t->kstack_top = kstack_alloc())) {
                kfree(t, sizeof(*t));
                t = NULL;
                // Every stack slot in use, or no frames for one.
                *err = kframes.nfree < KSTACK_SIZE / PAGE_SIZE ? -ENOMEM : -EAGAIN;
        }
        if (!t) {
                acct_thread_undo(p);
                return NULL;
        }
        t->tf = arch_thread_init(&t->ctx, t->kstack_top, ip, sp, arg);
        t->proc = p;
        // A thread started by its own process keeps its creator's CPUs (as
        // on Linux); one started in another process may run anywhere.
        t->affinity = current && current->proc == p ? current->affinity : ~0u;
        t->last_cpu = (uint8_t)this_cpu()->id;
        t->tid = next_tid++;
        t->proc_next = p->threads;
        p->threads = t;
        p->nthreads++;
        sched_ready(t);
        return t;
}

bool proc_may_receive(struct proc *q, void *ep)
{
        for (int h = 0; h < MAX_HANDLES; h++)
                if (q->handles[h].type == OBJ_ENDPOINT && q->handles[h].obj == ep &&
                    (q->handles[h].rights & MK_RIGHT_RECV))
                        return true;
        return false;
}

void proc_reaped(struct proc *p)
{
        p->reaped = true;
        for (struct thread *w; (w = p->waiters);) {
                p->waiters = w->next;
                w->ipc_ret = 0;
                sched_ready(w);
        }
}

void kevent_done(struct kevent *ev)
{
        // Exit events live inside their process, which they keep alive.
        struct proc *p = (struct proc *)((char *)ev - offsetof(struct proc, exit_event));
        proc_reaped(p);
        proc_put(p);
}

// t (being killed) stops waiting for the process it waits for and drops the
// reference its SYS_PROC_WAIT holds.
static void wait_cancel(struct thread *t)
{
        struct proc *q = t->wait_for;
        if (!q)
                return;
        if (t->state == T_WAIT) {
                for (struct thread **pp = &q->waiters; *pp; pp = &(*pp)->next) {
                        if (*pp == t) {
                                *pp = t->next;
                                break;
                        }
                }
        }
        t->wait_for = NULL;
        q->wait_refs--;
        proc_put(q);
}

// Frame ownership: a two-level table of 16-bit owner ids (process slots),
// one 4 KiB page per 2048 frames, allocated on first use.
#define OWNER_PER_PAGE (PAGE_SIZE / sizeof(uint16_t))
#define OWNER_PAGES    512
static uint16_t *owner_pages[OWNER_PAGES];

static bool owned_by(void *slot, paddr_t pa)
{
        return frame_owner_get(pa) == *(uint32_t *)slot;
}

// Removes every mapping of a frame p owns from the processes p mapped its
// frames into (before those frames change hands).
void frames_unmap_everywhere(struct proc *p)
{
        for (unsigned i = 1; i < MAX_PROCS; i++) {
                struct proc *q = procs[i];
                if (!(p->mapped_into[i / 8] & (1u << (i % 8))))
                        continue;
                if (!q || !q->alive || q == p)
                        continue;
                fault_answers_stale(q, MK_USER_BASE, MK_USER_TOP, NULL);
                if (pt_unmap_matching(q->root, MK_USER_BASE, MK_USER_TOP, owned_by, &p->asid))
                        tlb_shoot_asid(q);
        }
}

// The frames p owns leave with it (p is ending). The system pager's go back
// to the kernel; frames an external pager was given go back to the system
// pager, because the system pager still maps them in its window. No mapping
// of them that p made survives: the next owner's data stays its own.
static void release_frames(struct proc *p)
{
        struct proc *sys = proc_by_pid(MK_PID_SYSTEM_PAGER);
        if (p->pid != MK_PID_SYSTEM_PAGER)
                frames_unmap_everywhere(p);
        for (unsigned t = 0; t < OWNER_PAGES; t++) {
                if (!owner_pages[t])
                        continue;
                for (unsigned k = 0; k < OWNER_PER_PAGE; k++) {
                        if (owner_pages[t][k] != p->asid)
                                continue;
                        paddr_t pa = ((paddr_t)t * OWNER_PER_PAGE + k) << PAGE_SHIFT;
                        if (p->pid != MK_PID_SYSTEM_PAGER && sys && sys->alive) {
                                owner_pages[t][k] = (uint16_t)sys->asid;
                        } else {
                                owner_pages[t][k] = 0;
                                frame_free(&kframes, pa);
                        }
                }
        }
        p->phys.nranges = 0;
}

// Removes every user mapping and table of p (the frames are the pager's).
// Every CPU stops using its root first (a thread of p may still run on
// another CPU: it ends there, docs/smp.md "Process exit"); the asid's
// translations are dropped everywhere before the asid can serve again.
static void aspace_destroy(struct proc *p)
{
        if (!sched_drop_root(p)) {
                // A CPU did not answer: it may still walk these tables.
                kprintf("mk: process %u: page tables kept (a CPU did not answer)\n", p->pid);
                p->root = 0;
                return;
        }
        pt_free_tables(p->root, 0, MK_USER_TOP);
        tlb_shoot_asid(p);
        pt_table_free(p->root);
        p->root = 0;
}

void proc_kill(struct proc *p, uint64_t reason, int64_t status, const struct fault_info *f)
{
        if (!p->alive)
                return;
        p->alive = false;
        p->exit.status = status;
        p->exit.reason = reason;
        p->exit.fault_va = f ? f->addr : 0;
        p->exit.fault_ip = f ? f->ip : 0;
        if (reason != MK_REASON_EXIT)
                kprintf("mk: process %u (%s) ended: %s (addr 0x%llx ip 0x%llx)\n", p->pid,
                        p->name[0] ? p->name : "unnamed", mk_reason_name(reason),
                        (unsigned long long)p->exit.fault_va, (unsigned long long)p->exit.fault_ip);

        bool self = current->proc == p;
        for (struct thread *t = p->threads, *n; t; t = n) {
                n = t->proc_next;
                wait_cancel(t);
                ipc_cancel(t);
                if (t == current)
                        continue;
                if (t->on_cpu)
                        t->dying = true; // its CPU ends it (sched.c kernel_enter)
                else
                        sched_zombie(t);
        }
        p->threads = NULL;
        p->nthreads = 0;
        for (int h = 0; h < MAX_HANDLES; h++)
                if (p->handles[h].type != OBJ_NONE)
                        handle_close(p, h);
        // The pager gets an exit event; waiters learn the outcome once it has
        // handled it (kevent_done), at once if it has no pager.
        if (!p->pager)
                proc_reaped(p);
        if (p->pager) {
                p->refs++; // held by the queued event
                p->exit_event.badge = p->pager_badge;
                p->exit_event.tag = MK_TAG_EXIT;
                p->exit_event.w[MK_XW_PID] = p->pid;
                p->exit_event.w[MK_XW_STATUS] = (uint64_t)status;
                p->exit_event.w[MK_XW_REASON] = reason;
                p->exit_ep = p->pager;
                // A waiter that serves that endpoint itself learns now (it
                // would otherwise wait for its own handling of the event).
                for (struct thread **pw = &p->waiters, *w; (w = *pw);) {
                        if (proc_may_receive(w->proc, p->exit_ep)) {
                                *pw = w->next;
                                w->ipc_ret = 0;
                                sched_ready(w);
                        } else {
                                pw = &w->next;
                        }
                }
                ep_post_event(p->pager, &p->exit_event);
                ep_put(p->pager);
                p->pager = NULL;
        }
        ext_regions_release(p);
        aspace_destroy(p);
        release_frames(p);
        acct_proc_ended(p);
        if (p->pid == MK_PID_SYSTEM_PAGER) {
                // The system pager is gone: nothing can be paged any more.
                kprintf("mk: the system pager ended (%s, status %lld)\n", mk_reason_name(reason),
                        (long long)status);
                arch_exit(reason == MK_REASON_EXIT && status == 0 ? EXIT_OK : EXIT_PANIC);
        }
        proc_reap_drain(); // processes this one was the last to name
        sched_reap();      // its threads that no CPU runs (the others go when theirs switch)
        if (self) {
                sched_zombie(current);
                proc_put(p);
                sched_block();
                panic("dead thread resumed");
        }
        proc_put(p);
}

void frame_owner_set(paddr_t pa, uint32_t slot)
{
        uint64_t f = pa >> PAGE_SHIFT;
        if (f / OWNER_PER_PAGE >= OWNER_PAGES)
                panic("frame 0x%llx beyond the owner table", (unsigned long long)pa);
        uint16_t **pg = &owner_pages[f / OWNER_PER_PAGE];
        if (!*pg) {
                paddr_t t = pt_table_alloc(); // a zeroed frame
                if (!t)
                        panic("no frame for the owner table");
                *pg = phys_to_virt(t);
        }
        (*pg)[f % OWNER_PER_PAGE] = (uint16_t)slot;
}

uint32_t frame_owner_get(paddr_t pa)
{
        uint64_t f = pa >> PAGE_SHIFT;
        if (f / OWNER_PER_PAGE >= OWNER_PAGES || !owner_pages[f / OWNER_PER_PAGE])
                return 0;
        return owner_pages[f / OWNER_PER_PAGE][f % OWNER_PER_PAGE];
}
