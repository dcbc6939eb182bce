// SPDX-License-Identifier: MIT
// Kernel objects: processes (an address space + a handle table), threads,
// endpoints, and the handles that name them (kernel/core/proc.c).
#pragma once
#include <arch/thread.h>
#include <common/types.h>
#include <mk/fault.h>
#include <mk/msg.h>
#include <mk/syscall.h>
#include <kernel/smp.h>
#include <kernel/xpager.h>

#define MAX_HANDLES 64
#define MAX_PROCS   256
#define MAX_THREADS 512

enum obj_type {
        OBJ_NONE = 0,
        OBJ_ENDPOINT,
        OBJ_PROC,
        OBJ_SYSTEM, // the system capability (shutdown); no object behind it
        OBJ_REPLY,  // a kept call to answer later (SYS_REPLY_SAVE): one use, not copyable
};

// A call (or fault) a receiver kept to answer later (SYS_REPLY_SAVE): named
// by exactly one handle, of the process that kept it. caller is the thread
// that waits for the answer; NULL once that thread no longer waits (it
// ended, or its fault timed out): answering then is -ESRCH. Closing the
// handle unanswered abandons the call (a fault is taken again).
struct reply_obj {
        struct thread *caller;
};

struct handle {
        uint8_t type;   // enum obj_type
        uint8_t rights; // MK_RIGHT_*
        uint64_t badge; // delivered with messages sent through this handle
        void *obj;
};

// A message header alone (fault messages carry no buffer).
struct kmsg_hdr {
        uint64_t tag;
        uint64_t badge;
        uint64_t w[MK_MSG_WORDS];
        uint32_t len;
        uint32_t flags; // MK_MSG_KERNEL: set by the kernel, never by a sender
};

// The kernel's copy of a message: the header of struct mk_msg plus its buffer.
struct kmsg {
        uint64_t tag;
        uint64_t badge;
        uint64_t w[MK_MSG_WORDS];
        uint32_t len;
        uint32_t flags;
        uint8_t buf[MK_MSG_BUF];
};
#define KMSG_HDR offsetof(struct kmsg, buf)
_Static_assert(sizeof(struct kmsg_hdr) == KMSG_HDR, "kmsg_hdr is the header of kmsg");

enum thread_state {
        T_READY, // in the run queue (or running)
        T_SEND,  // blocked sending on ep
        T_RECV,  // blocked receiving on ep
        T_REPLY, // sent a call (or a fault), waiting for the reply
        T_WAIT,  // waiting for a process to end
        T_DEAD,
};

struct endpoint;
struct proc;

struct thread {
        struct arch_context ctx; // kernel context for arch_switch
        struct trap_frame *tf;   // user registers, at the top of kstack
        void *kstack_top;
        struct proc *proc; // NULL for the idle thread
        uint32_t tid;
        uint8_t state; // enum thread_state
        uint8_t in_runq;
        uint8_t rq_cpu;           // in_runq: whose run queue
        uint8_t on_cpu;           // a CPU runs it (sched.c)
        uint8_t last_cpu;         // where it runs or ran last
        bool dying;               // its process ended while another CPU ran it
        uint32_t affinity;        // CPUs it may run on (bit i: CPU i; SYS_THREAD_AFFINITY)
        struct thread *next;      // run queue or endpoint queue link
        struct thread *proc_next; // the process's thread list

        // IPC
        struct endpoint *ep; // endpoint blocked on
        uint64_t send_badge; // badge of the handle a blocked sender used
        bool is_call;        // the blocked send expects a reply
        bool in_fault;       // the pending call is a fault message
        // The part of its address space whose mappings changed (removed,
        // reduced, or installed by another answer) since it faulted: an
        // answer granting there was built against older state and is not
        // installed (the thread faults again). stale_lo >= stale_hi: none.
        uint64_t stale_lo, stale_hi;
        const struct ext_region *fault_range; // the external region it was routed to
        uint64_t fault_deadline; // ticks: an external pager that has not answered by then is gone
        struct thread *fault_wait_next; // list of threads waiting on external pagers
        struct thread *caller;          // whose call this thread received and must reply to
        struct thread *replier;         // T_REPLY: the thread expected to reply (or NULL)
        struct reply_obj *reply_obj;    // T_REPLY: the kept call that will answer (or NULL)
        long ipc_ret;                   // result handed to a woken thread
        struct kmsg msg;                // message in transit to or from this thread
        // A fault taken while msg still holds a message (a user copy of a
        // received message faulting) must not touch it: faults use these.
        struct kmsg_hdr fmsg;  // the fault message while it waits for a pager
        uint64_t fault_reason; // MK_REASON_* from the pager's FAIL
        bool fault_retried;    // the pager answered RETRY (or dropped the fault)
        // An external pager's RETRY keeps the deadline of the fault it
        // answered: a later fault on the same page must be resolved by then.
        uint64_t retry_va, retry_deadline;
        // A received message that could not be stored in the receiver's
        // buffer stays in msg; the thread's next receive returns it.
        bool msg_pending;

