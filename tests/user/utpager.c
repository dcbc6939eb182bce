// SPDX-License-Identifier: MIT
// utpager: the test pager of the fault scenarios (utpager.h). It is an
// ordinary external pager (the pager library), so what it checks is the
// fault message the kernel sends any pager.
#include "utpager.h"
#include <mk/fault.h>

static struct mkp_pager pg;
static uint64_t mode, want[MK_MSG_WORDS];
#define W_ACCESS ((unsigned)want[3] & 0xff)
#define W_KIND   ((unsigned)(want[3] >> 8) & 0xff)
#define W_PERMS  ((uint32_t)(want[3] >> 16) & 0xff)
static bool armed;

static void answer_zero(struct mkp_pager *p, const struct mkp_fault *f, struct mkp_answer *a,
                        uint32_t perms)
{
        struct mkp_frame fr;
        if (mkp_frame_alloc(p, &fr)) {
                mkp_answer_fail(a, MK_REASON_OOM);
                return;
        }
        mkp_fill_zero(&fr);
        mkp_answer_map(a, f->page, &fr, perms);
}

// Why fault f does not match the expectation, or NULL.
static const char *mismatch(const struct mkp_fault *f, char *why, size_t n)
{
        struct fault_info d;
        int dr;
        if (f->addr != want[1])
                return mk_snprintf(why, n, "fault addr 0x%llx, expected 0x%llx",
                                   (unsigned long long)f->addr, (unsigned long long)want[1]),
                       why;
        if (want[2] && f->ip != want[2])
                return mk_snprintf(why, n, "fault ip 0x%llx, expected 0x%llx",
                                   (unsigned long long)f->ip, (unsigned long long)want[2]),
                       why;
        if (f->access != W_ACCESS || f->kind != W_KIND)
                return mk_snprintf(why, n, "fault %s %s, expected %s %s",
                                   fault_access_name(f->access), fault_kind_name(f->kind),
                                   fault_access_name(W_ACCESS), fault_kind_name(W_KIND)),
                       why;
        if (f->arch != (unsigned)mk_info(MK_INFO_ARCH, 0) || !(f->flags & FAULT_F_USER) ||
            !(f->flags & FAULT_F_ADDR_VALID))
                return mk_snprintf(why, n, "arch %u flags 0x%x: want this arch, user, addr-valid",
                                   f->arch, f->flags),
                       why;
        if (f->pid != want[4] || f->tid == 0)
                return mk_snprintf(why, n,
                                   "pid %u tid %u in the message, expected pid %llu and a "
                                   "thread id",
                                   f->pid, f->tid, (unsigned long long)want[4]),
                       why;
        // The raw registers must decode to the same fields (the address
        // register is raw1 on every arch).
        if (f->arch == FAULT_ARCH_X86_64)
                dr = fault_decode_x86_64(f->raw0, f->raw1, f->ip, &d);
        else if (f->arch == FAULT_ARCH_AARCH64)
                dr = fault_decode_aarch64(f->raw0, f->raw1, f->ip, &d);
        else
                dr = fault_decode_riscv64(f->raw0, f->raw1, f->ip, 1, f->kind == FAULT_PROTECTION,
                                          &d);
        if (dr || d.access != f->access || d.kind != f->kind || d.flags != f->flags ||
            f->raw1 != f->addr)
                return mk_snprintf(why, n,
                                   "raw registers 0x%llx/0x%llx do not decode to the "
                                   "message",
                                   (unsigned long long)f->raw0, (unsigned long long)f->raw1),
                       why;
        return NULL;
}

// Answers the fault in flight with bad grants: each must be refused with
// its error while the faulting thread stays blocked. Returns how many were
// not.
static int bad_grants(const struct mkp_fault *f, uint64_t good_pa)
{
        static const struct {
                const char *what;
                uint64_t va_off, pa, perms;
                uint32_t len;
                long err;
        } bad[] = {
            {"unaligned va", 8, 0, MK_PERM_R, 0, -EINVAL},
            {"kernel va", 0, 0, MK_PERM_R, 0, -EPERM}, // (outside the region, as any kernel va)
            {"va outside the region", 1, 0, MK_PERM_R, 0, -EPERM},
            {"unaligned pa", 0, 16, MK_PERM_R, 0, -EINVAL},
            {"frame not held", 0, 1, MK_PERM_R, 0, -EPERM},
            {"write+execute", 0, 0, MK_PERM_R | MK_PERM_W | MK_PERM_X, 0, -EACCES},
            {"no read permission", 0, 0, MK_PERM_W, 0, -EINVAL},
            {"unknown permission bit", 0, 0, MK_PERM_R | 8, 0, -EINVAL},
            {"ragged grant list", 0, 0, MK_PERM_R, 5, -EINVAL},
        };
        static struct mk_msg m;
        int wrong = 0;
        for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                memset(&m, 0, sizeof(m));
                m.tag = MK_FAULT_MAP;
                m.w[0] = i == 1   ? 0xffffffff80000000ull
                         : i == 2 ? f->region->start + f->region->len
                                  : f->page + bad[i].va_off;
                m.w[1] = bad[i].pa == 1 ? 0x1000 : good_pa + bad[i].pa;
                m.w[2] = bad[i].perms;
                m.len = bad[i].len;
                long r = mk_reply(&m);
                if (r != bad[i].err) {
                        mk_printf("# utpager: bad grant '%s': got %s, expected %s\n", bad[i].what,
                                  err_name(r), err_name(bad[i].err));
                        wrong++;
                }
        }
        return wrong;
}

