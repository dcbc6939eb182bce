// SPDX-License-Identifier: MIT
// Boot self-tests: the real kernel in test mode, checking its own machinery
// on the real MMU and devices of each arch. They print one TAP stream (the
// plan, then `ok NAME` or `not ok NAME` and a `# why` line per test).
#include <arch/memlayout.h>
#include <kernel/arch.h>
#include <common/cpio.h>
#include <kernel/extable.h>
#include <common/string.h>
#include <kernel/kprintf.h>
#include <kernel/smp.h>
#include <kernel/kvm.h>
#include <kernel/pt.h>
#include <kernel/selftest.h>
#include <kernel/timer.h>
#include <mk/errno.h>

static int npass, nfail;
static const char *cur;
static char why[256];

// Records a failed check of the current test (the first one wins).
#define CHECK(cond, ...)                                                                           \
        do {                                                                                       \
                if (!(cond)) {                                                                     \
                        ksnprintf(why, sizeof(why), __VA_ARGS__);                                  \
                        return false;                                                              \
                }                                                                                  \
        } while (0)

static void run(const char *name, bool (*fn)(const struct boot_info *, const struct memmap *),
                const struct boot_info *bi, const struct memmap *m)
{
        cur = name;
        why[0] = '\0';
        if (fn(bi, m)) {
                npass++;
                kprintf("ok %s\n", cur);
        } else {
                nfail++;
                kprintf("not ok %s\n# %s\n", cur, why);
        }
}

#define FRAME_MAGIC 0x6672616d65746573ull // "frametes"

// Whether pa lies in a range of m that is not free memory.
static bool in_reserved(const struct memmap *m, paddr_t pa)
{
        for (size_t i = 0; i < m->n; i++) {
                const struct mem_range *r = &m->r[i];
                if (pa >= r->base && pa < r->base + r->size)
                        return r->type != MEM_USABLE && r->type != MEM_BOOT_RECLAIM;
        }
        return true; // not RAM at all
}

// Allocates every frame (each exactly once, none reserved), checks the
// allocator is then empty, frees them all, checks bad frees are refused and
// freed frames are handed out again.
static bool t_frames(const struct boot_info *bi, const struct memmap *m)
{
        uint64_t before = kframes.nfree, count = 0;
        paddr_t head = 0, pa;
        while ((pa = frame_alloc(&kframes)) != FRAME_NONE) {
                uint64_t *w = phys_to_virt(pa);
                CHECK(!(pa & PAGE_MASK), "frame 0x%llx is not page-aligned",
                      (unsigned long long)pa);
                CHECK(!in_reserved(m, pa), "frame 0x%llx lies in a reserved range",
                      (unsigned long long)pa);
                CHECK(w[0] != (FRAME_MAGIC ^ pa), "frame 0x%llx handed out twice",
                      (unsigned long long)pa);
                w[0] = FRAME_MAGIC ^ pa;
                w[1] = head;
                head = pa;
                count++;
        }
        CHECK(count == before, "allocated %llu frames, expected %llu", (unsigned long long)count,
              (unsigned long long)before);
        CHECK(kframes.nfree == 0, "nfree %llu after allocating everything",
              (unsigned long long)kframes.nfree);
        while (head) {
                uint64_t *w = phys_to_virt(head);
                paddr_t next = w[1];
                w[0] = 0;
                CHECK(frame_free(&kframes, head) == 0, "free of 0x%llx refused",
                      (unsigned long long)head);
                head = next;
        }
        CHECK(kframes.nfree == before, "nfree %llu after freeing all, expected %llu",
              (unsigned long long)kframes.nfree, (unsigned long long)before);
        pa = frame_alloc(&kframes);
        CHECK(pa != FRAME_NONE, "no frame after freeing all");
        CHECK(frame_free(&kframes, pa) == 0, "free after reuse refused");
        CHECK(frame_free(&kframes, pa) == -EINVAL, "double free not refused");
        CHECK(frame_free(&kframes, bi->kernel_phys) == -EINVAL, "free of a kernel frame accepted");
        CHECK(frame_free(&kframes, pa + 1) == -EINVAL, "free of an unaligned address accepted");
        CHECK(kframes.nfree == before, "nfree changed by refused frees");
        kprintf("  frames: %llu allocated once each, all freed and reusable\n",
                (unsigned long long)count);
        return true;
}

