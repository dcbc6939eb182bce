// SPDX-License-Identifier: MIT
// The system pager's threads on the host (docs/smp.md, "The system pager's
// threads"): host threads serve faults and requests at once through the
// seam each pager thread uses (pager_serve_thread: its locks, its handling,
// what follows its answer), on the fake kernel of pager_host.h. Built with
// ThreadSanitizer (tests/host/fuzz/meson.build), which fails the run on a
// data race; the test itself checks that two threads faulting the same
// pages of one process get one frame per page, that processes get distinct
// frames, and that every frame comes back.
#include "cpio_build.h"
#include "../harness.h"
#include "../../../servers/pager/pager.h"
#include "pager_host.h"
#include <mk/errno.h>
#include <pthread.h>

#define NPROC  2 // (six faulting threads and a requesting one: seven pager threads)
#define TPP    3 // threads per process, on the same pages
#define NPAGES 48
#define NTHR   (TPP * NPROC)
#define PASSES 100

static uint8_t img[64 * 1024];
static size_t img_len;

static void cpio_put(const char *name, const void *data, size_t size)
{
        cpio_append(img, sizeof(img), &img_len, name, data, size);
}

#include "../exec/elf_build.h"

// A fresh pager (what main() does before its loop) and its first process.
static struct pproc *boot(void)
{
        static uint8_t elf[32 * 1024];
        if (!img_len) {
                struct eb_spec s = eb_typical(ELF_EM_X86_64);
                uint64_t n = eb_write(&s, elf, sizeof(elf));
                cpio_put("init", elf, n);
                cpio_put("vfs", elf, n);
                cpio_put("TRAILER!!!", "", 0);
        }
        pager_host_boot(img, img_len);
        if (vfs_start())
                return NULL;
        const char *argv[] = {"init", NULL}, *envp[] = {NULL}, *err;
        struct pproc *p = pproc_new("init", NULL);
        if (p && pproc_load(p, "init", argv, envp, NULL, true, &err))
                return NULL;
        return p;
}

static long request(unsigned thr, struct pproc *p, uint64_t tag, uint64_t w0, uint64_t w1,
                    uint64_t w2, uint64_t w3)
{
        struct mk_msg in, out;
        memset(&in, 0, sizeof(in));
        in.tag = tag;
        in.badge = p->badge;
        in.w[0] = w0;
        in.w[1] = w1;
        in.w[2] = w2;
        in.w[3] = w3;
        if (!pager_serve_thread(thr, &in, &out))
                return -EINVAL; // (no answer)
        return (long)out.w[0];
}

// A write fault of p at va served as pager thread thr: the frame granted
// (writable), or 0.
static uint64_t write_fault(unsigned thr, struct pproc *p, uint64_t va)
{
        struct mk_msg in, out;
        struct fault_info f = {.addr = va,
                               .ip = 0x401000,
                               .access = FAULT_WRITE,
                               .kind = FAULT_NOT_PRESENT,
                               .arch = FAULT_ARCH_X86_64,
                               .level = FAULT_LEVEL_UNKNOWN,
                               .flags = FAULT_F_USER | FAULT_F_ADDR_VALID};
        memset(&in, 0, sizeof(in));
        in.tag = MK_TAG_FAULT;
        in.flags = MK_MSG_KERNEL;
        in.badge = p->badge;
        fault_msg_encode(in.w, &f, 1, p->pid);
        if (!pager_serve_thread(thr, &in, &out) || out.tag != MK_FAULT_MAP || out.w[0] != va ||
            !(out.w[2] & MK_PERM_W))
                return 0;
        return out.w[1];
}

static struct pproc *procs_t[NPROC + 1];
static uint64_t base[NPROC + 1];
static uint64_t got[NTHR][NPAGES];
static volatile int start;

static void *faulter(void *arg)
{
        unsigned t = (unsigned)(uintptr_t)arg, k = t % NPROC;
        while (!__atomic_load_n(&start, __ATOMIC_ACQUIRE))
                ;
        // The threads of a process go through its pages in different
        // orders, so they meet on every page at some point; then again and
        // again (the frame is there: answered with it), for the threads'
        // work to overlap.
        for (unsigned pass = 0; pass < PASSES; pass++)
                for (unsigned i = 0; i < NPAGES; i++) {
                        unsigned pg = t / NPROC == 1   ? NPAGES - 1 - i
                                      : t / NPROC == 2 ? (i * 7) % NPAGES
                                                       : i;
                        uint64_t pa = write_fault(t, procs_t[k], base[k] + pg * MK_PAGE_SIZE);
                        if (pass == 0)
                                got[t][pg] = pa;
                        else if (pa != got[t][pg])
                                got[t][pg] = 0; // (checked below)
                }
        return NULL;
}

