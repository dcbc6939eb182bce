// SPDX-License-Identifier: MIT
// The system pager's sources as one unit (pager_host.h), and the reset of
// their state between fuzz inputs. A new file-local variable in
// servers/pager/ must be reset here too (the smoke test's determinism check
// catches one that is not, when a seed reaches it).
#define main pager_main
#include "../../../servers/pager/main.c"
#undef main
#include "../../../servers/pager/account.c"
#include "../../../servers/pager/exec.c"
#include "../../../servers/pager/fault.c"
#include "../../../servers/pager/frames.c"
#include "../../../servers/pager/maps.c"
#include "../../../servers/pager/policy.c"
#include "../../../servers/pager/proc.c"
#include "../../../servers/pager/record.c"
#include "../../../servers/pager/region_desc.c"
#include "../../../servers/pager/requests.c"
#include "../../../servers/pager/shadow.c"
#undef PAGE_MASK              // vma.c has its own (the same value)
#define range_ok vma_range_ok // requests.c has one too
#include "../../../servers/pager/vma.c"
#undef range_ok
#include "pager_host.h"

void pager_host_zero_used(void)
{
        struct mk_physmem orig;
        if (!phys.nranges || mk_info(MK_INFO_PHYS_WINDOW, &orig) < 0)
                return;
        for (uint32_t i = 0; i < orig.nranges && i < phys.nranges; i++) {
                uint64_t base = orig.r[i].base, end = base + orig.r[i].size;
                // Handed out from the bump pointer, and taken off the end for
                // the pager's own tables (private_alloc).
                uint64_t used = i < cur ? end : i == cur ? bump : base;
                uint64_t tail = phys.r[i].base + phys.r[i].size;
                fk_zero(base, used - base);
                fk_zero(tail, end - tail);
        }
}

void pager_host_reset(void)
{
        // main.c
        memset(&ended_stats, 0, sizeof(ended_stats));
        pager_ep = 0;
        vfs_ep_handle = -1;
        vfs_idx = 0;
        pager_machine = 0;
        memset(&bootimg, 0, sizeof(bootimg));
        trace_on = false;
        zero_page = 0;
        init_idx = 0;
        server = (struct worker){.s.ops = &serve_ops};
        memset(workers, 0, sizeof(workers));
        pg_threaded = false;
        pg_world = pg_mem = 0;
        // record.c
        rec_mode = REC_OFF;
        memset(rec_name, 0, sizeof(rec_name));
        // frames.c
        memset(&phys, 0, sizeof(phys));
        cur = 0;
        bump = 0;
        free_stack = NULL;
        nstack = stack_cap = 0;
        free_bits = NULL;
        pfn_lo = pfn_span = 0;
        nfree = 0;
        memset(own_leaves, 0, sizeof(own_leaves));
        memset(ref_leaves, 0, sizeof(ref_leaves));
        // fault.c
        memset(zero_mapped, 0, sizeof(zero_mapped));
        memset(release_pending, 0, sizeof(release_pending));
        vfs_npending = 0;
        // proc.c
        memset(procs, 0, sizeof(procs));
        memset(acct, 0, sizeof(acct));
        default_frame_limit = ACCT_NO_LIMIT;
        serving = NULL;
        next_vfs_badge = 1;
        oom_pending = 0;
        vma_slab.free = NULL;
}

void pager_host_boot(const void *img, uint64_t len)
{
        pager_host_zero_used();
        pager_host_reset();
        fk_reset(img, len);
        pager_machine = ELF_EM_X86_64;
        frames_init();
        mk_info(MK_INFO_BOOTIMG, &bootimg);
        pager_ep = 3;
        default_frame_limit = frames_free() / 4 * 3;
        zero_page = frame_get();
        page_zero(frame_ptr(zero_page));
}
