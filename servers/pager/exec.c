// SPDX-License-Identifier: MIT
// Building a process image from an ELF executable (exec.h): the regions of
// each PT_LOAD segment, the heap and the stack, and the System V initial
// stack. Portable C (no syscalls): the pager, tools/elfmaps and the host
// tests and fuzzer run this same code.
#include "exec.h"
#include <common/string.h>
#include <mk/errno.h>
#include <mk/layout.h>
#include <mk/syscall.h>

#define EXEC_PHENT    56 // sizeof(Elf64_Phdr): AT_PHENT
#define EXEC_WORD     8  // one stack slot (argc, a pointer, an auxv half)
#define EXEC_SP_ALIGN 16 // the psABIs of all three arches: sp 16-byte aligned at entry
#define EXEC_STD_AUX  5  // AT_PHDR (if known), AT_PHENT, AT_PHNUM, AT_PAGESZ, AT_ENTRY

_Static_assert(sizeof(((struct exec_layout *)0)->stack_page) == PAGE_SIZE,
               "stack_page is one page");
// The limits guarantee the initial stack fits its page: strings and argv/envp
// pointers, argc, every auxv pair and AT_NULL, and the sp alignment.
_Static_assert(EXEC_ARGS_MAX + EXEC_WORD * (1 + 2 * (EXEC_STD_AUX + EXEC_AUX_MAX + 1)) +
                       EXEC_SP_ALIGN <=
                   PAGE_SIZE,
               "EXEC_ARGS_MAX and EXEC_AUX_MAX leave room in the stack page");

// MK_PERM_* for ELF p_flags.
static uint32_t seg_prot(uint32_t flags)
{
        return ((flags & ELF_PF_R) ? MK_PERM_R : 0) | ((flags & ELF_PF_W) ? MK_PERM_W : 0) |
               ((flags & ELF_PF_X) ? MK_PERM_X : 0);
}

// The kind of the file-backed part of a segment: writable -> data,
// executable -> text, otherwise read-only data.
static uint8_t seg_kind(uint32_t flags)
{
        if (flags & ELF_PF_W)
                return RK_DATA;
        return (flags & ELF_PF_X) ? RK_TEXT : RK_RODATA;
}

static struct region_desc *add_region(struct exec_layout *out)
{
        struct region_desc *d = &out->regions[out->nregions++];
        memset(d, 0, sizeof(*d));
        return d;
}

// Adds the regions of one segment: the pages holding file bytes (image-backed:
// the pager zeroes a page, then copies the file bytes that overlap it, which
// also gives the zeroed tail of the last one), then the pages after them up to
// vaddr + memsz as bss. elf_parse guarantees no overflow and no shared page.
static void add_segment(struct exec_layout *out, const struct elf_seg *s, const uint8_t *image,
                        uint64_t size, const char *name)
{
        uint64_t start = ALIGN_DOWN(s->vaddr, PAGE_SIZE);
        uint64_t file_end = s->filesz ? ALIGN_UP(s->vaddr + s->filesz, PAGE_SIZE) : start;
        uint64_t end = ALIGN_UP(s->vaddr + s->memsz, PAGE_SIZE);
        uint32_t prot = seg_prot(s->flags);
        if (file_end > start) {
                struct region_desc *d = add_region(out);
                d->start = start;
                d->end = file_end;
                d->prot = prot;
                d->kind = seg_kind(s->flags);
                d->backing = BK_IMAGE;
                d->file_off = s->offset;
                d->file_size = s->filesz;
                d->data_off = s->vaddr - start;
                d->image = image;
                d->image_size = size;
                d->name = name;
        }
        if (end > file_end) {
                struct region_desc *d = add_region(out);
                d->start = file_end;
                d->end = end;
                d->prot = prot;
                d->kind = RK_BSS;
                d->backing = BK_NONE;
        }
}

// Stores one stack word at byte offset `off` of the stack page.
static void put_word(struct exec_layout *out, uint64_t off, uint64_t v)
{
        memcpy(out->stack_page + off, &v, sizeof(v));
}

// Counts a NULL-terminated string vector, adding its string bytes (with NULs)
// to *bytes; stops with -E2BIG as soon as the strings and pointers (`slots`
// pointers already counted, plus n and a NULL) pass EXEC_ARGS_MAX, so it never
// reads far past the limit.
static int count_strings(const char *const v[], uint64_t *n, uint64_t *bytes, uint64_t slots)
{
        *n = 0;
        for (; v && v[*n]; (*n)++) {
                *bytes += strnlen(v[*n], EXEC_ARGS_MAX) + 1;
                if (*bytes + (slots + *n + 1) * EXEC_WORD > EXEC_ARGS_MAX)
                        return -E2BIG;
        }
        return 0;
}

// Copies the strings of v to the stack page at *pos (advancing it) and stores
// their addresses, then a NULL, in the word slots from *slot.
static void put_strings(struct exec_layout *out, const char *const v[], uint64_t n, uint64_t *pos,
                        uint64_t *slot)
{
        uint64_t page_va = EXEC_STACK_TOP - PAGE_SIZE;
        for (uint64_t i = 0; i < n; i++) {
                size_t len = strlen(v[i]) + 1;
                memcpy(out->stack_page + *pos, v[i], len);
                put_word(out, *slot, page_va + *pos);
                *pos += len;
                *slot += EXEC_WORD;
        }
        put_word(out, *slot, 0);
        *slot += EXEC_WORD;
}