        struct proc *wait_for; // T_WAIT
        // An exit event this thread received and has not finished with: its
        // next receive or reply (or its end) says it has (ipc_event_release).
        struct kevent *event_held;
};

struct endpoint {
        uint32_t refs;                         // handles naming it
        uint32_t recv_handles;                 // of which may receive: 0 = nobody will ever answer
        struct thread *senders, *senders_tail; // blocked senders (FIFO)
        struct thread *receivers, *receivers_tail; // blocked receivers (FIFO)
        struct kevent *events, *events_tail;       // kernel events (process exits)
};

// A kernel-originated message queued on an endpoint (never blocks anyone).
struct kevent {
        struct kevent *next;
        uint64_t badge, tag;
        uint64_t w[3];
};

struct proc {
        uint32_t pid;
        uint32_t refs; // handles naming it + 1 while alive
        bool alive;
        // Its end is complete: its pager has handled its exit event (or it has
        // none). SYS_PROC_WAIT returns only then, so that whoever waits sees
        // its memory back.
        bool reaped;
        void *exit_ep; // the endpoint its exit event went to (compared only, never used)
        paddr_t root;  // page-table root
        unsigned asid;
        uint32_t tlb_cpus; // CPUs that may cache its translations (TLB shootdown, tlb.c)
        uint32_t flags;    // MK_PROC_*
        struct handle handles[MAX_HANDLES];
        struct thread *threads;
        uint32_t nthreads;
        struct endpoint *pager; // where faults go (NULL: none, faults kill)
        uint64_t pager_badge;
        struct mk_exit_info exit; // valid once !alive
        struct kevent exit_event; // queued on the pager endpoint at exit
        struct thread *waiters;   // threads in SYS_PROC_WAIT
        uint64_t bad_replies;     // invalid fault replies about this process
        uint64_t nfaults;
        struct mk_physmem phys; // frames this process owns (the pager)
        struct ext_region ext[MK_MAX_EXT_REGIONS];
        // Slots of the processes this process (not the system pager) mapped
        // frames it owns into: when its frames go back, those mappings go.
        uint8_t mapped_into[MAX_PROCS / 8];
        struct proc *next_free;
        struct acct *acct;      // its accounting node (kernel/include/kernel/acct.h)
        struct proc *reap_next; // queued to be ended: nobody names it, no thread
        bool reap_queued;
        uint32_t wait_refs;          // of refs: threads in SYS_PROC_WAIT for it
        char name[MK_PROC_NAME_MAX]; // SYS_PROC_NAME (console messages, tools/gdb)
};

// The thread running on this CPU.
#define current (arch_current())

// Threads and scheduling (kernel/core/sched.c, docs/smp.md).
// The kernel lock: every way in from user mode takes it (kernel_enter, which
// also ends a thread whose process ended meanwhile), the way out releases it
// (trap_user_return). Taking it twice on one CPU is one take.
void klock_enter(void);
void klock_leave(void);
bool klock_try(void); // only when free and nobody waits (interrupt handlers)
bool klock_held(void);
void kernel_enter_smp(void);
// On one CPU there is nobody to lock out (the kernel runs with interrupts
// masked), so the lock is taken only when several CPUs run threads.
static inline void kernel_enter(void)
{
        if (ncpus > 1)
                kernel_enter_smp();
}
void sched_init(void);                  // the boot CPU, before the first thread
void sched_cpu_init(struct cpu *c);     // c itself, before its idle loop
void sched_tick(void);                  // a time slice ended (CPU 0's timer)
bool sched_wants_yield(void);           // a yield may run another thread (no lock: a hint)
long sched_set_affinity(uint64_t mask); // current's: the old mask, or -EINVAL
void sched_ready(struct thread *t);     // make runnable (append to the run queue)
void sched_block(void);                 // current has set its state; run something else
void sched_yield(void);
void sched_switch_to(struct thread *t); // direct handoff: current must already be blocked
NORETURN void sched_idle_loop(void);
void sched_unqueue(struct thread *t);
void sched_zombie(struct thread *t); // t is dead: free it once off its stack
void sched_reap(void);               // frees the dead threads no CPU runs on
bool sched_drop_root(
    struct proc *p); // p is dying: no CPU uses its root (false: one did not answer)

// Processes (kernel/core/proc.c).
// A process charged to acct's tree (NULL: a root, the first process); NULL
// with *err: -EAGAIN (no process slot, or over a process limit), -ENOMEM.
struct proc *proc_create(struct endpoint *pager, uint64_t badge, uint32_t flags, struct proc *acct,
                         long *err);
