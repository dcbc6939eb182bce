// SPDX-License-Identifier: MIT
// CPUs: finding and starting the secondary CPUs, this_cpu(), and the
// self-tests every CPU runs (smp.h, docs/smp.md).
#include <kernel/arch.h>
#include <kernel/kalloc.h>
#include <kernel/kprintf.h>
#include <kernel/smp.h>
#include <kernel/spinlock.h>
#include <common/string.h>
#include <mk/errno.h>

struct cpu cpus[MAX_CPUS];
unsigned ncpus = 1;
static bool started; // smp_init has run: arch_this_cpu() works on every CPU
static bool testing; // the secondaries wait for the self-test before parking

enum { LOCK_ROUNDS = 20000 };
static struct spinlock test_lock = SPINLOCK_INIT;
static uint64_t test_counter; // only under test_lock
static uint32_t test_go;      // the boot CPU's signal: run the lock test
static unsigned expected;     // the command line's cpus=N (0: not given)

struct cpu *this_cpu(void)
{
        return __atomic_load_n(&started, __ATOMIC_ACQUIRE) ? arch_this_cpu() : &cpus[0];
}

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

static void lock_test(struct cpu *c)
{
        for (unsigned i = 0; i < LOCK_ROUNDS; i++) {
                spin_lock(&test_lock);
                // A read-modify-write that is not atomic: only the lock keeps
                // two CPUs' increments from overwriting each other.
                uint64_t v = *(volatile uint64_t *)&test_counter;
                *(volatile uint64_t *)&test_counter = v + 1;
                spin_unlock(&test_lock);
        }
        __atomic_store_n(&c->lock_done, LOCK_ROUNDS, __ATOMIC_RELEASE);
}

// --- Cross-calls -----------------------------------------------------------------

#define CALL_LOCK(c) ((struct spinlock *)&(c)->call_lock)
_Static_assert(sizeof(((struct cpu *)0)->call_lock) == sizeof(struct spinlock), "call_lock");

// Runs the call waiting for this CPU, if any.
static void call_run(struct cpu *c)
{
        uint32_t req = __atomic_load_n(&c->call_req, __ATOMIC_ACQUIRE);
        if (req == c->call_ack)
                return;
        c->call_fn(c->call_arg);
        __atomic_store_n(&c->call_ack, req, __ATOMIC_RELEASE);
}

void smp_ipi_handler(void)
{
        struct cpu *c = this_cpu();
        c->ipis++;
        call_run(c);
}

int smp_call(struct cpu *c, void (*fn)(void *), void *arg)
{
        struct cpu *me = this_cpu();
        if (c == me) {
                fn(arg);
                return 0;
        }
        if (__atomic_load_n(&c->state, __ATOMIC_ACQUIRE) != CPU_UP)
                return -ESRCH;
        spin_lock(CALL_LOCK(c));
        c->call_fn = fn;
        c->call_arg = arg;
        uint32_t req = c->call_req + 1;
        __atomic_store_n(&c->call_req, req, __ATOMIC_RELEASE);
        arch_send_ipi(c);
        uint64_t t0 = now_ms();
        int r = 0;
        while (__atomic_load_n(&c->call_ack, __ATOMIC_ACQUIRE) != req) {
                call_run(me); // a call to us while we wait (maybe from c itself)
                if (now_ms() - t0 >= 1000) {
                        __atomic_store_n(&c->state, CPU_FAILED, __ATOMIC_RELEASE);
                        kprintf("smp: cpu %u took no cross-call within 1 s: marked failed\n",
                                c->id);
                        r = -ETIMEDOUT;
                        break;
                }
                arch_cpu_relax();
        }
        spin_unlock(CALL_LOCK(c));
        return r;
}

static void check_self(struct cpu *c)
{
        c->saw_self = this_cpu() == c && c->self == c;
}

// Cross-call self-test: every CPU calls every other one CALL_ROUNDS times
// at once; each call adds its caller's bit to the target's word.
enum { CALL_ROUNDS = 200 };
static uint64_t call_hits[MAX_CPUS]; // per target: calls run on it
static void call_hit(void *arg)
{
        struct cpu *me = this_cpu();
        __atomic_fetch_add(&call_hits[me->id], 1, __ATOMIC_RELAXED);
        *(uint32_t *)arg = me->id + 1;
}

static void call_storm(struct cpu *c)
{
        uint64_t done = 0;
        for (unsigned r = 0; r < CALL_ROUNDS; r++)
                for (unsigned i = 0; i < ncpus; i++) {
                        uint32_t ran_on = 0;
                        if (i == c->id || cpus[i].state != CPU_UP)
                                continue;
                        if (smp_call(&cpus[i], call_hit, &ran_on) == 0 && ran_on == i + 1)
                                done++;
                }
        __atomic_store_n(&c->calls_done, done, __ATOMIC_RELEASE);
}

