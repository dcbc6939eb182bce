// SPDX-License-Identifier: MIT
// Kernel IPC and object lifetime (B1-B4): docs/adversarial.md. Threads here
// are threads of the test process; they record what they saw in adv_sh->w[]
// and then park (a process ends with all its threads).
#include "adv.h"

#define W adv_sh->w
static uint8_t stack_a[8192] __attribute__((aligned(16)));
static uint8_t stack_b[8192] __attribute__((aligned(16)));
static struct mk_msg msg_a, msg_b;

// --- B1 -------------------------------------------------------------------------

// S: receives A's call, then B's; replies (to B) when told.
static void b1_server(uint64_t ep)
{
        W[4] = mk_recv((long)ep, &msg_a);
        W[5] = 1;
        W[6] = mk_recv((long)ep, &msg_b);
        W[16] = (int64_t)msg_b.w[0];
        W[7] = 1;
        adv_wait_word(&W[8], 1, 8000);
        memset(&msg_b, 0, sizeof(msg_b));
        msg_b.tag = MK_TAG_USER;
        msg_b.w[0] = 0xbeef;
        W[9] = mk_reply(&msg_b);
        W[10] = 1;
        adv_park();
}

static void b1_caller_b(uint64_t ep)
{
        struct mk_msg m;
        memset(&m, 0, sizeof(m));
        m.tag = MK_TAG_USER + 2;
        m.w[0] = 0xb;
        W[11] = mk_call((long)ep, &m);
        W[12] = (int64_t)m.w[0];
        W[13] = 1;
        adv_park();
}

int adv_server_second_call_aborts_first(void)
{
        long ep = mk_ep_create();
        if (ep < 0)
                ADV_FAIL("SYS_EP_CREATE: %s", adv_err(ep));
        long ha;
        long pid = adv_fork(&ha);
        if (pid < 0)
                ADV_FAIL("fork: %s", adv_err(pid));
        if (pid == 0) {
                // A: calls S, records the outcome, waits to be killed.
                if (adv_wait_word(&W[0], 1, 5000))
                        mk_exit(9);
                struct mk_msg m;
                memset(&m, 0, sizeof(m));
                m.tag = MK_TAG_USER + 1;
                m.w[0] = 0xa;
                W[2] = mk_call((long)W[1], &m);
                W[3] = 1;
                adv_park();
        }
        long t = adv_thread(b1_server, stack_a, sizeof(stack_a), (uint64_t)ep);
        long g = mk_handle_give(ep, ha, 0, MK_RIGHT_SEND);
        if (t < 0 || g < 0) {
                adv_reap(ha);
                ADV_FAIL("set-up: thread %s, handle to A %s", adv_err(t), adv_err(g));
        }
        W[1] = g;
        W[0] = 1;
        if (adv_wait_word(&W[5], 1, 3000)) {
                adv_reap(ha);
                ADV_FAIL("S never received A's call");
        }
        t = adv_thread(b1_caller_b, stack_b, sizeof(stack_b), (uint64_t)ep);
        if (t < 0 || adv_wait_word(&W[7], 1, 3000)) {
                adv_reap(ha);
                ADV_FAIL("S never received B's call (thread %s)", adv_err(t));
        }
        // A's call is no longer the one S answers: it must end now.
        int a_ended = adv_wait_word(&W[3], 1, 1000) == 0;
        long a_result = W[2];
        adv_reap(ha); // kill A
        W[8] = 1;     // S replies (to B)
        int b_done = adv_wait_word(&W[13], 1, 2000) == 0;
        if (!a_ended && !b_done)
                ADV_FAIL("A's call was still waiting 1 s after S received B's call; after A was "
                         "killed S's reply returned %s and B never got it (lost forever)",
                         adv_err(W[9]));
        if (!a_ended)
                ADV_FAIL("A's call was still waiting 1 s after S received B's call");
        if (a_result >= 0)
                ADV_FAIL("A's call returned %s, expected an error (-ECONNABORTED)",
                         adv_err(a_result));
        if (!b_done)
                ADV_FAIL("B never got S's reply (the reply returned %s)", adv_err(W[9]));
        if (W[11] != 0 || W[12] != 0xbeef)
                ADV_FAIL("B's call returned %s with word 0x%llx, expected 0 and 0xbeef",
                         adv_err(W[11]), (unsigned long long)W[12]);
        return 0;
}

