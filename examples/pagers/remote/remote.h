// SPDX-License-Identifier: MIT
// The remote example: a pager (remote.c) whose pages come from a separate
// backing-store process (remote_store.c) over IPC, with deferred answers;
// its test is xtest_remote.c. Shared by the three.
#pragma once
#include <stdint.h>

// The backing store's calls to the pager (it holds a send handle to the
// pager's endpoint with badge REMOTE_STORE_BADGE, at REMOTE_STORE_HANDLE).
#define REMOTE_WORK                                                                                \
        (MKP_REQ_USER + 1) // -> w0 token, w1 page offset in the region:
                           // a page to fetch (the call waits for one)
#define REMOTE_DATA                                                                                \
        (MKP_REQ_USER + 2) // w0 token, w1 chunk (0 .. REMOTE_CHUNKS-1), buf: its bytes -> 0
#define REMOTE_CHUNK  512
#define REMOTE_CHUNKS (4096 / REMOTE_CHUNK)
// remote_sync's store (started with the argument "serve") answers calls
// on its own endpoint (REMOTE_STORE_HANDLE is then its receive right):
#define REMOTE_FETCH        (MK_TAG_USER + 3) // w0 page offset, w1 chunk -> 0, buf: the chunk's bytes
#define REMOTE_SYNC_THREADS 4                 // remote_sync's threads (mkp_run_threads)
#define REMOTE_STORE_BADGE  1000              // above every region badge (1 .. MKP_MAX_REGIONS)
#define REMOTE_STORE_HANDLE 2 // the store's handle to the pager (the first one given)
#define REMOTE_WORKERS      2 // the store's threads: fetches in flight at once
#define REMOTE_SLOW_PAGE    0 // the store takes REMOTE_SLOW_MS over this page
#define REMOTE_SLOW_MS      400

// The store's contents: word i (byte offset off) of the region.
static inline uint64_t remote_word(uint64_t off)
{
        uint64_t x = off * 0x9e3779b97f4a7c15ull + 0x5bd1e995;
        return x ^ (x >> 29);
}
