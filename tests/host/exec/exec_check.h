// SPDX-License-Identifier: MIT
// What every successful exec_build guarantees, checked from the outside:
// shared by the unit tests, the smoke test and the fuzz target. Also parses
// the initial stack page back (argc, argv, envp, auxv).
#pragma once
#include "../../../servers/pager/exec.h"
#include <common/elf.h>
#include <mk/layout.h>
#include <mk/syscall.h>
#include <string.h>

#define XC_PAGE      4096ull
#define XC_WORD      8ull
#define XC_MAX_WORD  (XC_PAGE / XC_WORD)
#define XC_PHENT     56 // sizeof(Elf64_Phdr)
#define XC_E_PHOFF   32 // e_phoff in the ELF header
#define XC_E_MACHINE 18 // e_machine

struct exec_stack_view {
        uint64_t argc, envc, naux;
        const char *argv[XC_MAX_WORD], *envp[XC_MAX_WORD];
        uint64_t aux[XC_MAX_WORD][2];
};

static inline uint64_t xc_word(const struct exec_layout *l, uint64_t va)
{
        uint64_t v;
        memcpy(&v, l->stack_page + (va - (EXEC_STACK_TOP - XC_PAGE)), sizeof(v));
        return v;
}

// A string pointer on the stack page: NULL unless it lies in the page and its
// NUL does too.
static inline const char *xc_string(const struct exec_layout *l, uint64_t va)
{
        uint64_t base = EXEC_STACK_TOP - XC_PAGE;
        if (va < base || va >= EXEC_STACK_TOP)
                return NULL;
        const char *s = (const char *)l->stack_page + (va - base);
        return memchr(s, 0, EXEC_STACK_TOP - va) ? s : NULL;
}

// Reads argc, argv[], NULL, envp[], NULL and the auxv pairs up to AT_NULL
// from l->sp; returns NULL or what is wrong with the stack page.
static inline const char *exec_parse_stack(const struct exec_layout *l, struct exec_stack_view *v)
{
        uint64_t base = EXEC_STACK_TOP - XC_PAGE, sp = l->sp;
        if (sp % 16 || sp < base || sp >= EXEC_STACK_TOP)
                return "sp not 16-byte aligned inside the stack page";
        memset(v, 0, sizeof(*v));
        v->argc = xc_word(l, sp);
        sp += XC_WORD;
        for (uint64_t i = 0;; i++, sp += XC_WORD) {
                if (sp + XC_WORD > EXEC_STACK_TOP || i >= XC_MAX_WORD)
                        return "argv runs off the stack page";
                uint64_t p = xc_word(l, sp);
                if (!p) {
                        if (i != v->argc)
                                return "argc does not match argv";
                        sp += XC_WORD;
                        break;
                }
                if (!(v->argv[i] = xc_string(l, p)))
                        return "argv pointer outside the stack page";
        }
        for (;; sp += XC_WORD) {
                if (sp + XC_WORD > EXEC_STACK_TOP || v->envc >= XC_MAX_WORD)
                        return "envp runs off the stack page";
                uint64_t p = xc_word(l, sp);
                if (!p) {
                        sp += XC_WORD;
                        break;
                }
                if (!(v->envp[v->envc++] = xc_string(l, p)))
                        return "envp pointer outside the stack page";
        }
        for (;; sp += 2 * XC_WORD) {
                if (sp + 2 * XC_WORD > EXEC_STACK_TOP || v->naux >= XC_MAX_WORD)
                        return "auxv runs off the stack page";
                uint64_t t = xc_word(l, sp), val = xc_word(l, sp + XC_WORD);
                if (t == AT_NULL)
                        break;
                v->aux[v->naux][0] = t;
                v->aux[v->naux++][1] = val;
        }
        return NULL;
}

// The value of auxv entry `type`, or def if absent.
static inline uint64_t exec_aux_get(const struct exec_stack_view *v, uint64_t type, uint64_t def)
{
        for (uint64_t i = 0; i < v->naux; i++)
                if (v->aux[i][0] == type)
                        return v->aux[i][1];
        return def;
}

