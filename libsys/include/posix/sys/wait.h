// SPDX-License-Identifier: MIT
// waitpid for programs on mk, with Linux's status encoding: an exit puts
// the low 8 bits of the status in bits 8-15; a process ended by a fault
// reports the signal its reason maps to (docs/conformance.md) in bits 0-6.
#pragma once
#include <sys/types.h>

#define WNOHANG    1
#define WUNTRACED  2 // accepted: no process is ever stopped on mk (no job control)
#define WCONTINUED 8 // accepted: likewise, none is ever continued

#define WEXITSTATUS(s) (((s)&0xff00) >> 8)
#define WTERMSIG(s)    ((s)&0x7f)
#define WIFEXITED(s)   (WTERMSIG(s) == 0)
#define WIFSIGNALED(s) (WTERMSIG(s) != 0 && WTERMSIG(s) != 0x7f)

pid_t waitpid(pid_t pid, int *status, int options);
pid_t wait(int *status);