// Expects arch_copy_fixup to fault on va with the given access and kind.
static bool expect_fault(vaddr_t va, bool write, unsigned kind)
{
        uint64_t v = 0x1234;
        unsigned long before = kfault_count;
        long r = write ? arch_copy_fixup((void *)va, &v, sizeof(v))
                       : arch_copy_fixup(&v, (const void *)va, sizeof(v));
        const struct fault_info *f = &kfault_last;
        char desc[256];
        CHECK(r == -EFAULT, "%s of 0x%llx returned %ld, expected -EFAULT", write ? "write" : "read",
              (unsigned long long)va, r);
        CHECK(kfault_count == before + 1, "fault not recorded");
        fault_describe(f, desc, sizeof(desc));
        kprintf("  decoded: %s\n", desc);
        CHECK(f->addr == va && (f->flags & FAULT_F_ADDR_VALID), "address 0x%llx, expected 0x%llx",
              (unsigned long long)f->addr, (unsigned long long)va);
        CHECK(f->access == (write ? FAULT_WRITE : FAULT_READ), "access %s, expected %s",
              fault_access_name(f->access), write ? "write" : "read");
        CHECK(f->kind == kind, "kind %s, expected %s", fault_kind_name(f->kind),
              fault_kind_name(kind));
        CHECK(!(f->flags & FAULT_F_USER), "kernel fault flagged as user");
        CHECK(f->ip != 0, "no faulting ip");
        return true;
}

// Maps, translates and unmaps 4 KiB and large pages through the generic
// interface on the live kernel table, then provokes kernel page faults.
static bool t_pagetable(const struct boot_info *bi, const struct memmap *m)
{
        vaddr_t va = KSCRATCH_BASE;
        paddr_t pa = frame_alloc(&kframes), got;
        unsigned flags;
        int level;
        CHECK(pa != FRAME_NONE, "no frame");
        CHECK(pt_map(kernel_root, va, pa, 0, PT_R | PT_W) == 0, "map 4K failed");
        arch_tlb_flush_page(va);
        CHECK(pt_translate(kernel_root, va + 0x123, &got, &flags, &level) == 0, "translate failed");
        CHECK(got == pa + 0x123 && level == 0, "translate gave 0x%llx level %d",
              (unsigned long long)got, level);
        CHECK((flags & (PT_R | PT_W | PT_U | PT_X)) == (PT_R | PT_W), "flags 0x%x", flags);
        volatile uint64_t *v = (uint64_t *)va;
        v[7] = 0xfeedface12345678ull;
        CHECK(((uint64_t *)phys_to_virt(pa))[7] == 0xfeedface12345678ull,
              "write through the new mapping not seen in the direct map");
        CHECK(pt_map(kernel_root, va, pa, 0, PT_R) == -EEXIST, "double map not refused");
        CHECK(pt_map(kernel_root, va + 8, pa, 0, PT_R) == -EINVAL, "unaligned map not refused");

        // A 2 MiB page over the RAM holding the kernel, read back through it.
        vaddr_t big = KSCRATCH_BASE + PT_LEVEL_SIZE(1);
        paddr_t kpa = ALIGN_DOWN(bi->kernel_phys, PT_LEVEL_SIZE(1));
        CHECK(pt_map(kernel_root, big, kpa, 1, PT_R) == 0, "map 2M failed");
        arch_tlb_flush_page(big);
        CHECK(pt_translate(kernel_root, big + 0x1234, &got, NULL, &level) == 0 && level == 1 &&
                  got == kpa + 0x1234,
              "2M translate gave 0x%llx level %d", (unsigned long long)got, level);
        uint64_t koff = ALIGN_DOWN(bi->kernel_phys - kpa, PAGE_SIZE);
        CHECK(memcmp((void *)(big + koff), phys_to_virt(kpa + koff), PAGE_SIZE) == 0,
              "2M page content differs from the direct map");
        CHECK(pt_unmap(kernel_root, big + PAGE_SIZE, NULL, NULL) == -EINVAL,
              "unmap inside a 2M page not refused");
        CHECK(pt_unmap(kernel_root, big, &got, &level) == 0 && got == kpa && level == 1,
              "unmap 2M failed");
        arch_tlb_flush_page(big);

        // Read-only page: a write is a protection fault.
        CHECK(pt_unmap(kernel_root, va, &got, NULL) == 0 && got == pa, "unmap 4K failed");
        arch_tlb_flush_page(va);
        CHECK(pt_map(kernel_root, va, pa, 0, PT_R) == 0, "remap read-only failed");
        arch_tlb_flush_page(va);
        CHECK(v[7] == 0xfeedface12345678ull, "read-only mapping reads wrong data");
        if (!expect_fault(va, true, FAULT_PROTECTION))
                return false;

        // Unmapped: reads and writes are not-present faults.
        CHECK(pt_unmap(kernel_root, va, NULL, NULL) == 0, "unmap failed");
        arch_tlb_flush_page(va);
        CHECK(pt_translate(kernel_root, va, NULL, NULL, NULL) == -ENOENT, "still mapped");
        CHECK(pt_unmap(kernel_root, va, NULL, NULL) == -ENOENT, "second unmap not refused");
        if (!expect_fault(va + 0x40, false, FAULT_NOT_PRESENT) ||
            !expect_fault(va + 0x80, true, FAULT_NOT_PRESENT))
                return false;
        CHECK(frame_free(&kframes, pa) == 0, "free failed");
        return true;
}

