// SPDX-License-Identifier: MIT
// Fuzz target fault_decode: the three fault decoders (kernel/common/fault_decode.c:
// x86_64 error code + CR2, aarch64 ESR_EL1 + FAR_EL1, riscv64 scause + stval),
// fault_describe into buffers of every size, and the portable fault message
// as a pager decodes it (mkp_fault_decode, libsys/pagerlib/serve.c), both
// for the message the kernel builds from a decoded fault and for raw words.
//
// Input: a few region records for the decoding pager, then a stream of
// records, one per fault: a selector byte and the registers (fuzz.h words).
// Checked: every decoded field is in range and the raw registers are kept;
// the description fits its buffer and is NUL-terminated; the message decodes
// back to the same fields; a fault is placed in a region only when the
// badge names that region and the page lies inside it.
#include "fuzz.h"
#include "pagerlib_int.h"
#include <mk/fault.h>

#define MAX_FAULTS   16
#define DESCRIBE_MAX 200
#define FLAGS_KNOWN  0xfffu

static struct mkp_pager pg;

static const uint64_t near[] = {0x400000, 0x7ffffffff000ull, 0x800000000ull, 0xffff800000000000ull,
                                0x1000,   0xdead000};

// The fault message the kernel sends for f (kernel/core/fault.c, fault_msg_build).
static void build_msg(const struct fault_info *f, uint32_t tid, uint32_t pid, struct mk_msg *m)
{
        memset(m, 0, offsetof(struct mk_msg, buf));
        m->tag = MK_TAG_FAULT;
        fault_msg_encode(m->w, f, tid, pid);
        m->flags = MK_MSG_KERNEL;
}

static const char *check_decoded(const struct fault_info *f, unsigned arch, uint64_t raw0,
                                 uint64_t raw1, uint64_t ip)
{
        if (f->access > FAULT_EXEC || f->kind > FAULT_OTHER)
                return "access or kind out of range";
        if (f->arch != arch)
                return "wrong arch";
        if (f->raw0 != raw0 || f->raw1 != raw1 || f->ip != ip || f->addr != raw1)
                return "raw registers, ip or address not kept";
        if (f->level > 3 && f->level != FAULT_LEVEL_UNKNOWN)
                return "level out of range";
        if (f->flags & ~FLAGS_KNOWN)
                return "unknown flag";
        if (arch == FAULT_ARCH_X86_64 && !(f->flags & FAULT_F_ADDR_VALID))
                return "x86_64: CR2 is always the address";
        return NULL;
}

// fault_describe into the last len bytes of a heap block (so ASan sees a
// write past the end).
static const char *describe(const struct fault_info *f, size_t len, uint64_t *digest)
{
        static char *block;
        if (!block)
                block = malloc(DESCRIBE_MAX);
        if (len > DESCRIBE_MAX)
                len = DESCRIBE_MAX;
        char *buf = block + DESCRIBE_MAX - len;
        memset(buf, 'x', len);
        if (fault_describe(f, buf, len) != buf)
                return "fault_describe did not return its buffer";
        if (len && !memchr(buf, 0, len))
                return "description not NUL-terminated inside its buffer";
        if (len)
                fuzz_hash(digest, buf, strlen(buf));
        return NULL;
}

