// SPDX-License-Identifier: MIT
// CPUs: finding and starting the secondary CPUs, this_cpu(), and the
// self-tests every CPU runs (smp.h, docs/smp.md).
#include <kernel/arch.h>
#include <kernel/kalloc.h>
#include <kernel/kprintf.h>
#include <kernel/proc.h>
#include <kernel/smp.h>
#include <kernel/spinlock.h>
#include <common/string.h>
#include <stddef.h>
#include <mk/errno.h>

struct cpu cpus[MAX_CPUS];
unsigned ncpus = 1;

// The self-tests' shared state. Each phase is bounded in counter time, so a
// host running more virtual CPUs than it has cores (QEMU's multi-threaded
// TCG: a lock hand-over waits for the next holder's host thread) makes it
// slower, never hang.
enum { LOCK_MAX = 20000, LOCK_MS = 100, CALL_ROUNDS = 50, CALL_MS = 300, PHASE_MS = 20000 };
static struct spinlock test_lock = SPINLOCK_INIT;
static uint64_t test_counter; // only under test_lock
static uint32_t test_phase;   // the boot CPU's signal: 1 the lock test, 2 the cross-calls
static uint64_t phase_start;  // when the boot CPU started it (ms)
static unsigned expected;     // the command line's cpus=N (0: not given)
static uint32_t sched_go;     // the boot CPU started the scheduler: the others join

unsigned smp_cpus_up(void)
{
        unsigned n = 0;
        for (unsigned i = 0; i < ncpus; i++)
                n += __atomic_load_n(&cpus[i].state, __ATOMIC_ACQUIRE) == CPU_UP;
        return n;
}

// Counter time in milliseconds.
static uint64_t now_ms(void)
{
        return arch_counter() / (arch_counter_hz() / 1000);
}

// --- Cross-calls -----------------------------------------------------------------
// Everything here runs with interrupts masked: the IPI handler, and the
// waits below, which run the calls made to their own CPU (call_run) so that
// two CPUs calling each other never deadlock. Masked, the two never nest.

#define CALL_LOCK(c) ((struct spinlock *)&(c)->call_lock)
_Static_assert(sizeof(((struct cpu *)0)->call_lock) == sizeof(struct spinlock), "call_lock");

// Runs the call waiting for this CPU, if any. The target claims a call
// (call_taken, from req - 1 to req) before it runs it; a caller that gives up
// claims it first, so a call is either run (once) or cancelled, never run
// after its caller has gone.
static void call_run(struct cpu *c)
{
        uint32_t req = __atomic_load_n(&c->call_req, __ATOMIC_ACQUIRE);
        uint32_t prev = req - 1;
        if (req == __atomic_load_n(&c->call_ack, __ATOMIC_ACQUIRE) ||
            !__atomic_compare_exchange_n(&c->call_taken, &prev, req, false, __ATOMIC_ACQ_REL,
                                         __ATOMIC_ACQUIRE))
                return;
        struct cpu *from = c->call_from;
        c->call_fn(c->call_arg);
        __atomic_store_n(&c->call_ack, req, __ATOMIC_SEQ_CST);
        smp_store_load_fence();
        if (from && __atomic_load_n(&from->call_sleep, __ATOMIC_SEQ_CST))
                arch_send_ipi(from); // it sleeps until its call has run: wake it
}

// A waiting CPU's step: spins a while, then sleeps until an interrupt (the
// IPI that says its wait is over: a sleeping virtual CPU costs the host
// nothing, and under -icount QEMU runs the others meanwhile). *flag is set
// while it sleeps, for whoever ends the wait to see; done() says whether
// the wait is already over. The timer tick does nothing of the kernel's
// while a CPU sleeps here (nested_wait).
void smp_wait_step(unsigned *spins, uint32_t *flag, bool (*done)(void *), void *arg)
{
        if (++*spins < SMP_WAIT_SPINS) {
                arch_cpu_relax();
                return;
        }
        struct cpu *me = this_cpu();
        __atomic_store_n(flag, 1, __ATOMIC_SEQ_CST);
        smp_store_load_fence();
        if (!done(arg)) {
                me->nested_wait++;
                arch_wait_for_interrupt(); // returns once one is pending
                arch_irq_enable();         // (taken here, or already in the wait)
                arch_irq_disable();
                me->nested_wait--;
        }
        __atomic_store_n(flag, 0, __ATOMIC_RELAXED);
}

