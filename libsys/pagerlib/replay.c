// SPDX-License-Identifier: MIT
// Host only: the pager library without a kernel. It provides the system the
// portable part needs (a fake frame pool in host memory, unmapping that only
// counts, console output on stdout), mkp_init for host tests, and the replay
// driver: it reads "mkp-rec" lines recorded by `tools/run ARCH --record FILE`,
// turns each back into the message the pager received, runs it through the
// same code the pager runs (mkp_serve, with your handler) and compares the
// answer with the recorded one.
#include "pagerlib_int.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FAKE_PA_BASE   0x100000000ull // physical addresses of the fake frames
#define FAKE_VA_BASE   0x800000000ull // where replayed regions start...
#define FAKE_VA_STRIDE 0x200000000ull // ...one every 8 GiB
#define FAKE_PROC_BASE 100            // fake client process handles
#define FAKE_TID       1
#define FAKE_PID       MKP_HOST_PID
#define LINE_MAX_      512
#define MAX_CHUNKS     (MKP_MAX_FRAMES / MKP_FRAMES_STEP + 1)

// The fake system (counters tests may read: see pagerlib_int.h).
unsigned long mkp_host_unmaps, mkp_host_protects;
uint32_t mkp_host_last_protect;
bool mkp_host_dead[MKP_HOST_PROCS];
static uint64_t next_pa = FAKE_PA_BASE;
static void *chunks[MAX_CHUNKS];
static uint32_t chunk_frames[MAX_CHUNKS];
static unsigned nchunks;
// Chunks of earlier runs, kept for reuse: a replay or a fuzz input that had
// to fault in fresh pages for its fake frames would spend most of its time
// doing that.
static void *spare[MAX_CHUNKS];
static uint32_t spare_frames[MAX_CHUNKS];
static unsigned nspare;

// A chunk of n fake frames, zeroed (a spare one of that size, or new).
static char *chunk_get(uint32_t n)
{
        for (unsigned k = 0; k < nspare; k++)
                if (spare_frames[k] == n) {
                        char *mem = spare[k];
                        spare[k] = spare[--nspare];
                        spare_frames[k] = spare_frames[nspare];
                        memset(mem, 0, n * MK_PAGE_SIZE);
                        return mem;
                }
        char *mem = aligned_alloc(MK_PAGE_SIZE, n * MK_PAGE_SIZE);
        if (mem)
                memset(mem, 0, n * MK_PAGE_SIZE);
        return mem;
}

int mk_printf(const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        int n = vprintf(fmt, ap);
        va_end(ap);
        return n;
}

int mk_vsnprintf(char *buf, size_t len, const char *fmt, va_list ap)
{
        return vsnprintf(buf, len, fmt, ap);
}

int mk_snprintf(char *buf, size_t len, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(buf, len, fmt, ap);
        va_end(ap);
        return n;
}

// No kernel to receive from (mkp_server_run returns at once).
long mk_recv(long ep, struct mk_msg *m)
{
        return -ENOSYS;
}

long mk_reply_recv(long ep, struct mk_msg *reply, struct mk_msg *recv)
{
        return -ENOSYS;
}

long mk_reply(struct mk_msg *m)
{
        return -ENOSYS;
}

long mkp_sys_frames(struct mkp_pager *pg, uint32_t n)
{
        if (nchunks >= MAX_CHUNKS)
                return -ENOMEM;
        char *mem = chunk_get(n);
        if (!mem)
                return -ENOMEM;
        chunk_frames[nchunks] = n;
        chunks[nchunks++] = mem;
        for (uint32_t i = 0; i < n; i++, next_pa += MK_PAGE_SIZE)
                if (mkp_pool_add(pg, next_pa, mem + i * MK_PAGE_SIZE))
                        return (long)i;
        return n;
}

long mkp_sys_unmap(long proc, uint64_t va)
{
        mkp_host_unmaps++;
        return 0;
}

