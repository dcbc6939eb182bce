// SPDX-License-Identifier: MIT
// Formatting shared by the kernel and user space (kernel/common/fmt.c):
// %d %i %u %x %X %p %s %c %% with l/ll/z length, 0/- flags and width.
#pragma once
#include <common/types.h>
#include <stdarg.h>

// Formats into buf (always NUL-terminated when len > 0); returns the length
// the full output would have had.
int kvsnprintf(char *buf, size_t len, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t len, const char *fmt, ...) PRINTF(3, 4);