// AT_PHDR, when given, must point at the whole program header table as a
// region loads it: the bytes there are the file's bytes at e_phoff.
static inline const char *exec_check_phdr(const struct exec_layout *l, const uint8_t *image,
                                          uint64_t size, uint64_t phdr, uint64_t phnum)
{
        uint64_t phoff, len = phnum * XC_PHENT;
        if (!phdr)
                return NULL;
        memcpy(&phoff, image + XC_E_PHOFF, sizeof(phoff));
        for (int i = 0; i < l->nregions; i++) {
                const struct region_desc *d = &l->regions[i];
                uint64_t lo = d->start + d->data_off;
                if (d->backing != BK_IMAGE || phdr < lo || phdr - lo > d->file_size ||
                    len > d->file_size - (phdr - lo))
                        continue;
                if (memcmp(image + d->file_off + (phdr - lo), image + phoff, len) != 0)
                        return "AT_PHDR points at other bytes than the program headers";
                return NULL;
        }
        return "AT_PHDR table not (entirely) loaded";
}

// The page at va of image-backed region r as the pager fills it (the
// region_desc contract: file bytes [file_off, file_off + file_size) at
// start + data_off, zeros elsewhere).
static inline void xc_fill(const struct region_desc *r, uint64_t va, uint8_t *page)
{
        uint64_t lo = va - r->start, hi = lo + XC_PAGE;
        uint64_t flo = r->data_off, fhi = r->data_off + r->file_size;
        uint64_t a = lo > flo ? lo : flo, b = hi < fhi ? hi : fhi;
        memset(page, 0, XC_PAGE);
        if (a < b)
                memcpy(page + (a - lo), r->image + r->file_off + (a - flo), b - a);
}

// The page at va as the ELF says it must read: each segment's file bytes at
// its vaddr, zeros up to memsz, zeros where no segment is.
static inline void xc_expect(const struct elf_image *e, uint64_t va, uint8_t *page)
{
        memset(page, 0, XC_PAGE);
        for (unsigned i = 0; i < e->nsegs; i++) {
                const struct elf_seg *s = &e->segs[i];
                uint64_t a = s->vaddr > va ? s->vaddr : va;
                uint64_t b =
                    s->vaddr + s->filesz < va + XC_PAGE ? s->vaddr + s->filesz : va + XC_PAGE;
                if (a < b)
                        memcpy(page + (a - va), e->data + s->offset + (a - s->vaddr), b - a);
        }
}

// Every segment byte is covered by a region with the segment's permissions,
// and every page of an image-backed region reads as the ELF says; bss
// regions hold no file bytes.
static inline const char *exec_check_contents(const struct exec_layout *l, const uint8_t *image,
                                              uint64_t size)
{
        static struct elf_image e;
        static uint8_t got[XC_PAGE], want[XC_PAGE];
        const char *err;
        uint16_t machine;
        memcpy(&machine, image + XC_E_MACHINE, sizeof(machine));
        if (elf_parse(&e, image, size, machine, MK_USER_BASE, EXEC_STACK_FLOOR, &err))
                return "layout built from an image elf_parse refuses";
        int r = 0;
        for (unsigned i = 0; i < e.nsegs; i++) {
                const struct elf_seg *s = &e.segs[i];
                uint64_t va = s->vaddr & ~(XC_PAGE - 1), end = s->vaddr + s->memsz;
                for (; va < end; va = l->regions[r++].end) {
                        const struct region_desc *d = &l->regions[r];
                        if (r >= l->nregions - 2 || d->start != va)
                                return "segment not covered by consecutive regions";
                        if (d->prot != ((s->flags & ELF_PF_R ? MK_PERM_R : 0) |
                                        (s->flags & ELF_PF_W ? MK_PERM_W : 0) |
                                        (s->flags & ELF_PF_X ? MK_PERM_X : 0)))
                                return "region permissions differ from p_flags";
                        if (d->kind == RK_BSS && s->filesz && s->vaddr + s->filesz > d->start)
                                return "file bytes in a bss region";
                        for (uint64_t p = d->start; d->backing == BK_IMAGE && p < d->end;
                             p += XC_PAGE) {
                                xc_fill(d, p, got);
                                xc_expect(&e, p, want);
                                if (memcmp(got, want, XC_PAGE) != 0)
                                        return "an image page does not read as the ELF says";
                        }
                }
                if (va != ((end + XC_PAGE - 1) & ~(XC_PAGE - 1)))
                        return "regions overshoot the segment";
        }
        if (r != l->nregions - 2)
                return "regions beyond the segments";
        return NULL;
}