long mkp_sys_protect(long proc, uint64_t va, uint32_t perms)
{
        mkp_host_protects++;
        mkp_host_last_protect = perms;
        return 0;
}

uint32_t mkp_sys_pid(long proc)
{
        return MKP_HOST_PID;
}

bool mkp_sys_alive(long proc)
{
        return proc < 0 || proc >= MKP_HOST_PROCS || !mkp_host_dead[proc];
}

void mkp_sys_close(long handle) {}

long mkp_sys_mint(struct mkp_pager *pg, long proc, uint64_t badge)
{
        return 0x100 + (long)badge; // a handle index in the client, never used on the host
}

struct mk_msg mkp_host_last_reply;
long mkp_host_last_reply_handle = -1, mkp_host_reply_err;
unsigned long mkp_host_replies;
static long next_reply_handle = 0x200;

long mkp_sys_reply_save(void)
{
        return next_reply_handle++;
}

long mkp_sys_reply_to(long h, struct mk_msg *m)
{
        mkp_host_replies++;
        mkp_host_last_reply_handle = h;
        mkp_host_last_reply = *m;
        return mkp_host_reply_err;
}

void mkp_host_reset(void)
{
        next_reply_handle = 0x200;
        mkp_host_reply_err = 0;
        mkp_host_replies = 0;
        mkp_host_last_reply_handle = -1;
        for (unsigned i = 0; i < nchunks; i++) {
                if (nspare < MAX_CHUNKS) {
                        spare_frames[nspare] = chunk_frames[i];
                        spare[nspare++] = chunks[i];
                } else {
                        free(chunks[i]);
                }
        }
        nchunks = 0;
        next_pa = FAKE_PA_BASE;
        mkp_host_unmaps = mkp_host_protects = 0;
        mkp_host_last_protect = 0;
        memset(mkp_host_dead, 0, sizeof(mkp_host_dead));
}

int mkp_fill_file(const struct mkp_frame *f, long fd, uint64_t page_index)
{
        return -ENOSYS; // no VFS on the host
}

// Host mkp_init: the same set-up over the fake pool; nothing is recorded.
int mkp_init(struct mkp_pager *pg, long ep, uint32_t nframes, mkp_handler_fn handler, void *user)
{
        memset(pg, 0, sizeof(*pg));
        mkp_priv(pg)->ep = ep;
        mkp_priv(pg)->handler = handler;
        pg->user = user;
        memcpy(pg->name, "pager", sizeof("pager"));
        mkp_priv(pg)->budget = nframes;
        if (nframes > MKP_MAX_FRAMES)
                return -EINVAL;
        while (mkp_priv(pg)->nframes < nframes) {
                uint32_t want = nframes - mkp_priv(pg)->nframes;
                long got = mkp_sys_frames(pg, want < MKP_FRAMES_STEP ? want : MKP_FRAMES_STEP);
                if (got <= 0)
                        return got < 0 ? (int)got : -ENOMEM;
        }
        return 0;
}

int mkp_run(struct mkp_pager *pg)
{
        mk_printf("pagerlib: %s: no kernel on the host: use mkp_replay_file\n", pg->name);
        return -ENOSYS;
}

void mkp_stop(struct mkp_pager *pg)
{
        mkp_priv(pg)->stop = true;
}

// The state of one replay.
struct replay {
        struct mkp_pager *pg;
        const char *path;
        unsigned line;
        int mismatches;
        int verbose;
        int32_t ids[MKP_MAX_REGIONS]; // recorded region id -> replayed id (-1: none)
};

static void mismatch(struct replay *rp, const char *fmt, ...)
{
        va_list ap;
        rp->mismatches++;
        if (!rp->verbose)
                return;
        printf("replay: %s:%u: ", rp->path, rp->line);
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
        printf("\n");
}

