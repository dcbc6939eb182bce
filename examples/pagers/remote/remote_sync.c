// SPDX-License-Identifier: MIT
// remote_sync: the remote pager's other design. Its handler fetches a page
// from the store (remote_store, started as a server) with plain calls, one
// per chunk, and the pager serves with REMOTE_SYNC_THREADS threads
// (mkp_run_threads): the handler releases the library's lock while it waits
// for the store, so the other threads serve other faults meanwhile.
#include "remote.h"
#include <mk/pagerlib.h>

static struct mkp_pager pg;
static long store = -1; // send handle to the store's endpoint

static void handle(struct mkp_pager *p, const struct mkp_fault *f, struct mkp_answer *a)
{
        struct mkp_frame fr;
        if (f->access == FAULT_EXEC) {
                mkp_answer_fail(a, MK_REASON_ACCESS);
                return;
        }
        if (mkp_mapped_at(p, f->region, f->page, &fr) == 0) {
                mkp_answer_map(a, f->page, &fr, MK_PERM_R | MK_PERM_W);
                return;
        }
        if (mkp_frame_alloc(p, &fr)) {
                mkp_answer_fail(a, MK_REASON_OOM);
                return;
        }
        uint64_t off = f->offset, page = f->page;
        struct mkp_region *r = f->region;
        // The wait: without the library's lock (the frame is ours alone).
        mkp_unlock(p);
        long e = 0;
        struct mk_msg m;
        for (uint64_t c = 0; c < REMOTE_CHUNKS && !e; c++) {
                memset(&m, 0, offsetof(struct mk_msg, buf));
                m.tag = REMOTE_FETCH;
                m.w[0] = off;
                m.w[1] = c;
                e = mk_call(store, &m);
                if (!e && (m.w[0] || m.len != REMOTE_CHUNK))
                        e = -EIO;
                if (!e)
                        memcpy((uint8_t *)fr.va + c * REMOTE_CHUNK, m.buf, REMOTE_CHUNK);
        }
        mkp_lock(p);
        if (e || !r->used) {
                mkp_frame_free(p, fr.pa);
                mkp_answer_fail(a, MK_REASON_BUS);
                return;
        }
        mkp_answer_map(a, page, &fr, MK_PERM_R | MK_PERM_W);
}

// Starts the store as a server, tied to us, with the receive right of a new
// endpoint (we keep a send handle).
static int store_start(void)
{
        static const char args[] = "remote_store\0serve";
        uint64_t pid;
        long ph, e = mk_ep_create();
        if (e < 0)
                return (int)e;
        long r = remote_store_spawn(args, sizeof(args), 2, &pid, &ph);
        if (r)
                return (int)r;
        if (mk_handle_give(e, ph, 0, MK_RIGHT_RECV) != REMOTE_STORE_HANDLE)
                return -EBADF;
        store = mk_handle_give(e, MK_SELF, 0, MK_RIGHT_SEND);
        mk_handle_close(e);
        if (store < 0)
                return (int)store;
        return (int)remote_store_resume(pid);
}

int main(int argc, char **argv, char **envp)
{
        if (mkp_init(&pg, MKP_SERVE_HANDLE, 0, handle, NULL))
                return 1;
        memcpy(pg.name, "remote_sync", sizeof("remote_sync"));
        int r = store_start();
        if (r) {
                mk_printf("remote_sync: cannot start the store (%d)\n", r);
                return 1;
        }
        return mkp_run_threads(&pg, REMOTE_SYNC_THREADS);
}
