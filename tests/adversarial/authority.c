// SPDX-License-Identifier: MIT
// Authority attacks (A1 badges, A2 kernel events, A3 frames and mappings,
// A5 shutdown): docs/adversarial.md.
#include "adv.h"

#define FOREIGN_BADGE 1000 // no process of the system pager has it (its badges are < 96)
#define PATTERN       0x4144564144564144ull

// --- A1: badges ---------------------------------------------------------------

int adv_badge_rebadge_refused(void)
{
        long h = mk_handle_give(mk_pager_ep, MK_SELF, FOREIGN_BADGE, MK_RIGHT_SEND);
        if (h >= 0) {
                mk_handle_close(h);
                ADV_FAIL("SYS_HANDLE_GIVE of our send-only pager handle with badge %d gave "
                         "handle %ld: a sender chose its own badge",
                         FOREIGN_BADGE, h);
        }
        if (h != -EPERM)
                ADV_FAIL("SYS_HANDLE_GIVE with a new badge: %s, expected -EPERM", adv_err(h));
        // Badge 0: a copy with our own badge, which the pager still answers.
        h = mk_handle_give(mk_pager_ep, MK_SELF, 0, MK_RIGHT_SEND);
        if (h < 0)
                ADV_FAIL("SYS_HANDLE_GIVE with badge 0: %s, expected a copy", adv_err(h));
        struct mk_msg m;
        memset(&m, 0, sizeof(m));
        m.tag = PGR_STATS;
        long r = mk_call(h, &m);
        mk_handle_close(h);
        if (r < 0 || (long)m.w[0] < 0)
                ADV_FAIL("PGR_STATS through a badge-0 copy: %s / %s", adv_err(r),
                         adv_err((long)m.w[0]));
        return 0;
}

int adv_badge_proc_create_refused(void)
{
        long p = mk_proc_create(mk_pager_ep, FOREIGN_BADGE, 0);
        if (p >= 0) {
                mk_proc_kill(p, MK_REASON_KILLED); // its exit event's badge is nobody's
                mk_handle_close(p);
                ADV_FAIL("SYS_PROC_CREATE on our send-only pager handle with badge %d "
                         "succeeded: its faults and exit would carry a badge we chose",
                         FOREIGN_BADGE);
        }
        if (p != -EPERM)
                ADV_FAIL("SYS_PROC_CREATE with a foreign badge: %s, expected -EPERM", adv_err(p));
        return 0;
}

// The fake child's only thread: writes to the creator's page (arg) and exits.
static __attribute__((noreturn)) void fake_entry(uint64_t arg)
{
        *(volatile uint64_t *)arg = 0xbadbadbadull;
        mk_exit(7);
}