static void put_aux(struct exec_layout *out, uint64_t *slot, uint64_t type, uint64_t val)
{
        put_word(out, *slot, type);
        put_word(out, *slot + EXEC_WORD, val);
        *slot += 2 * EXEC_WORD;
}

// Lays out the top stack page (low to high): argc, argv[], NULL, envp[], NULL,
// auxv pairs, AT_NULL, padding, then the argv and envp strings up to
// EXEC_STACK_TOP; sets out->sp to the argc slot (16-byte aligned).
static int build_stack(struct exec_layout *out, const struct elf_image *img,
                       const char *const argv[], const char *const envp[],
                       const struct exec_aux *aux, const char **err)
{
        uint64_t argc, envc, naux = 0, bytes = 0;
        *err = "arguments and environment too long";
        if (count_strings(argv, &argc, &bytes, 0) < 0 ||
            count_strings(envp, &envc, &bytes, argc + 1) < 0 ||
            bytes + (argc + 1 + envc + 1) * EXEC_WORD > EXEC_ARGS_MAX)
                return -E2BIG;
        for (; aux && aux[naux].type != AT_NULL; naux++)
                if (naux == EXEC_AUX_MAX) {
                        *err = "too many auxiliary vector entries";
                        return -E2BIG;
                }
        uint64_t nstd = img->phdr_vaddr ? EXEC_STD_AUX : EXEC_STD_AUX - 1;
        uint64_t nwords = 1 + (argc + 1) + (envc + 1) + 2 * (nstd + naux + 1);
        uint64_t str_off = PAGE_SIZE - bytes;
        uint64_t slot = ALIGN_DOWN(str_off - nwords * EXEC_WORD, EXEC_SP_ALIGN);
        out->sp = EXEC_STACK_TOP - PAGE_SIZE + slot;
        put_word(out, slot, argc);
        slot += EXEC_WORD;
        uint64_t pos = str_off;
        put_strings(out, argv, argc, &pos, &slot);
        put_strings(out, envp, envc, &pos, &slot);
        if (img->phdr_vaddr)
                put_aux(out, &slot, AT_PHDR, img->phdr_vaddr);
        put_aux(out, &slot, AT_PHENT, EXEC_PHENT);
        put_aux(out, &slot, AT_PHNUM, img->phnum);
        put_aux(out, &slot, AT_PAGESZ, PAGE_SIZE);
        put_aux(out, &slot, AT_ENTRY, img->entry);
        for (uint64_t i = 0; i < naux; i++)
                put_aux(out, &slot, aux[i].type, aux[i].val);
        put_aux(out, &slot, AT_NULL, 0);
        return 0;
}

int exec_build(struct exec_layout *out, const uint8_t *image, uint64_t size, uint16_t machine,
               bool allow_wx, const char *name, const char *const argv[], const char *const envp[],
               const struct exec_aux *aux, const char **err)
{
        struct elf_image img;
        const char *why = "";
        int rc;
        if (!err)
                err = &why;
        memset(out, 0, sizeof(*out));
        rc = elf_parse(&img, image, size, machine, MK_USER_BASE, EXEC_STACK_FLOOR, err);
        if (rc < 0)
                return rc;
        for (unsigned i = 0; i < img.nsegs; i++)
                if ((img.segs[i].flags & ELF_PF_W) && (img.segs[i].flags & ELF_PF_X) && !allow_wx) {
                        *err = "PT_LOAD segment both writable and executable (W^X)";
                        return -ENOEXEC;
                }
        if (img.exec_stack && !allow_wx) {
                *err = "executable stack (PT_GNU_STACK with PF_X) breaks W^X";
                return -ENOEXEC;
        }
        for (unsigned i = 0; i < img.nsegs; i++)
                add_segment(out, &img.segs[i], image, size, name);
        out->entry = img.entry;
        out->exec_stack = img.exec_stack;

        // The heap starts empty at the page after the last segment: this
        // region is a placeholder (start == end, which the region tree does
        // not accept); the pager inserts [brk, new break) as RK_HEAP when brk
        // first grows, and lets it grow up to `limit`, below the stack's floor.
        const struct elf_seg *last = &img.segs[img.nsegs - 1];
        out->brk = ALIGN_UP(last->vaddr + last->memsz, PAGE_SIZE);
        struct region_desc *heap = add_region(out);
        heap->start = heap->end = out->brk;
        heap->prot = MK_PERM_R | MK_PERM_W;
        heap->kind = RK_HEAP;
        heap->backing = BK_NONE;
        heap->limit = MIN(out->brk + EXEC_HEAP_MAX, EXEC_STACK_FLOOR);

        struct region_desc *stack = add_region(out);
        stack->start = EXEC_STACK_TOP - EXEC_STACK_INIT;
        stack->end = EXEC_STACK_TOP;
        stack->prot = MK_PERM_R | MK_PERM_W | (img.exec_stack ? MK_PERM_X : 0);
        stack->kind = RK_STACK;
        stack->backing = BK_NONE;
        stack->limit = EXEC_STACK_TOP - EXEC_STACK_MAX;
        stack->guard_below = EXEC_STACK_GUARD;

        rc = build_stack(out, &img, argv, envp, aux, err);
        if (rc < 0)
                out->nregions = 0;
        return rc;
}
