// SPDX-License-Identifier: MIT
// Boot-info validation and memory-map assembly (see kernel/boot.h).
#include <kernel/boot.h>
#include <kernel/dtb.h>
#include <common/string.h>
#include <mk/errno.h>

// Whether [base, base+size) lies inside RAM ranges of the normalised map.
static bool inside_ram(const struct memmap *m, uint64_t base, uint64_t size)
{
        uint64_t p = base, end = base + size;
        while (p < end) {
                bool found = false;
                for (size_t i = 0; i < m->n; i++) {
                        const struct mem_range *r = &m->r[i];
                        if (mem_type_is_ram(r->type) && r->base <= p && p < r->base + r->size) {
                                p = r->base + r->size;
                                found = true;
                                break;
                        }
                }
                if (!found)
                        return false;
        }
        return true;
}

int boot_collect(struct boot_info *bi, const void *dtb_virt, struct memmap *m, const char **err)
{
        int r;
        uint64_t dtb_size = 0;
        if (bi->magic != BOOT_INFO_MAGIC) {
                *err = "boot info: bad magic";
                return -EBADMSG;
        }
        if (bi->version != BOOT_INFO_VERSION) {
                *err = "boot info: unsupported version";
                return -EBADMSG;
        }
        if (bi->nmem > BOOT_MAX_MEM) {
                *err = "memory map: more entries than BOOT_MAX_MEM";
                return -EBADMSG;
        }
        m->n = 0;
        for (uint32_t i = 0; i < bi->nmem; i++) {
                const struct mem_range *e = &bi->mem[i];
                if ((r = memmap_add(m, e->base, e->size, e->type))) {
                        *err = r == -ENOSPC ? "memory map: too many entries"
                                            : "memory map: entry with an unknown type or a "
                                              "range that wraps around";
                        return -EBADMSG;
                }
        }
        bi->cmdline[BOOT_CMDLINE_MAX - 1] = '\0';
        if (bi->dtb_phys) {
                struct dtb d;
                struct dtb_boot db;
                const char *derr = "no device tree mapped";
                if (!dtb_virt || dtb_open(&d, dtb_virt, DTB_MAX_SIZE, &derr) ||
                    dtb_scan_boot(&d, m, &db, &derr)) {
                        *err = derr;
                        return -EBADMSG;
                }
                dtb_size = d.total;
                if (!bi->bootimg_phys && db.initrd_end > db.initrd_start) {
                        bi->bootimg_phys = db.initrd_start;
                        bi->bootimg_size = db.initrd_end - db.initrd_start;
                }
                if (!bi->cmdline[0])
                        memcpy(bi->cmdline, db.bootargs, sizeof(bi->cmdline));
        }
        if (!bi->kernel_size) {
                *err = "boot info: kernel range is empty";
                return -EBADMSG;
        }
        // The kernel and the boot image must lie in RAM the firmware reported.
        if ((r = memmap_normalize(m))) {
                *err = "memory map: too many ranges after resolving overlaps";
                return -EBADMSG;
        }
        if (bi->kernel_phys + bi->kernel_size < bi->kernel_phys ||
            !inside_ram(m, bi->kernel_phys, bi->kernel_size)) {
                *err = "memory map: the kernel image is not inside RAM";
                return -EBADMSG;
        }
        if (bi->bootimg_size && (bi->bootimg_phys + bi->bootimg_size < bi->bootimg_phys ||
                                 !inside_ram(m, bi->bootimg_phys, bi->bootimg_size))) {
                *err = "memory map: the boot image is not inside RAM";
                return -EBADMSG;
        }
        if (memmap_add(m, bi->kernel_phys, bi->kernel_size, MEM_KERNEL) ||
            memmap_add(m, bi->bootimg_phys, bi->bootimg_size, MEM_BOOTIMG) ||
            (bi->dtb_phys && memmap_add(m, bi->dtb_phys, dtb_size, MEM_DTB))) {
                *err = "memory map: too many entries";
                return -EBADMSG;
        }
        if ((r = memmap_normalize(m))) {
                *err = "memory map: too many ranges after resolving overlaps";
                return -EBADMSG;
        }
        if (memmap_total(m, MEM_USABLE) + memmap_total(m, MEM_BOOT_RECLAIM) == 0) {
                *err = "memory map: no usable memory";
                return -EBADMSG;
        }
        return 0;
}