// --- B2 -------------------------------------------------------------------------

static void b2_caller(uint64_t arg)
{
        long ep = (long)(arg & 0xffff);
        struct mk_msg m;
        memset(&m, 0, sizeof(m));
        m.tag = MK_TAG_USER + (arg >> 16);
        m.w[0] = arg >> 16;
        long r = mk_call(ep, &m);
        int k = (arg >> 16) == 5 ? 0 : 4;
        W[k + 1] = r;
        W[k + 2] = (int64_t)m.w[0];
        W[k + 0] = 1;
        adv_park();
}

int adv_recv_bad_buffer_keeps_message(void)
{
        long ep = mk_ep_create();
        if (ep < 0)
                ADV_FAIL("SYS_EP_CREATE: %s", adv_err(ep));
        // C calls first (it waits as a sender: nobody receives yet).
        long t = adv_thread(b2_caller, stack_a, sizeof(stack_a), (uint64_t)ep | 5 << 16);
        if (t < 0)
                ADV_FAIL("thread: %s", adv_err(t));
        for (int i = 0; i < 50; i++)
                mk_yield();
        long r = mk_recv(ep, (struct mk_msg *)TEST_UNMAPPED_VA);
        if (r != -EFAULT)
                ADV_FAIL("a receive into an unmapped buffer: %s, expected -EFAULT", adv_err(r));
        // A second caller D, so that a lost message does not leave us waiting.
        t = adv_thread(b2_caller, stack_b, sizeof(stack_b), (uint64_t)ep | 6 << 16);
        if (t < 0)
                ADV_FAIL("thread: %s", adv_err(t));
        for (int i = 0; i < 50; i++)
                mk_yield();
        memset(&msg_a, 0, sizeof(msg_a));
        r = mk_recv(ep, &msg_a);
        if (r < 0)
                ADV_FAIL("the next receive: %s", adv_err(r));
        uint64_t got = msg_a.tag - MK_TAG_USER;
        memset(&msg_b, 0, sizeof(msg_b));
        msg_b.tag = MK_TAG_USER;
        msg_b.w[0] = 0x1234;
        long rr = mk_reply(&msg_b);
        if (got != 5)
                ADV_FAIL("the receive after -EFAULT got %s (tag +%llu), not C's message: the "
                         "message was lost (and the reply went to %s)",
                         got == 6 ? "the second caller's message" : "something else",
                         (unsigned long long)got, adv_err(rr));
        if (rr < 0)
                ADV_FAIL("the reply to C: %s", adv_err(rr));
        if (adv_wait_word(&W[0], 1, 1000))
                ADV_FAIL("C never got the reply");
        if (W[1] != 0 || W[2] != 0x1234)
                ADV_FAIL("C's call returned %s, word 0x%llx", adv_err(W[1]),
                         (unsigned long long)W[2]);
        return 0;
}

// --- B3 -------------------------------------------------------------------------

#define B3_ROUNDS 5
static struct mk_exit_info b3_info[B3_ROUNDS];
static uint8_t b3_stacks[B3_ROUNDS][4096] __attribute__((aligned(16)));

// W[10 + 3k ..]: done, result, reason of round k; W[40 + k]: about to wait.
static void b3_waiter(uint64_t arg)
{
        long h = (long)(arg & 0xffff);
        int k = (int)(arg >> 16);
        W[40 + k] = 1;
        W[11 + 3 * k] = mk_proc_wait(h, &b3_info[k], 0);
        W[12 + 3 * k] = (int64_t)b3_info[k].reason;
        W[10 + 3 * k] = 1;
        adv_park();
}

