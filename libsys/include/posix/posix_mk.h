// SPDX-License-Identifier: MIT
// mk-only additions to the POSIX layer: what a program needs that POSIX
// cannot say (the ending reason of a child, ending the run).
#pragma once
#include <mk/pager.h>
#include <mk/syscall.h>
#include <sys/types.h>

// waitpid, also giving the kernel's exit record (reason, status, fault
// address and ip) when info is not NULL.
pid_t posix_waitpid_info(pid_t pid, int *status, int options, struct mk_exit_info *info);
// The signal a process ended with `reason` (MK_REASON_*) reports to waitpid
// (0 for MK_REASON_EXIT).
int posix_reason_signal(uint64_t reason);
// Ends a child with MK_REASON_KILLED (it still has to be waited for).
int posix_kill_child(pid_t pid);
// Ends the run (PGR_SHUTDOWN): status 0 = success.
__attribute__((noreturn)) void posix_shutdown(int status);
