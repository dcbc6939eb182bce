// SPDX-License-Identifier: MIT
// The pager's record of each process's pages: a 3-level radix tree over the
// user range (27 bits of page number, 9 per level) of 64-bit entries
// (policy.h: frame address | SH_* flags), in pager frames.
#pragma once
#include <stdbool.h>
#include <stdint.h>

struct shadow {
        uint64_t *top;  // 512 entries, each a pointer to a middle table or 0
        uint64_t pages; // entries with SH_PRESENT
        uint32_t owner; // the pager slot its tables are charged to (0: nobody)
};

// The entry slot for va, creating tables if alloc; NULL when absent (or out
// of memory, with alloc).
uint64_t *shadow_slot(struct shadow *s, uint64_t va, bool alloc);
uint64_t shadow_get(struct shadow *s, uint64_t va);
// Calls cb for every entry with SH_PRESENT in [start, end).
void shadow_each(struct shadow *s, uint64_t start, uint64_t end,
                 void (*cb)(void *ctx, uint64_t va, uint64_t *entry), void *ctx);
// Frees the leaf and middle tables of [start, end) that hold no entry.
void shadow_prune(struct shadow *s, uint64_t start, uint64_t end);
// Frees the tables (not the frames the entries name).
void shadow_free(struct shadow *s);
