// SPDX-License-Identifier: MIT
// The host replay of the system pager (pager_replay.h): reads a recording
// (`tools/run ARCH --record FILE`; the lines of the system pager, named by
// its `boot` line), rebuilds the machine it ran on in the fake kernel (its
// physical memory ranges, command line, arch; the boot image from a file,
// checked against the recorded size and hash), starts the pager as main()
// does (pager_start) and feeds every recorded message through pager_serve,
// the inputs (kernel call results, bytes read from the VFS's memory) coming
// back from the recording in the order the pager asks for them. Every answer
// is compared in full: a fault's action, every grant's address and rights,
// the failure reason; a request's reply and result.
#include "pager_replay.h"
#include "../../../servers/pager/pager.h"
#include "pager_host.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_ 1024
#define SHOW_MAX  20 // mismatches printed (all are counted)

enum { L_SYS = 1, L_MEM, L_DATA, L_FAULT, L_REQUEST, L_EXIT };

struct line {
        int type;
        unsigned no; // line number in the file
        char *text;  // the words after the name
};

static struct {
        const char *path;
        struct line *lines;
        size_t n, cap;
        size_t next_input; // the next sys or mem line to give the pager
        int mismatches, verbose;
        unsigned at; // the line of the message in hand
        bool out_of_step;
} rp;

static void mismatch(unsigned no, const char *fmt, ...)
{
        va_list ap;
        if (rp.verbose && rp.mismatches < SHOW_MAX) {
                printf("replay: %s:%u: ", rp.path, no);
                va_start(ap, fmt);
                vprintf(fmt, ap);
                va_end(ap);
                printf("\n");
        }
        rp.mismatches++;
}

static int line_add(int type, unsigned no, const char *text)
{
        if (rp.n == rp.cap) {
                size_t cap = rp.cap ? 2 * rp.cap : 1024;
                struct line *l = realloc(rp.lines, cap * sizeof(*l));
                if (!l)
                        return -1;
                rp.lines = l;
                rp.cap = cap;
        }
        rp.lines[rp.n++] = (struct line){type, no, strdup(text)};
        return 0;
}

// The next input line of the type asked for; NULL (a mismatch) when the
// recording has another one next: the pager is out of step from there on.
static const struct line *input_next(int type, const char *what)
{
        while (rp.next_input < rp.n && rp.lines[rp.next_input].type != L_SYS &&
               rp.lines[rp.next_input].type != L_MEM)
                rp.next_input++;
        if (rp.next_input == rp.n || rp.lines[rp.next_input].type != type) {
                if (!rp.out_of_step)
                        mismatch(rp.at, "the pager asks for %s, the recording has %s", what,
                                 rp.next_input == rp.n ? "no more inputs"
                                                       : rp.lines[rp.next_input].text);
                rp.out_of_step = true;
                return NULL;
        }
        return &rp.lines[rp.next_input++];
}

static long replay_sys(const char *what, long r)
{
        char name[32], want[64];
        long v;
        snprintf(want, sizeof(want), "the result of kernel call %s", what);
        const struct line *l = input_next(L_SYS, want);
        if (!l)
                return r;
        if (sscanf(l->text, "sys %31s %ld", name, &v) != 2 || strcmp(name, what)) {
                if (!rp.out_of_step)
                        mismatch(l->no, "the pager makes kernel call %s, the recording has %s",
                                 what, l->text);
                rp.out_of_step = true;
                return r;
        }
        return v;
}

