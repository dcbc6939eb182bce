// SPDX-License-Identifier: MIT
// The system pager: started by the kernel as the first process. It serves
// page faults of the processes it creates (region lookup, permission check,
// zero or file fill, map grant) and their requests, and runs the programs the
// kernel command line asks for (the user-space tests, a demo, benchmarks).
#include "pager.h"
#include <kernel/cpio.h>

struct client clients[MAX_CLIENTS];
long pager_ep;
uint16_t pager_machine;
static struct mk_region bootimg;

#define STACK_TOP   0x3ff0000000ull
#define STACK_PAGES 256
#define MMAP_BASE   0x1000000000ull

static uint32_t elf_perms(uint32_t f)
{
        return ((f & ELF_PF_R) ? MK_PERM_R : 0) | ((f & ELF_PF_W) ? MK_PERM_W : 0) |
               ((f & ELF_PF_X) ? MK_PERM_X : 0);
}

// Creates a process running `prog` from the boot image; returns its client
// index or a negative error.
int client_spawn(const char *prog, int scenario)
{
        struct cpio_file f;
        struct elf_image img;
        const char *err = "";
        int i = 1;
        while (i < MAX_CLIENTS && clients[i].used)
                i++;
        if (i == MAX_CLIENTS)
                return -ENOSPC;
        if (cpio_find((void *)bootimg.va, bootimg.size, prog, &f)) {
                mk_printf("pager: no program '%s' in the boot image\n", prog);
                return -ENOENT;
        }
        if (elf_parse(&img, f.data, f.size, pager_machine, MK_USER_BASE, MK_USER_TOP, &err)) {
                mk_printf("pager: %s: %s\n", prog, err);
                return -ENOEXEC;
        }
        struct client *c = &clients[i];
        memset(c, 0, sizeof(*c));
        c->used = true;
        c->scenario = scenario;
        c->mmap_next = MMAP_BASE;
        for (unsigned s = 0; s < img.nsegs; s++) {
                const struct elf_seg *sg = &img.segs[s];
                uint64_t start = sg->vaddr & ~(MK_PAGE_SIZE - 1);
                uint64_t end = (sg->vaddr + sg->memsz + MK_PAGE_SIZE - 1) & ~(MK_PAGE_SIZE - 1);
                struct region *r = region_add(c, start, end, elf_perms(sg->flags), R_FILE);
                if (!r)
                        goto fail;
                r->file = f.data;
                r->file_off = sg->offset;
                r->file_size = sg->filesz;
                r->file_va_off = sg->vaddr - start;
        }
        if (!region_add(c, STACK_TOP - STACK_PAGES * MK_PAGE_SIZE, STACK_TOP, MK_PERM_R | MK_PERM_W,
                        R_STACK) ||
            !region_add(c, PGR_TEST_RO_VA, PGR_TEST_RO_VA + MK_PAGE_SIZE, MK_PERM_R, R_ANON) ||
            !region_add(c, PGR_TEST_NX_VA, PGR_TEST_NX_VA + MK_PAGE_SIZE, MK_PERM_R | MK_PERM_W,
                        R_ANON) ||
            !region_add(c, PGR_TEST_BADGRANT_VA, PGR_TEST_BADGRANT_VA + MK_PAGE_SIZE,
                        MK_PERM_R | MK_PERM_W, R_TEST_BADGRANT))
                goto fail;
        c->proc = mk_proc_create(pager_ep, (uint64_t)i, 0);
        if (c->proc < 0)
                goto fail;
        long h = mk_handle_give(pager_ep, c->proc, (uint64_t)i, MK_RIGHT_SEND);
        long tid =
            h < 0 ? h : mk_thread_start(c->proc, img.entry, STACK_TOP, h | (long)scenario << 16);
        if (tid < 0) {
                mk_proc_kill(c->proc, MK_REASON_KILLED);
                mk_handle_close(c->proc);
                goto fail;
        }
        return i;
fail:
        regions_release(c);
        c->used = false;
        return -ENOMEM;
}

// Fills a new frame for the page at va of region r.
static void fill_page(struct region *r, uint64_t va, void *p)
{
        page_zero(p);
        if (r->type != R_FILE)
                return;
        // Region offset range of this page, intersected with the file bytes.
        uint64_t lo = va - r->start, hi = lo + MK_PAGE_SIZE;
        uint64_t flo = r->file_va_off, fhi = r->file_va_off + r->file_size;
        uint64_t a = lo > flo ? lo : flo, b = hi < fhi ? hi : fhi;
        if (a < b)
                memcpy((char *)p + (a - lo), r->file + r->file_off + (a - flo), b - a);
}

static void fail(struct mk_msg *reply, uint64_t reason)
{
        reply->tag = MK_FAULT_FAIL;
        reply->w[0] = reason;
        reply->len = 0;
}

