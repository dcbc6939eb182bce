// SPDX-License-Identifier: MIT
// The parts of stdlib.h programs on mk need (libsys/src/posix*.c).
#pragma once
#include <stddef.h>

#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1

__attribute__((noreturn)) void exit(int status);
__attribute__((noreturn)) void _Exit(int status);
__attribute__((noreturn)) void abort(void);
int atoi(const char *s);
long strtol(const char *s, char **end, int base);
