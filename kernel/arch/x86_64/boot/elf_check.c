// SPDX-License-Identifier: MIT
// The loader's use of the kernel's ELF validator (see elf_check.h).
#include "elf_check.h"
#include <common/string.h>

// The last page of the address space is never part of the span, so page
// rounding never wraps.
#define ELF_SPAN_TOP (0 - PAGE_SIZE)

const char *elf_check(const void *file, uint64_t len, uint64_t min_vaddr, struct kernel_image *img)
{
        const char *err = NULL;
        if (elf_parse(&img->elf, file, len, ELF_EM_X86_64, min_vaddr, ELF_SPAN_TOP, &err))
                return err;
        // elf_parse sorts the segments and keeps them page-disjoint: the last
        // one ends highest.
        const struct elf_seg *first = &img->elf.segs[0];
        const struct elf_seg *last = &img->elf.segs[img->elf.nsegs - 1];
        img->span_base = ALIGN_DOWN(first->vaddr, PAGE_SIZE);
        img->span_size = ALIGN_UP(last->vaddr + last->memsz, PAGE_SIZE) - img->span_base;
        return NULL;
}

void elf_load(const struct kernel_image *img, void *dst)
{
        uint8_t *d = dst;
        memset(d, 0, img->span_size);
        for (unsigned i = 0; i < img->elf.nsegs; i++) {
                const struct elf_seg *s = &img->elf.segs[i];
                memcpy(d + (s->vaddr - img->span_base), img->elf.data + s->offset, s->filesz);
        }
}
