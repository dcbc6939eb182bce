// SPDX-License-Identifier: MIT
// Physical memory map normalisation (see memmap.h). Bounded, allocation-free:
// at most BOOT_MAX_MEM input ranges; scratch space is static.
#include <common/string.h>
#include <kernel/memmap.h>
#include <mk/errno.h>

int memmap_add(struct memmap *m, uint64_t base, uint64_t size, uint32_t type)
{
        if (type < MEM_USABLE || type > MEM_TYPE_MAX)
                return -EINVAL;
        if (size == 0)
                return 0;
        if (base + size < base || base + size == 0)
                return -EINVAL; // wraps around the address space
        if (m->n >= m->cap)
                return -ENOSPC;
        m->r[m->n++] = (struct mem_range){base, size, type, 0};
        return 0;
}

static void sort_u64(uint64_t *v, size_t n)
{
        for (size_t i = 1; i < n; i++) {
                uint64_t x = v[i];
                size_t j = i;
                for (; j > 0 && v[j - 1] > x; j--)
                        v[j] = v[j - 1];
                v[j] = x;
        }
}

static bool trims_to_pages(uint32_t type)
{
        return type == MEM_USABLE || type == MEM_BOOT_RECLAIM;
}

// Splits the covered address space at every range boundary; each elementary
// piece takes the highest type of the ranges covering it. Then merges
// touching pieces of one type and trims free-memory types to whole pages.
int memmap_normalize(struct memmap *m)
{
        static uint64_t pts[2 * BOOT_MAX_MEM];
        static struct mem_range outr[2 * BOOT_MAX_MEM];
        size_t np = 0, no = 0;
        if (m->n > BOOT_MAX_MEM)
                return -ENOSPC;
        for (size_t i = 0; i < m->n; i++) {
                pts[np++] = m->r[i].base;
                pts[np++] = m->r[i].base + m->r[i].size;
        }
        sort_u64(pts, np);
        for (size_t k = 0; k + 1 < np; k++) {
                uint64_t lo = pts[k], hi = pts[k + 1];
                if (lo == hi)
                        continue;
                uint32_t type = 0;
                for (size_t i = 0; i < m->n; i++) {
                        const struct mem_range *r = &m->r[i];
                        if (r->base <= lo && r->base + r->size >= hi && r->type > type)
                                type = r->type;
                }
                if (!type)
                        continue; // a hole
                if (no && outr[no - 1].type == type &&
                    outr[no - 1].base + outr[no - 1].size == lo) {
                        outr[no - 1].size += hi - lo;
                        continue;
                }
                outr[no++] = (struct mem_range){lo, hi - lo, type, 0};
        }
        size_t n = 0;
        for (size_t k = 0; k < no; k++) {
                struct mem_range r = outr[k];
                if (trims_to_pages(r.type)) {
                        uint64_t b = ALIGN_UP(r.base, PAGE_SIZE);
                        uint64_t e = ALIGN_DOWN(r.base + r.size, PAGE_SIZE);
                        if (b < r.base || e <= b)
                                continue;
                        r.base = b;
                        r.size = e - b;
                }
                if (n >= m->cap)
                        return -ENOSPC;
                m->r[n++] = r;
        }
        m->n = n;
        return 0;
}

uint64_t memmap_total(const struct memmap *m, uint32_t type)
{
        uint64_t t = 0;
        for (size_t i = 0; i < m->n; i++)
                if (m->r[i].type == type)
                        t += m->r[i].size;
        return t;
}

const char *mem_type_name(uint32_t t)
{
        static const char *const names[] = {"?",        "usable",   "boot-reclaim", "acpi-reclaim",
                                            "acpi-nvs", "reserved", "loader",       "bootimg",
                                            "dtb",      "kernel",   "mmio",         "bad"};
        return t <= MEM_TYPE_MAX ? names[t] : "?";
}