// Both tests below order their threads by yielding: on several CPUs they
// keep to one (their threads inherit it), where yields order threads.
static void one_cpu(void)
{
        mk_thread_affinity(1ull << mk_info(MK_INFO_CPU, 0));
}

int adv_wait_survives_handle_close(void)
{
        one_cpu();
        for (int k = 0; k < B3_ROUNDS; k++) {
                long hc = mk_proc_create(-1, 0, 0); // C: no pager, no thread
                if (hc < 0)
                        ADV_FAIL("SYS_PROC_CREATE: %s", adv_err(hc));
                long t = adv_thread(b3_waiter, b3_stacks[k], sizeof(b3_stacks[k]),
                                    (uint64_t)hc | (uint64_t)k << 16);
                if (t < 0)
                        ADV_FAIL("thread: %s", adv_err(t));
                // T waits on C now: it said it is about to (T and we keep
                // to one CPU), and the yields after let it get there.
                adv_wait_word(&W[40 + k], 1, 2000);
                for (int i = 0; i < 20; i++)
                        mk_yield();
                // A fresh time slice, then without yielding: C ends, its handle
                // closes, another process D takes the memory C's object had (and
                // ends differently).
                mk_yield();
                long rk = mk_proc_kill(hc, MK_REASON_KILLED);
                mk_handle_close(hc);
                long hd = mk_proc_create(-1, 0, 0);
                if (hd >= 0)
                        mk_proc_kill(hd, MK_REASON_ILLEGAL);
                int done = adv_wait_word(&W[10 + 3 * k], 1, 2000) == 0;
                if (hd >= 0)
                        mk_handle_close(hd);
                long res = W[11 + 3 * k];
                uint64_t reason = (uint64_t)W[12 + 3 * k];
                if (rk < 0)
                        ADV_FAIL("SYS_PROC_KILL: %s", adv_err(rk));
                if (!done)
                        ADV_FAIL("round %d: the waiter never returned", k);
                if (res == -EBADF)
                        ADV_FAIL("round %d: set-up: the waiter was not waiting yet when the "
                                 "handle closed",
                                 k);
                if (res != 0)
                        ADV_FAIL("round %d: the wait returned %s", k, adv_err(res));
                if (reason != MK_REASON_KILLED)
                        ADV_FAIL("round %d: the waiter got reason '%s', not C's 'killed': it "
                                 "read a freed (and reused) process object",
                                 k, mk_reason_name(reason));
        }
        return 0;
}

// --- B4 -------------------------------------------------------------------------

// A thread waits for a thread-less process whose last handle another thread
// then closes: nothing can ever run in it, so it must end (killed) and the
// wait must return instead of holding the waiter forever.
int adv_wait_on_unnamed_threadless(void)
{
        one_cpu();
        long hc = mk_proc_create(-1, 0, 0);
        if (hc < 0)
                ADV_FAIL("SYS_PROC_CREATE: %s", adv_err(hc));
        W[10] = W[11] = W[12] = 0;
        long t = adv_thread(b3_waiter, b3_stacks[0], sizeof(b3_stacks[0]), (uint64_t)hc);
        if (t < 0)
                ADV_FAIL("thread: %s", adv_err(t));
        for (int i = 0; i < 20; i++)
                mk_yield(); // T waits on C now
        mk_handle_close(hc);
        if (adv_wait_word(&W[10], 1, 2000))
                ADV_FAIL("the wait on a thread-less process nobody names never returned");
        if (W[11] == -EBADF)
                ADV_FAIL("set-up: the waiter was not waiting yet when the handle closed");
        if (W[11] != 0 || (uint64_t)W[12] != MK_REASON_KILLED)
                ADV_FAIL("the wait returned %s with reason '%s', expected 0 and 'killed'",
                         adv_err(W[11]), mk_reason_name((uint64_t)W[12]));
        return 0;
}