static int hexval(char c)
{
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

// Hex text into bytes: how many, or -1.
static long unhex(const char *s, uint8_t *out, size_t max)
{
        size_t n = 0;
        for (; s[0] && s[0] != '\n'; s += 2) {
                int hi = hexval(s[0]), lo = hexval(s[1]);
                if (hi < 0 || lo < 0 || n == max)
                        return -1;
                out[n++] = (uint8_t)(hi << 4 | lo);
        }
        return (long)n;
}

static void replay_mem(void *buf, size_t len)
{
        uint8_t *b = buf;
        for (size_t off = 0; off < len;) {
                const struct line *l = input_next(L_MEM, "memory of the VFS");
                if (!l)
                        return;
                long n = unhex(l->text + 4, b + off, len - off);
                if (n <= 0) {
                        mismatch(l->no, "a memory line that does not fit the read: %s", l->text);
                        return;
                }
                off += (size_t)n;
        }
}

static uint64_t hash64(const uint8_t *p, uint64_t n)
{
        uint64_t h = 0xcbf29ce484222325ull;
        for (uint64_t i = 0; i < n; i++)
                h = (h ^ p[i]) * 0x100000001b3ull;
        return h;
}

static uint8_t *file_read(const char *path, size_t *len)
{
        FILE *f = fopen(path, "rb");
        if (!f)
                return NULL;
        fseek(f, 0, SEEK_END);
        long n = ftell(f);
        fseek(f, 0, SEEK_SET);
        uint8_t *buf = n >= 0 ? malloc((size_t)n + 1) : NULL;
        if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
                free(buf);
                buf = NULL;
        }
        fclose(f);
        *len = (size_t)n;
        return buf;
}

static void replay_fault(const struct line *l)
{
        struct mkp_rec r;
        struct mk_msg in, out;
        char text[LINE_MAX_ + 32];
        snprintf(text, sizeof(text), "mkp-rec x %s", l->text);
        if (mkp_rec_parse(text, &r) || !r.ids) {
                mismatch(l->no, "malformed fault line: %s", l->text);
                return;
        }
        memset(&in, 0, sizeof(in));
        in.tag = MK_TAG_FAULT;
        in.flags = MK_MSG_KERNEL;
        in.badge = r.region;
        struct fault_info fi = {.addr = r.offset,
                                .access = (uint8_t)r.access,
                                .kind = (uint8_t)r.kind,
                                .level = FAULT_LEVEL_UNKNOWN,
                                .flags = r.flags};
        fault_msg_encode(in.w, &fi, r.tid, r.pid);
        memset(&out, 0, sizeof(out));
        if (!pager_serve(&in, &out)) {
                mismatch(l->no, "fault at 0x%llx of badge %u: no reply",
                         (unsigned long long)r.offset, r.region);
                return;
        }
        unsigned n = out.tag == MKP_MAP ? 1 + out.len / sizeof(struct mk_grant) : 0;
        uint64_t arg = out.tag == MKP_MAP ? n : out.tag == MKP_FAIL ? out.w[0] : 0;
        if ((int)out.tag != r.action || arg != r.arg) {
                mismatch(l->no,
                         "fault at 0x%llx (%s %s) of badge %u: recorded %s %llu, replayed %s %llu",
                         (unsigned long long)r.offset, fault_access_name(r.access),
                         fault_kind_name(r.kind), r.region, mkp_action_name(r.action),
                         (unsigned long long)r.arg, mkp_action_name((int)out.tag),
                         (unsigned long long)arg);
                return;
        }
        for (unsigned k = 0; k < n && k < r.ngrants; k++) {
                struct mk_grant g = {out.w[0], out.w[1], out.w[2]};
                if (k)
                        memcpy(&g, out.buf + (k - 1) * sizeof(g), sizeof(g));
                if (g.va != r.grants[k].offset || g.perms != r.grants[k].perms) {
                        mismatch(l->no,
                                 "fault at 0x%llx (%s %s) of badge %u: grant %u recorded "
                                 "0x%llx:%s, replayed 0x%llx:%s",
                                 (unsigned long long)r.offset, fault_access_name(r.access),
                                 fault_kind_name(r.kind), r.region, k,
                                 (unsigned long long)r.grants[k].offset,
                                 mkp_perms_name(r.grants[k].perms), (unsigned long long)g.va,
                                 mkp_perms_name(g.perms));
                        return;
                }
        }
}

