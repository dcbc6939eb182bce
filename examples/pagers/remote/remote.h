// SPDX-License-Identifier: MIT
// The remote example: a pager (remote.c) whose pages come from a separate
// backing-store process (remote_store.c) over IPC, with deferred answers;
// its test is xtest_remote.c. Shared by the three.
#pragma once
#include <mk/pagerlib.h>
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

// Spawns the store (argc NUL-terminated words in args, len bytes in all)
// suspended and tied to the caller (PGR_SPAWN): 0 with its pid and process
// handle (to give it handles before remote_store_resume), or -errno.
static inline long remote_store_spawn(const char *args, uint32_t len, uint64_t argc, uint64_t *pid,
                                      long *ph)
{
        struct mk_msg m;
        memset(&m, 0, sizeof(m));
        m.tag = PGR_SPAWN;
        m.w[0] = argc;
        m.w[1] = PGR_SPAWN_SUSPENDED | PGR_SPAWN_TIED;
        m.len = len;
        memcpy(m.buf, args, len);
        long r = mk_call(mk_pager_ep, &m);
        if (r < 0 || (long)m.w[0] < 0)
                return r < 0 ? r : (long)m.w[0];
        *pid = m.w[0];
        *ph = (long)m.w[1];
        return 0;
}

static inline long remote_store_resume(uint64_t pid)
{
        struct mk_msg m;
        memset(&m, 0, sizeof(m));
        m.tag = PGR_RESUME;
        m.w[0] = pid;
        long r = mk_call(mk_pager_ep, &m);
        return r < 0 ? r : (long)m.w[0];
}
