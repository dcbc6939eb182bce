// SPDX-License-Identifier: MIT
// The one helper header of the conformance scenarios (tests/conformance/*.c).
// A scenario is a small program that uses only POSIX names and this header,
// so that the same source builds for mk (libsys's POSIX layer,
// libsys/include/posix/) and natively on Linux (gcc, glibc).
//
// A scenario ends in exactly one way, which suite.def records: an exit
// status (CONF_PASS when every CHECK held) or a fault. On mk the fault is an
// ending reason from the pager ("guard page", "bus error", ...); on Linux it
// is a signal with an si_code: the Linux part below installs handlers that
// print both to stderr and _exit(128 + signal), which tools/conformance-linux
// decodes (docs/conformance.md lists how reasons and signals correspond).
#pragma once
#ifdef __linux__
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#endif
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define CONF_PAGE      4096ul
#define CONF_HEAP_MAX  (256ul << 20) // brk may grow the heap this far (EXEC_HEAP_MAX)
#define CONF_STACK_MAX (8ul << 20)   // the stack may grow this far (EXEC_STACK_MAX)

// A scenario's exit status when it does not end by a fault.
#define CONF_PASS         0 // every check held
#define CONF_CHECK_FAILED 1 // a CHECK failed (the output says which)
#define CONF_NO_FAULT     2 // an access that must end the process did not

// Bound on the spins of conf_wait_flag (each yields the CPU).
#define CONF_SPIN_MAX 200000l

// Counters of the system pager for the calling process (conf_counters: 0 and
// the values on mk; -1 on Linux, which has no such counters).
struct conf_counters {
        long zero_maps, cow_copies, cow_reuses;
};

#ifdef __linux__
#include <spawn.h>
#include <sys/resource.h>

static inline const char *conf_si_code_name(int sig, int code)
{
        if (code == SI_KERNEL) // (x86_64: #GP, int3)
                return "SI_KERNEL";
        switch (sig) {
        case SIGSEGV:
                return code == SEGV_MAPERR   ? "SEGV_MAPERR"
                       : code == SEGV_ACCERR ? "SEGV_ACCERR"
                       : code == SEGV_PKUERR ? "SEGV_PKUERR"
                                             : "?";
        case SIGBUS:
                return code == BUS_ADRALN   ? "BUS_ADRALN"
                       : code == BUS_ADRERR ? "BUS_ADRERR"
                       : code == BUS_OBJERR ? "BUS_OBJERR"
                                            : "?";
        case SIGILL:
                return code == ILL_ILLOPC   ? "ILL_ILLOPC"
                       : code == ILL_ILLOPN ? "ILL_ILLOPN"
                       : code == ILL_ILLADR ? "ILL_ILLADR"
                       : code == ILL_ILLTRP ? "ILL_ILLTRP"
                       : code == ILL_PRVOPC ? "ILL_PRVOPC"
                                            : "?";
        case SIGTRAP:
                return code == TRAP_BRKPT ? "TRAP_BRKPT" : code == TRAP_TRACE ? "TRAP_TRACE" : "?";
        case SIGFPE:
                return code == FPE_INTDIV ? "FPE_INTDIV" : "?";
        }
        return "?";
}

// Reports a fault signal on stderr as `conf: signal SIG CODE addr A` and
// ends the process with 128 + sig, the status a shell gives a signal death.
static void conf_on_signal(int sig, siginfo_t *si, void *uc)
{
        char buf[160];
        (void)uc;
        int n = snprintf(buf, sizeof(buf), "conf: signal SIG%s %s addr %p\n", sigabbrev_np(sig),
                         conf_si_code_name(sig, si->si_code), si->si_addr);
        if (write(2, buf, (size_t)n) < 0)
                _exit(127);
        _exit(128 + sig);
}

