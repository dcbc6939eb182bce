// SPDX-License-Identifier: MIT
// failures_raw: a pager written without the library's loop, which answers
// every fault first with malformed replies (each must come back with the
// kernel's error while the client stays blocked), then properly: the first
// fault with a page of FAIL_RAW_FILL, the second with FAIL "access
// violation" (or "killed" when a malformed reply was not refused as it
// should be, so the runner sees it). Then it exits.
#include "failures.h"
#include <mk/pager.h>

#define RAW_FRAMES  2
#define BAD_TAG     77
#define RAGGED_LEN  5
#define NOT_OURS_PA 0x1000 // a frame this pager does not hold
#define UNALIGNED   8

static struct mk_msg in, out;
static uint64_t region_start, region_len;
static int attempts, mismatches;

// Sends one reply and checks the kernel refused it with err.
static void expect_refused(const char *what, uint64_t tag, uint64_t va, uint64_t pa, uint64_t perms,
                           uint32_t len, long err)
{
        memset(&out, 0, sizeof(out));
        out.tag = tag;
        out.w[0] = va;
        out.w[1] = pa;
        out.w[2] = perms;
        out.len = len;
        long r = mk_reply(&out);
        attempts++;
        if (r != err) {
                mk_printf("failures_raw: %s: reply returned %ld, expected %ld\n", what, r, err);
                mismatches++;
        }
}

// Every malformed answer to the fault in hand, each refused.
static void malformed_sequence(uint64_t page, uint64_t pa)
{
        const uint64_t rw = MK_PERM_R | MK_PERM_W;
        expect_refused("grant outside the region", MK_FAULT_MAP, region_start + region_len, pa, rw,
                       0, -EPERM);
        expect_refused("unaligned address", MK_FAULT_MAP, page + UNALIGNED, pa, rw, 0, -EINVAL);
        expect_refused("unaligned frame", MK_FAULT_MAP, page, pa + UNALIGNED, rw, 0, -EINVAL);
        expect_refused("frame not held", MK_FAULT_MAP, page, NOT_OURS_PA, rw, 0, -EPERM);
        expect_refused("bad tag", BAD_TAG, page, pa, rw, 0, -EINVAL);
        expect_refused("writable and executable", MK_FAULT_MAP, page, pa, rw | MK_PERM_X, 0,
                       -EACCES);
        expect_refused("no read permission", MK_FAULT_MAP, page, pa, MK_PERM_W, 0, -EINVAL);
        expect_refused("ragged grant list", MK_FAULT_MAP, page, pa, rw, RAGGED_LEN, -EINVAL);
}

int main(int argc, char **argv, char **envp)
{
        struct mk_msg m = {.tag = PGR_FRAMES, .w = {RAW_FRAMES}};
        if (mk_call(mk_pager_ep, &m) < 0 || (long)m.w[0] != RAW_FRAMES) {
                mk_printf("failures_raw: no frames\n");
                return 1;
        }
        uint64_t pa = ((const uint64_t *)m.buf)[0];
        memset((void *)m.w[1], FAIL_RAW_FILL, MK_PAGE_SIZE);
        unsigned nfaults = 0;
        for (;;) {
                if (mk_recv(MKP_SERVE_HANDLE, &in) < 0)
                        return 1;
                if (in.tag == MKP_REQ_ATTACH) {
                        region_start = in.w[0];
                        region_len = in.w[1];
                        memset(&out, 0, sizeof(out));
                        out.w[0] = 0; // region id 0: the client's badge is 1
                        // The handle the client routes the region to: we mint its badge.
                        out.w[1] = (uint64_t)mk_handle_give(MKP_SERVE_HANDLE, (long)in.w[2], 1,
                                                            MK_RIGHT_SEND);
                        mk_reply(&out);
                        continue;
                }
                if (in.tag != MK_TAG_FAULT) {
                        memset(&out, 0, sizeof(out));
                        out.w[0] = (uint64_t)-ENOSYS;
                        mk_reply(&out);
                        continue;
                }
                uint64_t page = in.w[MK_FW_ADDR] & ~(uint64_t)(MK_PAGE_SIZE - 1);
                malformed_sequence(page, pa);
                memset(&out, 0, sizeof(out));
                if (++nfaults == 1) {
                        out.tag = MK_FAULT_MAP;
                        out.w[0] = page;
                        out.w[1] = pa;
                        out.w[2] = MK_PERM_R;
                } else {
                        out.tag = MK_FAULT_FAIL;
                        out.w[0] = mismatches ? MK_REASON_KILLED : MK_REASON_ACCESS;
                }
                long r = mk_reply(&out);
                if (r) {
                        mk_printf("failures_raw: the proper reply was refused: %ld\n", r);
                        return 1;
                }
                if (nfaults == 2) {
                        mk_printf("failures_raw: %d malformed replies refused as expected, %d "
                                  "not\n",
                                  attempts - mismatches, mismatches);
                        return mismatches ? 1 : 0;
                }
        }
}