int adv_threadless_procs_freed(void)
{
        struct mk_kstats k0, k;
        long r = mk_info(MK_INFO_KSTATS, &k0);
        if (r < 0)
                ADV_FAIL("MK_INFO_KSTATS: %s: no kernel counts to check thread-less processes "
                         "against",
                         adv_err(r));
        for (int n = 0; n < 300; n += 10) {
                for (int i = 0; i < 10; i++) {
                        long h = mk_proc_create(-1, 0, 0);
                        if (h < 0)
                                ADV_FAIL("SYS_PROC_CREATE failed after %d thread-less processes: "
                                         "%s",
                                         n + i, adv_err(h));
                        mk_handle_close(h);
                }
                for (int i = 0; i < 10; i++)
                        mk_yield();
                if ((r = mk_info(MK_INFO_KSTATS, &k)) < 0)
                        ADV_FAIL("MK_INFO_KSTATS: %s", adv_err(r));
                if (k.procs != k0.procs)
                        ADV_FAIL("after %d thread-less processes whose handle closed, the kernel "
                                 "has %llu processes, %llu before: they never end",
                                 n + 10, (unsigned long long)k.procs, (unsigned long long)k0.procs);
        }
        return 0;
}

// Thread-less processes that only name themselves or each other: a process
// holding a handle to itself, two holding handles to each other, a chain
// hanging off such a pair. No thread can reach them once our handles close,
// so they must end and be freed like any unnamed thread-less process.
int adv_threadless_cycles_freed(void)
{
        struct mk_kstats k0, k;
        long r = mk_info(MK_INFO_KSTATS, &k0);
        if (r < 0)
                ADV_FAIL("MK_INFO_KSTATS: %s", adv_err(r));
        for (int round = 0; round < 20; round++) {
                long x = mk_proc_create(-1, 0, 0), y = mk_proc_create(-1, 0, 0);
                long z = mk_proc_create(-1, 0, 0);
                if (x < 0 || y < 0 || z < 0)
                        ADV_FAIL("SYS_PROC_CREATE: %s %s %s", adv_err(x), adv_err(y), adv_err(z));
                // x names itself; y and z name each other; x names y too.
                long g1 = mk_handle_give(x, x, 0, 0), g2 = mk_handle_give(y, z, 0, 0);
                long g3 = mk_handle_give(z, y, 0, 0), g4 = mk_handle_give(y, x, 0, 0);
                if (g1 < 0 || g2 < 0 || g3 < 0 || g4 < 0)
                        ADV_FAIL("SYS_HANDLE_GIVE: %s %s %s %s", adv_err(g1), adv_err(g2),
                                 adv_err(g3), adv_err(g4));
                mk_handle_close(round & 1 ? y : x);
                mk_handle_close(z);
                mk_handle_close(round & 1 ? x : y);
                uint64_t end = adv_now() + 2000;
                for (;;) {
                        if ((r = mk_info(MK_INFO_KSTATS, &k)) < 0)
                                ADV_FAIL("MK_INFO_KSTATS: %s", adv_err(r));
                        if (k.procs == k0.procs && k.handles == k0.handles)
                                break;
                        if (adv_now() >= end)
                                ADV_FAIL("thread-less processes naming only themselves and each "
                                         "other: %llu processes and %llu handles 2 s after our "
                                         "handles closed, %llu and %llu before: they never end",
                                         (unsigned long long)k.procs, (unsigned long long)k.handles,
                                         (unsigned long long)k0.procs,
                                         (unsigned long long)k0.handles);
                        mk_yield();
                }
        }
        return 0;
}