// Sends one message through the library, as mkp_run would, the reply accepted.
static void deliver(struct replay *rp, const struct mk_msg *in, struct mk_msg *out,
                    struct mkp_rec *rec)
{
        if (mkp_serve(rp->pg, in, out, rec))
                mkp_commit(rp->pg);
}

static void replay_attach(struct replay *rp, const struct mkp_rec *r)
{
        struct mk_msg in = {.tag = MKP_REQ_ATTACH}, out;
        struct mkp_rec got;
        in.w[0] = FAKE_VA_BASE + r->region * FAKE_VA_STRIDE;
        in.w[1] = r->offset;
        in.w[2] = FAKE_PROC_BASE + r->region;
        deliver(rp, &in, &out, &got);
        if ((long)out.w[0] < 0)
                mismatch(rp, "attach of region %u (0x%llx bytes) refused: %ld", r->region,
                         (unsigned long long)r->offset, (long)out.w[0]);
        else
                rp->ids[r->region] = (int32_t)out.w[0];
}

static void replay_detach(struct replay *rp, const struct mkp_rec *r)
{
        struct mk_msg in = {.tag = MKP_REQ_DETACH}, out;
        struct mkp_rec got;
        if (rp->ids[r->region] < 0) {
                mismatch(rp, "detach of region %u, never attached", r->region);
                return;
        }
        in.w[0] = (uint64_t)rp->ids[r->region];
        in.badge = in.w[0] + 1; // sent through the region's handle
        deliver(rp, &in, &out, &got);
        rp->ids[r->region] = -1;
}

static void replay_fault(struct replay *rp, const struct mkp_rec *r)
{
        struct mk_msg in = {.tag = MK_TAG_FAULT, .flags = MK_MSG_KERNEL}, out;
        struct mkp_rec got;
        bool known = r->region != MKP_NO_REGION;
        if (known && rp->ids[r->region] < 0) {
                mismatch(rp, "fault in region %u, never attached", r->region);
                return;
        }
        in.badge = known ? (uint64_t)rp->ids[r->region] + 1 : 0;
        struct fault_info fi = {
            .addr = known ? FAKE_VA_BASE + r->region * FAKE_VA_STRIDE + r->offset : r->offset,
            .access = (uint8_t)r->access,
            .kind = (uint8_t)r->kind,
            .level = FAULT_LEVEL_UNKNOWN,
            .flags = FAULT_F_USER | FAULT_F_ADDR_VALID,
        };
        fault_msg_encode(in.w, &fi, FAKE_TID, FAKE_PID);
        deliver(rp, &in, &out, &got);
        if (got.action != r->action || got.arg != r->arg) {
                mismatch(rp,
                         "%s fault at offset 0x%llx (%s %s): recorded %s %llu, replayed %s %llu",
                         r->name, (unsigned long long)r->offset, fault_access_name(r->access),
                         fault_kind_name(r->kind), mkp_action_name(r->action),
                         (unsigned long long)r->arg, mkp_action_name(got.action),
                         (unsigned long long)got.arg);
                return;
        }
        // The full answer, when the line has it: every grant's page and rights.
        for (unsigned k = 0; k < r->ngrants && k < got.ngrants; k++)
                if (got.grants[k].offset != r->grants[k].offset ||
                    got.grants[k].perms != r->grants[k].perms) {
                        mismatch(rp,
                                 "%s fault at offset 0x%llx (%s %s): grant %u recorded 0x%llx:%s, "
                                 "replayed 0x%llx:%s",
                                 r->name, (unsigned long long)r->offset,
                                 fault_access_name(r->access), fault_kind_name(r->kind), k,
                                 (unsigned long long)r->grants[k].offset,
                                 mkp_perms_name(r->grants[k].perms),
                                 (unsigned long long)got.grants[k].offset,
                                 mkp_perms_name(got.grants[k].perms));
                        return;
                }
}

