// SPDX-License-Identifier: MIT
// Signal numbers (Linux's) for programs on mk. mk has no signals: a process
// ended by a fault reports one of these through waitpid (WIFSIGNALED,
// WTERMSIG), chosen from the ending reason as docs/conformance.md lists.
#pragma once

#define SIGILL  4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGBUS  7
#define SIGFPE  8
#define SIGKILL 9
#define SIGSEGV 11
