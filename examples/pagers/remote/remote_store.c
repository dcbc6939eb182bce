// SPDX-License-Identifier: MIT
// remote_store: the backing store of the remote pager (remote.c). Started by
// the pager with a send handle to it (REMOTE_STORE_HANDLE). REMOTE_WORKERS
// threads each ask the pager for a page to fetch (REMOTE_WORK, a call the
// pager answers when it has one), produce its bytes (slowly for
// REMOTE_SLOW_PAGE) and send them back in REMOTE_CHUNKS calls (REMOTE_DATA).
// Every message goes from the store to the pager as a call, so neither ever
// waits for the other to receive. With the argument "serve" it is the store
// of remote_sync instead: its workers answer REMOTE_FETCH calls.
#include "remote.h"
#include <mk/pagerlib.h>

static uint8_t stacks[REMOTE_WORKERS - 1][16384] __attribute__((aligned(16)));

#ifdef __x86_64__
#define ENTRY_SP_BIAS 8 // as if called: the return address slot below 16-byte alignment
#else
#define ENTRY_SP_BIAS 0
#endif

static __attribute__((noreturn)) void worker(uint64_t unused)
{
        struct mk_msg m;
        for (;;) {
                memset(&m, 0, sizeof(m));
                m.tag = REMOTE_WORK;
                if (mk_call(REMOTE_STORE_HANDLE, &m) < 0 || (long)m.w[0] < 0)
                        mk_exit(0); // the pager has ended (or stopped)
                uint64_t token = m.w[0], off = m.w[1];
                if (off / MK_PAGE_SIZE == REMOTE_SLOW_PAGE) {
                        long t0 = mk_info(MK_INFO_UPTIME_MS, 0);
                        while (mk_info(MK_INFO_UPTIME_MS, 0) - t0 < REMOTE_SLOW_MS)
                                mk_yield();
                }
                for (uint64_t c = 0; c < REMOTE_CHUNKS; c++) {
                        memset(&m, 0, offsetof(struct mk_msg, buf));
                        m.tag = REMOTE_DATA;
                        m.w[0] = token;
                        m.w[1] = c;
                        m.len = REMOTE_CHUNK;
                        uint64_t *w = (uint64_t *)m.buf;
                        for (unsigned i = 0; i < REMOTE_CHUNK / 8; i++)
                                w[i] = remote_word(off + c * REMOTE_CHUNK + i * 8);
                        if (mk_call(REMOTE_STORE_HANDLE, &m) < 0)
                                mk_exit(0);
                }
        }
}

// The same store as a server (remote_sync): each worker answers REMOTE_FETCH
// calls on our endpoint, slowly for chunk 0 of the slow page.
static __attribute__((noreturn)) void server(uint64_t unused)
{
        struct mk_msg m;
        for (;;) {
                if (mk_recv(REMOTE_STORE_HANDLE, &m) < 0)
                        mk_exit(0); // nobody can call us any more
                uint64_t off = m.w[0], c = m.w[1];
                if (m.tag != REMOTE_FETCH || c >= REMOTE_CHUNKS || off % MK_PAGE_SIZE) {
                        memset(&m, 0, offsetof(struct mk_msg, buf));
                        m.w[0] = (uint64_t)-EINVAL;
                        mk_reply(&m);
                        continue;
                }
                if (off / MK_PAGE_SIZE == REMOTE_SLOW_PAGE && c == 0) {
                        long t0 = mk_info(MK_INFO_UPTIME_MS, 0);
                        while (mk_info(MK_INFO_UPTIME_MS, 0) - t0 < REMOTE_SLOW_MS)
                                mk_yield();
                }
                memset(&m, 0, offsetof(struct mk_msg, buf));
                m.len = REMOTE_CHUNK;
                uint64_t *w = (uint64_t *)m.buf;
                for (unsigned i = 0; i < REMOTE_CHUNK / 8; i++)
                        w[i] = remote_word(off + c * REMOTE_CHUNK + i * 8);
                mk_reply(&m);
        }
}

int main(int argc, char **argv, char **envp)
{
        bool serve = argc > 1 && !strcmp(argv[1], "serve");
        void (*fn)(uint64_t) = serve ? server : worker;
        long self = mk_handle_give(MK_SELF, MK_SELF, 0, 0);
        for (int i = 0; i < REMOTE_WORKERS - 1; i++) {
                uint64_t sp = (((uint64_t)stacks[i] + sizeof(stacks[i])) & ~15ull) - ENTRY_SP_BIAS;
                if (self < 0 || mk_thread_start(self, (uint64_t)fn, sp, 0) < 0)
                        return 1;
        }
        fn(0);
        return 0; // (fn never returns)
}