// Checks the invariants of a layout exec_build returned 0 for: segment
// regions sorted, page-aligned, non-empty, inside [MK_USER_BASE,
// EXEC_STACK_FLOOR), kinds matching permissions, image references inside the
// image, W^X unless allowed, the entry in an executable region, the heap
// placeholder at brk, the stack, and a well-formed initial stack. Returns NULL
// or what is broken.
static inline const char *exec_layout_check(const struct exec_layout *l, const uint8_t *image,
                                            uint64_t size, bool allow_wx)
{
        if (l->nregions < 3 || l->nregions > EXEC_MAX_REGIONS)
                return "region count out of range";
        uint64_t prev_end = MK_USER_BASE;
        bool entry_ok = false;
        for (int i = 0; i < l->nregions - 2; i++) {
                const struct region_desc *d = &l->regions[i];
                if ((d->start | d->end) % XC_PAGE)
                        return "unaligned segment region";
                if (d->start >= d->end)
                        return "empty segment region";
                if (d->start < prev_end)
                        return "segment regions unsorted or overlapping";
                if (d->end > EXEC_STACK_FLOOR)
                        return "segment region above the stack floor";
                prev_end = d->end;
                bool w = d->prot & MK_PERM_W, x = d->prot & MK_PERM_X;
                if (w && x && !allow_wx)
                        return "W+X region";
                if (x && l->entry >= d->start && l->entry < d->end)
                        entry_ok = true;
                switch (d->kind) {
                case RK_TEXT:
                case RK_RODATA:
                case RK_DATA:
                        if (d->backing != BK_IMAGE || d->image != image || d->image_size != size)
                                return "file-backed region without the image";
                        if (d->file_off > size || d->file_size > size - d->file_off ||
                            d->file_size == 0)
                                return "region's file bytes outside the image";
                        if (d->data_off >= XC_PAGE ||
                            d->data_off + d->file_size > d->end - d->start ||
                            d->end - d->start - (d->data_off + d->file_size) >= XC_PAGE)
                                return "region's file bytes do not fill it to its last page";
                        if ((d->kind == RK_DATA) != w || (d->kind == RK_TEXT && !x) ||
                            (d->kind == RK_RODATA && x))
                                return "region kind does not match its permissions";
                        break;
                case RK_BSS:
                        if (d->backing != BK_NONE)
                                return "bss region with a backing";
                        break;
                default:
                        return "unexpected segment region kind";
                }
        }
        const struct region_desc *heap = &l->regions[l->nregions - 2];
        const struct region_desc *stack = &l->regions[l->nregions - 1];
        if (heap->kind != RK_HEAP || heap->start != l->brk || heap->end != l->brk ||
            l->brk != prev_end || heap->limit < l->brk || heap->limit > EXEC_STACK_FLOOR ||
            heap->prot != (MK_PERM_R | MK_PERM_W))
                return "bad heap placeholder";
        if (stack->kind != RK_STACK || stack->end != EXEC_STACK_TOP ||
            stack->start != EXEC_STACK_TOP - EXEC_STACK_INIT ||
            stack->limit != EXEC_STACK_TOP - EXEC_STACK_MAX ||
            stack->guard_below != EXEC_STACK_GUARD ||
            stack->prot != (MK_PERM_R | MK_PERM_W | (l->exec_stack ? MK_PERM_X : 0)))
                return "bad stack region";
        if (!entry_ok)
                return "entry point not in an executable region";
        static struct exec_stack_view v;
        const char *why = exec_parse_stack(l, &v);
        if (why)
                return why;
        if (exec_aux_get(&v, AT_PAGESZ, 0) != XC_PAGE ||
            exec_aux_get(&v, AT_ENTRY, 0) != l->entry || exec_aux_get(&v, AT_PHENT, 0) != XC_PHENT)
                return "auxv lacks AT_PAGESZ, AT_ENTRY or AT_PHENT";
        why = exec_check_phdr(l, image, size, exec_aux_get(&v, AT_PHDR, 0),
                              exec_aux_get(&v, AT_PHNUM, 0));
        return why ? why : exec_check_contents(l, image, size);
}
