// SPDX-License-Identifier: MIT
// The compress example pager's interface for its test program: the budget
// and its own statistics request.
#pragma once
#include <mk/pagerlib.h>

#define COMPRESS_BUDGET 32 // frames the pager holds; every other page is compressed

// MKP_REQ_USER + 0 -> w0 dirty evictions, w1 clean evictions, w2 restores
// (decompressions), w3 bytes compressed (pages encoded x 4096, zero pages
// excepted), w4 bytes they took (before rounding in the store), w5 pages
// kept raw (incompressible); buf: struct compress_stats.
#define COMPRESS_REQ_STATS (MKP_REQ_USER + 0)

struct compress_stats {
        uint64_t faults;       // faults the handler saw
        uint64_t zero_fills;   // first touches: zero pages
        uint64_t restores;     // pages decompressed (or copied raw) back
        uint64_t reuses;       // sampled pages touched again: the same frame back
        uint64_t samples;      // pages the clock unmapped to see whether they are used
        uint64_t evict_dirty;  // evictions that encoded the page
        uint64_t evict_clean;  // evictions that kept the copy already stored (or zero)
        uint64_t kept_zero;    // encodings: all-zero pages (nothing stored)
        uint64_t kept_lz;      // encodings: compressed
        uint64_t kept_raw;     // encodings: incompressible, stored raw
        uint64_t bytes_in;     // bytes encoded (lz + raw pages x 4096)
        uint64_t bytes_out;    // bytes they became
        uint64_t store_in_use; // bytes now in the store (rounded blocks)
        uint64_t store_arena;  // bytes the store got from the system pager
        uint64_t lost;         // pages dropped because the store could not grow
};
