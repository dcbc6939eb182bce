// SPDX-License-Identifier: MIT
// ELF64 parser (System V gABI). Every field is checked before use; nothing is
// read outside [data, data + size).
#include <common/elf.h>
#include <common/string.h>
#include <mk/errno.h>

#define PHDR_SIZE sizeof(struct elf64_phdr)
#define MAX_PHNUM 64

_Static_assert(sizeof(struct elf64_ehdr) == 64, "ELF64 file header");
_Static_assert(sizeof(struct elf64_phdr) == 56, "ELF64 program header");

#define FAIL(msg)                                                                                  \
        do {                                                                                       \
                *err = msg;                                                                        \
                return -ENOEXEC;                                                                   \
        } while (0)

int elf_parse(struct elf_image *img, const void *data, uint64_t size, uint16_t machine, uint64_t lo,
              uint64_t hi, const char **err)
{
        struct elf64_ehdr eh;
        memset(img, 0, sizeof(*img));
        if (!data || size < sizeof(eh))
                FAIL("file too short for an ELF header");
        memcpy(&eh, data, sizeof(eh));
        if (memcmp(eh.e_ident,
                   "\x7f"
                   "ELF",
                   4) != 0)
                FAIL("not an ELF file (bad magic)");
        if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB ||
            eh.e_ident[EI_VERSION] != EV_CURRENT)
                FAIL("not a 64-bit little-endian ELF, version 1");
        if (eh.e_type != ET_EXEC)
                FAIL("not an executable (ET_EXEC)");
        if (eh.e_machine != machine)
                FAIL("built for another machine");
        if (eh.e_phentsize != sizeof(struct elf64_phdr) || eh.e_phnum == 0 ||
            eh.e_phnum > MAX_PHNUM)
                FAIL("bad program header size or count");
        if (eh.e_phoff > size || (uint64_t)eh.e_phnum * PHDR_SIZE > size - eh.e_phoff)
                FAIL("program headers lie outside the file");
        img->data = data;
        img->size = size;
        img->entry = eh.e_entry;
        img->phnum = eh.e_phnum;
        for (unsigned i = 0; i < eh.e_phnum; i++) {
                struct elf64_phdr ph;
                memcpy(&ph, (const uint8_t *)data + eh.e_phoff + (uint64_t)i * PHDR_SIZE,
                       sizeof(ph));
                if (ph.p_type == PT_GNU_STACK) {
                        img->exec_stack = ph.p_flags & ELF_PF_X;
                        continue;
                }
                if (ph.p_type != PT_LOAD)
                        continue;
                if (ph.p_filesz > ph.p_memsz)
                        FAIL("PT_LOAD with filesz > memsz");
                if (ph.p_offset > size || ph.p_filesz > size - ph.p_offset)
                        FAIL("PT_LOAD file bytes lie outside the file");
                if (ph.p_memsz == 0)
                        continue;
                if (ph.p_vaddr < lo || ph.p_vaddr >= hi || ph.p_memsz > hi - ph.p_vaddr)
                        FAIL("PT_LOAD outside the user address range");
                if (img->nsegs == ELF_MAX_SEGS)
                        FAIL("too many PT_LOAD segments");
                struct elf_seg s = {ph.p_vaddr, ph.p_memsz, ph.p_offset, ph.p_filesz,
                                    ph.p_flags & 7};
                // Insert sorted; reject overlap at page granularity (segments
                // sharing a page would need two permissions for it).
                unsigned k = img->nsegs;
                while (k > 0 && img->segs[k - 1].vaddr > s.vaddr) {
                        img->segs[k] = img->segs[k - 1];
                        k--;
                }
                img->segs[k] = s;
                img->nsegs++;
                // AT_PHDR: only if the whole table is among the file bytes
                // this segment loads (the phnum check above bounds phsize).
                uint64_t phsize = (uint64_t)eh.e_phnum * PHDR_SIZE;
                if (ph.p_offset <= eh.e_phoff && ph.p_filesz >= phsize &&
                    eh.e_phoff - ph.p_offset <= ph.p_filesz - phsize)
                        img->phdr_vaddr = ph.p_vaddr + (eh.e_phoff - ph.p_offset);
        }
        if (img->nsegs == 0)
                FAIL("no loadable segment");
        for (unsigned i = 1; i < img->nsegs; i++) {
                const struct elf_seg *a = &img->segs[i - 1], *b = &img->segs[i];
                if (ALIGN_UP(a->vaddr + a->memsz, 4096) > ALIGN_DOWN(b->vaddr, 4096))
                        FAIL("PT_LOAD segments overlap (or share a page)");
        }
        for (unsigned i = 0; i < img->nsegs; i++) {
                const struct elf_seg *s = &img->segs[i];
                if (img->entry >= s->vaddr && img->entry - s->vaddr < s->memsz) {
                        if (!(s->flags & ELF_PF_X))
                                FAIL("entry point in a non-executable segment");
                        return 0;
                }
        }
        FAIL("entry point outside every segment");
}