// The deadline a CPU has to say it is up, and the self-test's.
#define START_MS 3000

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
        __atomic_store_n(&started, true, __ATOMIC_RELEASE);
        check_self(&cpus[0]);
        testing = bi && (strstr(bi->cmdline, "test=kernel") || strstr(bi->cmdline, "ktest"));
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
                                r ? "the start was refused" : "no word within 3 s");
                }
        }
        kprintf("smp: %u of %u CPUs up\n", smp_cpus_up(), n);
}

NORETURN void smp_secondary_main(struct cpu *c)
{
        check_self(c);
        arch_ipi_init(c);
        kprintf("cpu %u up (hwid 0x%llx)\n", c->id, (unsigned long long)c->hwid);
        __atomic_store_n(&c->state, CPU_UP, __ATOMIC_RELEASE);
        if (testing) {
                uint64_t t0 = now_ms();
                while (!__atomic_load_n(&test_go, __ATOMIC_ACQUIRE) && now_ms() - t0 < 60000)
                        arch_cpu_relax();
                if (__atomic_load_n(&test_go, __ATOMIC_ACQUIRE)) {
                        lock_test(c);
                        while (__atomic_load_n(&test_go, __ATOMIC_ACQUIRE) < 2 &&
                               now_ms() - t0 < 60000)
                                call_run(c), arch_cpu_relax();
                        call_storm(c);
                }
        }
        // Parked: no thread runs here yet (docs/smp.md); it takes IPIs.
        arch_irq_enable();
        for (;;)
                arch_wait_for_interrupt();
}

int smp_selftest(void)
{
        int fails = 0;
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
        // 3: every CPU increments one counter under one lock at once; no
        // increment is lost.
        __atomic_store_n(&test_go, 1, __ATOMIC_RELEASE);
        lock_test(&cpus[0]);
        uint64_t t0 = now_ms();
        unsigned done = 0;
        while (now_ms() - t0 < 60000) {
                done = 0;
                for (unsigned i = 0; i < ncpus; i++)
                        done +=
                            cpus[i].state == CPU_UP &&
                            __atomic_load_n(&cpus[i].lock_done, __ATOMIC_ACQUIRE) == LOCK_ROUNDS;
                if (done == up)
                        break;
                arch_cpu_relax();
        }
        spin_lock(&test_lock);
        uint64_t total = test_counter;
        spin_unlock(&test_lock);
        if (done == up && total == (uint64_t)up * LOCK_ROUNDS)
                kprintf("ok smp.lock\n# %u CPUs, %llu increments\n", up, (unsigned long long)total);
        else
                kprintf("not ok smp.lock\n# %u of %u CPUs done, %llu increments of %llu\n", done,
                        up, (unsigned long long)total, (unsigned long long)up * LOCK_ROUNDS),
                    fails++;
        // 4: every CPU cross-calls every other one at once, CALL_ROUNDS
        // times: every call runs on its target, nobody deadlocks.
        __atomic_store_n(&test_go, 2, __ATOMIC_RELEASE);
        call_storm(&cpus[0]);
        uint64_t want = (uint64_t)(up - 1) * CALL_ROUNDS, calls = 0;
        unsigned finished = 0;
        for (t0 = now_ms(); now_ms() - t0 < 60000;) {
                finished = 0;
                calls = 0;
                for (unsigned i = 0; i < ncpus; i++)
                        if (cpus[i].state == CPU_UP &&
                            __atomic_load_n(&cpus[i].calls_done, __ATOMIC_ACQUIRE) == want) {
                                finished++;
                                calls += want;
                        }
                if (finished == up)
                        break;
                call_run(&cpus[0]);
                arch_cpu_relax();
        }
        if (finished == up && smp_cpus_up() == up)
                kprintf("ok smp.ipi_storm\n# %u CPUs, %llu cross-calls\n", up,
                        (unsigned long long)calls);
        else
                kprintf("not ok smp.ipi_storm\n# %u of %u CPUs made their %llu cross-calls\n",
                        finished, up, (unsigned long long)want),
                    fails++;
        // 5: the other CPUs have parked (interrupts on, waiting for one): a
        // cross-call from the boot CPU reaches each by its IPI alone (its
        // IPI count goes up).
        unsigned ran = 0, others = 0;
        for (unsigned i = 1; i < ncpus; i++) {
                uint32_t ran_on = 0;
                if (cpus[i].state != CPU_UP)
                        continue;
                others++;
                // Parked: its own wait loop has ended (a short wait lets it get there).
                for (uint64_t t1 = now_ms(); now_ms() - t1 < 20;)
                        arch_cpu_relax();
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
        return fails;
}