// The periodic timer interrupt arrives and ticks at roughly its rate.
static bool t_timer(const struct boot_info *bi, const struct memmap *m)
{
        uint64_t hz = arch_counter_hz(), c0 = arch_counter(), t0 = timer_ticks();
        arch_irq_enable();
        // Bounded wait: 5 ticks, or give up after ~2 s of counter time.
        while (timer_ticks() < t0 + 5) {
                if (hz && arch_counter() - c0 > 2 * hz)
                        break;
                arch_wait_for_interrupt();
        }
        arch_irq_disable();
        uint64_t dt = timer_ticks() - t0, dc = arch_counter() - c0;
        CHECK(dt >= 5, "only %llu ticks", (unsigned long long)dt);
        if (hz) {
                uint64_t ms = dc * 1000 / hz;
                kprintf("  timer: %llu ticks in %llu ms of counter time (%u Hz)\n",
                        (unsigned long long)dt, (unsigned long long)ms, TIMER_HZ);
                CHECK(ms >= 20 && ms <= 200, "5 ticks at %u Hz took %llu ms", TIMER_HZ,
                      (unsigned long long)ms);
        }
        return true;
}

// The boot image parses and holds the expected file.
static bool t_bootimg(const struct boot_info *bi, const struct memmap *m)
{
        struct cpio_file f;
        int r = cpio_find(phys_to_virt(bi->bootimg_phys), bi->bootimg_size, "motd", &f);
        CHECK(r == 0, "motd not found: %s", err_name(r));
        CHECK(f.size > 8 && memcmp(f.data, "Welcome", 7) == 0, "motd content wrong");
        return true;
}

int selftest_run(const struct boot_info *bi, const struct memmap *m)
{
        npass = nfail = 0;
        kprintf("1..%d\n", 4 + SMP_SELFTEST_POINTS); // TAP: one point per test below
        run("frame_alloc", t_frames, bi, m);
        run("pagetable", t_pagetable, bi, m);
        run("timer", t_timer, bi, m);
        run("bootimg", t_bootimg, bi, m);
        int smp_fails = smp_selftest(); // its points: every CPU's
        npass += SMP_SELFTEST_POINTS - smp_fails;
        nfail += smp_fails;
        kprintf("# ktest: %d passed, %d failed\n", npass, nfail);
        return nfail;
}