static void replay_request(const struct line *l, const uint8_t *data, size_t len)
{
        struct mk_msg in, out;
        unsigned long long badge, tag, w[6];
        unsigned blen;
        char replied[8];
        long long result;
        if (sscanf(l->text, "request %llu %llx %llx %llx %llx %llx %llx %llx %u = %7s %lld", &badge,
                   &tag, &w[0], &w[1], &w[2], &w[3], &w[4], &w[5], &blen, replied, &result) != 11 ||
            blen != len) {
                mismatch(l->no, "malformed request line (or its data): %s", l->text);
                return;
        }
        memset(&in, 0, sizeof(in));
        in.tag = tag;
        in.badge = badge;
        for (int k = 0; k < 6; k++)
                in.w[k] = w[k];
        in.len = blen;
        memcpy(in.buf, data, len);
        memset(&out, 0, sizeof(out));
        bool got = pager_serve(&in, &out);
        bool want = !strcmp(replied, "reply");
        if (got != want)
                mismatch(l->no, "request 0x%llx of badge %llu: recorded %s, replayed %s", tag,
                         badge, want ? "a reply" : "no reply", got ? "a reply" : "no reply");
        else if (got && (long long)out.w[0] != result)
                mismatch(l->no, "request 0x%llx of badge %llu: recorded result %lld, replayed %lld",
                         tag, badge, result, (long long)out.w[0]);
}

static void replay_exit(const struct line *l)
{
        struct mk_msg in, out;
        unsigned long long badge, pid, reason;
        long long status;
        if (sscanf(l->text, "exit %llu %llu %lld %llu", &badge, &pid, &status, &reason) != 4) {
                mismatch(l->no, "malformed exit line: %s", l->text);
                return;
        }
        memset(&in, 0, sizeof(in));
        in.tag = MK_TAG_EXIT;
        in.flags = MK_MSG_KERNEL;
        in.badge = badge;
        in.w[MK_XW_PID] = pid;
        in.w[MK_XW_STATUS] = (uint64_t)status;
        in.w[MK_XW_REASON] = reason;
        if (pager_serve(&in, &out))
                mismatch(l->no, "an exit event was answered");
}

static void lines_free(void)
{
        for (size_t k = 0; k < rp.n; k++)
                free(rp.lines[k].text);
        free(rp.lines);
        rp.lines = NULL;
        rp.n = rp.cap = 0;
}

static int type_of(const char *w)
{
        static const char *const names[] = {"", "sys", "mem", "data", "fault", "request", "exit"};
        for (int k = 1; k <= L_EXIT; k++)
                if (!strcmp(w, names[k]))
                        return k;
        return 0;
}