// Requests (exclusive) of another process while the faults (shared) run.
static long churn_result;
static void *churner(void *arg)
{
        struct pproc *p = procs_t[NPROC];
        while (!__atomic_load_n(&start, __ATOMIC_ACQUIRE))
                ;
        for (int i = 0; i < 32 && !churn_result; i++) {
                long va = request(6, p, PGR_MMAP, 0, 4 * MK_PAGE_SIZE, MK_PERM_R | MK_PERM_W,
                                  PGR_MAP_PRIVATE | PGR_MAP_ANON);
                if (va < 0 || !write_fault(6, p, (uint64_t)va))
                        churn_result = va < 0 ? va : -EFAULT;
                else
                        churn_result =
                            request(6, p, PGR_MUNMAP, (uint64_t)va, 4 * MK_PAGE_SIZE, 0, 0);
        }
        return NULL;
}

static void faults_in_parallel(void)
{
        struct pproc *init = boot();
        EXPECT(init != NULL);
        for (int k = 0; k <= NPROC; k++) {
                procs_t[k] = pproc_new("t", NULL);
                EXPECT(procs_t[k] != NULL);
                long r = request(0, procs_t[k], PGR_MMAP, 0, NPAGES * MK_PAGE_SIZE,
                                 MK_PERM_R | MK_PERM_W, PGR_MAP_PRIVATE | PGR_MAP_ANON);
                EXPECT(r > 0);
                base[k] = (uint64_t)r;
        }
        // (A first round of the requester's work: the tables it needs stay.)
        long va = request(0, procs_t[NPROC], PGR_MMAP, 0, 4 * MK_PAGE_SIZE, MK_PERM_R | MK_PERM_W,
                          PGR_MAP_PRIVATE | PGR_MAP_ANON);
        EXPECT(va > 0 && write_fault(0, procs_t[NPROC], (uint64_t)va));
        EXPECT_EQ(request(0, procs_t[NPROC], PGR_MUNMAP, (uint64_t)va, 4 * MK_PAGE_SIZE, 0, 0), 0);
        uint64_t free_before = frames_free();
        pg_threaded = true;
        pthread_t th[NTHR + 1];
        for (uintptr_t t = 0; t < NTHR; t++)
                EXPECT(pthread_create(&th[t], NULL, faulter, (void *)t) == 0);
        EXPECT(pthread_create(&th[NTHR], NULL, churner, NULL) == 0);
        __atomic_store_n(&start, 1, __ATOMIC_RELEASE);
        for (int t = 0; t <= NTHR; t++)
                pthread_join(th[t], NULL);
        pg_threaded = false;
        EXPECT_EQ(churn_result, 0);
        // One frame per page, both threads of a process given it; no frame
        // in two processes.
        for (int k = 0; k < NPROC; k++)
                for (int i = 0; i < NPAGES; i++) {
                        uint64_t pa = got[k][i];
                        EXPECT(pa && pa != zero_page && frame_ours(pa));
                        for (int o = 1; o < TPP; o++)
                                EXPECT_EQ(got[k + o * NPROC][i], pa);
                        EXPECT_EQ(frame_refs(pa), 1);
                        EXPECT_EQ(SH_PA(shadow_get(&procs_t[k]->sh, base[k] + i * MK_PAGE_SIZE)),
                                  pa);
                        for (int q = 0; q < k; q++)
                                for (int j = 0; j < NPAGES; j++)
                                        EXPECT(got[q][j] != pa);
                }
        uint64_t faults = 0;
        for (int k = 0; k < NPROC; k++)
                faults += procs_t[k]->st.faults;
        EXPECT_EQ(faults, (uint64_t)NTHR * NPAGES * PASSES);
        // (The frames taken: the pages, and the tables the faults made.)
        EXPECT(free_before - frames_free() >= NPROC * NPAGES);
        // Every frame comes back when the processes end.
        for (int k = 0; k <= NPROC; k++) {
                struct mk_msg in, out;
                memset(&in, 0, sizeof(in));
                in.tag = MK_TAG_EXIT;
                in.flags = MK_MSG_KERNEL;
                in.badge = procs_t[k]->badge;
                in.w[MK_XW_PID] = procs_t[k]->pid;
                pager_serve(&in, &out);
        }
        EXPECT(frames_free() >= free_before);
}

int main(int argc, char **argv, char **envp)
{
        h_suite = "pager_threads";
        RUN(faults_in_parallel);
        printf("# %d passed, %d failed\n", h_npass, h_nfail);
        return h_nfail != 0;
}
