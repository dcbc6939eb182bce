// SPDX-License-Identifier: MIT
// The adversarial suite (docs/adversarial.md): attacks an unprivileged
// program can make on the kernel, the system pager, the VFS and the pager
// library, one test each. The runner (runner.c) runs every test of the
// tables (*.def) in a forked child with a deadline; a test function returns
// 0 when the system resisted the attack, else non-zero after ADV_FAIL said
// why. Helpers shared by the test files are here.
#pragma once
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mk/pagerclient.h>
#include <mk/pagerlib.h>
#include <mk/sys.h>
#include <posix_mk.h>
#include "../testva.h"

#define ADV_PAGE 4096ul

// A page shared by the runner and every test process (and their children):
// the reason of a failure, and words the processes of one test synchronise on.
struct adv_shared {
        char why[256];
        volatile int64_t w[64];
};
extern struct adv_shared *adv_sh;

// Records why the test failed (the first reason wins) and returns 1.
__attribute__((format(printf, 1, 2))) int adv_fail(const char *fmt, ...);
#define ADV_FAIL(...) return adv_fail(__VA_ARGS__)

// A spin loop's hint: pause (x86_64) and yield (aarch64) also let QEMU run
// another virtual CPU when it runs them in turn (-icount); riscv64's pause
// hint does not.
static inline void adv_relax(void)
{
#if defined(__x86_64__)
        __asm__ volatile("pause" ::: "memory");
#elif defined(__aarch64__)
        __asm__ volatile("yield" ::: "memory");
#else
        __asm__ volatile(".4byte 0x0100000f" ::: "memory");
#endif
}

// Milliseconds since boot.
static inline uint64_t adv_now(void)
{
        return (uint64_t)mk_info(MK_INFO_UPTIME_MS, 0);
}

// Waits (yielding) until *p == v or timeout_ms passes: 0, or -ETIMEDOUT.
int adv_wait_word(volatile int64_t *p, int64_t v, uint64_t timeout_ms);
// Waits up to timeout_ms for the process behind handle h to end: 0 and *info,
// or -ETIMEDOUT (or the error of SYS_PROC_WAIT).
long adv_wait_proc(long h, struct mk_exit_info *info, uint64_t timeout_ms);
// Kills (if still running) and waits for the process behind h, then closes h.
void adv_reap(long h);
// fork through the system pager, keeping the child's process handle: the
// child's pid and *handle in the parent, 0 in the child, -errno on failure.
long adv_fork(long *handle);
// Starts boot-image program argv[0] with argv (the caller's environment is
// not passed) through PGR_SPAWN with flags: its pid and *handle, or -errno.
long adv_spawn(const char *const argv[], uint64_t flags, long *handle);
// A thread of the calling process running fn(arg) on stack [stack, stack+size):
// its id or -errno. fn must never return.
long adv_thread(void (*fn)(uint64_t), void *stack, size_t size, uint64_t arg);
// Blocks the calling thread for good (a receive nobody sends to).
__attribute__((noreturn)) void adv_park(void);
// The system pager's global counters.
long adv_pstats(struct pgr_stats *s);
// Its free-frame count once nothing else changes it (the VFS fills its file
// pages from the boot image in the background early in a boot; on several
// CPUs other processes run meanwhile): two reads 50 ms apart agree
// (bounded: 5 s).
uint64_t adv_stable_free(void);
// A request to the system pager: its result word, or the IPC error.
long adv_pcall(struct mk_msg *m);
// A handle to the calling process (all rights).
long adv_self(void);
// Name of an errno value ("EPERM"), or a number.
const char *adv_err(long e);
// Describes how a process ended ("exit 3", "out of memory at 0x...").
const char *adv_ending(const struct mk_exit_info *info);

// The test table: ADV_TEST(name, class, timeout in seconds, order) in the
// *.def files; order 0 runs first, 1 after those (attacks that may damage
// the system on unfixed code), 2 last (may end the run on unfixed code).
#define ADV_TEST(name, cls, secs, order) int adv_##name(void);
#include "authority.def"
#include "ipc.def"
#include "resources.def"
#include "pagers.def"
#include "smp.def"
#undef ADV_TEST

// Helper roles of `adv ROLE ARGS` (spawned by tests): 0..255 exit status.
int adv_role_a3_mapper(int argc, char **argv);