// A fresh pager for the replay (an "init" line, or the first line).
static void replay_start(struct replay *rp, uint32_t budget, const char *name,
                         mkp_handler_fn handler, void *user, void (*setup)(struct mkp_pager *))
{
        mkp_host_reset();
        if (mkp_init(rp->pg, -1, budget, handler, user))
                mismatch(rp, "cannot make a pool of %u frames", budget);
        memcpy(rp->pg->name, name, MKP_NAME_MAX);
        for (unsigned k = 0; k < MKP_MAX_REGIONS; k++)
                rp->ids[k] = -1;
        if (setup)
                setup(rp->pg);
}

// Whether instance name who (NAME or NAME@PID) is one of pager `name`.
static bool instance_of(const char *who, const char *name)
{
        size_t n = strlen(name);
        return !strcmp(who, name) ||
               (!strncmp(who, name, n) && who[n] == '@' && !strchr(name, '@'));
}

// The NAME of an mkp-rec line into who; false for other lines and for the
// lines of the system pager's stream (its name, learnt from its `boot` line,
// kept in sys).
static bool line_name(const char *line, char who[MKP_NAME_MAX], char sys[MKP_NAME_MAX])
{
        const char *p = strstr(line, "mkp-rec ");
        if (!p)
                return false;
        p += 8;
        size_t n = strcspn(p, " \t\r\n");
        if (n >= MKP_NAME_MAX)
                n = MKP_NAME_MAX - 1; // malformed: the parser says so
        memcpy(who, p, n);
        who[n] = '\0';
        if (!strncmp(p + n, " boot ", 6))
                memcpy(sys, who, MKP_NAME_MAX);
        return strcmp(who, sys) != 0;
}

int mkp_replay_named(const char *path, const char *name, mkp_handler_fn handler, void *user,
                     void (*setup)(struct mkp_pager *pg), int verbose)
{
        char line[LINE_MAX_], want[MKP_NAME_MAX] = "";
        struct replay rp = {.path = path, .verbose = verbose};
        FILE *fp = fopen(path, "r");
        if (!fp)
                return -1;
        rp.pg = calloc(1, sizeof(*rp.pg));
        if (!rp.pg) {
                fclose(fp);
                return -1;
        }
        if (name)
                snprintf(want, sizeof(want), "%s", name);
        bool started = false;
        char inst[MKP_NAME_MAX] = "", sys[MKP_NAME_MAX] = "";
        while (fgets(line, sizeof(line), fp)) {
                struct mkp_rec r;
                char who[MKP_NAME_MAX];
                rp.line++;
                if (!line_name(line, who, sys))
                        continue; // other console output, or the system pager's lines
                // The instance replayed: the first one named `name` (NAME or
                // NAME@PID), or the first library pager in the file.
                if (!inst[0] && (!want[0] || instance_of(who, want)))
                        memcpy(inst, who, sizeof(inst));
                if (strcmp(who, inst))
                        continue;
                if (mkp_rec_parse(line, &r) ||
                    (r.region != MKP_NO_REGION && r.region >= MKP_MAX_REGIONS)) {
                        mismatch(&rp, "malformed line: %s", line);
                        continue;
                }
                if (r.type == MKP_REC_INIT || !started) {
                        replay_start(&rp, r.type == MKP_REC_INIT ? (uint32_t)r.offset : 0, inst,
                                     handler, user, setup);
                        started = true;
                }
                if (r.type == MKP_REC_ATTACH)
                        replay_attach(&rp, &r);
                else if (r.type == MKP_REC_DETACH)
                        replay_detach(&rp, &r);
                else if (r.type == MKP_REC_FAULT)
                        replay_fault(&rp, &r);
        }
        fclose(fp);
        free(rp.pg);
        mkp_host_reset();
        return rp.mismatches;
}

int mkp_replay_file(const char *path, mkp_handler_fn handler, void *user, int verbose)
{
        return mkp_replay_named(path, NULL, handler, user, NULL, verbose);
}
