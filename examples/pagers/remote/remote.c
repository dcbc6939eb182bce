// SPDX-License-Identifier: MIT
// remote: a pager whose pages come from another process, the backing store
// (remote_store.c), over IPC. A fault on a page it has not fetched yet is
// kept (mkp_defer) and handed to an idle store worker; the loop goes on
// serving other faults and requests; when the store has sent the page's
// bytes (REMOTE_DATA), the kept fault is answered (mkp_complete). A slow
// fetch therefore stalls only the threads that wait for that page.
// The store asks for work with a call the pager keeps until it has some
// (mkp_request_keep): neither process ever waits for the other to receive.
#include "remote.h"
#include <mk/pagerlib.h>

static struct mkp_pager pg;

// A fetch: the kept fault (token), its frame, the chunks arrived (bit mask).
struct fetch {
        bool used, sent; // sent: handed to a worker
        int token;
        struct mkp_frame frame;
        uint64_t off; // the page's offset in its region
        uint32_t chunks;
};
static struct fetch fetches[MKP_MAX_KEPT];
static long idle[REMOTE_WORKERS]; // kept REMOTE_WORK calls (reply handles)
static unsigned nidle;

// Hands fetch f to an idle worker, if there is one.
static void dispatch(struct fetch *f)
{
        if (!nidle || f->sent)
                return;
        struct mk_msg m;
        memset(&m, 0, offsetof(struct mk_msg, buf));
        m.tag = MK_TAG_USER;
        m.w[0] = (uint64_t)f->token;
        m.w[1] = f->off;
        long h = idle[--nidle];
        if (mk_reply_to(h, &m) == 0)
                f->sent = true;
        else
                mk_handle_close(h); // that worker is gone; the next one takes it
}

static void handle(struct mkp_pager *p, const struct mkp_fault *f, struct mkp_answer *a)
{
        struct mkp_frame fr;
        if (f->access == FAULT_EXEC) {
                mkp_answer_fail(a, MK_REASON_ACCESS);
                return;
        }
        // Fetched before (mapped again after the client's mprotect, say).
        if (mkp_mapped_at(p, f->region, f->page, &fr) == 0) {
                mkp_answer_map(a, f->page, &fr, MK_PERM_R | MK_PERM_W);
                return;
        }
        if (mkp_frame_alloc(p, &fr)) {
                mkp_answer_fail(a, MK_REASON_OOM);
                return;
        }
        int t = mkp_defer(p, f, a);
        if (t < 0) { // too many kept: this thread waits until the fault is taken again
                mkp_frame_free(p, fr.pa);
                mkp_answer_retry(a);
                return;
        }
        fetches[t] = (struct fetch){.used = true, .token = t, .frame = fr, .off = f->offset};
        dispatch(&fetches[t]);
}

// A chunk of fetch t has arrived; the last one answers the kept fault.
static long data(const struct mk_msg *in)
{
        uint64_t t = in->w[0], c = in->w[1];
        if (t >= MKP_MAX_KEPT || !fetches[t].used || !fetches[t].sent || c >= REMOTE_CHUNKS ||
            in->len != REMOTE_CHUNK)
                return -EINVAL;
        struct fetch *f = &fetches[t];
        memcpy((uint8_t *)f->frame.va + c * REMOTE_CHUNK, in->buf, REMOTE_CHUNK);
        f->chunks |= 1u << c;
        if (f->chunks != (1u << REMOTE_CHUNKS) - 1)
                return 0;
        const struct mkp_fault *kf = mkp_kept_fault(&pg, f->token);
        struct mkp_answer a = {0};
        f->used = false;
        if (!kf) { // the region went away meanwhile
                mkp_frame_free(&pg, f->frame.pa);
                return 0;
        }
        mkp_answer_map(&a, kf->page, &f->frame, MK_PERM_R | MK_PERM_W);
        if (mkp_complete(&pg, f->token, &a) < 0)
                mkp_frame_free(&pg, f->frame.pa); // the thread no longer waits
        return 0;
}

static long request(struct mkp_pager *p, const struct mk_msg *in, struct mk_msg *out)
{
        if (in->badge != REMOTE_STORE_BADGE)
                return -EPERM; // only the store fetches
        if (in->tag == REMOTE_DATA)
                return data(in);
        if (in->tag != REMOTE_WORK)
                return -ENOSYS;
        if (nidle == REMOTE_WORKERS)
                return -EBUSY; // more workers than the store has
        long h = mkp_request_keep(p);
        if (h < 0)
                return h;
        idle[nidle++] = h;
        for (unsigned t = 0; t < MKP_MAX_KEPT && nidle; t++)
                if (fetches[t].used && !fetches[t].sent)
                        dispatch(&fetches[t]);
        return MKP_NO_REPLY;
}

// Starts the store, tied to us, with a send handle to our endpoint.
static int store_start(void)
{
        static const char prog[] = "remote_store";
        uint64_t pid;
        long ph, r = remote_store_spawn(prog, sizeof(prog), 1, &pid, &ph);
        if (r)
                return (int)r;
        if (mk_handle_give(MKP_SERVE_HANDLE, ph, REMOTE_STORE_BADGE, MK_RIGHT_SEND) !=
            REMOTE_STORE_HANDLE)
                return -EBADF;
        return (int)remote_store_resume(pid);
}

// Started by a client (mkp_spawn_pager): serves MKP_SERVE_HANDLE until shutdown.
int main(int argc, char **argv, char **envp)
{
        if (mkp_init(&pg, MKP_SERVE_HANDLE, 0, handle, NULL))
                return 1;
        memcpy(pg.name, "remote", sizeof("remote"));
        pg.request = request;
        int r = store_start();
        if (r) {
                mk_printf("remote: cannot start the store (%d)\n", r);
                return 1;
        }
        return mkp_run(&pg);
}
