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
// Memory (libsys/src/posix_libc.c): blocks from anonymous mappings,
// 16-byte aligned; thread-safe. NULL (errno ENOMEM) when none is left.
void *malloc(size_t n);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t n);
void free(void *p);
// The value of NAME in environ, or NULL.
char *getenv(const char *name);
long strtol(const char *s, char **end, int base);
