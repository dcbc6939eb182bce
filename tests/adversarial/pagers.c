// SPDX-License-Identifier: MIT
// The pagers' own checks (A4 file mappings, A6 mprotect results) and
// external pagers (C6 orphan, silent, RETRY forever): docs/adversarial.md.
#include "adv.h"
#include "adv_pager.h"
#include <mk/file.h>

#define W adv_sh->w

// --- A4 -------------------------------------------------------------------------

int adv_unlinked_mapping_keeps_data(void)
{
        char buf[4];
        int fd = open("/adv_a4_old", O_RDWR | O_CREAT | O_TRUNC, 0644);
        if (fd < 0 || write(fd, "AAAA", 4) != 4)
                ADV_FAIL("create the first file: errno %d", errno);
        volatile char *p = mmap(NULL, ADV_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (p == MAP_FAILED)
                ADV_FAIL("mmap: errno %d", errno);
        if (p[0] != 'A')
                ADV_FAIL("the mapping reads 0x%x before the close", p[0]);
        close(fd);
        unlink("/adv_a4_old");
        int fd2 = open("/adv_a4_new", O_RDWR | O_CREAT | O_TRUNC, 0644);
        if (fd2 < 0 || write(fd2, "BBBB", 4) != 4)
                ADV_FAIL("create the second file: errno %d", errno);
        char seen[5] = {p[0], p[1], p[2], p[3], 0};
        p[1] = 'Z'; // must not land in the new file
        int n = (int)pread(fd2, buf, 4, 0);
        munmap((void *)p, ADV_PAGE);
        close(fd2);
        unlink("/adv_a4_new");
        if (memcmp(seen, "AAAA", 4) != 0)
                ADV_FAIL("the mapping of the unlinked file reads \"%s\", not \"AAAA\": its memory "
                         "was freed and reused by the next file",
                         seen);
        if (n != 4 || memcmp(buf, "BBBB", 4) != 0)
                ADV_FAIL("a write through the old mapping changed the new file (it reads "
                         "\"%.4s\")",
                         buf);
        return 0;
}

// A file opened read-only can never be written through a mapping: the pager
// checks the descriptor a mapping names (not an inode number the caller
// picks) and its open mode, for the mapping's whole life. Every request is
// sent raw, as an attacker would (libsys's own checks are bypassed).
static long a4_mmap(uint64_t len, uint64_t perms, uint64_t flags, uint64_t fd)
{
        struct mk_msg m = {.tag = PGR_MMAP, .w = {0, len, perms, flags, fd, 0}};
        return adv_pcall(&m);
}

int adv_file_mapping_follows_open_mode(void)
{
        int w = open("/adv_a4_ro", O_RDWR | O_CREAT | O_TRUNC, 0644);
        if (w < 0 || write(w, "RRRR", 4) != 4)
                ADV_FAIL("create the file: errno %d", errno);
        struct mk_stat st;
        if (mk_fstat(w, &st) != 0)
                ADV_FAIL("fstat: errno %d", errno);
        close(w);
        int fd = open("/adv_a4_ro", O_RDONLY);
        if (fd < 0)
                ADV_FAIL("open read-only: errno %d", errno);
        uint64_t rw = MK_PERM_R | MK_PERM_W;
        long r = a4_mmap(ADV_PAGE, rw, PGR_MAP_SHARED, (uint64_t)fd);
        if (r != -EACCES)
                ADV_FAIL("PGR_MMAP shared writable of a read-only descriptor: %s, expected -EACCES",
                         adv_err(r));
        long ro = a4_mmap(ADV_PAGE, MK_PERM_R, PGR_MAP_SHARED, (uint64_t)fd);
        if (ro < 0)
                ADV_FAIL("PGR_MMAP shared read-only: %s", adv_err(ro));
        struct mk_msg m = {.tag = PGR_MPROTECT, .w = {(uint64_t)ro, ADV_PAGE, rw}};
        r = adv_pcall(&m);
        if (r != -EACCES)
                ADV_FAIL("PGR_MPROTECT to writable of that mapping: %s, expected -EACCES",
                         adv_err(r));
        // The old way in: the file's inode number as if it were a descriptor
        // we hold, and a descriptor number we never opened.
        close(fd);
        r = a4_mmap(ADV_PAGE, rw, PGR_MAP_SHARED, st.inode);
        long never = a4_mmap(ADV_PAGE, rw, PGR_MAP_SHARED, 30);
        char buf[4] = {0};
        int f2 = open("/adv_a4_ro", O_RDONLY);
        int n = f2 < 0 ? -1 : (int)read(f2, buf, 4);
        if (f2 >= 0)
                close(f2);
        unlink("/adv_a4_ro");
        if (r != -EBADF)
                ADV_FAIL("PGR_MMAP naming the inode (%llu) with no such descriptor open: %s, "
                         "expected -EBADF",
                         (unsigned long long)st.inode, adv_err(r));
        if (never != -EBADF)
                ADV_FAIL("PGR_MMAP with a descriptor never opened: %s, expected -EBADF",
                         adv_err(never));
        if (n != 4 || memcmp(buf, "RRRR", 4) != 0)
                ADV_FAIL("the file changed: \"%.4s\"", buf);
        return 0;
}

// --- A6 -------------------------------------------------------------------------

#define BIG (2ul << 30)

// In a forked child: 2 GiB anonymous, both ends touched, then
// mprotect(PROT_READ) of it all; then a write at the start (end: the last
// page) must end the child with "access violation".
static int a6_child(int at_end)
{
        volatile uint8_t *p =
            mmap(NULL, BIG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
                return 2;
        p[0] = 1;
        p[BIG - ADV_PAGE] = 1;
        if (mprotect((void *)p, BIG, PROT_READ) != 0) {
                W[1] = errno;
                return 4;
        }
        W[2] = 1;
        p[at_end ? BIG - ADV_PAGE : 0] = 2;
        return 3; // the write went through
}

int adv_mprotect_2g_read_only_enforced(void)
{
        for (int end = 0; end < 2; end++) {
                memset((void *)W, 0, sizeof(W));
                long h;
                long pid = adv_fork(&h);
                if (pid < 0)
                        ADV_FAIL("fork: %s", adv_err(pid));
                if (pid == 0)
                        mk_exit(a6_child(end));
                struct mk_exit_info info;
                long r = adv_wait_proc(h, &info, 10000);
                adv_reap(h);
                const char *where = end ? "last" : "first";
                if (r < 0)
                        ADV_FAIL("the child did not end: %s", adv_err(r));
                if (info.reason == MK_REASON_EXIT && info.status == 4)
                        ADV_FAIL("mprotect(2 GiB, PROT_READ) failed: errno %lld", (long long)W[1]);
                if (info.reason == MK_REASON_EXIT && info.status == 3)
                        ADV_FAIL("a write to the %s page after mprotect(2 GiB, PROT_READ) "
                                 "returned 0 went through: the pager ignored the kernel's "
                                 "refusal",
                                 where);
                if (info.reason != MK_REASON_ACCESS || W[2] != 1)
                        ADV_FAIL("the child (write to the %s page) ended: %s, expected an access "
                                 "violation",
                                 where, adv_ending(&info));
        }
        return 0;
}

int adv_mprotect_2g_fork_isolated(void)
{
        long h;
        long pid = adv_fork(&h);
        if (pid < 0)
                ADV_FAIL("fork: %s", adv_err(pid));
        if (pid == 0) {
                volatile uint8_t *p =
                    mmap(NULL, BIG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                if (p == MAP_FAILED)
                        mk_exit(2);
                p[0] = 1;
                p[BIG - ADV_PAGE] = 1;
                if (mprotect((void *)p, BIG, PROT_READ | PROT_WRITE) != 0) {
                        W[1] = errno;
                        mk_exit(4);
                }
                pid_t c = fork();
                if (c == 0) {
                        adv_wait_word(&W[3], 1, 5000);
                        W[4] = p[0];
                        W[5] = p[BIG - ADV_PAGE];
                        _exit(0);
                }
                if (c < 0)
                        mk_exit(5);
                p[0] = 2; // the parent's private writes after the fork
                p[BIG - ADV_PAGE] = 2;
                W[3] = 1;
                int st;
                waitpid(c, &st, 0);
                mk_exit(W[4] == 1 && W[5] == 1 ? 0 : 6);
        }
        struct mk_exit_info info;
        long r = adv_wait_proc(h, &info, 10000);
        adv_reap(h);
        if (r < 0)
                ADV_FAIL("the parent did not end: %s", adv_err(r));
        if (info.reason == MK_REASON_EXIT && info.status == 4)
                ADV_FAIL("mprotect(2 GiB, PROT_READ|PROT_WRITE) failed: errno %lld",
                         (long long)W[1]);
        if (info.reason == MK_REASON_EXIT && info.status == 6)
                ADV_FAIL("after fork, the child saw its parent's later private writes (first "
                         "page %lld, last %lld; expected 1 and 1)",
                         (long long)W[4], (long long)W[5]);
        if (info.reason != MK_REASON_EXIT || info.status != 0)
                ADV_FAIL("the parent ended: %s", adv_ending(&info));
        return 0;
}

// --- C6 -------------------------------------------------------------------------

// The client X (a forked child): starts adv_pager in `mode` with the pager
// library, attaches its region, hands the pager's process handle to the
// test process (W[2], in the test's handle table), then acts by mode.
static __attribute__((noreturn)) void c6_client(uint64_t mode)
{
        long ep, proc;
        uint64_t va;
        uint32_t id;
        if (adv_wait_word(&W[0], 1, 5000))
                mk_exit(9);
        long r = mkp_spawn_pager("adv_pager", &ep, &proc);
        if (r == 0) {
                struct mk_msg m;
                memset(&m, 0, sizeof(m));
                m.tag = ADV_PGR_MODE;
                m.w[0] = mode;
                r = mk_call(ep, &m);
                r = r ? r : (long)m.w[0];
        }
        if (r == 0)
                r = mkp_attach(ep, proc, ADV_PGR_PAGES * ADV_PAGE, &va, &id);
        if (r == 0)
                r = W[2] = mk_handle_give(proc, (long)W[1], 0, 0);
        if (r < 0) {
                W[9] = r;
                W[3] = 2;
                mk_exit(4);
        }
        W[3] = 1;
        volatile uint64_t *page = (volatile uint64_t *)va;
        if (mode != ADV_PGR_RETRY)
                page[0] = 1; // served
        if (mode == ADV_PGR_MUTE)
                (void)page[ADV_PAGE / 8]; // never answered
        if (mode == ADV_PGR_RETRY)
                (void)page[0]; // answered RETRY forever
        mk_exit(0);
}

// Starts the client; returns its handle (*hp: the pager's, in ours), or -1.
static long c6_start(uint64_t mode, long *hp)
{
        long hx;
        long pid = adv_fork(&hx);
        if (pid < 0)
                return adv_fail("fork: %s", adv_err(pid)), -1;
        if (pid == 0)
                c6_client(mode);
        long me = mk_handle_give(MK_SELF, hx, 0, 0);
        if (me < 0) {
                adv_reap(hx);
                return adv_fail("a handle to us for the client: %s", adv_err(me)), -1;
        }
        W[1] = me;
        W[0] = 1;
        if (adv_wait_word(&W[3], 1, 5000)) {
                adv_reap(hx);
                return adv_fail("the client could not start and attach its pager: %s",
                                adv_err(W[9])),
                       -1;
        }
        *hp = (long)W[2];
        return hx;
}

int adv_orphan_ext_pager_ends(void)
{
        long hp, hx = c6_start(ADV_PGR_SERVE, &hp);
        if (hx < 0)
                return 1;
        struct mk_exit_info xi, pi;
        long r = adv_wait_proc(hx, &xi, 5000);
        adv_reap(hx);
        long rp = adv_wait_proc(hp, &pi, 3000);
        adv_reap(hp);
        if (r < 0 || xi.reason != MK_REASON_EXIT || xi.status != 0)
                ADV_FAIL("the client ended: %s", r < 0 ? adv_err(r) : adv_ending(&xi));
        if (rp == -ETIMEDOUT)
                ADV_FAIL("the external pager still ran 3 s after its only client ended (an "
                         "orphan holding its frames)");
        if (rp < 0)
                ADV_FAIL("waiting for the pager: %s", adv_err(rp));
        return 0;
}

int adv_silent_ext_pager_killed(void)
{
        long hp, hx = c6_start(ADV_PGR_MUTE, &hp);
        if (hx < 0)
                return 1;
        struct mk_exit_info xi, pi;
        long r = adv_wait_proc(hx, &xi, 12000);
        adv_reap(hx);
        long rp = adv_wait_proc(hp, &pi, 2000);
        adv_reap(hp);
        if (r < 0)
                ADV_FAIL("the client of a pager that stopped answering still ran after 12 s");
        if (xi.reason != MK_REASON_PAGER_TIMEOUT)
                ADV_FAIL("the client ended: %s, expected pager timeout", adv_ending(&xi));
        if (rp == -ETIMEDOUT)
                ADV_FAIL("the pager that stopped answering still ran 2 s after its client ended "
                         "(pager timeout): nothing stops it");
        if (rp < 0)
                ADV_FAIL("waiting for the pager: %s", adv_err(rp));
        if (pi.reason != MK_REASON_KILLED)
                ADV_FAIL("the silent pager ended: %s, expected killed", adv_ending(&pi));
        return 0;
}

int adv_retry_forever_client_ends(void)
{
        long hp, hx = c6_start(ADV_PGR_RETRY, &hp);
        if (hx < 0)
                return 1;
        struct mk_exit_info xi;
        long r = adv_wait_proc(hx, &xi, 9000);
        adv_reap(hx);
        adv_reap(hp);
        if (r == -ETIMEDOUT)
                ADV_FAIL("the client of a pager answering RETRY forever still ran after 9 s "
                         "(the bound is %d s)",
                         5);
        if (r < 0)
                ADV_FAIL("waiting for the client: %s", adv_err(r));
        if (xi.reason != MK_REASON_PAGER_TIMEOUT)
                ADV_FAIL("the client ended: %s, expected pager timeout", adv_ending(&xi));
        return 0;
}