static void handler(struct mkp_pager *p, const struct mkp_fault *f, struct mkp_answer *a)
{
        char why[160];
        const char *w;
        struct mkp_frame fr;
        switch (mode) {
        case UTP_CHECK:
                if (!armed || f->page != (want[1] & ~(uint64_t)(MK_PAGE_SIZE - 1)) ||
                    f->access != W_ACCESS) {
                        answer_zero(p, f, a, W_PERMS);
                        return;
                }
                armed = false;
                if ((w = mismatch(f, why, sizeof(why)))) {
                        mk_printf("# utpager: %s\n", w);
                        mkp_answer_fail(a, MK_REASON_KILLED);
                } else {
                        mkp_answer_fail(a, want[5]);
                }
                return;
        case UTP_BADGRANT:
                if (mkp_frame_alloc(p, &fr)) {
                        mkp_answer_fail(a, MK_REASON_OOM);
                        return;
                }
                mkp_fill_zero(&fr);
                if (bad_grants(f, fr.pa))
                        mkp_answer_fail(a, MK_REASON_KILLED);
                else
                        mkp_answer_map(a, f->page, &fr, MK_PERM_R);
                return;
        case UTP_LOOP: {
                // The same frame every time, read-only.
                static struct mkp_frame loop_fr;
                if (!loop_fr.va && mkp_frame_alloc(p, &loop_fr)) {
                        mkp_answer_fail(a, MK_REASON_OOM);
                        return;
                }
                mkp_fill_zero(&loop_fr);
                mkp_answer_map(a, f->page, &loop_fr, MK_PERM_R);
                return;
        }
        case UTP_BENCH: {
                if (mkp_frame_alloc(p, &fr)) {
                        mkp_answer_fail(a, MK_REASON_OOM);
                        return;
                }
                mkp_fill_zero(&fr);
                mkp_answer_map(a, f->page, &fr, MK_PERM_R | MK_PERM_W);
                if (!want[1])
                        return;
                // Kept, then answered through the reply handle: what a pager
                // that fetches the page elsewhere does, without the fetch.
                struct mkp_answer later = *a;
                int tok = mkp_defer(p, f, a);
                if (tok >= 0 && mkp_complete(p, tok, &later))
                        mk_printf("# utpager: mkp_complete failed\n");
                return;
        }
        default:
                mk_printf("# utpager: a fault before the mode request\n");
                mkp_answer_fail(a, MK_REASON_KILLED);
        }
}

static long request(struct mkp_pager *p, const struct mk_msg *in, struct mk_msg *out)
{
        if (in->tag != UTP_MODE || in->w[0] < UTP_CHECK || in->w[0] > UTP_BENCH)
                return -EINVAL;
        // (UTP_BENCH: frames from the system pager, 64 at a time.)
        while (in->w[0] == UTP_BENCH && mkp_frames_free(p) < in->w[2]) {
                struct mk_msg m = {.tag = PGR_FRAMES, .w = {64}};
                if (mk_call(mk_pager_ep, &m) < 0 || (long)m.w[0] <= 0)
                        return -ENOMEM;
                for (uint64_t i = 0; i < m.w[0] && i < m.len / sizeof(uint64_t); i++)
                        if (mkp_pool_add(p, ((uint64_t *)m.buf)[i],
                                         (void *)(m.w[1] + i * MK_PAGE_SIZE)))
                                return -ENOSPC;
        }
        mode = in->w[0];
        memcpy(want, in->w, sizeof(want));
        armed = mode == UTP_CHECK;
        return 0;
}

int main(int argc, char **argv, char **envp)
{
        int r = mkp_init(&pg, MKP_SERVE_HANDLE, 4, handler, NULL);
        if (r) {
                mk_printf("# utpager: mkp_init: %d\n", r);
                return 1;
        }
        memcpy(pg.name, "utpager", sizeof("utpager"));
        pg.request = request;
        return mkp_run(&pg);
}