// A process made with the VFS's endpoint as its pager (any process may name
// it so): its fault reaches the VFS as a kernel message, which must answer it
// (MK_FAULT_FAIL) rather than leave the thread waiting for good, its process
// never ending and never freed.
int adv_vfs_as_pager_fault_ends(void)
{
        if (mk_vfs_ep < 0)
                ADV_FAIL("no VFS endpoint");
        long c = mk_proc_create(mk_vfs_ep, 0, 0);
        if (c < 0)
                ADV_FAIL("SYS_PROC_CREATE with the VFS endpoint as pager: %s", adv_err(c));
        long t = mk_thread_start(c, MK_USER_BASE, 0, 0); // faults at once: nothing is mapped
        if (t < 0) {
                adv_reap(c);
                ADV_FAIL("SYS_THREAD_START: %s", adv_err(t));
        }
        struct mk_exit_info info;
        long r = adv_wait_proc(c, &info, 3000);
        if (r == -ETIMEDOUT) {
                adv_reap(c);
                ADV_FAIL("its thread faulted to the VFS and was still waiting 3 s later");
        }
        mk_handle_close(c);
        if (r < 0)
                ADV_FAIL("SYS_PROC_WAIT: %s", adv_err(r));
        if (info.reason != MK_REASON_NOMAP)
                ADV_FAIL("it ended with %s, expected 'no mapping'", adv_ending(&info));
        // The VFS still serves.
        int fd = open("motd", O_RDONLY);
        if (fd < 0)
                ADV_FAIL("open after the fault: %s", adv_err(-errno));
        close(fd);
        return 0;
}

// --- B5: kept calls (SYS_REPLY_SAVE, SYS_REPLY_TO) --------------------------------

static uint8_t stack_c[8192] __attribute__((aligned(16)));

// A caller thread: calls ep with word `n`, records the result and the
// answer's word in W[20 + 3n ..], then W[22 + 3n] = order of arrival.
static void b5_caller(uint64_t arg)
{
        long ep = (long)(arg & 0xffff);
        unsigned n = (unsigned)(arg >> 16);
        struct mk_msg m;
        memset(&m, 0, sizeof(m));
        m.tag = MK_TAG_USER + 7;
        m.w[0] = n;
        long r = mk_call(ep, &m);
        W[20 + 3 * n] = r;
        W[21 + 3 * n] = (int64_t)m.w[0];
        W[22 + 3 * n] = __atomic_add_fetch(&W[30], 1, __ATOMIC_SEQ_CST);
        adv_park();
}

// S: receives caller 0's call and keeps it (W[10] = the handle), receives
// caller 1's and answers it at once, then waits for the main thread.
static void b5_server(uint64_t ep)
{
        static struct mk_msg m;
        W[11] = mk_recv((long)ep, &m);
        W[12] = (int64_t)m.w[0];
        W[10] = mk_reply_save();
        W[13] = mk_recv((long)ep, &m);
        W[14] = (int64_t)m.w[0];
        m.tag = MK_TAG_USER;
        m.w[0] = 0x1111;
        m.len = 0;
        W[15] = mk_reply(&m);
        W[16] = 1;
        adv_park();
}

// A call kept with SYS_REPLY_SAVE outlives the receiver's next calls and is
// answered later by another thread of the process; the handle is spent then,
// and it cannot be copied.
int adv_reply_kept_answered_later(void)
{
        long ep = mk_ep_create();
        if (ep < 0)
                ADV_FAIL("SYS_EP_CREATE: %s", adv_err(ep));
        long none = mk_reply_save();
        if (none != -ESRCH)
                ADV_FAIL("SYS_REPLY_SAVE with no call received: %s, expected -ESRCH",
                         adv_err(none));
        if (adv_thread(b5_server, stack_a, sizeof(stack_a), (uint64_t)ep) < 0)
                ADV_FAIL("thread S");
        if (adv_thread(b5_caller, stack_b, sizeof(stack_b), (uint64_t)ep) < 0)
                ADV_FAIL("thread C0");
        for (uint64_t t0 = adv_now(); W[10] == 0 && adv_now() - t0 < 3000;)
                mk_yield();
        long h = (long)W[10];
        if (h < 0)
                ADV_FAIL("SYS_REPLY_SAVE after a call: %s", adv_err(h));
        if (adv_thread(b5_caller, stack_c, sizeof(stack_c), (uint64_t)ep | 1ul << 16) < 0)
                ADV_FAIL("thread C1");
        if (adv_wait_word(&W[16], 1, 3000) || adv_wait_word(&W[25], 1, 3000))
                ADV_FAIL("S did not answer the second call at once (reply %s)", adv_err(W[15]));
        if (W[23] != 0 || W[24] != 0x1111)
                ADV_FAIL("the second call returned %s, word 0x%llx", adv_err(W[23]),
                         (unsigned long long)W[24]);
        if (W[22] != 0)
                ADV_FAIL("the kept call ended (%s) before it was answered", adv_err(W[20]));
        // Not copyable, not even to ourselves.
        long g = mk_handle_give(h, MK_SELF, 0, 0);
        if (g != -EINVAL)
                ADV_FAIL("SYS_HANDLE_GIVE of a reply handle: %s, expected -EINVAL", adv_err(g));
        struct mk_msg m;
        memset(&m, 0, sizeof(m));
        m.tag = MK_TAG_USER;
        m.w[0] = 0x2222;
        long r = mk_reply_to(h, &m); // from the main thread, not S
        if (r != 0)
                ADV_FAIL("SYS_REPLY_TO: %s", adv_err(r));
        if (adv_wait_word(&W[22], 2, 3000))
                ADV_FAIL("the kept call was not answered");
        if (W[20] != 0 || W[21] != 0x2222)
                ADV_FAIL("the kept call returned %s, word 0x%llx", adv_err(W[20]),
                         (unsigned long long)W[21]);
        r = mk_reply_to(h, &m);
        if (r != -EBADF)
                ADV_FAIL("a second SYS_REPLY_TO on the spent handle: %s, expected -EBADF",
                         adv_err(r));
        return 0;
}

