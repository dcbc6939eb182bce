// SPDX-License-Identifier: MIT
// ELF64 parser (System V gABI). Every field is checked before use; nothing is
// read outside [data, data + size).
#include <common/elf.h>
#include <common/string.h>
#include <mk/errno.h>

#define EI_NIDENT    16
#define ELFCLASS64   2
#define ELFDATA2LSB  1
#define EV_CURRENT   1
#define ET_EXEC      2
#define PT_LOAD      1
#define PT_PHDR      6
#define PT_GNU_STACK 0x6474e551
#define EHDR_SIZE    64
#define PHDR_SIZE    56
#define MAX_PHNUM    64

struct ehdr {
        uint8_t ident[EI_NIDENT];
        uint16_t type, machine;
        uint32_t version;
        uint64_t entry, phoff, shoff;
        uint32_t flags;
        uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct phdr {
        uint32_t type, flags;
        uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

#define FAIL(msg)                                                                                  \
        do {                                                                                       \
                *err = msg;                                                                        \
                return -ENOEXEC;                                                                   \
        } while (0)

int elf_parse(struct elf_image *img, const void *data, uint64_t size, uint16_t machine, uint64_t lo,
              uint64_t hi, const char **err)
{
        struct ehdr eh;
        memset(img, 0, sizeof(*img));
        if (!data || size < EHDR_SIZE)
                FAIL("file too short for an ELF header");
        memcpy(&eh, data, sizeof(eh));
        if (memcmp(eh.ident,
                   "\x7f"
                   "ELF",
                   4) != 0)
                FAIL("not an ELF file (bad magic)");
        if (eh.ident[4] != ELFCLASS64 || eh.ident[5] != ELFDATA2LSB || eh.ident[6] != EV_CURRENT)
                FAIL("not a 64-bit little-endian ELF, version 1");
        if (eh.type != ET_EXEC)
                FAIL("not an executable (ET_EXEC)");
        if (eh.machine != machine)
                FAIL("built for another machine");
        if (eh.phentsize != PHDR_SIZE || eh.phnum == 0 || eh.phnum > MAX_PHNUM)
                FAIL("bad program header size or count");
        if (eh.phoff > size || (uint64_t)eh.phnum * PHDR_SIZE > size - eh.phoff)
                FAIL("program headers lie outside the file");
        img->data = data;
        img->size = size;
        img->entry = eh.entry;
        img->phnum = eh.phnum;
        for (unsigned i = 0; i < eh.phnum; i++) {
                struct phdr ph;
                memcpy(&ph, (const uint8_t *)data + eh.phoff + (uint64_t)i * PHDR_SIZE, sizeof(ph));
                if (ph.type == PT_GNU_STACK) {
                        img->exec_stack = ph.flags & ELF_PF_X;
                        continue;
                }
                if (ph.type != PT_LOAD)
                        continue;
                if (ph.filesz > ph.memsz)
                        FAIL("PT_LOAD with filesz > memsz");
                if (ph.offset > size || ph.filesz > size - ph.offset)
                        FAIL("PT_LOAD file bytes lie outside the file");
                if (ph.memsz == 0)
                        continue;
                if (ph.vaddr < lo || ph.vaddr >= hi || ph.memsz > hi - ph.vaddr)
                        FAIL("PT_LOAD outside the user address range");
                if (img->nsegs == ELF_MAX_SEGS)
                        FAIL("too many PT_LOAD segments");
                struct elf_seg s = {ph.vaddr, ph.memsz, ph.offset, ph.filesz, ph.flags & 7};
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
                uint64_t phsize = (uint64_t)eh.phnum * PHDR_SIZE;
                if (ph.offset <= eh.phoff && ph.filesz >= phsize &&
                    eh.phoff - ph.offset <= ph.filesz - phsize)
                        img->phdr_vaddr = ph.vaddr + (eh.phoff - ph.offset);
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