// The message decoded by the pager library, against what was encoded.
static const char *check_msg(const struct mk_msg *m, uint64_t *digest)
{
        struct mkp_fault d;
        mkp_fault_decode(&pg, m, &d);
        // Encoding what was decoded gives the message's words back: nothing
        // is lost or misplaced (the layout itself is written once, mk/fault.h).
        struct fault_info back = {.addr = d.addr,
                                  .ip = d.ip,
                                  .access = (uint8_t)d.access,
                                  .kind = (uint8_t)d.kind,
                                  .arch = (uint8_t)d.arch,
                                  .level = (uint8_t)d.level,
                                  .flags = d.flags,
                                  .raw0 = d.raw0,
                                  .raw1 = d.raw1};
        uint64_t w[MK_MSG_WORDS];
        fault_msg_encode(w, &back, d.tid, d.pid);
        if (d.page != (d.addr & ~(uint64_t)(MK_PAGE_SIZE - 1)))
                return "mkp_fault_decode: page";
        if (d.access > 0xff || d.kind > 0xff || d.arch > 0xff || d.level > 0xff)
                return "mkp_fault_decode: a field wider than its byte";
        for (int k = 0; k < MK_MSG_WORDS; k++)
                if (w[k] != m->w[k])
                        return k == MK_FW_INFO  ? "mkp_fault_decode: info fields"
                               : k == MK_FW_IDS ? "mkp_fault_decode: ids"
                                                : "mkp_fault_decode: address, ip or raw words";
        if (d.region) {
                const struct mkp_region *r = d.region;
                if (m->badge < 1 || m->badge > MKP_MAX_REGIONS || r != &pg.regions[m->badge - 1])
                        return "mkp_fault_decode: a region the badge does not name";
                if (!r->used || d.page < r->start || d.page - r->start >= r->len ||
                    d.offset != d.page - r->start)
                        return "mkp_fault_decode: a page outside its region";
        } else if (m->badge >= 1 && m->badge <= MKP_MAX_REGIONS) {
                const struct mkp_region *r = &pg.regions[m->badge - 1];
                if (r->used && d.page >= r->start && d.page - r->start < r->len)
                        return "mkp_fault_decode: missed the badge's region";
        }
        fuzz_hash64(digest, d.region ? d.region->id : 99);
        fuzz_hash64(digest, d.offset);
        return NULL;
}

static const char *one(const uint8_t *data, size_t size, uint64_t *digest)
{
        struct fuzz_in in = {data, size};
        const char *why;
        memset(pg.regions, 0, sizeof(pg.regions));
        // Regions of the decoding pager: a count, then start and length of each.
        unsigned nreg = fin_u8(&in) % (MKP_MAX_REGIONS + 1);
        for (unsigned k = 0; k < nreg; k++) {
                struct mkp_region *r = &pg.regions[fin_u8(&in) % MKP_MAX_REGIONS];
                r->start = fin_word(&in, near, ARRAY_SIZE(near)) & ~(uint64_t)(MK_PAGE_SIZE - 1);
                r->len = fin_word(&in, near, ARRAY_SIZE(near));
                r->id = (uint32_t)(r - pg.regions);
                r->used = true;
        }
        for (unsigned n = 0; n < MAX_FAULTS && fin_left(&in); n++) {
                uint8_t sel = fin_u8(&in);
                struct fault_info f;
                struct mk_msg m;
                uint64_t raw0, raw1 = fin_word(&in, near, ARRAY_SIZE(near)), ip = fin_u64(&in);
                unsigned arch;
                int rc;
                memset(&f, 0, sizeof(f));
                switch (sel % 4) {
                case 0:
                        arch = FAULT_ARCH_X86_64;
                        raw0 = (sel & 4) ? fin_u64(&in) : fin_u16(&in);
                        rc = fault_decode_x86_64(raw0, raw1, ip, &f);
                        break;
                case 1:
                        arch = FAULT_ARCH_AARCH64;
                        if (sel & 4) {
                                raw0 = fin_u64(&in);
                        } else { // EC, IL, then the ISS bits the decoder reads
                                raw0 = (uint64_t)(fin_u8(&in) & 0x3f) << 26 | 1u << 25;
                                raw0 |= fin_u16(&in) & 0x7ff;
                        }
                        rc = fault_decode_aarch64(raw0, raw1, ip, &f);
                        break;
                case 2:
                        arch = FAULT_ARCH_RISCV64;
                        raw0 = (sel & 4) ? fin_u64(&in) : fin_u8(&in) % 24;
                        rc = fault_decode_riscv64(raw0, raw1, ip, (sel >> 3) & 1, (sel >> 4) & 1,
                                                  &f);
                        break;
                default: { // a raw fault message, as a hostile or broken kernel might send
                        memset(&m, 0, offsetof(struct mk_msg, buf));
                        m.tag = MK_TAG_FAULT;
                        m.flags = MK_MSG_KERNEL;
                        m.badge = fin_u8(&in) % (MKP_MAX_REGIONS + 2);
                        m.w[MK_FW_ADDR] = raw1;
                        m.w[MK_FW_IP] = ip;
                        m.w[MK_FW_INFO] = fin_u64(&in);
                        m.w[MK_FW_RAW0] = fin_u64(&in);
                        m.w[MK_FW_RAW1] = fin_u64(&in);
                        m.w[MK_FW_IDS] = fin_u64(&in);
                        if ((why = check_msg(&m, digest)))
                                return why;
                        // A record with nonsense fields still describes safely.
                        fault_info_decode(m.w[MK_FW_INFO], &f);
                        if ((why = describe(&f, sel >> 2, digest)))
                                return why;
                        continue;
                }
                }
                fuzz_hash64(digest, (uint64_t)rc);
                if (rc != 0) {
                        if (rc != -1)
                                return "decoder returned neither 0 nor -1";
                        continue;
                }
                if ((why = check_decoded(&f, arch, raw0, raw1, ip)))
                        return why;
                fuzz_hash(digest, &f, sizeof(f));
                if ((why = describe(&f, (sel & 0x80) ? DESCRIBE_MAX : sel >> 2, digest)))
                        return why;
                // The kernel's message for it, decoded by a pager.
                uint32_t tid = fin_u16(&in), pid = fin_u16(&in);
                build_msg(&f, tid, pid, &m);
                m.badge = fin_u8(&in) % (MKP_MAX_REGIONS + 2);
                if ((why = check_msg(&m, digest)))
                        return why;
        }
        return NULL;
}

