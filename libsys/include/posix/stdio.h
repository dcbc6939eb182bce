// SPDX-License-Identifier: MIT
// A small stdio for programs on mk: unbuffered formatted output to a file
// descriptor (kvsnprintf's formats: %d %i %u %x %X %p %s %c, l/ll/z, width,
// 0 and - flags). stdout and stderr go to the console.
#pragma once
#include <stdarg.h>
#include <stddef.h>

typedef struct posix_file FILE;
extern FILE *const stdout, *const stderr;

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int fprintf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int dprintf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int vdprintf(int fd, const char *fmt, va_list ap);
int snprintf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t len, const char *fmt, va_list ap);
int puts(const char *s);
int putchar(int c);
int fflush(FILE *f);
void perror(const char *s); // "s: strerror(errno)" on stderr
