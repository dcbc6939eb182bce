// SPDX-License-Identifier: MIT
// A tiny ELF64 writer for host tests and fuzz seeds: an ELF header, a program
// header table and segment bytes, with field offsets so tests can corrupt any
// field afterwards. Every file byte that no header covers holds eb_byte(off),
// so tests can check which file bytes a region points at.
#pragma once
#include <stdint.h>
#include <string.h>

// ELF header field offsets (System V gABI, ELF64).
#define EB_EI_CLASS    4
#define EB_EI_DATA     5
#define EB_EI_VERSION  6
#define EB_E_TYPE      16
#define EB_E_MACHINE   18
#define EB_E_VERSION   20
#define EB_E_ENTRY     24
#define EB_E_PHOFF     32
#define EB_E_EHSIZE    52
#define EB_E_PHENTSIZE 54
#define EB_E_PHNUM     56
#define EB_EHDR_SIZE   64
// Program header field offsets.
#define EB_P_TYPE    0
#define EB_P_FLAGS   4
#define EB_P_OFFSET  8
#define EB_P_VADDR   16
#define EB_P_PADDR   24
#define EB_P_FILESZ  32
#define EB_P_MEMSZ   40
#define EB_P_ALIGN   48
#define EB_PHDR_SIZE 56
// Values.
#define EB_ELFCLASS64   2
#define EB_ELFDATA2LSB  1
#define EB_EV_CURRENT   1
#define EB_ET_EXEC      2
#define EB_ET_DYN       3
#define EB_PT_LOAD      1
#define EB_PT_NOTE      4
#define EB_PT_PHDR      6
#define EB_PT_GNU_STACK 0x6474e551u
#define EB_PF_X         1
#define EB_PF_W         2
#define EB_PF_R         4

#define EB_MAX_PH 80

struct eb_ph {
        uint32_t type, flags;
        uint64_t offset, vaddr, filesz, memsz;
};

// What to write: a header for `machine` with `entry`, the program headers at
// phoff (EB_EHDR_SIZE when 0), and a file of `size` bytes (at least big
// enough for the headers and every segment's file bytes when 0).
struct eb_spec {
        uint16_t machine;
        uint64_t entry;
        uint64_t phoff;
        uint64_t size;
        unsigned nph;
        struct eb_ph ph[EB_MAX_PH];
};

static inline uint8_t eb_byte(uint64_t off)
{
        return (uint8_t)(off * 7 + 3);
}

static inline void eb_put16(uint8_t *p, uint16_t v)
{
        memcpy(p, &v, sizeof(v));
}
static inline void eb_put32(uint8_t *p, uint32_t v)
{
        memcpy(p, &v, sizeof(v));
}
static inline void eb_put64(uint8_t *p, uint64_t v)
{
        memcpy(p, &v, sizeof(v));
}
static inline uint64_t eb_get64(const uint8_t *p)
{
        uint64_t v;
        memcpy(&v, p, sizeof(v));
        return v;
}

// Where program header i is in an image written from s.
static inline uint64_t eb_ph_off(const struct eb_spec *s, unsigned i)
{
        return (s->phoff ? s->phoff : EB_EHDR_SIZE) + (uint64_t)i * EB_PHDR_SIZE;
}

// The file size eb_write produces for s.
static inline uint64_t eb_size(const struct eb_spec *s)
{
        uint64_t n = eb_ph_off(s, s->nph);
        for (unsigned i = 0; i < s->nph; i++)
                if (s->ph[i].type == EB_PT_LOAD && s->ph[i].offset + s->ph[i].filesz > n)
                        n = s->ph[i].offset + s->ph[i].filesz;
        return s->size ? s->size : n;
}

// Writes the image into buf (cap bytes); returns its size, or 0 if it does
// not fit.
static inline uint64_t eb_write(const struct eb_spec *s, uint8_t *buf, uint64_t cap)
{
        uint64_t n = eb_size(s);
        if (n > cap || n < EB_EHDR_SIZE || eb_ph_off(s, s->nph) > n)
                return 0;
        for (uint64_t i = 0; i < n; i++)
                buf[i] = eb_byte(i);
        memset(buf, 0, EB_EHDR_SIZE);
        memcpy(buf,
               "\x7f"
               "ELF",
               4);
        buf[EB_EI_CLASS] = EB_ELFCLASS64;
        buf[EB_EI_DATA] = EB_ELFDATA2LSB;
        buf[EB_EI_VERSION] = EB_EV_CURRENT;
        eb_put16(buf + EB_E_TYPE, EB_ET_EXEC);
        eb_put16(buf + EB_E_MACHINE, s->machine);
        eb_put32(buf + EB_E_VERSION, EB_EV_CURRENT);
        eb_put64(buf + EB_E_ENTRY, s->entry);
        eb_put64(buf + EB_E_PHOFF, s->phoff ? s->phoff : EB_EHDR_SIZE);
        eb_put16(buf + EB_E_EHSIZE, EB_EHDR_SIZE);
        eb_put16(buf + EB_E_PHENTSIZE, EB_PHDR_SIZE);
        eb_put16(buf + EB_E_PHNUM, (uint16_t)s->nph);
        for (unsigned i = 0; i < s->nph; i++) {
                uint8_t *p = buf + eb_ph_off(s, i);
                const struct eb_ph *h = &s->ph[i];
                memset(p, 0, EB_PHDR_SIZE);
                eb_put32(p + EB_P_TYPE, h->type);
                eb_put32(p + EB_P_FLAGS, h->flags);
                eb_put64(p + EB_P_OFFSET, h->offset);
                eb_put64(p + EB_P_VADDR, h->vaddr);
                eb_put64(p + EB_P_PADDR, h->vaddr);
                eb_put64(p + EB_P_FILESZ, h->filesz);
                eb_put64(p + EB_P_MEMSZ, h->memsz);
                eb_put64(p + EB_P_ALIGN, 0x1000);
        }
        return n;
}

// A typical program as lld links it with libsys/user.ld: text RX, rodata R,
// data RW whose bss runs two pages past the file bytes, and PT_GNU_STACK RW.
static inline struct eb_spec eb_typical(uint16_t machine)
{
        struct eb_spec s = {.machine = machine, .entry = 0x400100, .nph = 4};
        s.ph[0] = (struct eb_ph){EB_PT_LOAD, EB_PF_R | EB_PF_X, 0x1000, 0x400000, 0x1c82, 0x1c82};
        s.ph[1] = (struct eb_ph){EB_PT_LOAD, EB_PF_R, 0x3000, 0x402000, 0xc30, 0xc30};
        s.ph[2] = (struct eb_ph){EB_PT_LOAD, EB_PF_R | EB_PF_W, 0x4000, 0x403000, 0x10, 0x2010};
        s.ph[3] = (struct eb_ph){EB_PT_GNU_STACK, EB_PF_R | EB_PF_W, 0, 0, 0, 0};
        return s;
}
