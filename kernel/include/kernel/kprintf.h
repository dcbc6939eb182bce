// SPDX-License-Identifier: MIT
// Kernel console output (kernel/core/kprintf.c); the formatting (kvsnprintf,
// ksnprintf) is shared with user space: <common/fmt.h>.
#pragma once
#include <common/fmt.h>

void kprintf(const char *fmt, ...) PRINTF(1, 2);
void kputs(const char *s);

// Prints "PANIC: ..." and exits QEMU with EXIT_PANIC.
NORETURN void panic(const char *fmt, ...) PRINTF(1, 2);

// Exit statuses of a kernel run, as seen by tools/run.
#define EXIT_OK       0 // demo or all self-tests passed
#define EXIT_TESTFAIL 1 // some self-test failed
#define EXIT_PANIC    2 // panic or unexpected kernel exception
#define EXIT_BADBOOT  3 // bad boot input (memory map, DTB, boot image)
