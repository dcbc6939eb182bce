// SPDX-License-Identifier: MIT
// Recording the system pager (the word `record` on the kernel command line,
// `tools/run ARCH --record FILE`): every message with its full answer, in the
// pager library's format (mkp-rec lines, mk/pagerlib.h has the grammar), and
// every input its answers depend on that is not its own state: the boot
// facts (arch, the physical memory it was given, the boot image's size and
// hash, the command line), the result of every kernel call it makes, and
// the bytes it reads from the VFS's memory (the inode table). Given those,
// the pager is deterministic: the host replay (tests/host/fuzz/pager_replay.c)
// feeds the stream through pager_serve on the fake kernel, the inputs coming
// back from the recording through the same hooks, and compares every answer.
#include "pager.h"

uint8_t rec_mode;
char rec_name[MKP_NAME_MAX];
long (*rec_replay_sys)(const char *what, long r);
void (*rec_replay_mem)(void *buf, size_t len);

#define MEM_LINE 96 // bytes per "mem" line (hex: twice that)

static const char *arch_name(long arch)
{
        return arch == FAULT_ARCH_X86_64    ? "x86_64"
               : arch == FAULT_ARCH_AARCH64 ? "aarch64"
                                            : "riscv64";
}

// FNV-1a, 64 bits: the boot image's identity.
static uint64_t hash64(const uint8_t *p, uint64_t n)
{
        uint64_t h = 0xcbf29ce484222325ull;
        for (uint64_t i = 0; i < n; i++)
                h = (h ^ p[i]) * 0x100000001b3ull;
        return h;
}

void record_boot(long arch, const char *cmdline)
{
        struct mk_physmem m;
        mkp_rec_printf(rec_name, "boot %s bootimg 0x%llx 0x%llx cmdline %s\n", arch_name(arch),
                       (unsigned long long)bootimg.size,
                       (unsigned long long)hash64((const uint8_t *)bootimg.va, bootimg.size),
                       cmdline);
        if (mk_info(MK_INFO_PHYS_WINDOW, &m) < 0)
                return;
        for (uint32_t i = 0; i < m.nranges && i < MK_PHYS_RANGES; i++)
                mkp_rec_printf(rec_name, "phys %u 0x%llx 0x%llx\n", i,
                               (unsigned long long)m.r[i].base, (unsigned long long)m.r[i].size);
}

long record_sys(const char *what, long r)
{
        if (rec_mode == REC_REPLAY)
                return rec_replay_sys(what, r);
        mkp_rec_printf(rec_name, "sys %s %ld\n", what, r);
        return r;
}

void record_mem(void *buf, size_t len)
{
        if (rec_mode == REC_REPLAY) {
                rec_replay_mem(buf, len);
                return;
        }
        const uint8_t *b = buf;
        for (size_t off = 0; off < len; off += MEM_LINE) {
                char hex[2 * MEM_LINE + 1];
                size_t n = len - off < MEM_LINE ? len - off : MEM_LINE;
                for (size_t i = 0; i < n; i++)
                        mk_snprintf(hex + 2 * i, 3, "%02x", b[off + i]);
                hex[2 * n] = '\0';
                mkp_rec_printf(rec_name, "mem %s\n", hex);
        }
}

void record_fault(struct mkp_server *s, const struct mk_msg *in, const struct mkp_fault *f,
                  const struct mkp_answer *a)
{
        struct mkp_rec *r = &s->rec;
        r->type = MKP_REC_FAULT;
        r->region = (uint32_t)in->badge;
        r->offset = f->addr;
        r->access = f->access;
        r->kind = f->kind;
        r->action = a->action;
        r->arg = a->action == MKP_MAP ? a->ngrants : a->action == MKP_FAIL ? a->reason : 0;
        r->ngrants = a->action == MKP_MAP ? a->ngrants : 0;
        for (unsigned k = 0; k < r->ngrants; k++)
                r->grants[k] =
                    (struct mkp_rec_grant){a->grants[k].va, (uint32_t)a->grants[k].perms};
        r->ids = true;
        r->tid = f->tid;
        r->pid = f->pid;
        r->flags = f->flags;
}

void record_request(const struct mk_msg *in, const struct mk_msg *out, bool replied)
{
        uint32_t len = in->len < MK_MSG_BUF ? in->len : MK_MSG_BUF;
        if (len) {
                // The request's bytes first, in "data" lines.
                const uint8_t *b = in->buf;
                for (uint32_t off = 0; off < len; off += MEM_LINE) {
                        char hex[2 * MEM_LINE + 1];
                        uint32_t n = len - off < MEM_LINE ? len - off : MEM_LINE;
                        for (uint32_t i = 0; i < n; i++)
                                mk_snprintf(hex + 2 * i, 3, "%02x", b[off + i]);
                        hex[2 * n] = '\0';
                        mkp_rec_printf(rec_name, "data %s\n", hex);
                }
        }
        mkp_rec_printf(
            rec_name,
            "request %llu 0x%llx 0x%llx 0x%llx 0x%llx 0x%llx 0x%llx 0x%llx %u = %s %lld\n",
            (unsigned long long)in->badge, (unsigned long long)in->tag,
            (unsigned long long)in->w[0], (unsigned long long)in->w[1],
            (unsigned long long)in->w[2], (unsigned long long)in->w[3],
            (unsigned long long)in->w[4], (unsigned long long)in->w[5], len,
            replied ? "reply" : "none", replied ? (long long)out->w[0] : 0ll);
}

void record_exit(const struct mk_msg *in)
{
        mkp_rec_printf(rec_name, "exit %llu %llu %lld %llu\n", (unsigned long long)in->badge,
                       (unsigned long long)in->w[MK_XW_PID], (long long)in->w[MK_XW_STATUS],
                       (unsigned long long)in->w[MK_XW_REASON]);
}