int adv_fake_child_not_creator(void)
{
        // Two private pages of ours: a victim with a pattern and, above it, the
        // page the fake child's stack would use if it were served our memory.
        uint64_t *v =
            mmap(NULL, 2 * ADV_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (v == MAP_FAILED)
                ADV_FAIL("mmap failed");
        for (unsigned i = 0; i < 2 * ADV_PAGE / 8; i++)
                v[i] = PATTERN + i;
        long p = mk_proc_create(mk_pager_ep, 0, 0);
        if (p < 0)
                ADV_FAIL("SYS_PROC_CREATE with badge 0 on our pager handle: %s", adv_err(p));
        uint64_t sp = (uint64_t)v + 2 * ADV_PAGE - 64;
        long t = mk_thread_start(p, (uint64_t)fake_entry, sp, (uint64_t)v);
        if (t < 0) {
                adv_reap(p);
                ADV_FAIL("SYS_THREAD_START in the fake child: %s", adv_err(t));
        }
        struct mk_exit_info info;
        long r = adv_wait_proc(p, &info, 2000);
        adv_reap(p);
        for (unsigned i = 0; i < 2 * ADV_PAGE / 8; i++)
                if (v[i] != PATTERN + i)
                        ADV_FAIL("our private page changed at +0x%x after the fake child ran "
                                 "(0x%llx): the pager served it our memory or freed our frames",
                                 i * 8, (unsigned long long)v[i]);
        if (r == -ETIMEDOUT)
                ADV_FAIL("the fake child's first fault was never answered (still waiting "
                         "after 2 s): the pager dropped it instead of failing it");
        if (r < 0)
                ADV_FAIL("waiting for the fake child: %s", adv_err(r));
        if (info.reason == MK_REASON_EXIT)
                ADV_FAIL("the fake child ran our code and exited (%s): the pager served it "
                         "as if it were us",
                         adv_ending(&info));
        // We are still a client in good standing.
        struct pgr_stats s;
        if ((r = mk_stats(0, &s)) < 0)
                ADV_FAIL("PGR_STATS after the fake child ended: %s", adv_err(r));
        return 0;
}

// --- A2: kernel events --------------------------------------------------------

// Calls and a send with kernel tags to the pager: each must be refused.
static int forged_faults(struct mk_msg *m)
{
        long r;
        memset(m, 0, sizeof(*m));
        m->tag = MK_TAG_FAULT;
        fault_msg_encode(m->w, &(struct fault_info){.addr = 0}, 1,
                         (uint32_t)mk_info(MK_INFO_PID, 0));
        r = mk_call(mk_pager_ep, m);
        if (r != -EINVAL)
                ADV_FAIL("a call with the kernel's fault tag (MK_TAG_FAULT) to the pager: %s "
                         "(reply tag %llu), expected -EINVAL",
                         adv_err(r), (unsigned long long)m->tag);
        memset(m, 0, sizeof(*m));
        m->tag = MK_TAG_FAULT;
        if ((r = mk_send(mk_pager_ep, m)) != -EINVAL)
                ADV_FAIL("a send with MK_TAG_FAULT: %s, expected -EINVAL", adv_err(r));
        memset(m, 0, sizeof(*m));
        m->tag = MK_TAG_USER - 1;
        if ((r = mk_call(mk_pager_ep, m)) != -EINVAL)
                ADV_FAIL("a call with tag MK_TAG_USER - 1: %s, expected -EINVAL", adv_err(r));
        return 0;
}

int adv_forged_fault_refused(void)
{
        struct pgr_stats s0, s1;
        struct mk_msg m;
        long r;
        // Our pages and the runner's are copy-on-write after the fork that
        // made us: their first writes (ours, or the runner's meanwhile) take
        // frames. A leak shows every time, a copy once: up to three tries.
        memset(&m, 0, sizeof(m));
        for (int attempt = 0;; attempt++) {
                s0.frames_free = adv_stable_free();
                if ((r = forged_faults(&m)) != 0)
                        return r;
                s1.frames_free = adv_stable_free();
                if (s1.frames_free == s0.frames_free)
                        return 0;
                if (attempt == 2)
                        ADV_FAIL("the pager's free frames went from %llu to %llu",
                                 (unsigned long long)s0.frames_free,
                                 (unsigned long long)s1.frames_free);
        }
}

static struct mk_msg flag_msg;
static uint8_t flag_stack[8192] __attribute__((aligned(16)));

static void flag_receiver(uint64_t ep)
{
        long r = mk_recv((long)ep, &flag_msg);
        adv_sh->w[1] = r;
        adv_sh->w[2] = flag_msg.flags;
        adv_sh->w[3] = (int64_t)flag_msg.tag;
        adv_sh->w[0] = 1;
        adv_park();
}

int adv_user_msg_kernel_flag_cleared(void)
{
        long ep = mk_ep_create();
        if (ep < 0)
                ADV_FAIL("SYS_EP_CREATE: %s", adv_err(ep));
        long t = adv_thread(flag_receiver, flag_stack, sizeof(flag_stack), (uint64_t)ep);
        if (t < 0)
                ADV_FAIL("thread start: %s", adv_err(t));
        struct mk_msg m;
        memset(&m, 0, sizeof(m));
        m.tag = MK_TAG_USER + 1;
        m.flags = MK_MSG_KERNEL;
        long r = mk_send(ep, &m);
        if (r < 0)
                ADV_FAIL("send: %s", adv_err(r));
        if (adv_wait_word(&adv_sh->w[0], 1, 2000))
                ADV_FAIL("the receiver never got the message");
        if (adv_sh->w[1] < 0)
                ADV_FAIL("receive: %s", adv_err(adv_sh->w[1]));
        if (adv_sh->w[2] & MK_MSG_KERNEL)
                ADV_FAIL("a user message sent with flags MK_MSG_KERNEL arrived with flags 0x%llx: "
                         "a sender can pose as the kernel",
                         (unsigned long long)adv_sh->w[2]);
        return 0;
}

// A forked child sends the pager an exit event for itself, then (without a
// request to the pager, which would drop it on unfixed code) checks its own
// private page. The parent judges.
int adv_forged_exit_event_refused(void)
{
        long h;
        long pid = adv_fork(&h);
        if (pid < 0)
                ADV_FAIL("fork: %s", adv_err(pid));
        if (pid == 0) {
                volatile uint64_t *v = mmap(NULL, ADV_PAGE, PROT_READ | PROT_WRITE,
                                            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                if (v == MAP_FAILED)
                        mk_exit(2);
                for (unsigned i = 0; i < ADV_PAGE / 8; i++)
                        v[i] = PATTERN;
                // Everything used after the send is mapped now (the stack, the
                // shared page, the code): on unfixed code the pager no longer
                // answers our faults once it believes we ended.
                adv_sh->w[0] = 0;
                mk_yield();
                struct mk_msg m;
                memset(&m, 0, sizeof(m));
                m.tag = MK_TAG_EXIT;
                m.w[MK_XW_PID] = (uint64_t)mk_info(MK_INFO_PID, 0);
                long r = mk_send(mk_pager_ep, &m);
                for (int i = 0; i < 20; i++)
                        mk_yield(); // let the pager act on it
                // Reads only: on unfixed code the frame is on the pager's free list.
                adv_sh->w[1] = r;
                adv_sh->w[2] = (int64_t)v[0];
                adv_sh->w[3] = (int64_t)v[ADV_PAGE / 16];
                adv_sh->w[0] = 1;
                for (;;) // until killed (an exit may fault on code never run)
                        mk_yield();
        }
        struct mk_exit_info info;
        int done = adv_wait_word(&adv_sh->w[0], 1, 5000) == 0;
        long r = mk_proc_wait(h, &info, MK_WAIT_NOHANG);
        adv_reap(h);
        if (!done && r == 0)
                ADV_FAIL("the forger ended (%s) before reporting", adv_ending(&info));
        if (!done)
                ADV_FAIL("the forger never reported");
        if (adv_sh->w[1] != -EINVAL) {
                if ((uint64_t)adv_sh->w[2] != PATTERN || (uint64_t)adv_sh->w[3] != PATTERN)
                        ADV_FAIL("a send with MK_TAG_EXIT was accepted (%s) and the pager freed "
                                 "the live sender's frames: its private page now reads 0x%llx "
                                 "(a free-list link)",
                                 adv_err(adv_sh->w[1]), (unsigned long long)adv_sh->w[2]);
                ADV_FAIL("a send with MK_TAG_EXIT: %s, expected -EINVAL", adv_err(adv_sh->w[1]));
        }
        if ((uint64_t)adv_sh->w[2] != PATTERN || (uint64_t)adv_sh->w[3] != PATTERN)
                ADV_FAIL("the forger's private page changed: 0x%llx",
                         (unsigned long long)adv_sh->w[2]);
        return 0;
}

// --- A3: frames and mappings --------------------------------------------------

#define A3_VA  TEST_UNMAPPED_VA // no region of the system pager covers it
#define A3_PAT 0xa3a3a3a3a3a3a3a3ull

// `adv a3_mapper PID`: E. Gets a frame from the system pager (PGR_FRAMES),
// fills it, maps it into process PID (whose handle it was given) at A3_VA,
// and exits.
int adv_role_a3_mapper(int argc, char **argv)
{
        long ppid = argc > 2 ? atoi(argv[2]) : -1, hp = -1;
        for (long h = 2; h < 64 && hp < 0; h++)
                if (mk_info(MK_INFO_PROC_PID, (void *)h) == ppid)
                        hp = h;
        if (hp < 0)
                return 3;
        struct mk_msg m;
        memset(&m, 0, sizeof(m));
        m.tag = PGR_FRAMES;
        m.w[0] = 1;
        if (adv_pcall(&m) != 1)
                return 2;
        uint64_t *page = (uint64_t *)m.w[1], pa = ((uint64_t *)m.buf)[0];
        for (unsigned i = 0; i < ADV_PAGE / 8; i++)
                page[i] = A3_PAT;
        long r = mk_map(hp, A3_VA, pa, MK_PERM_R | MK_PERM_W);
        if (r < 0) {
                printf("adv: a3_mapper: SYS_MAP into its parent: %s\n", adv_err(r));
                return 4;
        }
        return 0;
}

int adv_ext_frames_unmapped_at_pager_exit(void)
{
        long hp;
        long pid = adv_fork(&hp);
        if (pid < 0)
                ADV_FAIL("fork: %s", adv_err(pid));
        if (pid == 0) {
                // P: spawn E suspended, give it a handle to us, let it run.
                char me[24];
                snprintf(me, sizeof(me), "%ld", mk_info(MK_INFO_PID, 0));
                const char *argv[] = {"adv", "a3_mapper", me, NULL};
                long he, epid = adv_spawn(argv, PGR_SPAWN_SUSPENDED, &he);
                if (epid < 0)
                        mk_exit(10);
                if (mk_handle_give(MK_SELF, he, 0, 0) < 0)
                        mk_exit(11);
                struct mk_msg m;
                memset(&m, 0, sizeof(m));
                m.tag = PGR_RESUME;
                m.w[0] = (uint64_t)epid;
                if (adv_pcall(&m) < 0)
                        mk_exit(12);
                struct mk_exit_info info;
                if (adv_wait_proc(he, &info, 5000) < 0)
                        mk_exit(13);
                if (info.reason != MK_REASON_EXIT || info.status != 0) {
                        adv_sh->w[1] = (int64_t)info.reason;
                        adv_sh->w[2] = info.status;
                        mk_exit(14);
                }
                // E has ended: its frames are the system pager's again.
                adv_sh->w[0] = 1;
                uint64_t x = *(volatile uint64_t *)(A3_VA + 512);
                adv_sh->w[3] = (int64_t)x;
                mk_exit(x == A3_PAT ? 20 : x ? 21 : 0);
        }
        struct mk_exit_info info;
        long r = adv_wait_proc(hp, &info, 10000);
        adv_reap(hp);
        if (r < 0)
                ADV_FAIL("P did not end: %s", adv_err(r));
        if (info.reason == MK_REASON_EXIT && info.status == 14)
                ADV_FAIL("E ended with %s status %lld (3: no handle to P, 2: PGR_FRAMES failed, "
                         "4: SYS_MAP refused)",
                         mk_reason_name((uint64_t)adv_sh->w[1]), (long long)adv_sh->w[2]);
        if (info.reason == MK_REASON_EXIT && info.status >= 10 && info.status < 20)
                ADV_FAIL("set-up failed in P (status %lld)", (long long)info.status);
        if (info.reason == MK_REASON_EXIT && info.status == 20)
                ADV_FAIL("after E ended, P still read E's pattern through the page E had mapped "
                         "into it: the frame went back to the system pager but stayed mapped");
        if (info.reason == MK_REASON_EXIT && info.status == 21)
                ADV_FAIL("after E ended, P read 0x%llx through the page E had mapped into it: "
                         "memory it no longer owns",
                         (unsigned long long)adv_sh->w[3]);
        if (info.reason == MK_REASON_EXIT && info.status == 0)
                return 0; // a fresh zero page
        if (info.reason == MK_REASON_NOMAP && adv_sh->w[0] == 1)
                return 0; // the mapping went with the frame
        ADV_FAIL("P ended: %s", adv_ending(&info));
}

int adv_unmap_reveals_no_phys_addr(void)
{
        volatile uint64_t *v =
            mmap(NULL, ADV_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (v == MAP_FAILED)
                ADV_FAIL("mmap failed");
        v[0] = PATTERN;
        long self = adv_self();
        if (self < 0)
                ADV_FAIL("a handle to ourselves: %s", adv_err(self));
        long r = mk_unmap(self, (uint64_t)v);
        mk_handle_close(self);
        if (r > 0)
                ADV_FAIL("SYS_UNMAP of our own page (a frame of the system pager) returned "
                         "0x%lx: the physical address of a frame we do not own",
                         r);
        if (r < 0)
                ADV_FAIL("SYS_UNMAP of our own page: %s, expected 0", adv_err(r));
        if (v[0] != PATTERN)
                ADV_FAIL("the page lost its contents");
        return 0;
}

int adv_child_handle_has_no_control(void)
{
        long hc;
        long pid = adv_fork(&hc);
        if (pid < 0)
                ADV_FAIL("fork: %s", adv_err(pid));
        if (pid == 0) {
                adv_wait_word(&adv_sh->w[0], 1, 5000);
                mk_exit(0);
        }
        long ep = mk_ep_create();
        long r = mk_region_pager(hc, TEST_UNMAPPED_VA, ADV_PAGE, ep, 0);
        long rn = mk_proc_name(hc, "renamed"); // naming another process needs CONTROL too
        adv_sh->w[0] = 1;
        struct mk_exit_info info;
        adv_wait_proc(hc, &info, 3000);
        adv_reap(hc);
        if (r >= 0)
                ADV_FAIL("SYS_REGION_PAGER on the handle fork gave us for our child succeeded: "
                         "a parent may route its child's faults (the handle carries CONTROL)");
        if (rn != -EPERM)
                ADV_FAIL("SYS_PROC_NAME on that handle: %s, expected -EPERM", adv_err(rn));
        return 0;
}

// --- A5: shutdown -------------------------------------------------------------

int adv_shutdown_syscall_refused(void)
{
        for (long h = 0; h < 64; h++) {
                long r = mk_system_shutdown(h, 1);
                if (r != -EPERM)
                        ADV_FAIL("SYS_SHUTDOWN with handle %ld: %s, expected -EPERM", h,
                                 adv_err(r));
        }
        return 0;
}

// The pager's views of a process (maps, counters) are for the process and
// its ancestors only, and its global fault trace for holders of the
// shutdown right: a forked child asks about the VFS server (pid 2) and
// switches the trace on.
int adv_observe_other_tree_refused(void)
{
        struct mk_msg m;
        long r;
        memset(&m, 0, sizeof(m));
        m.tag = PGR_MAPS;
        m.w[0] = 2;
        if ((r = adv_pcall(&m)) != -EPERM)
                ADV_FAIL("PGR_MAPS of the VFS server (pid 2) from a forked child: %s, expected "
                         "-EPERM (another process's memory layout)",
                         adv_err(r));
        memset(&m, 0, sizeof(m));
        m.tag = PGR_STATS;
        m.w[0] = 2;
        if ((r = adv_pcall(&m)) != -EPERM)
                ADV_FAIL("PGR_STATS of pid 2: %s, expected -EPERM", adv_err(r));
        memset(&m, 0, sizeof(m));
        m.tag = PGR_TRACE;
        m.w[0] = 1;
        if ((r = adv_pcall(&m)) != -EPERM)
                ADV_FAIL("PGR_TRACE on from a forked child: %s, expected -EPERM (a console flood "
                         "anyone could start)",
                         adv_err(r));
        // Its own views still work.
        memset(&m, 0, sizeof(m));
        m.tag = PGR_STATS;
        if ((r = adv_pcall(&m)) != 0)
                ADV_FAIL("PGR_STATS of itself: %s", adv_err(r));
        memset(&m, 0, sizeof(m));
        m.tag = PGR_MAPS;
        if ((r = adv_pcall(&m)) <= 0)
                ADV_FAIL("PGR_MAPS of itself: %s", adv_err(r));
        return 0;
}

int adv_shutdown_request_refused(void)
{
        struct mk_msg m;
        memset(&m, 0, sizeof(m));
        m.tag = PGR_SHUTDOWN;
        m.w[0] = 1;
        long r = adv_pcall(&m);
        if (r != -EPERM)
                ADV_FAIL("PGR_SHUTDOWN from a forked child: %s, expected -EPERM", adv_err(r));
        return 0;
}
