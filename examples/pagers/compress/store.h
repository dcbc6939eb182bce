// SPDX-License-Identifier: MIT
// The compressed store: a small allocator of byte blocks (1 .. STORE_MAX_BLOCK
// bytes) over chunks of memory obtained from a grow callback (the pager: an
// anonymous mmap from the system pager; host tests: malloc). Blocks are
// rounded up to STORE_UNIT bytes and kept on one free list per size class,
// so a freed block is reused by the next block of the same class; chunks are
// never returned. Portable C, host-tested in tests/host/compress/.
#pragma once
#include <stddef.h>
#include <stdint.h>

#define STORE_UNIT      32
#define STORE_MAX_BLOCK 4096
#define STORE_CLASSES   (STORE_MAX_BLOCK / STORE_UNIT)
#define STORE_CHUNK     (256u * 1024)

struct store {
        void *(*grow)(void *ctx, size_t len); // len bytes of fresh memory, or NULL
        void *ctx;
        uint8_t *cur, *end; // the unused tail of the current chunk
        void *free_list[STORE_CLASSES];
        uint64_t arena;  // bytes obtained from grow
        uint64_t in_use; // bytes in live blocks (rounded)
        uint64_t blocks; // live blocks
};

void store_init(struct store *s, void *(*grow)(void *ctx, size_t len), void *ctx);
// A block of n bytes (1 .. STORE_MAX_BLOCK), 8-byte aligned, or NULL (no
// memory, or n out of range).
void *store_alloc(struct store *s, size_t n);
// Frees a block store_alloc gave for the same n.
void store_free(struct store *s, void *p, size_t n);
// The bytes a block of n bytes really takes.
static inline size_t store_rounded(size_t n)
{
        return (n + STORE_UNIT - 1) / STORE_UNIT * STORE_UNIT;
}
