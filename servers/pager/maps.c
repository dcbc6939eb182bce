// SPDX-License-Identifier: MIT
// The maps view: one line per region in the /proc/PID/maps shape. Portable
// (the pager's PGR_MAPS and tools/elfmaps on the host print the same lines).
#include "region_desc.h"
#include <common/fmt.h>
#include <mk/syscall.h>

// What the last column shows: the region's own name (program or file), else
// what Linux shows for that kind ([heap], [stack]), [guard] for explicit guard
// regions, [file] for an unnamed file mapping and [anon] for the rest.
static const char *region_label(const struct region_desc *r)
{
        if (r->name && r->name[0])
                return r->name;
        switch (r->kind) {
        case RK_HEAP:
                return "[heap]";
        case RK_STACK:
                return "[stack]";
        case RK_GUARD:
                return "[guard]";
        default:
                return r->backing == BK_NONE ? "[anon]" : "[file]";
        }
}

// The file offset that backs the region's first byte (the column Linux
// prints): 0 for anonymous regions; for an image region whose data starts
// data_off bytes into its first page, the offset data_off bytes before
// file_off (0 if the segment's page offset exceeds its file offset).
static uint64_t region_offset(const struct region_desc *r)
{
        if (r->backing == BK_NONE)
                return 0;
        return r->file_off >= r->data_off ? r->file_off - r->data_off : 0;
}

int region_format(const struct region_desc *r, char *buf, size_t len)
{
        bool shared = r->kind == RK_ANON_SHARED || r->kind == RK_FILE_SHARED;
        return ksnprintf(buf, len, "%010llx-%010llx %c%c%c%c %08llx %s %s",
                         (unsigned long long)r->start, (unsigned long long)r->end,
                         (r->prot & MK_PERM_R) ? 'r' : '-', (r->prot & MK_PERM_W) ? 'w' : '-',
                         (r->prot & MK_PERM_X) ? 'x' : '-', shared ? 's' : 'p',
                         (unsigned long long)region_offset(r), region_kind_name(r->kind),
                         region_label(r));
}
