// SPDX-License-Identifier: MIT
// The CPUs the firmware lists: ACPI RSDP -> XSDT (or RSDT) -> MADT, its
// enabled processor-local-APIC (type 0) and x2APIC (type 9) entries (ACPI
// 6.5, 5.2.5-5.2.12). The tables are input: every read is bounded by the
// length of what it reads from (checked against the memory map and the
// checksum first) and goes through arch_copy_fixup, so a pointer to memory
// that is not mapped ends the parse with a message, never a fault.
#include <arch/acpi.h>
#include <arch/memlayout.h>
#include <kernel/arch.h>
#include <kernel/kprintf.h>
#include <common/string.h>

#define RSDP_SIG          "RSD PTR "
#define RSDP_V1_SIZE      20 // the ACPI 1.0 part the first checksum covers
#define RSDP_V2_SIZE      36
#define RSDP_REVISION     15 // byte offsets in the RSDP
#define RSDP_RSDT         16
#define RSDP_LENGTH       20
#define RSDP_XSDT         24
#define SDT_HEADER_SIZE   36 // signature, length, revision, checksum, OEM fields
#define SDT_LENGTH        4
#define MADT_ENTRIES      44 // after the header, the LAPIC address and the flags
#define MADT_LAPIC        0  // processor local APIC: uid, APIC id, flags
#define MADT_LAPIC_SIZE   8
#define MADT_X2APIC       9 // processor local x2APIC: x2APIC id, flags, uid
#define MADT_X2APIC_SIZE  16
#define MADT_CPU_ENABLED  1u         // flags bit 0 (bit 1, online-capable, is hot-plug)
#define ACPI_TABLE_MAX    (1u << 20) // no RSDT, XSDT or MADT is near this
#define ACPI_SDT_MAX_REFS 256        // tables looked at in the XSDT/RSDT
#define ACPI_CHUNK        256        // bytes read at a time for a checksum
// APIC ids an xAPIC can address with INIT/SIPI (0xff is the broadcast id).
#define XAPIC_ID_MAX 0xfe

static uint32_t le32(const uint8_t *p)
{
        return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
        return le32(p) | (uint64_t)le32(p + 4) << 32;
}

// Whether [pa, pa + n) lies in ranges the memory map describes as memory
// (RAM, ACPI, firmware reserved), touches no MMIO or bad range, and is in
// the direct map.
static bool in_memory(const struct boot_info *bi, uint64_t pa, uint64_t n)
{
        uint64_t end = pa + n;
        if (n == 0 || end < pa || end > DIRECT_MAP_SIZE)
                return false;
        for (uint32_t i = 0; i < bi->nmem; i++) {
                const struct mem_range *r = &bi->mem[i];
                if (r->type >= MEM_MMIO && r->size && r->base < end &&
                    (r->base >= pa || pa - r->base < r->size))
                        return false;
        }
        for (uint64_t p = pa; p < end;) {
                bool found = false;
                for (uint32_t i = 0; i < bi->nmem && !found; i++) {
                        const struct mem_range *r = &bi->mem[i];
                        if (r->type >= MEM_USABLE && r->type < MEM_MMIO && p >= r->base &&
                            p - r->base < r->size) {
                                uint64_t e = r->base + r->size;
                                p = e < r->base ? end : e; // a range that wraps ends the walk
                                found = true;
                        }
                }
                if (!found)
                        return false;
        }
        return true;
}

// Copies n bytes of firmware memory at pa: 0, or -1 (reported) when they
// are outside memory or not mapped.
static int acpi_read(const struct boot_info *bi, uint64_t pa, void *dst, size_t n, const char *what)
{
        if (!in_memory(bi, pa, n)) {
                kprintf("acpi: %s at 0x%llx (+%zu) is not in memory\n", what,
                        (unsigned long long)pa, n);
                return -1;
        }
        if (arch_copy_fixup(dst, phys_to_virt(pa), n)) {
                kprintf("acpi: %s at 0x%llx (+%zu) is not mapped\n", what, (unsigned long long)pa,
                        n);
                return -1;
        }
        return 0;
}

// The byte sum of [pa, pa + n) (0 for a valid table), or -1 if unreadable.
static int acpi_sum(const struct boot_info *bi, uint64_t pa, uint32_t n, const char *what)
{
        uint8_t buf[ACPI_CHUNK], sum = 0;
        for (uint32_t off = 0; off < n; off += sizeof(buf)) {
                uint32_t k = MIN(n - off, (uint32_t)sizeof(buf));
                if (acpi_read(bi, pa + off, buf, k, what))
                        return -1;
                for (uint32_t i = 0; i < k; i++)
                        sum += buf[i];
        }
        return sum;
}

// Reads the header of the table at pa and checks its length and checksum;
// returns its length, or 0 (reported unless quiet) when it is not a valid
// table. sig receives its signature.
static uint32_t sdt_check(const struct boot_info *bi, uint64_t pa, char sig[4], bool quiet)
{
        uint8_t h[SDT_HEADER_SIZE];
        if (acpi_read(bi, pa, h, sizeof(h), "table header"))
                return 0;
        memcpy(sig, h, 4);
        uint32_t len = le32(h + SDT_LENGTH);
        if (len < SDT_HEADER_SIZE || len > ACPI_TABLE_MAX) {
                if (!quiet)
                        kprintf("acpi: table %.4s at 0x%llx: bad length %u\n", sig,
                                (unsigned long long)pa, len);
                return 0;
        }
        int sum = acpi_sum(bi, pa, len, "table");
        if (sum != 0) {
                if (!quiet && sum > 0)
                        kprintf("acpi: table %.4s at 0x%llx: bad checksum\n", sig,
                                (unsigned long long)pa);
                return 0;
        }
        return len;
}

