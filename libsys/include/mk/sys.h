// SPDX-License-Identifier: MIT
// libsys: the system-call API for user programs (docs/abi.md). Every call
// returns a negative -errno on failure.
#pragma once
#include <mk/errno.h>
#include <mk/layout.h>
#include <mk/msg.h>
#include <mk/syscall.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

long mk_debug_write(const void *buf, size_t len);
__attribute__((noreturn)) void mk_exit(long status);
long mk_yield(void);
long mk_ep_create(void);
long mk_handle_close(long h);
long mk_handle_give(long h, long proc, uint64_t badge, uint64_t rights);
long mk_send(long ep, struct mk_msg *m);
long mk_recv(long ep, struct mk_msg *m);
long mk_call(long ep, struct mk_msg *m);
long mk_reply(struct mk_msg *m);
// Keeps the last call received, to answer later from any thread of this
// process: returns a reply handle (one use) for mk_reply_to (docs/abi.md).
long mk_reply_save(void);
long mk_reply_to(long h, struct mk_msg *m);
long mk_reply_recv(long ep, struct mk_msg *reply, struct mk_msg *recv);
long mk_proc_create(long pager_ep, uint64_t badge, uint64_t flags); // charged to the caller
// The same, charged to the tree of process acct (a handle with MK_RIGHT_CONTROL).
long mk_proc_create_in(long pager_ep, uint64_t badge, uint64_t flags, long acct);
long mk_proc_limit(long proc, uint64_t resource, uint64_t value);
long mk_proc_usage(long proc, struct mk_usage *out);
long mk_proc_name(long proc, const char *name); // SYS_PROC_NAME
// The CPUs the calling thread may run on (bit i: CPU i): the old mask, or
// -EINVAL; mask 0 only returns the current one (SYS_THREAD_AFFINITY).
long mk_thread_affinity(uint64_t mask);
long mk_thread_start(long proc, uint64_t ip, uint64_t sp, uint64_t arg);
long mk_map(long proc, uint64_t va, uint64_t pa, uint64_t perms);
long mk_unmap(long proc, uint64_t va);
long mk_proc_wait(long proc, struct mk_exit_info *info, uint64_t flags);
long mk_thread_fork(long proc);
// Faults of proc (MK_SELF: the caller) in [start, start+len) go to endpoint ep
// with badge, instead of the process's pager; len 0 removes the range.
long mk_region_pager(long proc, uint64_t start, uint64_t len, long ep, uint64_t badge);
// Gives count frames from pa (owned by the caller) to proc.
long mk_frame_give(long proc, uint64_t pa, uint64_t count);
long mk_protect(long proc, uint64_t va, uint64_t len, uint64_t perms);
long mk_proc_kill(long proc, uint64_t reason);
long mk_info(uint64_t what, void *out);
// Ends the run with status; needs the system capability (-EPERM without it).
long mk_system_shutdown(long system, long status);
// mk_system_shutdown(MK_HANDLE_SYSTEM, status), then exits if refused.
__attribute__((noreturn)) void mk_shutdown(long status);
// The raw call, for tests that pass arguments the wrappers would not.
long mk_syscall(long nr, long a0, long a1, long a2, long a3, long a4, long a5);
// The benchmark counter (instructions under QEMU -icount; see docs/abi.md).
uint64_t mk_cycles(void);

// Formatted output to the console (kvsnprintf formats: %d %u %x %s %c %p,
// l/ll/z, width, 0 and - flags).
int mk_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int mk_snprintf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int mk_vsnprintf(char *buf, size_t len, const char *fmt, va_list ap);

// Every program provides main. Processes the system pager starts get argv,
// envp and an auxv; mk_start sets these from the auxv (-1 when absent): the
// pager endpoint, the VFS endpoint, and for the VFS server its own.
int main(int argc, char **argv, char **envp);
extern long mk_pager_ep, mk_vfs_ep, mk_vfs_serve;
extern uint64_t mk_bootimg_size;
extern char **environ;

void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strstr(const char *h, const char *n);