int pager_replay(const char *path, const char *bootimg_path, int verbose)
{
        char line[LINE_MAX_], name[MKP_NAME_MAX] = "", arch[16] = "", cmdline[256] = "";
        unsigned long long img_size = 0, img_hash = 0;
        struct mk_physmem phys = {0};
        unsigned no = 0;
        static size_t nmsg;
        nmsg = 0;
        memset(&rp, 0, sizeof(rp));
        rp.path = path;
        rp.verbose = verbose;
        FILE *f = fopen(path, "r");
        if (!f)
                return -1;
        while (fgets(line, sizeof(line), f)) {
                char who[64], word[16];
                int at;
                no++;
                const char *p = strstr(line, "mkp-rec ");
                if (!p || sscanf(p, "mkp-rec %63s %15s %n", who, word, &at) != 2)
                        continue;
                line[strcspn(line, "\r\n")] = '\0';
                if (!name[0] && !strcmp(word, "boot")) {
                        snprintf(name, sizeof(name), "%s", who);
                        const char *c = strstr(p, " cmdline ");
                        if (sscanf(p + at, "%15s bootimg %llx %llx", arch, &img_size, &img_hash) !=
                            3)
                                mismatch(no, "malformed boot line");
                        snprintf(cmdline, sizeof(cmdline), "%s", c ? c + 9 : "");
                        continue;
                }
                if (!name[0] || strcmp(who, name))
                        continue;
                unsigned i;
                unsigned long long base, size;
                if (!strcmp(word, "phys")) {
                        if (sscanf(p + at, "%u %llx %llx", &i, &base, &size) != 3 ||
                            i >= MK_PHYS_RANGES) {
                                mismatch(no, "malformed phys line");
                                continue;
                        }
                        phys.r[i].base = base;
                        phys.r[i].size = size;
                        if (i + 1 > phys.nranges)
                                phys.nranges = i + 1;
                        continue;
                }
                int t = type_of(word);
                if (!t) {
                        mismatch(no, "unknown line: %s", p);
                        continue;
                }
                nmsg += t >= L_FAULT;
                if (line_add(t, no, p + 8 + strlen(who) + 1)) {
                        fclose(f);
                        lines_free();
                        return -1;
                }
        }
        fclose(f);
        if (!name[0]) {
                mismatch(no, "no system pager in the recording (no boot line)");
                lines_free();
                return rp.mismatches;
        }
        size_t img_len;
        uint8_t *img = file_read(bootimg_path, &img_len);
        if (!img || img_len != img_size || hash64(img, img_len) != img_hash) {
                mismatch(1, "the boot image %s is not the recorded one (%s)", bootimg_path,
                         img ? "size or hash differ" : "cannot read it");
                free(img);
                lines_free();
                return rp.mismatches;
        }
        long a = !strcmp(arch, "x86_64")    ? FAULT_ARCH_X86_64
                 : !strcmp(arch, "aarch64") ? FAULT_ARCH_AARCH64
                                            : FAULT_ARCH_RISCV64;
        // The machine, then the pager as main() starts it, its inputs replayed.
        pager_host_reset();
        fk_reset(img, img_len);
        if (fk_config(&phys, cmdline, a)) {
                mismatch(1, "cannot make the recorded physical memory");
                free(img);
                lines_free();
                return rp.mismatches;
        }
        rec_mode = REC_REPLAY;
        rec_replay_sys = replay_sys;
        rec_replay_mem = replay_mem;
        fk_shutdown_armed = true;
        static uint8_t data[MK_MSG_BUF];
        static size_t dlen, i; // (kept across the shutdown's longjmp)
        dlen = i = 0;
        if (!setjmp(fk_shutdown)) {
                rp.at = 1;
                pager_start();
                for (; i < rp.n; i++) {
                        const struct line *l = &rp.lines[i];
                        rp.at = l->no;
                        if (l->type == L_DATA) {
                                long n = unhex(l->text + 5, data + dlen, sizeof(data) - dlen);
                                if (n < 0)
                                        mismatch(l->no, "malformed data line");
                                else
                                        dlen += (size_t)n;
                        } else if (l->type == L_FAULT) {
                                replay_fault(l);
                        } else if (l->type == L_REQUEST) {
                                replay_request(l, data, dlen);
                                dlen = 0;
                        } else if (l->type == L_EXIT) {
                                replay_exit(l);
                        }
                }
        } else {
                // The pager shut the machine down (its first program ended):
                // the recording must end there too.
                for (i++; i < rp.n; i++)
                        if (rp.lines[i].type >= L_FAULT) {
                                mismatch(rp.lines[i].no, "the pager shut down before this");
                                break;
                        }
        }
        fk_shutdown_armed = false;
        if (!rp.out_of_step) {
                size_t left = 0;
                for (size_t k = rp.next_input; k < rp.n; k++)
                        left += rp.lines[k].type == L_SYS || rp.lines[k].type == L_MEM;
                if (left)
                        mismatch(rp.lines[rp.n - 1].no,
                                 "%zu recorded inputs the pager never asked for", left);
        }
        rec_mode = REC_OFF;
        fk_config(NULL, NULL, 0);
        lines_free();
        free(img);
        if (verbose)
                printf("replay: %s: %zu messages of %s, %d mismatches\n", path, nmsg, name,
                       rp.mismatches);
        return rp.mismatches;
}
