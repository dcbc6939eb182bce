// SPDX-License-Identifier: MIT
// Basic kernel types and helpers. Portable: also used by host builds.
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <mk/layout.h>

typedef uint64_t paddr_t; // physical address
typedef uint64_t vaddr_t; // virtual address

#define PAGE_SHIFT 12
#define PAGE_SIZE  ((uint64_t)1 << PAGE_SHIFT)
#define PAGE_MASK  (PAGE_SIZE - 1)
_Static_assert(PAGE_SIZE == MK_PAGE_SIZE, "one page size: <mk/layout.h>");

#define ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a)-1))
#define ALIGN_UP(x, a)   ALIGN_DOWN((x) + (uint64_t)(a)-1, (a))
#define IS_ALIGNED(x, a) (((x) & ((uint64_t)(a)-1)) == 0)
#define ARRAY_SIZE(a)    (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b)        ((a) < (b) ? (a) : (b))
#define MAX(a, b)        ((a) > (b) ? (a) : (b))

#define KiB(x) ((uint64_t)(x) << 10)
#define MiB(x) ((uint64_t)(x) << 20)
#define GiB(x) ((uint64_t)(x) << 30)

#define NORETURN     __attribute__((noreturn))
#define PRINTF(f, a) __attribute__((format(printf, f, a)))