// The caller of a kept call ends: answering is -ESRCH (the handle is spent),
// never a crash; a kept call whose handle is closed unanswered ends with
// -ECONNABORTED.
int adv_reply_kept_caller_gone(void)
{
        long ep = mk_ep_create();
        if (ep < 0)
                ADV_FAIL("SYS_EP_CREATE: %s", adv_err(ep));
        long ha;
        long pid = adv_fork(&ha);
        if (pid < 0)
                ADV_FAIL("fork: %s", adv_err(pid));
        if (pid == 0) {
                if (adv_wait_word(&W[0], 1, 5000))
                        mk_exit(9);
                struct mk_msg m;
                memset(&m, 0, sizeof(m));
                m.tag = MK_TAG_USER + 1;
                W[2] = mk_call((long)W[1], &m);
                W[3] = 1;
                adv_park();
        }
        long g = mk_handle_give(ep, ha, 0, MK_RIGHT_SEND);
        if (g < 0) {
                adv_reap(ha);
                ADV_FAIL("handle to A: %s", adv_err(g));
        }
        W[1] = g;
        W[0] = 1;
        struct mk_msg m;
        long r = mk_recv(ep, &m);
        long h = r == 0 ? mk_reply_save() : r;
        adv_reap(ha); // A ends while its call is kept
        if (h < 0)
                ADV_FAIL("receive and keep A's call: %s", adv_err(h));
        memset(&m, 0, sizeof(m));
        m.tag = MK_TAG_USER;
        r = mk_reply_to(h, &m);
        if (r != -ESRCH)
                ADV_FAIL("SYS_REPLY_TO after the caller ended: %s, expected -ESRCH", adv_err(r));
        r = mk_reply_to(h, &m);
        if (r != -EBADF)
                ADV_FAIL("SYS_REPLY_TO again: %s, expected -EBADF", adv_err(r));
        // Closed unanswered: the caller learns at once.
        if (adv_thread(b5_caller, stack_b, sizeof(stack_b), (uint64_t)ep) < 0)
                ADV_FAIL("thread C0");
        r = mk_recv(ep, &m);
        h = r == 0 ? mk_reply_save() : r;
        if (h < 0)
                ADV_FAIL("receive and keep C0's call: %s", adv_err(h));
        mk_handle_close(h);
        if (adv_wait_word(&W[22], 1, 2000))
                ADV_FAIL("C0's kept call was still waiting 2 s after its handle was closed");
        if (W[20] != -ECONNABORTED)
                ADV_FAIL("C0's call returned %s, expected -ECONNABORTED", adv_err(W[20]));
        return 0;
}
