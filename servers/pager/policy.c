// SPDX-License-Identifier: MIT
// The fault decision table (policy.h). Linux's semantics where users expect
// them: the zero page for anonymous reads, copy-on-write for private writes
// (reusing a frame nobody else holds), bus errors past the end of a file.
#include "policy.h"
#include <mk/fault.h>
#include <mk/syscall.h>

static bool is_anon(const struct region_desc *r)
{
        return r->backing == BK_NONE;
}

static bool is_shared(const struct region_desc *r)
{
        return r->kind == RK_ANON_SHARED || r->kind == RK_FILE_SHARED;
}

enum fault_decision fault_decide(const struct fault_in *in)
{
        const struct region_desc *r = in->r;
        if (!r)
                return FD_FAIL_NOMAP;
        if (r->kind == RK_GUARD)
                return FD_FAIL_GUARD;
        if (r->kind == RK_EXTERNAL)
                return FD_FAIL_NOMAP; // another pager's: a fault here is not ours to serve
        uint32_t need = in->access == FAULT_WRITE  ? MK_PERM_W
                        : in->access == FAULT_EXEC ? MK_PERM_X
                                                   : MK_PERM_R;
        if (!(r->prot & need))
                return FD_FAIL_ACCESS;
        if (in->kind == FAULT_OTHER)
                return FD_FAIL_BUS; // alignment, external abort: not paging's to fix
        if (r->backing == BK_VFS && in->beyond_eof)
                return FD_FAIL_BUS;
        bool write = in->access == FAULT_WRITE;
        if (in->entry & SH_PRESENT) {
                // A write where the zero page is: a shared file page (a hole
                // read first) gets the page-cache frame, anything else a
                // zeroed frame of its own.
                if (write && (in->entry & SH_ZERO))
                        return r->backing == BK_VFS && is_shared(r) ? FD_MAP_FILE : FD_FILL_ZERO;
                if (!write || !(in->entry & SH_COW) || is_shared(r))
                        return FD_REMAP;
                return in->refs <= 1 ? FD_COW_REUSE : FD_COW_COPY;
        }
        if (is_anon(r)) {
                if (is_shared(r) || write)
                        return FD_FILL_ZERO;
                return FD_MAP_ZERO;
        }
        if (r->backing == BK_IMAGE)
                return FD_FILL_IMAGE;
        // BK_VFS
        if (is_shared(r) || !write)
                return FD_MAP_FILE;
        return FD_COPY_FILE;
}

uint32_t fault_perms(const struct region_desc *r, uint64_t flags)
{
        // (r->deny is never in r->prot: PGR_MMAP and PGR_MPROTECT refuse it.)
        uint32_t p = r->prot;
        if (flags & (SH_COW | SH_ZERO))
                p &= ~(uint32_t)MK_PERM_W;
        // The MMUs cannot express write-only or execute-only user pages.
        return p ? p | MK_PERM_R : 0;
}

const char *fault_decision_name(unsigned d)
{
        static const char *const n[] = {"fail-nomap", "fail-access", "fail-guard", "fail-bus",
                                        "map-zero",   "fill-zero",   "fill-image", "map-file",
                                        "copy-file",  "remap",       "cow-copy",   "cow-reuse"};
        return d < FD_COUNT ? n[d] : "?";
}
