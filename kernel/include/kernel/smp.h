// SPDX-License-Identifier: MIT
// CPUs (docs/smp.md). The boot CPU finds the others (arch_smp_enumerate:
// ACPI MADT on x86_64, the device tree's /cpus on aarch64 and riscv64),
// starts each in turn (arch_cpu_start: INIT-SIPI-SIPI, PSCI CPU_ON, SBI HSM
// hart_start) and waits, with a deadline, until it says it is up. Each CPU
// has one struct cpu; this_cpu() finds it from a register only the kernel
// controls. The secondary CPUs come up, run their self-tests and park,
// answering cross-calls (smp_call, by IPI), until the scheduler starts:
// then each runs threads (sched.c).
#pragma once
#include <kernel/bootinfo.h>
#include <common/types.h>

#define MAX_CPUS 8

struct thread;
struct proc;

enum cpu_state { CPU_ABSENT, CPU_STARTING, CPU_UP, CPU_FAILED };

struct cpu {
        struct cpu *self; // this struct (x86_64 reads it at %gs:0 in the kernel)
        uint32_t id;      // logical number: 0 is the boot CPU
        uint32_t state;   // enum cpu_state (atomic: the boot CPU waits on it)
        uint64_t hwid;    // APIC id (x86_64), MPIDR affinity (aarch64), hart id (riscv64)
        void *stack_top;  // a secondary's boot (then idle) kernel stack
        uint64_t arch[8]; // the arch's own per-CPU words (its start-up code's)
        // Self-test results the CPU itself records (smp.c).
        uint32_t saw_self;  // this_cpu() gave this struct, on this CPU
        uint64_t lock_done; // increments made under the test lock
        // Cross-calls (smp_call): one at a time per target CPU.
        struct {
                volatile uint32_t next, owner; // a ticket lock (<kernel/spinlock.h>)
        } call_lock;
        void (*call_fn)(void *);
        void *call_arg;
        uint32_t call_req, call_ack; // sequence numbers: requested, run (or cancelled)
        uint32_t call_taken;         // the last one claimed: by the target to run it, or by
                                     // its caller to cancel it (smp.c)
        struct cpu *call_from;       // the CPU that made the call
        uint32_t call_sleep;         // this CPU sleeps waiting for its own call to run
        uint32_t nested_wait;        // this CPU sleeps inside a kernel path (timer: hands off)
        uint64_t ipis;               // IPIs this CPU took
        uint64_t calls_done;         // self-test: cross-calls this CPU made, + 1 once done
        uint64_t calls_bad;          // self-test: its cross-calls that failed

        // Scheduling (sched.c, docs/smp.md "Scheduling"). All of it changes
        // under the kernel lock only, except need_resched (set by others,
        // then an IPI) and klock (this CPU's own).
        struct thread *cur;              // the thread running here (idle when none)
        struct thread *idle;             // this CPU's idle thread (its boot context)
        struct proc *active;             // whose user root is loaded here (NULL: none)
        struct thread *runq, *runq_tail; // ready threads queued here (FIFO)
        uint32_t nrun;                   // how many
        union {
                struct {
                        volatile bool need_resched; // yield on the way back to user mode
                        bool smp_return; // (cpus[0]) several CPUs: every return takes the slow way
                };
                volatile uint16_t return_work; // either: trap_user_return's one test
        };
        bool klock;          // this CPU holds the kernel lock
        uint32_t klock_wait; // 1 + its ticket while it sleeps waiting for the lock
        bool sched_on;       // it runs threads (its idle loop started)
        // Counters (each CPU writes its own; MK_INFO_CPU_STATS reads them).
        uint64_t klock_takes;  // kernel lock acquisitions
        uint64_t klock_spins;  // loop iterations spent waiting for it
        uint64_t klock_sleeps; // waits for it that slept until an IPI
        uint64_t tlb_calls;    // TLB shootdown cross-calls this CPU sent
        uint64_t switches;     // context switches to another thread
};