// Finds the MADT through the RSDP: its address and length, or 0.
static uint64_t find_madt(const struct boot_info *bi, uint32_t *madt_len)
{
        uint8_t rsdp[RSDP_V2_SIZE];
        uint64_t pa = bi->rsdp_phys;
        if (!pa) {
                kprintf("acpi: no RSDP\n");
                return 0;
        }
        if (acpi_read(bi, pa, rsdp, RSDP_V1_SIZE, "RSDP"))
                return 0;
        if (memcmp(rsdp, RSDP_SIG, 8) || acpi_sum(bi, pa, RSDP_V1_SIZE, "RSDP") != 0) {
                kprintf("acpi: RSDP at 0x%llx: bad signature or checksum\n",
                        (unsigned long long)pa);
                return 0;
        }
        // ACPI 2.0+: the XSDT (64-bit pointers) if its own checksum holds.
        uint64_t sdt = le32(rsdp + RSDP_RSDT);
        unsigned ptr = 4;
        if (rsdp[RSDP_REVISION] >= 2 && !acpi_read(bi, pa, rsdp, RSDP_V2_SIZE, "RSDP")) {
                uint32_t len = le32(rsdp + RSDP_LENGTH);
                uint64_t x = le64(rsdp + RSDP_XSDT);
                if (len >= RSDP_V2_SIZE && len <= ACPI_TABLE_MAX && x &&
                    acpi_sum(bi, pa, len, "RSDP") == 0) {
                        sdt = x;
                        ptr = 8;
                }
        }
        char sig[4];
        uint32_t len = sdt_check(bi, sdt, sig, false);
        if (!len)
                return 0;
        if (memcmp(sig, ptr == 8 ? "XSDT" : "RSDT", 4)) {
                kprintf("acpi: 0x%llx is not the %s\n", (unsigned long long)sdt,
                        ptr == 8 ? "XSDT" : "RSDT");
                return 0;
        }
        uint32_t n = (len - SDT_HEADER_SIZE) / ptr;
        for (uint32_t i = 0; i < n && i < ACPI_SDT_MAX_REFS; i++) {
                uint8_t e[8] = {0};
                if (acpi_read(bi, sdt + SDT_HEADER_SIZE + (uint64_t)i * ptr, e, ptr, "entry"))
                        return 0;
                uint64_t t = ptr == 8 ? le64(e) : le32(e);
                char s[4];
                uint8_t h[4];
                // Only the MADT is checked in full; other tables may be large.
                if (!t || acpi_read(bi, t, h, sizeof(h), "table") || memcmp(h, "APIC", 4))
                        continue;
                if ((*madt_len = sdt_check(bi, t, s, false)) >= MADT_ENTRIES)
                        return t;
                kprintf("acpi: MADT at 0x%llx is invalid\n", (unsigned long long)t);
                return 0;
        }
        kprintf("acpi: no MADT\n");
        return 0;
}

unsigned x86_acpi_cpus(const struct boot_info *bi, uint32_t boot_id, uint32_t *ids, unsigned max,
                       unsigned *boot)
{
        unsigned n = 0;
        bool have_boot = false;
        uint32_t len = 0;
        uint64_t madt = max ? find_madt(bi, &len) : 0;
        for (uint32_t off = MADT_ENTRIES; madt && off + 2 <= len;) {
                uint8_t e[MADT_X2APIC_SIZE];
                if (acpi_read(bi, madt + off, e, 2, "MADT entry"))
                        break;
                uint8_t type = e[0], elen = e[1];
                if (elen < 2 || elen > len - off) {
                        kprintf("acpi: MADT entry at +%u: bad length %u\n", off, elen);
                        break;
                }
                uint32_t id = 0, flags = 0;
                bool cpu = false;
                if (type == MADT_LAPIC && elen >= MADT_LAPIC_SIZE) {
                        if (acpi_read(bi, madt + off, e, MADT_LAPIC_SIZE, "MADT entry"))
                                break;
                        id = e[3];
                        flags = le32(e + 4);
                        cpu = true;
                } else if (type == MADT_X2APIC && elen >= MADT_X2APIC_SIZE) {
                        if (acpi_read(bi, madt + off, e, MADT_X2APIC_SIZE, "MADT entry"))
                                break;
                        id = le32(e + 4);
                        flags = le32(e + 8);
                        cpu = true;
                }
                off += elen;
                if (!cpu || !(flags & MADT_CPU_ENABLED))
                        continue;
                if (id > XAPIC_ID_MAX) {
                        kprintf("acpi: CPU with APIC id 0x%x left out (xAPIC mode)\n", id);
                        continue;
                }
                bool dup = false;
                for (unsigned i = 0; i < n; i++)
                        dup |= ids[i] == id;
                // Room is kept for the boot CPU, whatever the order.
                if (dup || (id != boot_id && n + !have_boot >= max))
                        continue;
                if (id == boot_id) {
                        have_boot = true;
                        *boot = n;
                }
                ids[n++] = id;
        }
        if (!have_boot && n < max) { // not listed (or no MADT): the boot CPU alone
                if (madt && len)
                        kprintf("acpi: the boot CPU (APIC id 0x%x) is not in the MADT\n", boot_id);
                *boot = n;
                ids[n++] = boot_id;
        }
        return n;
}