struct call_wait {
        struct cpu *c;
        uint32_t req;
};

static bool call_done(void *arg)
{
        const struct call_wait *w = arg;
        return __atomic_load_n(&w->c->call_ack, __ATOMIC_SEQ_CST) == w->req;
}

void smp_call_poll(struct cpu *c)
{
        call_run(c);
}

void smp_ipi_handler(void)
{
        struct cpu *c = this_cpu();
        c->ipis++;
        call_run(c);
}

// A step of a waiting CPU's loop longer than this: it did not run meanwhile.
#define CALL_STALL_MS 50

int smp_call(struct cpu *c, void (*fn)(void *), void *arg)
{
        struct cpu *me = this_cpu();
        if (c == me) {
                fn(arg);
                return 0;
        }
        if (__atomic_load_n(&c->state, __ATOMIC_ACQUIRE) != CPU_UP)
                return -ESRCH;
        // c's mailbox: one call at a time; ours is served while we wait.
        while (!spin_trylock(CALL_LOCK(c))) {
                call_run(me);
                arch_cpu_relax();
        }
        c->call_fn = fn;
        c->call_arg = arg;
        c->call_from = me;
        uint32_t req = c->call_req + 1;
        __atomic_store_n(&c->call_req, req, __ATOMIC_RELEASE);
        arch_send_ipi(c);
        // The 1 s counts only the time this CPU itself ran: a step of more
        // than CALL_STALL_MS means its host thread was descheduled (QEMU's
        // vCPU threads on a loaded host), which says nothing about c.
        uint64_t last = now_ms(), waited = 0;
        int r = 0;
        unsigned spins = 0;
        struct call_wait cw = {c, req};
        while (__atomic_load_n(&c->call_ack, __ATOMIC_ACQUIRE) != req) {
                call_run(me); // a call to us while we wait (maybe from c itself)
                smp_wait_step(&spins, &me->call_sleep, call_done, &cw);
                uint64_t t = now_ms();
                waited += t - last < CALL_STALL_MS ? t - last : 0;
                last = t;
                if (waited < 1000)
                        continue;
                // Give up, unless c has taken the call: then it is running
                // and ends soon (its fn is short).
                uint32_t prev = req - 1;
                if (__atomic_compare_exchange_n(&c->call_taken, &prev, req, false, __ATOMIC_ACQ_REL,
                                                __ATOMIC_ACQUIRE)) {
                        __atomic_store_n(&c->call_ack, req, __ATOMIC_RELEASE); // cancelled
                        __atomic_store_n(&c->state, CPU_FAILED, __ATOMIC_RELEASE);
                        kprintf("smp: cpu %u took no cross-call within 1 s: marked failed\n",
                                c->id);
                        r = -ETIMEDOUT;
                        break;
                }
        }
        spin_unlock(CALL_LOCK(c));
        return r;
}

static void check_self(struct cpu *c)
{
        c->saw_self = this_cpu() == c && c->self == c;
}

// Phase 1: increments under one lock, for LOCK_MS or LOCK_MAX rounds (at
// least one: a CPU woken late still takes the lock).
static void lock_test(struct cpu *c)
{
        uint64_t n = 0;
        while (n == 0 || (n < LOCK_MAX && now_ms() - phase_start < LOCK_MS)) {
                spin_lock(&test_lock);
                // A read-modify-write that is not atomic: only the lock keeps
                // two CPUs' increments from overwriting each other.
                uint64_t v = *(volatile uint64_t *)&test_counter;
                *(volatile uint64_t *)&test_counter = v + 1;
                spin_unlock(&test_lock);
                n++;
        }
        __atomic_store_n(&c->lock_done, n, __ATOMIC_RELEASE);
}