static void seeds(fuzz_add_fn add)
{
        static struct fuzz_buf b;
        static const uint64_t x86_err[] = {0x00, 0x02, 0x04, 0x06, 0x07, 0x05, 0x14,
                                           0x15, 0x11, 0x09, 0x0f, 0x27, 0x45, 0x8007};
        static const uint8_t esr_ec[] = {0x20, 0x21, 0x22, 0x24, 0x25, 0x26, 0x00, 0x15};
        static const uint16_t esr_iss[] = {0x04, 0x07, 0x0d,  0x4f,  0x0b, 0x10, 0x14,
                                           0x21, 0x30, 0x104, 0x447, 0x84, 0x00, 0x3f};
        char name[32];
        for (unsigned arch = 0; arch < 4; arch++) {
                b.n = 0;
                fbuf_u8(&b, 2); // two regions: 0 at near[0] for 16 pages, 1 at near[2]
                fbuf_u8(&b, 0);
                fbuf_near(&b, 0, 0);
                fbuf_small(&b, 16);
                fbuf_u8(&b, 1);
                fbuf_near(&b, 2, 0);
                fbuf_pages(&b, 64);
                for (unsigned k = 0; k < 14; k++) {
                        fbuf_u8(&b, (uint8_t)(arch | (k & 3) << 3 | (k % 7) << 5));
                        fbuf_near(&b, k % 3 == 0 ? 0 : 2, k & 3); // address
                        fbuf_u64(&b, 0x401000 + k);               // ip
                        switch (arch) {
                        case 0:
                                fbuf_u16(&b, (uint16_t)x86_err[k]);
                                break;
                        case 1:
                                fbuf_u8(&b, esr_ec[k % ARRAY_SIZE(esr_ec)]);
                                fbuf_u16(&b, esr_iss[k]);
                                break;
                        case 2:
                                fbuf_u8(&b, (uint8_t)(k < 7 ? 12 + k % 4 : k - 7));
                                break;
                        default:
                                fbuf_u8(&b, (uint8_t)(k % 3)); // badge
                                fbuf_u64(&b, (k % 3) | (uint64_t)(k % 3) << 8 | 1ull << 16 |
                                                 0xffull << 24 | 6ull << 32);
                                fbuf_u64(&b, 7);
                                fbuf_u64(&b, 0x400000 + k * 0x1000);
                                fbuf_u64(&b, 5 | 1ull << 32);
                                continue;
                        }
                        fbuf_u16(&b, 5); // tid, pid, badge of the kernel's message
                        fbuf_u16(&b, 1);
                        fbuf_u8(&b, (uint8_t)(k % 3));
                }
                snprintf(name, sizeof(name), "faults-%s",
                         arch < 3 ? fault_arch_name(arch + 1) : "messages");
                add(b.b, b.n, name);
        }
}

const struct fuzz_target fuzz_target = {
    .name = "fault_decode",
    .one = one,
    .seeds = seeds,
    .smoke_mutants = 40000,
    .max_len = 1024,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        return fuzz_entry(&fuzz_target, data, size);
}