// Runs before main on Linux: the fault handlers (on an alternate stack, so
// that a stack overflow is reported too), unbuffered stdout, and mk's limits
// as resource limits: an 8 MiB stack and a heap that cannot pass
// CONF_HEAP_MAX (RLIMIT_DATA also counts the data segment and private
// writable mappings, hence the slack).
__attribute__((constructor)) static void conf_linux_init(void)
{
        // The alternate stack is mapped, not static: a static one would put
        // 64 KiB of bss between a scenario's data and its own bss.
        stack_t ss = {.ss_size = 64 << 10};
        ss.ss_sp =
            mmap(NULL, ss.ss_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        struct sigaction sa;
        memset(&sa, 0, sizeof(sa));
        sa.sa_sigaction = conf_on_signal;
        sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
        sigaltstack(&ss, NULL);
        sigaction(SIGSEGV, &sa, NULL);
        sigaction(SIGBUS, &sa, NULL);
        sigaction(SIGILL, &sa, NULL);
        sigaction(SIGTRAP, &sa, NULL);
        sigaction(SIGFPE, &sa, NULL);
        setvbuf(stdout, NULL, _IONBF, 0);
        struct rlimit stack = {CONF_STACK_MAX, CONF_STACK_MAX};
        struct rlimit data = {CONF_HEAP_MAX + (16ul << 20), CONF_HEAP_MAX + (16ul << 20)};
        struct rlimit core = {0, 0};
        setrlimit(RLIMIT_STACK, &stack);
        setrlimit(RLIMIT_DATA, &data);
        setrlimit(RLIMIT_CORE, &core);
}

// Back to the default actions, so that a fork child's fault reaches its
// parent's waitpid as WIFSIGNALED (mk: nothing to do).
static inline void conf_default_signals(void)
{
        signal(SIGSEGV, SIG_DFL);
        signal(SIGBUS, SIG_DFL);
        signal(SIGILL, SIG_DFL);
        signal(SIGTRAP, SIG_DFL);
        signal(SIGFPE, SIG_DFL);
}

// mk's spawn: a program named without a '/' is one of the scenarios, found
// next to this executable; argv[0] becomes path.
static inline pid_t spawn(const char *path, char *const argv[])
{
        extern char **environ;
        char exe[4096], *args[64];
        int n = 0;
        if (!strchr(path, '/')) {
                ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
                if (len < 0)
                        return -1;
                exe[len] = '\0';
                char *slash = strrchr(exe, '/');
                snprintf(slash + 1, sizeof(exe) - (size_t)(slash + 1 - exe), "%s", path);
        } else {
                snprintf(exe, sizeof(exe), "%s", path);
        }
        args[n++] = (char *)path;
        for (int i = 1; argv && argv[0] && argv[i] && n < 63; i++)
                args[n++] = argv[i];
        args[n] = NULL;
        pid_t pid;
        int err = posix_spawn(&pid, exe, NULL, NULL, args, environ);
        if (err) {
                errno = err;
                return -1;
        }
        return pid;
}

// Linux has no pager counters: the checks that use them are skipped.
static inline int conf_counters(struct conf_counters *c)
{
        (void)c;
        return -1;
}
#else
#include <mk/pagerclient.h>
// libsys/pagerlib/posix_hook.h: the external pager serving our anonymous
// memory (MK_PAGER), or NULL.
const char *mk_posix_pager_name(void);
#include <posix_mk.h>

// The calling process's counters from the pager (PGR_STATS).
static inline int conf_counters(struct conf_counters *c)
{
        struct pgr_stats s;
        // The system pager's counters say nothing of an external pager's pages.
        if (mk_posix_pager_name() || mk_stats(0, &s) < 0)
                return -1;
        c->zero_maps = (long)s.zero_maps;
        c->cow_copies = (long)s.cow_copies;
        c->cow_reuses = (long)s.cow_reuses;
        return 0;
}

static inline void conf_default_signals(void) {}
#endif

static int conf_failures;

// The scenario's name (its source file without the folder) for messages.
static inline const char *conf_name(void)
{
        const char *s = strrchr(__BASE_FILE__, '/');
        return s ? s + 1 : __BASE_FILE__;
}

__attribute__((format(printf, 2, 3))) static inline void conf_fail(int line, const char *fmt, ...)
{
        char buf[256];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(buf, sizeof(buf), fmt, ap);
        va_end(ap);
        printf("conf: %s:%d: check failed: %s\n", conf_name(), line, buf);
        conf_failures++;
}

#define CHECK(cond)                                                                                \
        do {                                                                                       \
                if (!(cond))                                                                       \
                        conf_fail(__LINE__, "%s", #cond);                                          \
        } while (0)

#define CHECK_EQ(a, b)                                                                             \
        do {                                                                                       \
                long _a = (long)(a), _b = (long)(b);                                               \
                if (_a != _b)                                                                      \
                        conf_fail(__LINE__, "%s = %ld (0x%lx), expected %ld (0x%lx)", #a, _a,      \
                                  (unsigned long)_a, _b, (unsigned long)_b);                       \
        } while (0)

// expr must fail: return -1 (or MAP_FAILED, (void *)-1) with errno == err.
#define CHECK_ERR(expr, err)                                                                       \
        do {                                                                                       \
                errno = 0;                                                                         \
                long _r = (long)(expr);                                                            \
                int _e = errno;                                                                    \
                if (_r != -1 || _e != (err))                                                       \
                        conf_fail(__LINE__, "%s = %ld, errno %d; expected -1, errno %d (%s)",      \
                                  #expr, _r, _e, (err), #err);                                     \
        } while (0)

// expr must succeed: not return -1 (nor MAP_FAILED).
#define CHECK_OK(expr)                                                                             \
        do {                                                                                       \
                errno = 0;                                                                         \
                long _r = (long)(expr);                                                            \
                if (_r == -1)                                                                      \
                        conf_fail(__LINE__, "%s failed, errno %d", #expr, errno);                  \
        } while (0)

// The status main returns when it ends without a fault.
static inline int conf_done(void)
{
        return conf_failures ? CONF_CHECK_FAILED : CONF_PASS;
}

// Ends the process with CONF_CHECK_FAILED now if a check failed (before the
// access a scenario ends with, so that a broken set-up is not a false pass).
static inline void conf_stop_if_failed(void)
{
        if (conf_failures)
                _exit(CONF_CHECK_FAILED);
}

// Called after an access that had to end the process.
__attribute__((noreturn)) static inline void conf_no_fault(const char *what)
{
        printf("conf: %s: %s did not fault\n", conf_name(), what);
        _exit(CONF_NO_FAULT);
}

// Single accesses the compiler may not remove or merge.
static inline uint8_t conf_read8(const void *p)
{
        return *(const volatile uint8_t *)p;
}
static inline void conf_write8(void *p, uint8_t v)
{
        *(volatile uint8_t *)p = v;
}
static inline uint64_t conf_read64(const void *p)
{
        return *(const volatile uint64_t *)p;
}
static inline void conf_write64(void *p, uint64_t v)
{
        *(volatile uint64_t *)p = v;
}
// Jumps to p as to a function.
static inline void conf_exec(const void *p)
{
        ((void (*)(void))(uintptr_t)p)();
}
static inline void *conf_addr(uintptr_t a)
{
        return (void *)a;
}

// A breakpoint instruction.
static inline void conf_breakpoint(void)
{
#if defined(__x86_64__)
        __asm__ volatile("int3");
#elif defined(__aarch64__)
        __asm__ volatile("brk #0");
#elif defined(__riscv)
        __asm__ volatile("ebreak");
#else
#error "conf_breakpoint: unknown arch"
#endif
}

// An instruction every arch treats as undefined.
static inline void conf_illegal(void)
{
#if defined(__x86_64__)
        __asm__ volatile("ud2");
#elif defined(__aarch64__)
        __asm__ volatile("udf #0");
#elif defined(__riscv)
        __asm__ volatile("unimp");
#else
#error "conf_illegal: unknown arch"
#endif
}

// The byte at offset i of a test file made with seed: differs between
// neighbouring bytes and between pages.
static inline uint8_t conf_pattern(uint64_t i, unsigned seed)
{
        return (uint8_t)((i * 131) ^ (i >> 12) ^ seed);
}

// Whether [p, p + len) holds the pattern of the file bytes from offset off.
static inline int conf_has_pattern(const void *p, uint64_t len, uint64_t off, unsigned seed)
{
        for (uint64_t i = 0; i < len; i++)
                if (((const volatile uint8_t *)p)[i] != conf_pattern(off + i, seed))
                        return 0;
        return 1;
}

static inline int conf_is_zero(const void *p, uint64_t len)
{
        for (uint64_t i = 0; i < len; i++)
                if (((const volatile uint8_t *)p)[i])
                        return 0;
        return 1;
}

// Creates (or truncates) the file `name` with size bytes of the pattern of
// seed; returns an O_RDWR descriptor, or -1 (after a failed check).
static inline int conf_make_file(const char *name, uint64_t size, unsigned seed)
{
        int fd = open(name, O_RDWR | O_CREAT | O_TRUNC, 0644);
        if (fd < 0) {
                conf_fail(__LINE__, "open(%s) failed, errno %d", name, errno);
                return -1;
        }
        uint8_t buf[512];
        for (uint64_t off = 0; off < size; off += sizeof(buf)) {
                uint64_t n = size - off < sizeof(buf) ? size - off : sizeof(buf);
                for (uint64_t i = 0; i < n; i++)
                        buf[i] = conf_pattern(off + i, seed);
                if (write(fd, buf, n) != (ssize_t)n) {
                        conf_fail(__LINE__, "write(%s) failed, errno %d", name, errno);
                        close(fd);
                        return -1;
                }
        }
        return fd;
}

// Reads len bytes at off of fd with pread into buf; returns whether all came.
static inline int conf_pread_all(int fd, void *buf, uint64_t len, uint64_t off)
{
        return pread(fd, buf, len, (off_t)off) == (ssize_t)len;
}

// A page shared with fork children (MAP_SHARED | MAP_ANONYMOUS), for flags;
// already written, so that it is present before the fork (anon_shared_rw
// is the scenario for shared pages first touched after it).
static inline volatile int *conf_shared_page(void)
{
        void *p = mmap(NULL, CONF_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
                conf_fail(__LINE__, "shared page: mmap failed, errno %d", errno);
                _exit(CONF_CHECK_FAILED);
        }
        memset(p, 0, CONF_PAGE);
        return (volatile int *)p;
}

// Waits (yielding) until *flag == v; returns 0, or -1 after CONF_SPIN_MAX.
static inline int conf_wait_flag(volatile int *flag, int v)
{
        for (long i = 0; i < CONF_SPIN_MAX; i++) {
                if (*flag == v)
                        return 0;
                sched_yield();
        }
        return -1;
}

// Waits for child pid; returns its waitpid status, or -1 (after a failed
// check) if waitpid failed.
static inline int conf_wait(pid_t pid)
{
        int status = 0;
        pid_t r = waitpid(pid, &status, 0);
        if (r != pid) {
                conf_fail(__LINE__, "waitpid(%d) = %d, errno %d", (int)pid, (int)r, errno);
                return -1;
        }
        return status;
}

// Whether a waitpid status says: exited with code.
static inline int conf_exited_with(int status, int code)
{
        return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == code;
}
