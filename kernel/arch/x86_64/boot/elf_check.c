// SPDX-License-Identifier: MIT
// ELF64 validation and segment copying for the loader (see elf_check.h).
// Every offset and size comes from an untrusted file: sums are checked for
// overflow before use and headers are copied out, never accessed in place.
#include "elf_check.h"
#include "elf64.h"

// Reads program header i of a file whose table was bounds-checked.
static struct elf64_phdr elf_phdr(const void *file, uint64_t phoff, unsigned i)
{
        struct elf64_phdr ph;
        __builtin_memcpy(&ph, (const uint8_t *)file + phoff + i * sizeof(ph), sizeof(ph));
        return ph;
}

// Whether [off, off + size) lies inside a file of len bytes.
static int elf_in_file(uint64_t off, uint64_t size, uint64_t len)
{
        return off <= len && size <= len - off;
}

// Last byte of a PT_LOAD segment with p_memsz > 0 (no overflow: checked).
static uint64_t elf_seg_last(const struct elf64_phdr *ph)
{
        return ph->p_vaddr + (ph->p_memsz - 1);
}

// Checks the file header (everything but the program headers).
static const char *elf_check_ehdr(const struct elf64_ehdr *eh, uint64_t len)
{
        if (eh->e_ident[EI_MAG0] != ELFMAG0 || eh->e_ident[EI_MAG1] != ELFMAG1 ||
            eh->e_ident[EI_MAG2] != ELFMAG2 || eh->e_ident[EI_MAG3] != ELFMAG3)
                return "not an ELF file (bad magic)";
        if (eh->e_ident[EI_CLASS] != ELFCLASS64)
                return "not ELF64";
        if (eh->e_ident[EI_DATA] != ELFDATA2LSB)
                return "not little endian";
        if (eh->e_ident[EI_VERSION] != EV_CURRENT || eh->e_version != EV_CURRENT)
                return "unknown ELF version";
        if (eh->e_machine != EM_X86_64)
                return "not an x86_64 file (e_machine)";
        if (eh->e_type != ET_EXEC)
                return "not an executable (e_type is not ET_EXEC)";
        if (eh->e_phentsize != sizeof(struct elf64_phdr))
                return "bad program header size (e_phentsize)";
        if (eh->e_phnum == 0)
                return "no program headers";
        if (eh->e_phnum > ELF_MAX_PHDRS)
                return "too many program headers";
        if (!elf_in_file(eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(struct elf64_phdr), len))
                return "program headers outside the file";
        return 0;
}

// Checks one PT_LOAD segment on its own.
static const char *elf_check_load(const struct elf64_phdr *ph, uint64_t len, uint64_t min_vaddr)
{
        if (ph->p_filesz > ph->p_memsz)
                return "PT_LOAD filesz > memsz";
        if (!elf_in_file(ph->p_offset, ph->p_filesz, len))
                return "PT_LOAD file range outside the file";
        if (ph->p_vaddr < min_vaddr)
                return "PT_LOAD vaddr below the kernel base";
        if (ph->p_memsz && ph->p_memsz - 1 > UINT64_MAX - ph->p_vaddr)
                return "PT_LOAD vaddr + memsz overflows";
        return 0;
}

// Validates an ELF executable for loading at or above min_vaddr (see elf_check.h).
const char *elf_check(const void *file, uint64_t len, uint64_t min_vaddr, struct elf_image *img)
{
        struct elf64_ehdr eh;
        const char *err;
        uint64_t lo = UINT64_MAX, hi = 0;
        int entry_ok = 0, nload = 0;

        img->bad_phdr = -1;
        if (len < sizeof(eh))
                return "file too short for an ELF header";
        __builtin_memcpy(&eh, file, sizeof(eh));
        if ((err = elf_check_ehdr(&eh, len)))
                return err;
        for (unsigned i = 0; i < eh.e_phnum; i++) {
                struct elf64_phdr ph = elf_phdr(file, eh.e_phoff, i);
                if (ph.p_type != PT_LOAD)
                        continue;
                img->bad_phdr = (int)i;
                if ((err = elf_check_load(&ph, len, min_vaddr)))
                        return err;
                if (ph.p_memsz == 0)
                        continue;
                for (unsigned j = 0; j < i; j++) {
                        struct elf64_phdr q = elf_phdr(file, eh.e_phoff, j);
                        if (q.p_type == PT_LOAD && q.p_memsz && ph.p_vaddr <= elf_seg_last(&q) &&
                            q.p_vaddr <= elf_seg_last(&ph))
                                return "PT_LOAD overlaps an earlier PT_LOAD";
                }
                nload++;
                lo = ph.p_vaddr < lo ? ph.p_vaddr : lo;
                hi = elf_seg_last(&ph) > hi ? elf_seg_last(&ph) : hi;
                if (eh.e_entry >= ph.p_vaddr && eh.e_entry <= elf_seg_last(&ph))
                        entry_ok = 1;
        }
        img->bad_phdr = -1;
        if (nload == 0)
                return "no PT_LOAD segment with memsz > 0";
        if (!entry_ok)
                return "entry point outside every PT_LOAD segment";
        img->span_base = lo & ~(ELF_PAGE_SIZE - 1);
        // hi | (page - 1) is the last byte of hi's page: the span is one
        // more than the distance, which must not be all of 2^64.
        uint64_t last = (hi | (ELF_PAGE_SIZE - 1)) - img->span_base;
        if (last == UINT64_MAX)
                return "PT_LOAD segments cover the whole address space";
        img->entry = eh.e_entry;
        img->span_size = last + 1;
        img->phoff = eh.e_phoff;
        img->phnum = eh.e_phnum;
        return 0;
}

// Copies the PT_LOAD segments into the zeroed span at dst (see elf_check.h).
void elf_load(const void *file, const struct elf_image *img, void *dst)
{
        uint8_t *d = dst;
        __builtin_memset(d, 0, img->span_size);
        for (unsigned i = 0; i < img->phnum; i++) {
                struct elf64_phdr ph = elf_phdr(file, img->phoff, i);
                if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
                        continue;
                __builtin_memcpy(d + (ph.p_vaddr - img->span_base),
                                 (const uint8_t *)file + ph.p_offset, ph.p_filesz);
        }
}