extern struct cpu cpus[MAX_CPUS];
// A full barrier between a store and a later load of another location (the
// sleep/wake handshakes: "I sleep" then "is it my turn?", against "your
// turn" then "does it sleep?"). SEQ_CST atomics alone compile to aarch64's
// STLR then LDAR, which the architecture orders, but QEMU's TCG on an x86
// host does not (it lets the load pass the store): a wake-up was lost and
// every CPU slept (seen in the adversarial suite at -smp 4, about one boot
// in twenty). An explicit fence (DMB ISH; mfence under TCG) is kept by both.
static inline void smp_store_load_fence(void)
{
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

extern unsigned ncpus; // CPUs found (cpus[0 .. ncpus-1]); 1 until smp_init

// The calling CPU's struct, from a register only the kernel sets (the arch
// sets the boot CPU's before kmain).
#include <arch/percpu.h>
static inline struct cpu *this_cpu(void)
{
        return arch_cpu_fast();
}

// The thread running on this CPU (proc.h `current`): this_cpu()->cur, or an
// arch's cheaper copy of it.
#ifndef ARCH_HAS_CURRENT
static inline struct thread *arch_current(void)
{
        return this_cpu()->cur;
}

static inline void arch_set_current(struct thread *t)
{
        (void)t;
}
#endif
unsigned smp_cpus_up(void);

// Finds and starts the other CPUs (kmain, after the kernel's page tables).
void smp_init(const struct boot_info *bi, const void *dtb);
// A started CPU, on its stack with the kernel's page tables and its trap
// vectors: arch_cpu_init(c) has run. Says it is up and parks (asleep until
// an interrupt: it runs cross-calls and the self-test phases).
NORETURN void smp_secondary_main(struct cpu *c);
// The boot CPU has started its scheduler: the others leave their parking
// loop for their idle loops and run threads from now on.
void smp_sched_start(void);
// The self-test points of every CPU (selftest.c, with the timer running):
// 0 or failures.
int smp_selftest(void);
#define SMP_SELFTEST_POINTS 5

// Inter-processor interrupts. Runs fn(arg) on CPU c, from its IPI handler
// (interrupts masked there), and waits until it has run: 0; -ESRCH (c is
// not up); -ETIMEDOUT (no run within 1 s: c is then marked failed). On the
// calling CPU itself fn runs at once. A CPU waiting for its call runs the
// calls made to it meanwhile, so two CPUs calling each other never deadlock.
int smp_call(struct cpu *c, void (*fn)(void *), void *arg);
// The arch's interrupt path calls this on the CPU that took the kernel's
// IPI, after acknowledging it, with interrupts masked.
void smp_ipi_handler(void);
// Runs the cross-call waiting for CPU c (the caller, interrupts masked), if any:
// a CPU spinning for a lock calls this, since the holder may be waiting for it.
void smp_call_poll(struct cpu *c);
// One step of a CPU's wait (smp.c): spins SMP_WAIT_SPINS times, then sleeps
// until an interrupt with *flag set (the waker sees it and sends an IPI)
// unless done(arg) already holds.
#define SMP_WAIT_SPINS 256
void smp_wait_step(unsigned *spins, uint32_t *flag, bool (*done)(void *), void *arg);

// The arch's part.
// Writes the hardware ids of the CPUs there are (at most max) and the index
// of the boot CPU among them; returns how many (at least 1: the boot CPU).
unsigned arch_smp_enumerate(const struct boot_info *bi, const void *dtb, uint64_t *hwid,
                            unsigned max, unsigned *boot);
// Starts CPU c (c->hwid) at the arch's secondary entry, which sets up c's
// stack (c->stack_top), the kernel's page tables, its vectors and
// arch_cpu_init(c), then calls smp_secondary_main(c). 0, or a negative errno
// when the firmware or hardware refused.
int arch_cpu_start(struct cpu *c);
// On c itself (the boot CPU too): makes this_cpu() return c.
void arch_cpu_init(struct cpu *c);
struct cpu *arch_this_cpu(void);
// arch_wait_for_interrupt (arch.h), called with interrupts masked, must
// return once an interrupt is pending (it may take it, as x86_64's sti;hlt
// does); smp.c then unmasks to take it.
// Makes this CPU (c) take the kernel's IPI (its interrupt controller's
// part: x86_64 the LAPIC and an IDT vector, aarch64 the GIC's CPU interface
// and SGI, riscv64 sie.SSIE): smp_init on the boot CPU, smp_secondary_main on
// the others, before interrupts are enabled there.
void arch_ipi_init(struct cpu *c);
// Raises the kernel's IPI on CPU c (x86_64: a LAPIC fixed IPI to its APIC
// id; aarch64: an SGI through the GIC; riscv64: SBI send_ipi).
void arch_send_ipi(struct cpu *c);