// Phase 2: cross-calls to every other CPU, CALL_ROUNDS rounds or CALL_MS.
static uint64_t call_hits[MAX_CPUS]; // per target CPU: calls run there
static void call_hit(void *arg)
{
        struct cpu *me = this_cpu();
        call_hits[me->id]++; // only ever on this CPU, interrupts masked
        *(uint32_t *)arg = me->id + 1;
}

static void call_storm(struct cpu *c)
{
        uint64_t done = 0, bad = 0;
        for (unsigned r = 0; r < CALL_ROUNDS && (r == 0 || now_ms() - phase_start < CALL_MS); r++)
                for (unsigned i = 0; i < ncpus; i++) {
                        uint32_t ran_on = 0;
                        if (i == c->id || cpus[i].state != CPU_UP)
                                continue;
                        if (smp_call(&cpus[i], call_hit, &ran_on) == 0 && ran_on == i + 1)
                                done++;
                        else
                                bad++;
                }
        c->calls_bad = bad;
        __atomic_store_n(&c->calls_done, done + 1, __ATOMIC_RELEASE); // + 1: finished
}

// The deadline a CPU has to say it is up, and the self-test's: long enough
// for a host busy with other guests (QEMU's CPU threads then wait for host
// cores); a CPU that comes up in time costs nothing of it.
#define START_MS 10000

void smp_init(const struct boot_info *bi, const void *dtb)
{
        uint64_t hw[MAX_CPUS];
        unsigned boot = 0;
        unsigned n = arch_smp_enumerate(bi, dtb, hw, MAX_CPUS, &boot);
        if (n == 0 || boot >= n) {
                n = 1;
                boot = 0;
                hw[0] = 0;
        }
        // The boot CPU is cpus[0]; the others follow in the firmware's order.
        cpus[0].hwid = hw[boot];
        for (unsigned i = 0, k = 1; i < n; i++)
                if (i != boot)
                        cpus[k++].hwid = hw[i];
        for (unsigned i = 0; i < n; i++) {
                cpus[i].self = &cpus[i];
                cpus[i].id = i;
                cpus[i].state = CPU_ABSENT;
        }
        cpus[0].state = CPU_UP;
        ncpus = n;
        arch_cpu_init(&cpus[0]);
        arch_ipi_init(&cpus[0]);
        check_self(&cpus[0]);
        const char *w = bi ? strstr(bi->cmdline, "cpus=") : NULL;
        if (w && (w == bi->cmdline || w[-1] == ' '))
                for (w += 5; *w >= '0' && *w <= '9'; w++)
                        expected = expected * 10 + (unsigned)(*w - '0');
        kprintf("smp: %u CPU%s found, boot CPU hwid 0x%llx\n", n, n == 1 ? "" : "s",
                (unsigned long long)cpus[0].hwid);
        for (unsigned i = 1; i < n; i++) {
                struct cpu *c = &cpus[i];
                c->stack_top = kstack_alloc();
                if (!c->stack_top) {
                        c->state = CPU_FAILED;
                        kprintf("smp: cpu %u (hwid 0x%llx): no memory for its stack\n", i,
                                (unsigned long long)c->hwid);
                        continue;
                }
                __atomic_store_n(&c->state, CPU_STARTING, __ATOMIC_RELEASE);
                int r = arch_cpu_start(c);
                uint64_t t0 = now_ms();
                while (r == 0 && __atomic_load_n(&c->state, __ATOMIC_ACQUIRE) == CPU_STARTING &&
                       now_ms() - t0 < START_MS)
                        arch_cpu_relax();
                if (__atomic_load_n(&c->state, __ATOMIC_ACQUIRE) != CPU_UP) {
                        __atomic_store_n(&c->state, CPU_FAILED, __ATOMIC_RELEASE);
                        kprintf("smp: cpu %u (hwid 0x%llx) did not come up (%s)\n", i,
                                (unsigned long long)c->hwid,
                                r ? "the start was refused" : "no word within 10 s");
                }
        }
        kprintf("smp: %u of %u CPUs up\n", smp_cpus_up(), n);
}