// A thread in p; NULL with *err: -EAGAIN (no stack slot, the per-process cap,
// or over a thread limit), -ENOMEM, -ESRCH (p has ended).
struct thread *thread_create(struct proc *p, uint64_t ip, uint64_t sp, uint64_t arg, long *err);
// Ends p with a reason; if p is current's process, does not return.
void proc_kill(struct proc *p, uint64_t reason, int64_t status, const struct fault_info *f);
void proc_put(struct proc *p);
int handle_install(struct proc *p, uint8_t type, uint8_t rights, uint64_t badge, void *obj);
struct handle *handle_get(struct proc *p, long h, uint8_t type, uint8_t rights);
struct endpoint *ep_create(void);
void ep_put(struct endpoint *ep);
struct proc *proc_by_pid(uint32_t pid);

// IPC (kernel/core/ipc.c). The user variants copy messages from/to user memory.
long ipc_send(struct endpoint *ep, uint64_t badge, uint64_t umsg, bool call);
long ipc_recv(struct endpoint *ep, uint64_t umsg);
long ipc_reply(uint64_t umsg);
// Replies (when a call is waiting for our reply), then receives; hands the
// CPU straight to the thread replied to when nothing else is queued.
long ipc_reply_recv(struct endpoint *ep, uint64_t ureply, uint64_t urecv);
// Kernel-originated: sends the fault message for f on behalf of current and
// waits for the reply. Returns 0 (mapped or retry), -EFAULT (the pager failed
// the fault: reason in current->msg.w[0]) or -EPIPE (no pager left).
long ipc_fault_call(struct endpoint *ep, uint64_t badge, const struct fault_info *f);
// Writes the MK_TAG_FAULT message for f (sent by current) into m.
void fault_msg_build(struct kmsg_hdr *m, const struct fault_info *f);
void ep_post_event(struct endpoint *ep, struct kevent *ev);
// Wakes every sender blocked on ep with -EPIPE (nobody can receive any more).
void ep_abort_waiters(struct endpoint *ep);
// Called when a received event has been consumed.
void kevent_done(struct kevent *ev); // the pager is done with it: the process is reaped
void proc_reaped(struct proc *p);    // wakes its waiters (SYS_PROC_WAIT)
// Whether q holds a handle that receives on endpoint ep.
bool proc_may_receive(struct proc *q, void *ep);
// Completes a fault call of c with the reply m from pager thread `replier`:
// installs grants (MAP), sets the failure reason (FAIL) or nothing (RETRY).
// Returns 0, or a negative error leaving c blocked (bad reply).
long fault_reply(struct thread *replier, struct thread *c, const struct kmsg *m);
// Removes t from whatever queue it is blocked in (it is being killed).
void ipc_cancel(struct thread *t);
// t is done with the exit event it received (its process is reaped).
void ipc_event_release_slow(struct thread *t);
static inline void ipc_event_release(struct thread *t)
{
        if (__builtin_expect(t->event_held != NULL, 0))
                ipc_event_release_slow(t);
}
// Wakes t, waiting in a fault call, with -ETIMEDOUT (xpager.c: its external
// pager did not answer in time).
void ipc_fault_timeout(struct thread *t);

// User memory (kernel/core/uaccess.c): copies that fault pages in through the
// pager like a user access would, and return -EFAULT for addresses no region
// covers (or outside the user range).
long copy_from_user(void *dst, uint64_t usrc, size_t n);
long copy_to_user(uint64_t udst, const void *src, size_t n);

// Faults and grants (kernel/core/fault.c).
// Validates and installs the grants of a MK_FAULT_MAP reply from `pager` about
// process p (or a SYS_MAP); returns 0 or a negative error, mapping nothing.
// answered: the thread whose fault the grants answer (NULL: none).
long grant_install(struct proc *pager, struct proc *p, const struct mk_grant *g, size_t n,
                   const struct thread *answered);
// p's mappings in [lo, hi) changed: answers to its threads' pending faults
// (but except's) that grant there are not installed.
void fault_answers_stale(struct proc *p, uint64_t lo, uint64_t hi, const struct thread *except);
// Handles a fault of current at f (a user access, or a kernel user-copy):
// returns 0 when the pager mapped it (retry), or -EFAULT after the pager
// failed it (the process is being killed when from_user).
long fault_resolve(struct fault_info *f, bool from_user);

// The first process, the system pager (pid MK_PID_SYSTEM_PAGER, <mk/layout.h>):
// the frames it owns are the memory of every process; the frames it gives
// away come back to it.

// Physical frames owned by processes (the pager's memory), by process slot
// (proc->asid); 0 = the kernel's.
void frame_owner_set(paddr_t pa, uint32_t slot);
uint32_t frame_owner_get(paddr_t pa);
void handle_close(struct proc *p, int h);
// SYS_REPLY_SAVE: the call current received becomes a reply handle of its
// process; SYS_REPLY_TO: answers through one (ipc.c).
long ipc_reply_save(void);
long ipc_reply_to(long h, uint64_t umsg);
void ipc_reply_drop(struct reply_obj *r); // the handle is closed
// Unmaps the frames p owns from every process p mapped them into.
void frames_unmap_everywhere(struct proc *p);

// The process in slot i (0 < i < MAX_PROCS), or NULL.
struct proc *proc_at(unsigned i);
