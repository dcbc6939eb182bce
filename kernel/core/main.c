// SPDX-License-Identifier: MIT
// kmain: the generic half of boot. The arch entry has set up a stack, early
// page tables with the direct map, the console and trap vectors.
#include <arch/memlayout.h>
#include <kernel/arch.h>
#include <kernel/boot.h>
#include <common/cpio.h>
#include <kernel/init.h>
#include <kernel/proc.h>
#include <common/string.h>
#include <kernel/kprintf.h>
#include <kernel/kvm.h>
#include <kernel/selftest.h>
#include <kernel/smp.h>
#include <kernel/timer.h>

static struct mem_range mem_storage[BOOT_MAX_MEM];
static struct memmap kmem = {mem_storage, 0, BOOT_MAX_MEM};

static NORETURN void bad_boot(const char *what, const char *why)
{
        kprintf("BAD BOOT INPUT: %s: %s\n", what, why);
        arch_exit(EXIT_BADBOOT);
}

static void print_memmap(const struct memmap *m)
{
        for (size_t i = 0; i < m->n; i++) {
                const struct mem_range *r = &m->r[i];
                kprintf("  mem [0x%012llx-0x%012llx) %-12s %llu KiB\n", (unsigned long long)r->base,
                        (unsigned long long)(r->base + r->size), mem_type_name(r->type),
                        (unsigned long long)(r->size >> 10));
        }
}

static uint64_t ram_total(const struct memmap *m)
{
        uint64_t t = 0;
        for (size_t i = 0; i < m->n; i++)
                if (mem_type_is_ram(m->r[i].type))
                        t += m->r[i].size;
        return t;
}

// Checks the boot image and prints its file list.
static void bootimg_check(const struct boot_info *bi)
{
        const char *err = "";
        size_t n;
        if (!bi->bootimg_phys || !bi->bootimg_size)
                bad_boot("boot image", "missing (no initrd / bootimg.cpio was passed)");
        const void *img = phys_to_virt(bi->bootimg_phys);
        if (cpio_validate(img, bi->bootimg_size, &n, &err))
                bad_boot("boot image", err);
        kprintf("bootimg: %zu files, %llu bytes at 0x%llx\n", n,
                (unsigned long long)bi->bootimg_size, (unsigned long long)bi->bootimg_phys);
        struct cpio_iter it;
        struct cpio_file f;
        cpio_begin(&it, img, bi->bootimg_size);
        while (cpio_next(&it, &f, &err) > 0)
                kprintf("  %-24s %8llu bytes\n", f.name, (unsigned long long)f.size);
}

// Whether the command line has the word w.
static bool cmdline_has(const char *cmdline, const char *w)
{
        size_t lw = strlen(w);
        for (const char *p = cmdline; (p = strstr(p, w)); p += lw)
                if ((p == cmdline || p[-1] == ' ') && (p[lw] == '\0' || p[lw] == ' '))
                        return true;
        return false;
}

void kmain(struct boot_info *bi)
{
        const char *err = "";
        kprintf("\nmk: kernel entered on %s\n", arch_name);
        const void *dtb = bi->dtb_phys ? phys_to_virt(bi->dtb_phys) : NULL;
        if (boot_collect(bi, dtb, &kmem, &err))
                bad_boot(bi->dtb_phys ? "device tree / memory map" : "memory map", err);

        uint64_t ram = ram_total(&kmem);
        kprintf("mk 0.1 on %s: %llu MiB RAM, boot image %llu bytes, cmdline '%s'\n", arch_name,
                (unsigned long long)(ram >> 20), (unsigned long long)bi->bootimg_size, bi->cmdline);
        print_memmap(&kmem);

        kmem_init(&kmem);
        kvm_init(&kmem);
        kprintf("mm: %llu frames free (%llu MiB), kernel page table at 0x%llx\n",
                (unsigned long long)kframes.nfree, (unsigned long long)(kframes.nfree >> 8),
                (unsigned long long)kernel_root);

        bootimg_check(bi);
        smp_init(bi, dtb);
        arch_timer_start(TIMER_HZ);

        // `test=kernel` (or `ktest`) runs only the kernel self-tests; `test`
        // runs them first, then the first program runs the user-space tests
        // (it reads the same command line). Other `test=PART` words are the
        // first program's alone.
        bool kpart = cmdline_has(bi->cmdline, "test=kernel") || cmdline_has(bi->cmdline, "ktest");
        if ((kpart || cmdline_has(bi->cmdline, "test")) && selftest_run(bi, &kmem))
                arch_exit(EXIT_TESTFAIL);
        if (kpart)
                arch_exit(EXIT_OK);
        sched_init();
        smp_sched_start();
        init_start(bi);
        sched_idle_loop();
}