NORETURN void smp_secondary_main(struct cpu *c)
{
        arch_irq_disable();
        check_self(c);
        arch_ipi_init(c);
        // Up, unless the boot CPU gave up waiting for us (then we only park).
        uint32_t starting = CPU_STARTING;
        if (__atomic_compare_exchange_n(&c->state, &starting, CPU_UP, false, __ATOMIC_ACQ_REL,
                                        __ATOMIC_ACQUIRE))
                kprintf("cpu %u up (hwid 0x%llx)\n", c->id, (unsigned long long)c->hwid);
        // Parked: no thread runs here yet (docs/smp.md). It sleeps until an
        // interrupt (its IPI), runs the cross-calls made to it and the
        // self-test phase the boot CPU started, and sleeps again. Interrupts
        // are masked except while a pending one is taken.
        uint32_t done = 0;
        for (;;) {
                call_run(c);
                if (__atomic_load_n(&sched_go, __ATOMIC_ACQUIRE) && c->state == CPU_UP) {
                        sched_cpu_init(c);
                        sched_idle_loop(); // this context is its idle thread
                }
                uint32_t phase = __atomic_load_n(&test_phase, __ATOMIC_ACQUIRE);
                if (phase != done && c->state == CPU_UP) {
                        if (phase == 1)
                                lock_test(c);
                        else if (phase == 2)
                                call_storm(c);
                        done = phase;
                        continue;
                }
                arch_wait_for_interrupt(); // returns once one is pending
                arch_irq_enable();         // (taken here, or already in the wait)
                arch_irq_disable();
        }
}

void smp_sched_start(void)
{
        if (ncpus > 1)
                cpus[0].smp_return = true;
        __atomic_store_n(&sched_go, 1, __ATOMIC_RELEASE);
        for (unsigned i = 1; i < ncpus; i++)
                if (cpus[i].state == CPU_UP)
                        arch_send_ipi(&cpus[i]);
        // The first program sees every CPU (MK_INFO_NCPUS): wait until each
        // runs its idle loop (bounded: 1 s; a late one joins when it does).
        for (unsigned i = 1; i < ncpus; i++)
                for (uint64_t t0 = now_ms();
                     cpus[i].state == CPU_UP &&
                     !__atomic_load_n(&cpus[i].sched_on, __ATOMIC_ACQUIRE) && now_ms() - t0 < 1000;)
                        arch_cpu_relax();
}

// Starts self-test phase p on every CPU (the others are woken by an IPI).
static void phase_start_all(uint32_t p)
{
        phase_start = now_ms();
        __atomic_store_n(&test_phase, p, __ATOMIC_RELEASE);
        for (unsigned i = 1; i < ncpus; i++)
                if (cpus[i].state == CPU_UP)
                        arch_send_ipi(&cpus[i]);
}

// Waits (serving our own cross-calls) until every CPU up has a non-zero word
// at `word` (an offset in struct cpu), or PHASE_MS: how many have.
static unsigned phase_wait(size_t word)
{
        unsigned up = smp_cpus_up(), n = 0;
        for (uint64_t t0 = now_ms(); now_ms() - t0 < PHASE_MS;) {
                n = 0;
                for (unsigned i = 0; i < ncpus; i++)
                        n += cpus[i].state == CPU_UP &&
                             __atomic_load_n((uint64_t *)((char *)&cpus[i] + word),
                                             __ATOMIC_ACQUIRE);
                if (n == up)
                        break;
                call_run(&cpus[0]);
                arch_cpu_relax();
        }
        return n;
}