void handle_fault(struct client *c, struct mk_msg *m, struct mk_msg *reply)
{
        uint64_t addr = m->w[MK_FW_ADDR], info = m->w[MK_FW_INFO];
        unsigned access = info & 0xff;
        for (int i = 0; i < MK_MSG_WORDS; i++)
                c->last_fault[i] = m->w[i];
        c->nfaults++;
        if (c->expect_set) {
                c->expect_set = false;
                tests_check_expect(c, m);
        }
        struct region *r = region_find(c, addr);
        if (!r)
                return fail(reply, MK_REASON_NOMAP);
        uint32_t need = access == FAULT_WRITE  ? MK_PERM_W
                        : access == FAULT_EXEC ? MK_PERM_X
                                               : MK_PERM_R;
        if (!(r->perms & need))
                return fail(reply, MK_REASON_ACCESS);
        uint64_t va = addr & ~(MK_PAGE_SIZE - 1);
        uint64_t pa = region_page(r, va);
        if (!pa) {
                pa = frame_get();
                if (!pa)
                        return fail(reply, MK_REASON_OOM);
                fill_page(r, va, frame_ptr(pa));
                if (region_set_page(r, va, pa)) {
                        frame_put(pa);
                        return fail(reply, MK_REASON_OOM);
                }
        }
        if (r->type == R_TEST_BADGRANT)
                badgrant_sequence(c, va, pa);
        reply->tag = MK_FAULT_MAP;
        reply->w[0] = va;
        reply->w[1] = pa;
        reply->w[2] = r->perms;
        reply->len = 0;
}

// A request from a client (it used mk_call): fills the reply.
static void handle_request(struct client *c, struct mk_msg *m, struct mk_msg *reply)
{
        reply->tag = 0;
        reply->len = 0;
        switch (m->tag) {
        case PGR_MMAP: {
                uint64_t len = (m->w[0] + MK_PAGE_SIZE - 1) & ~(MK_PAGE_SIZE - 1);
                uint32_t perms = (uint32_t)m->w[1];
                if (len == 0 || len > (1ull << 30) || !(perms & MK_PERM_R) || (perms & ~7u)) {
                        reply->w[0] = (uint64_t)-EINVAL;
                        break;
                }
                struct region *r = region_add(c, c->mmap_next, c->mmap_next + len, perms, R_ANON);
                reply->w[0] = r ? r->start : (uint64_t)-ENOMEM;
                if (r)
                        c->mmap_next += len + MK_PAGE_SIZE; // a hole between mappings
                break;
        }
        case PGR_LAST_FAULT:
                memcpy(reply->w, c->last_fault, sizeof(reply->w));
                break;
        case PGR_PING:
                break;
        case PGR_EXPECT:
                memcpy(c->expect, m->w, sizeof(c->expect));
                c->expect_set = true;
                c->expect_result = 0;
                break;
        case PGR_RESULT:
                bench_result(c, m->w[0], m->w[1], m->w[2]);
                break;
        default:
                reply->w[0] = (uint64_t)-ENOSYS;
        }
}

static void client_exit(struct client *c, uint64_t status, uint64_t reason)
{
        tests_client_exit(c, status, reason);
        regions_release(c);
        mk_handle_close(c->proc);
        c->used = false;
}

int main(long arg)
{
        static struct mk_msg in, out;
        pager_machine = (uint16_t)(mk_info(MK_INFO_ARCH, 0) == FAULT_ARCH_X86_64    ? ELF_EM_X86_64
                                   : mk_info(MK_INFO_ARCH, 0) == FAULT_ARCH_AARCH64 ? ELF_EM_AARCH64
                                                                                    : ELF_EM_RISCV);
        frames_init();
        if (mk_info(MK_INFO_BOOTIMG, &bootimg) < 0)
                mk_shutdown(2);
        pager_ep = mk_ep_create();
        mk_printf("pager: pid %ld, %llu free frames, boot image %llu bytes\n",
                  mk_info(MK_INFO_PID, 0), (unsigned long long)frames_free(),
                  (unsigned long long)bootimg.size);
        tests_start();
        bool have_reply = false;
        for (;;) {
                long r = have_reply ? mk_reply_recv(pager_ep, &out, &in) : mk_recv(pager_ep, &in);
                if (r < 0) {
                        if (have_reply && r != -ESRCH) {
                                // Our reply was refused: end the faulting process cleanly.
                                mk_printf("pager: reply refused (%s)\n", err_name(r));
                                fail(&out, MK_REASON_BAD_REPLY);
                                mk_reply(&out);
                        }
                        have_reply = false;
                        continue;
                }
                have_reply = false;
                uint64_t b = in.badge;
                if (b == 0 || b >= MAX_CLIENTS || !clients[b].used)
                        continue; // not from a client of ours
                struct client *c = &clients[b];
                if (in.tag == MK_TAG_FAULT) {
                        handle_fault(c, &in, &out);
                        have_reply = true;
                } else if (in.tag == MK_TAG_EXIT) {
                        client_exit(c, in.w[MK_XW_STATUS], in.w[MK_XW_REASON]);
                } else {
                        handle_request(c, &in, &out);
                        have_reply = true;
                }
        }
}
