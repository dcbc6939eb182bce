// SPDX-License-Identifier: MIT
// The elf fuzz target's second half (elf.c calls it): the x86_64 UEFI
// loader's validation and copy (kernel/arch/x86_64/boot/elf_check.c over the
// kernel's elf_parse), checked against the file's own program headers.
#include "elf_loader.h"
#include "elf_check.h"
#include "fuzz.h"

#define LOADER_MAX_SPAN (64u << 10) // copied with elf_load when no larger

// Checks an accepted image against the file, then loads it and checks the copy.
static const char *loader_check(const uint8_t *data, size_t size, uint64_t min_vaddr,
                                const struct kernel_image *img, uint64_t *digest)
{
        struct elf64_ehdr eh;
        if (img->span_base & (PAGE_SIZE - 1) || img->span_size & (PAGE_SIZE - 1) || !img->span_size)
                return "elf_check: span not whole pages";
        if (img->span_base < (min_vaddr & ~(PAGE_SIZE - 1)))
                return "elf_check: span below min_vaddr";
        if (img->elf.entry < img->span_base || img->elf.entry - img->span_base >= img->span_size)
                return "elf_check: entry outside the span";
        if (size < sizeof(eh))
                return "elf_check: accepted a file shorter than its header";
        memcpy(&eh, data, sizeof(eh));
        if (!eh.e_phnum || eh.e_phoff > size ||
            (uint64_t)eh.e_phnum * sizeof(struct elf64_phdr) > size - eh.e_phoff)
                return "elf_check: program headers outside the file";
        for (unsigned i = 0; i < eh.e_phnum; i++) {
                struct elf64_phdr ph;
                memcpy(&ph, data + eh.e_phoff + i * sizeof(ph), sizeof(ph));
                if (ph.p_type != PT_LOAD || !ph.p_memsz)
                        continue;
                if (ph.p_vaddr < img->span_base ||
                    ph.p_vaddr - img->span_base > img->span_size - ph.p_memsz ||
                    ph.p_memsz > img->span_size || ph.p_filesz > ph.p_memsz || ph.p_offset > size ||
                    ph.p_filesz > size - ph.p_offset)
                        return "elf_check: a PT_LOAD outside the span or the file";
        }
        fuzz_hash64(digest, img->elf.entry);
        fuzz_hash64(digest, img->span_base);
        fuzz_hash64(digest, img->span_size);
        if (img->span_size > LOADER_MAX_SPAN)
                return NULL;
        uint8_t *dst = malloc(img->span_size);
        memset(dst, 0xee, img->span_size);
        elf_load(img, dst);
        // Every byte is a file byte of a segment or zero (segments do not overlap).
        const char *why = NULL;
        for (unsigned i = 0; i < eh.e_phnum && !why; i++) {
                struct elf64_phdr ph;
                memcpy(&ph, data + eh.e_phoff + i * sizeof(ph), sizeof(ph));
                if (ph.p_type != PT_LOAD || !ph.p_memsz)
                        continue;
                const uint8_t *at = dst + (ph.p_vaddr - img->span_base);
                if (memcmp(at, data + ph.p_offset, ph.p_filesz))
                        why = "elf_load: segment bytes differ from the file";
                for (uint64_t k = ph.p_filesz; k < ph.p_memsz && !why; k++)
                        if (at[k])
                                why = "elf_load: bss not zeroed";
        }
        fuzz_hash(digest, dst, img->span_size);
        free(dst);
        return why;
}

const char *fuzz_elf_loader(const uint8_t *data, size_t size, uint64_t *digest)
{
        static const uint64_t min_vaddrs[] = {0, FUZZ_KERNEL_VBASE};
        for (unsigned k = 0; k < ARRAY_SIZE(min_vaddrs); k++) {
                struct kernel_image img;
                const char *err = elf_check(data, size, min_vaddrs[k], &img);
                if (err) {
                        if (!*err)
                                return "elf_check: an empty error message";
                        fuzz_hash(digest, err, strlen(err));
                        continue;
                }
                const char *why = loader_check(data, size, min_vaddrs[k], &img, digest);
                if (why)
                        return why;
        }
        return NULL;
}

bool fuzz_elf_loader_accepts(const uint8_t *data, size_t size, uint64_t *digest)
{
        struct kernel_image img;
        return !elf_check(data, size, FUZZ_KERNEL_VBASE, &img);
}