int smp_selftest(void)
{
        int fails = 0;
        arch_irq_disable(); // the cross-calls' rule (above); the timer waits
        unsigned up = smp_cpus_up();
        // 1: every CPU found came up (and as many as the command line's
        // cpus=N says QEMU was given, when it says).
        if (up == ncpus && (!expected || expected == ncpus))
                kprintf("ok smp.cpus_up\n# %u of %u\n", up, ncpus);
        else
                kprintf("not ok smp.cpus_up\n# %u of %u CPUs up, %u expected (cpus=)\n", up, ncpus,
                        expected),
                    fails++;
        // 2: on each CPU, this_cpu() is its own struct.
        unsigned bad = 0;
        for (unsigned i = 0; i < ncpus; i++)
                if (cpus[i].state == CPU_UP && !cpus[i].saw_self)
                        bad++;
        if (!bad)
                kprintf("ok smp.this_cpu\n");
        else
                kprintf("not ok smp.this_cpu\n# %u CPUs saw another's struct\n", bad), fails++;
        // 3: every CPU increments one counter under one lock at once: no
        // increment is lost, and every CPU gets the lock.
        phase_start_all(1);
        lock_test(&cpus[0]);
        unsigned done = phase_wait(offsetof(struct cpu, lock_done));
        uint64_t sum = 0;
        for (unsigned i = 0; i < ncpus; i++)
                if (cpus[i].state == CPU_UP)
                        sum += cpus[i].lock_done;
        spin_lock(&test_lock);
        uint64_t total = test_counter;
        spin_unlock(&test_lock);
        if (done == up && total == sum)
                kprintf("ok smp.lock\n# %u CPUs, %llu increments\n", up, (unsigned long long)total);
        else
                kprintf("not ok smp.lock\n# %u of %u CPUs got the lock; %llu increments counted, "
                        "%llu made\n",
                        done, up, (unsigned long long)total, (unsigned long long)sum),
                    fails++;
        // 4: every CPU cross-calls every other one at once (by IPI, or polled
        // by a CPU that waits itself): each call runs once, on its target.
        phase_start_all(2);
        call_storm(&cpus[0]);
        done = phase_wait(offsetof(struct cpu, calls_done));
        uint64_t made = 0, hits = 0, failed = 0;
        for (unsigned i = 0; i < ncpus; i++) {
                made += cpus[i].calls_done ? cpus[i].calls_done - 1 : 0;
                failed += cpus[i].calls_bad;
                hits += call_hits[i];
        }
        if (done == up && !failed && hits == made && smp_cpus_up() == up)
                kprintf("ok smp.ipi_storm\n# %u CPUs, %llu cross-calls\n", up,
                        (unsigned long long)made);
        else
                kprintf("not ok smp.ipi_storm\n# %u of %u CPUs done; %llu calls made, %llu ran, "
                        "%llu failed\n",
                        done, up, (unsigned long long)made, (unsigned long long)hits,
                        (unsigned long long)failed),
                    fails++;
        // 5: the other CPUs are parked (asleep until an interrupt): a
        // cross-call from the boot CPU reaches each by its IPI (its count of
        // IPIs taken goes up).
        unsigned ran = 0, others = 0;
        for (unsigned i = 1; i < ncpus; i++) {
                uint32_t ran_on = 0;
                if (cpus[i].state != CPU_UP)
                        continue;
                others++;
                uint64_t before = __atomic_load_n(&cpus[i].ipis, __ATOMIC_RELAXED);
                if (smp_call(&cpus[i], call_hit, &ran_on) == 0 && ran_on == i + 1 &&
                    __atomic_load_n(&cpus[i].ipis, __ATOMIC_RELAXED) > before)
                        ran++;
        }
        if (ran == others)
                kprintf("ok smp.ipi\n# %u parked CPUs woken by an IPI ran a cross-call\n", ran);
        else
                kprintf("not ok smp.ipi\n# %u of %u parked CPUs ran a cross-call from its IPI\n",
                        ran, others),
                    fails++;
        arch_irq_enable();
        return fails;
}
