// SPDX-License-Identifier: MIT
// Filling a frame from a VFS file (target only: it uses mk_pread).
#include "pagerlib_int.h"
#include <mk/file.h>

int mkp_fill_file(const struct mkp_frame *f, long fd, uint64_t page_index)
{
        long n = mk_pread(fd, f->va, MK_PAGE_SIZE, (int64_t)(page_index * MK_PAGE_SIZE));
        if (n < 0)
                return (int)n;
        memset((char *)f->va + n, 0, MK_PAGE_SIZE - (size_t)n);
        return 0;
}
