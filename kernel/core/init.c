// SPDX-License-Identifier: MIT
// Starting the first process: the system pager. The kernel loads its ELF from
// the boot image eagerly (the pager has no pager), maps the boot image
// read-only and hands it every free frame but a kernel reserve, mapped in its
// address space at MK_PHYS_WINDOW + pa.
#include <arch/memlayout.h>
#include <kernel/acct.h>
#include <kernel/arch.h>
#include <common/cpio.h>
#include <common/elf.h>
#include <kernel/init.h>
#include <common/string.h>
#include <kernel/kprintf.h>
#include <kernel/kvm.h>
#include <kernel/proc.h>
#include <kernel/pt.h>
#include <mk/errno.h>
#include <mk/layout.h>

char kernel_cmdline[BOOT_CMDLINE_MAX];
uint64_t kernel_bootimg_size;

#if defined(__x86_64__)
#define ELF_MACHINE ELF_EM_X86_64
#elif defined(__aarch64__)
#define ELF_MACHINE ELF_EM_AARCH64
#else
#define ELF_MACHINE ELF_EM_RISCV
#endif

static NORETURN void init_fail(const char *what, const char *why)
{
        kprintf("BAD BOOT INPUT: %s: %s\n", what, why);
        arch_exit(EXIT_BADBOOT);
}

static void map_or_fail(struct proc *p, vaddr_t va, paddr_t pa, uint64_t len, unsigned fl)
{
        int r = pt_map_range(p->root, va, pa, len, fl);
        if (r)
                panic("init: mapping the pager at 0x%llx failed: %s", (unsigned long long)va,
                      err_name(r));
}

// A zeroed kernel frame for the pager's image or stack.
static paddr_t init_frame(void)
{
        paddr_t pa = frame_alloc(&kframes);
        if (pa == FRAME_NONE)
                panic("init: out of memory loading the pager");
        memset(phys_to_virt(pa), 0, PAGE_SIZE);
        return pa;
}

static void load_segments(struct proc *p, const struct elf_image *img)
{
        for (unsigned i = 0; i < img->nsegs; i++) {
                const struct elf_seg *s = &img->segs[i];
                unsigned fl = PT_U | PT_R;
                fl |= (s->flags & ELF_PF_W) ? PT_W : 0;
                fl |= (s->flags & ELF_PF_X) ? PT_X : 0;
                for (vaddr_t va = ALIGN_DOWN(s->vaddr, PAGE_SIZE); va < s->vaddr + s->memsz;
                     va += PAGE_SIZE) {
                        paddr_t pa = init_frame();
                        // The file bytes [offset, offset+filesz) go to [vaddr, vaddr+filesz).
                        uint64_t lo = MAX(va, s->vaddr),
                                 hi = MIN(va + PAGE_SIZE, s->vaddr + s->filesz);
                        if (lo < hi)
                                memcpy((uint8_t *)phys_to_virt(pa) + (lo - va),
                                       img->data + s->offset + (lo - s->vaddr), hi - lo);
                        map_or_fail(p, va, pa, PAGE_SIZE, fl);
                }
        }
}

// Gives p every free frame but the kernel reserve, as up to MK_PHYS_RANGES
// ranges, and maps them in its window.
static void give_memory(struct proc *p)
{
        uint64_t reserve = MAX(MiB(4), (kframes.ntotal << PAGE_SHIFT) / 8) >> PAGE_SHIFT;
        struct mk_physmem *m = &p->phys;
        m->window = MK_PHYS_WINDOW;
        while (kframes.nfree > reserve) {
                paddr_t pa = frame_alloc(&kframes);
                if (pa == FRAME_NONE)
                        break;
                bool extends =
                    m->nranges && m->r[m->nranges - 1].base + m->r[m->nranges - 1].size == pa;
                if (pa + PAGE_SIZE > MK_PHYS_WINDOW_MAX ||
                    (!extends && m->nranges == MK_PHYS_RANGES)) {
                        frame_free(&kframes, pa);
                        break;
                }
                if (!extends)
                        m->r[m->nranges++] = (typeof(m->r[0])){pa, 0};
                m->r[m->nranges - 1].size += PAGE_SIZE;
                frame_owner_set(pa, p->asid);
        }
        for (uint32_t i = 0; i < m->nranges; i++)
                map_or_fail(p, MK_PHYS_WINDOW + m->r[i].base, m->r[i].base, m->r[i].size,
                            PT_U | PT_R | PT_W);
}

void init_start(const struct boot_info *bi)
{
        struct cpio_file f;
        struct elf_image img;
        const char *err = "";
        memcpy(kernel_cmdline, bi->cmdline, sizeof(kernel_cmdline));
        kernel_bootimg_size = bi->bootimg_size;
        const void *bootimg = phys_to_virt(bi->bootimg_phys);
        if (cpio_find(bootimg, bi->bootimg_size, "pager", &f))
                init_fail("boot image", "no 'pager' program in it");
        if (elf_parse(&img, f.data, f.size, ELF_MACHINE, MK_USER_BASE, MK_USER_TOP, &err))
                init_fail("pager", err);

        long kerr;
        struct proc *p = proc_create(NULL, 0, 0, NULL, &kerr);
        if (!p)
                panic("init: cannot create the first process");
        if (handle_install(p, OBJ_SYSTEM, MK_RIGHT_ALL, 0, NULL) != MK_HANDLE_SYSTEM)
                panic("init: cannot give the first process the system capability");
        load_segments(p, &img);
        for (vaddr_t va = MK_PAGER_STACK_TOP - MK_PAGER_STACK_SIZE; va < MK_PAGER_STACK_TOP;
             va += PAGE_SIZE)
                map_or_fail(p, va, init_frame(), PAGE_SIZE, PT_U | PT_R | PT_W);
        paddr_t ib = ALIGN_DOWN(bi->bootimg_phys, PAGE_SIZE);
        paddr_t ie = ALIGN_UP(bi->bootimg_phys + bi->bootimg_size, PAGE_SIZE);
        map_or_fail(p, MK_BOOTIMG_VA, ib, ie - ib, PT_U | PT_R);
        give_memory(p);
        acct_boot_done();
        if (!thread_create(p, img.entry, MK_PAGER_STACK_TOP, 0, &kerr))
                panic("init: cannot create the pager's thread");
        uint64_t given = 0;
        for (uint32_t i = 0; i < p->phys.nranges; i++)
                given += p->phys.r[i].size;
        kprintf("mk: pager started (pid %u): %llu MiB in %u ranges, kernel keeps %llu KiB\n",
                p->pid, (unsigned long long)(given >> 20), p->phys.nranges,
                (unsigned long long)(kframes.nfree << 2));
}
