// SPDX-License-Identifier: MIT
// The guest system-call fuzzer (tools/fuzz, docs/fuzzing.md). The system
// pager starts it for the kernel command line word `fuzz=CALLS` (optional
// `fuzzseed=SEED`, `fuzzround=R`, `fuzzrepeat=K`, `fuzzlog`, `fuzzverbose`:
// docs/fuzzing.md). It
//   1. warms the kernel's and the pager's object caches up to what a worker
//      can ever hold at once, and takes a baseline of the kernel's counts
//      (MK_INFO_KSTATS) and the pager's free frames (PGR_STATS);
//   2. runs rounds: each round a fresh worker (a fork of this process) makes a
//      deterministic batch of system calls drawn from a PRNG seeded with
//      (SEED, round): every call number and numbers past the last, edge-case
//      and random arguments, handles of every kind (its endpoints, its
//      children, the pager's and the VFS's, closed and forged indices, the
//      system handle index), messages with random and kernel tags to the
//      pager, the VFS and its own endpoints. The worker has three partner
//      threads that serve and call its endpoints, so most calls that could
//      block return. It reports its progress in a page shared with us; we are
//      the watchdog: a worker that makes no progress for WATCHDOG_MS (a call
//      that legitimately blocks) is killed and the next round starts. Its own
//      fuzzed calls may end it (exit, a self-kill, unmapping its own code):
//      the next round starts. After each round the kernel's object counts
//      must come back to what they were before it;
//   3. checks that the kernel, the pager and the VFS still serve and that
//      every count (kernel frames free, processes, threads, endpoints,
//      handles, pager frames free) is back at the baseline.
// Prints `fuzz: ...` figures and `fuzz ok calls_N` or `fuzz not ok calls_N:
// WHY`, and exits 0 only if all held (the pager then shuts down with it).
// Programs the worker may spawn run this program with a word that is not a
// number as argv[1] (a role: "mem" touches memory; anything else exits).
#include <mk/file.h>
#include <mk/pagerclient.h>
#include <mk/sys.h>
#include <mk/vfs.h>
#include <tests/testva.h>

// Rounds and the watchdog.
#define ROUND_CALLS 5000 // calls per round (fewer if the worker ends or blocks)
#define WARM_ROUNDS 3    // warm-up rounds before the baseline (their own PRNG stream)
#define WARM_CALLS  2000
#define WATCHDOG_MS 200   // no progress for this long: the worker is blocked, kill it
#define SETUP_MS    10000 // a worker must be set up within this
#define END_MS      5000  // a killed worker must have ended within this
#define SETTLE_MS   5000  // counts must be back within this after a round
#define PROGRESS_MS 10000 // a progress line this often
#define OWN_SLACK   32    // pages the fuzzer's own stack and data may still add after the baseline

// The worker's fixed places (inside the pager's mmap range, far from
// everything the program itself uses).
#define SCRATCH_VA    0x2000000000ull // valid buffers the fuzzed pointers name
#define SCRATCH_PAGES 8
#define SCRATCH_END   (SCRATCH_VA + SCRATCH_PAGES * MK_PAGE_SIZE)
#define ZONE_VA       0x2100000000ull // mmap/munmap/mprotect/region-pager games
#define ZONE_PAGES    64
#define FILL_VA       0x2200000000ull // the pager filler's regions
#define SHARED_VA     0x2400000000ull // the page shared by the fuzzer and its workers
#define STACK_FLOOR   0x3fe0000000ull // below every stack the pager gives (exec.h)
#define STACK_TOP     0x3ff0000000ull

// What one worker's tree may hold (the worker lowers its own limits first);
// the cache warm-up fills more than this.
#define W_PROCS      16
#define W_THREADS    48
#define W_KMEM       1024
#define W_FRAMES     2048
#define W_PSLOTS     16
#define FILL_PROCS   40
#define FILL_THREADS 64
#define FILL_EP_KIDS 20
#define FILL_VMAS    800
#define FILL_FRAMES  6144 // pager frames in use at once (the pager's per-frame tables)

// The worker's reserved handles (0 and 1 from the pager, the others made in
// this order at its start; its fuzzed calls never close 2-5, and 0 and 1 only
// rarely).
enum { H_PAGER = 0, H_VFS = 1, H_SRV = 2, H_CLI = 3, H_PARK = 4, H_SELF = 5, H_RESERVED = 6 };

// The page shared by us and every worker (MAP_SHARED: fork keeps it shared).
struct shared {
        volatile uint64_t calls; // calls the worker has made this round
        volatile uint64_t sysno; // the call in progress
        volatile uint64_t state; // ST_*
        volatile uint64_t nviol; // invariant violations seen (all rounds)
        volatile uint64_t viol_round, viol_call;
        char why[256];              // the first violation
        volatile uint64_t last[8];  // the call in progress: number, arguments, message tag
        volatile uint64_t last_obj; // what the worker believes its first argument is (a handle)
        volatile uint64_t count[SYS_NR + 1]
                               [2]; // per call number (SYS_NR: out of range): calls, >= 0
};
enum { ST_SETUP, ST_FUZZ, ST_DONE };
static struct shared *sh;

// --- the PRNG (xoshiro256**, seeded through splitmix64) --------------------

struct rng {
        uint64_t s[4];
};

static uint64_t splitmix(uint64_t *x)
{
        uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
}

static void rng_seed(struct rng *r, uint64_t seed, uint64_t stream)
{
        uint64_t x = seed ^ (stream * 0xd1342543de82ef95ull);
        for (int i = 0; i < 4; i++)
                r->s[i] = splitmix(&x);
}

static uint64_t rotl(uint64_t x, int k)
{
        return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(struct rng *r)
{
        uint64_t *s = r->s, out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = rotl(s[3], 45);
        return out;
}

// --- settings ------------------------------------------------------------------

static uint64_t opt_calls = 1000000, opt_seed = 1, opt_round = (uint64_t)-1;
static bool opt_log, opt_verbose;
static uint64_t opt_repeat = 1; // fuzzrepeat=N: run the round of fuzzround N times
static long parent_pid;

static uint64_t now_ms(void)
{
        return (uint64_t)mk_info(MK_INFO_UPTIME_MS, 0);
}

static const char *word_value(const char *cmdline, const char *w)
{
        size_t n = strlen(w);
        for (const char *p = cmdline; (p = strstr(p, w)); p += n)
                if ((p == cmdline || p[-1] == ' ') && (p[n] == '=' || p[n] == ' ' || !p[n]))
                        return p + n;
        return NULL;
}

static uint64_t word_number(const char *cmdline, const char *w, uint64_t dflt)
{
        const char *v = word_value(cmdline, w);
        if (!v || *v != '=' || v[1] < '0' || v[1] > '9')
                return dflt;
        uint64_t n = 0;
        for (v++; *v >= '0' && *v <= '9'; v++)
                n = n * 10 + (uint64_t)(*v - '0');
        return n;
}

// =============================================================================
// The worker. Everything here runs in a fork of the fuzzer; its control
// state lives in its data and bss, which the fuzzed pointers never name
// (ptr_safe), so a round is reproducible from (SEED, round).
// =============================================================================

enum kind { K_NONE, K_EP, K_KPROC, K_FPROC, K_SPROC, K_SELFP };
// Endpoint objects the worker knows: those served (by the pager, the VFS, its
// partner S) never leave a sender waiting.
enum { OBJ_NEW = 0, OBJ_PAGER = 1, OBJ_VFS = 2, OBJ_SRV = 3, OBJ_CLI = 4, OBJ_PARK = 5 };

static struct worker {
        struct rng r;
        uint64_t round;
        long pid;
        uint8_t kind[64], rights[64], obj[64];
        uint64_t frames[64]; // physical addresses of frames it was given (PGR_FRAMES)
        unsigned nframes;
        uint64_t frames_va; // where the last PGR_FRAMES mapped them
        uint64_t frames_n;
        long kids[8]; // pids of its fork and spawn children (PGR_MAPS, PGR_LIMIT, PGR_RESUME)
        unsigned nkids;
        uint64_t data_lo, data_hi; // its data, bss and heap (never named by a fuzzed pointer)
} ws;

static struct mk_msg msgs[2] __attribute__((aligned(64))); // what the fuzzed calls send / receive

static uint64_t r64(void)
{
        return rng_next(&ws.r);
}

static uint64_t rn(uint64_t n)
{
        return n ? r64() % n : 0;
}

static bool pm(unsigned per_mille)
{
        return rn(1000) < per_mille;
}

// Edge values of every width.
static const uint64_t edges[] = {
    0,
    1,
    2,
    3,
    7,
    8,
    63,
    64,
    255,
    256,
    511,
    512,
    513,
    4095,
    4096,
    4097,
    0x10000,
    0x7fffffff,
    0x80000000,
    0xffffffff,
    0x100000000,
    0x7fffffffffffffff,
    0x8000000000000000,
    0xffffffffffffffff,
    0xfffffffffffffffe,
    (uint64_t)-4096,
    (uint64_t)-64,
    (uint64_t)(int64_t)INT32_MIN,
    MK_USER_TOP,
    MK_USER_TOP - 1,
};
#define NEDGES (sizeof(edges) / sizeof(edges[0]))

static uint64_t val(void)
{
        switch (rn(8)) {
        case 0:
        case 1:
        case 2:
                return edges[rn(NEDGES)];
        case 3:
                return rn(80);
        case 4:
                return (uint64_t) - (int64_t)rn(80);
        case 5:
                return 1ull << rn(64);
        default:
                return r64();
        }
}

static uint64_t page_up(uint64_t x)
{
        return (x + MK_PAGE_SIZE - 1) & ~(MK_PAGE_SIZE - 1);
}

// Whether [a, a+len) touches what the worker itself runs on: its data, bss
// and heap, its stacks, the shared page.
static bool sensitive(uint64_t a, uint64_t len)
{
        uint64_t e = a + len < a ? UINT64_MAX : a + len;
        uint64_t shp = (uint64_t)sh;
        return (a < ws.data_hi && e > ws.data_lo) || (a < STACK_TOP && e > STACK_FLOOR) ||
               (a < shp + MK_PAGE_SIZE && e > shp);
}

// A pointer the kernel may read or write: never into the worker's control
// state, nor so close before it that an object written there reaches it (the
// largest is MK_INFO_PHYS_WINDOW's, 1,040 bytes).
#define PTR_SPAN 2048
static uint64_t ptr_safe(uint64_t p)
{
        return sensitive(p, PTR_SPAN) ? TEST_UNMAPPED_VA + (p & 0xfff) : p;
}

static const uint64_t bad_ptrs[] = {
    0,
    1,
    0xfff,
    0x1000,
    MK_USER_BASE - 1,
    MK_USER_BASE,
    MK_USER_BASE - 8,
    MK_USER_TOP - 1,
    MK_USER_TOP - 8,
    MK_USER_TOP - 72,
    MK_USER_TOP,
    MK_USER_TOP + 0x1000,
    0x0000800000000000ull,
    0x00007ffffffff000ull,
    0xffff800000000000ull,
    0xffff000000000000ull,
    0xffffffc000000000ull,
    0xffffffff80000000ull,
    0xfffffffffffff000ull,
    0xffffffffffffffffull,
    0xffffffffffffffb8ull, // -72: a message header wrapping around
    0x8000000000000000ull,
    TEST_UNMAPPED_VA,
    TEST_UNMAPPED_VA + 0xff8,
    SCRATCH_END,     // the unmapped gap after the scratch pages
    SCRATCH_END - 8, // straddling its end
    SCRATCH_END - 71,
};
#define NBAD (sizeof(bad_ptrs) / sizeof(bad_ptrs[0]))

// A pointer argument: mostly valid buffers, then every kind of bad one.
static uint64_t ptr_any(void)
{
        unsigned c = (unsigned)rn(100);
        if (c < 35)
                return SCRATCH_VA + (rn(SCRATCH_PAGES * MK_PAGE_SIZE - 640) & ~7ull);
        if (c < 45)
                return SCRATCH_VA + rn(SCRATCH_PAGES * MK_PAGE_SIZE);
        if (c < 50)
                return SCRATCH_END - rn(600);
        if (c < 61) // (the zone's pages come and go with their own rights)
                return ZONE_VA + rn(ZONE_PAGES) * MK_PAGE_SIZE + (pm(500) ? 0 : rn(MK_PAGE_SIZE));
        if (c < 64)
                return 0; // (the worker's code: ptr)
        if (c < 72)
                return ZONE_VA + rn(ZONE_PAGES) * MK_PAGE_SIZE + (pm(700) ? 0 : rn(MK_PAGE_SIZE));
        if (c < 75 && ws.frames_n)
                return ws.frames_va + rn(ws.frames_n * MK_PAGE_SIZE);
        if (c < 93)
                return bad_ptrs[rn(NBAD)];
        if (c < 96)
                return MK_USER_BASE + rn(MK_USER_TOP - MK_USER_BASE);
        return r64();
}

static uint64_t ptr(void)
{
        uint64_t p = ptr_any();
        // The worker's code is read-only: the kernel cannot write there.
        return p ? ptr_safe(p) : (uint64_t)&rn + rn(64);
}

// A pointer that is certainly not readable.
// (Outside the user range: what a fuzzed mmap made there cannot matter.)
static uint64_t ptr_bad(void)
{
        static const uint64_t b[] = {0,
                                     1,
                                     0xfff,
                                     MK_USER_BASE - 1,
                                     MK_USER_BASE - 0x800,
                                     MK_USER_TOP,
                                     MK_USER_TOP + 0x123,
                                     0xffff800000000000ull,
                                     0xffffffff80000000ull,
                                     0xffffffffffffffffull,
                                     0x8000000000000000ull,
                                     0x0000800000000000ull};
        return b[rn(sizeof(b) / sizeof(b[0]))];
}

// --- handles -------------------------------------------------------------------------

static const int64_t forged[] = {-2,
                                 -64,
                                 64,
                                 65,
                                 127,
                                 1000,
                                 INT32_MAX,
                                 INT64_MAX,
                                 INT64_MIN,
                                 (int64_t)1 << 32,
                                 ((int64_t)1 << 32) | 2,
                                 -1000000,
                                 0x7fff,
                                 0x10000};
#define NFORGED (sizeof(forged) / sizeof(forged[0]))

// A live handle of kind k (K_NONE: of any kind), or -1 if none.
static long pick_kind(enum kind k)
{
        unsigned start = (unsigned)rn(64);
        for (unsigned i = 0; i < 64; i++) {
                unsigned h = (start + i) % 64;
                if (ws.kind[h] != K_NONE && (k == K_NONE || ws.kind[h] == k))
                        return h;
        }
        return -1;
}

static long handle_any(void)
{
        unsigned c = (unsigned)rn(100);
        long h;
        if (c < 45 && (h = pick_kind(K_NONE)) >= 0)
                return h;
        if (c < 55)
                return (long)rn(H_RESERVED);
        if (c < 75)
                return (long)rn(64); // free, closed or live
        if (c < 80)
                return MK_SELF;
        return (long)forged[rn(NFORGED)];
}

// A process handle: its children mostly, sometimes a handle to itself.
static long handle_proc(unsigned self_per_mille)
{
        unsigned c = (unsigned)rn(1000);
        long h = -1;
        if (c < self_per_mille)
                return pm(500) ? H_SELF : MK_SELF;
        if (c < 750) {
                static const enum kind ks[] = {K_KPROC, K_KPROC, K_FPROC, K_SPROC};
                h = pick_kind(ks[rn(4)]);
                if (h < 0)
                        h = pick_kind(K_KPROC);
        }
        if (h < 0 || c >= 900) {
                h = handle_any();
                if ((h == MK_SELF || (h >= 0 && h < 64 && ws.kind[h] == K_SELFP)) && !pm(50))
                        h = (long)rn(64);
        }
        return h;
}

static bool is_self(long h)
{
        return h == MK_SELF || (h >= 0 && h < 64 && ws.kind[h] == K_SELFP);
}

// An endpoint with a server (nothing sent there waits for good), or which
// would leave a sender waiting.
static bool served(long h)
{
        return h >= 0 && h < 64 && ws.kind[h] == K_EP && (ws.rights[h] & MK_RIGHT_SEND) &&
               (ws.obj[h] == OBJ_PAGER || ws.obj[h] == OBJ_VFS || ws.obj[h] == OBJ_SRV);
}

static bool blocks_sender(long h)
{
        return h >= 0 && h < 64 && ws.kind[h] == K_EP && !served(h) &&
               (ws.rights[h] & MK_RIGHT_SEND);
}

static bool blocks_receiver(long h)
{
        return h >= 0 && h < 64 && ws.kind[h] == K_EP && ws.obj[h] != OBJ_CLI &&
               (ws.rights[h] & MK_RIGHT_RECV);
}

// --- messages ------------------------------------------------------------------------

static void fill(void *p, size_t n)
{
        uint8_t *b = p;
        for (size_t i = 0; i < n; i += 8) {
                uint64_t x = r64();
                for (size_t j = 0; j < 8 && i + j < n; j++)
                        b[i + j] = (uint8_t)(x >> (8 * j));
        }
}

static uint32_t msg_len(void)
{
        switch (rn(10)) {
        case 0:
                return 512;
        case 1:
                return 513;
        case 2:
                return (uint32_t)val();
        case 3:
        case 4:
                return (uint32_t)rn(513);
        default:
                return (uint32_t)rn(64);
        }
}

static void msg_words(struct mk_msg *m)
{
        for (int i = 0; i < MK_MSG_WORDS; i++)
                m->w[i] = val();
}

// A message for anyone: user tags, kernel tags, fault-reply tags, junk.
static void gen_any(struct mk_msg *m)
{
        memset(m, 0, 80);
        switch (rn(10)) {
        case 0:
        case 1:
                m->tag = rn(MK_TAG_USER); // the kernel's: refused
                break;
        case 2:
                m->tag = 1 + rn(3); // MK_FAULT_MAP / FAIL / RETRY (replies)
                break;
        case 3:
                m->tag = val();
                break;
        default:
                m->tag = MK_TAG_USER + rn(0x60);
        }
        msg_words(m);
        m->flags = (uint32_t)val(); // ignored on send
        m->badge = val();           // set by the kernel
        m->len = msg_len();
        fill(m->buf, m->len < MK_MSG_BUF ? m->len : 64);
}

// Files the worker may create (and removes at each round's start) and names
// it may only try: the VFS's own files stay as they are (so its page cache,
// hence the pager's free frames, comes back to the baseline).
static const char *const made_names[] = {
    "fz0",
    "fz1",
    "fz2",
    "fz3",
    "fz4",
    "fz5",
    "fz6",
    "fz7",
    "fzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", // 60: the longest
};
#define NMADE (sizeof(made_names) / sizeof(made_names[0]))
static const char *const other_names[] = {
    "nosuch",
    "",
    "/",
    ".",
    "..",
    "a/b",
    "/fz1/",
    "//fz2",
    "/fz3",
    "fzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", // 61: too long
    "\xff\xfe\x01",
    "fz0\nx",
};
#define NOTHER (sizeof(other_names) / sizeof(other_names[0]))

// Writes a path into m->buf; *create says whether O_CREAT / O_TRUNC are allowed.
static void msg_path(struct mk_msg *m, bool *create, bool *readonly)
{
        const char *name;
        *create = *readonly = false;
        unsigned c = (unsigned)rn(10);
        if (c < 6) {
                name = made_names[rn(NMADE)];
                *create = true;
        } else if (c < 7) {
                name = "motd"; // exists: read only, never truncated or removed
                *readonly = true;
        } else {
                name = other_names[rn(NOTHER)];
                if (name[0] == '/' && name[1] == 'f' && name[4] == 0)
                        *create = true; // "/fz3" is fz3
        }
        size_t n = strlen(name);
        memcpy(m->buf, name, n + 1);
        switch (rn(12)) {
        case 0:
                m->len = (uint32_t)n; // no NUL inside
                break;
        case 1:
                m->len = 0;
                break;
        case 2:
                m->len = 513;
                break;
        default:
                m->len = (uint32_t)n + 1;
        }
}

static uint64_t vfs_fd(void)
{
        unsigned c = (unsigned)rn(10);
        if (c < 7)
                return 3 + rn(8);
        if (c < 8)
                return 3 + rn(32);
        static const uint64_t e[] = {0, 1, 2, 35, 36, (uint64_t)-1, 1ull << 32 | 3, 1ull << 63};
        return e[rn(sizeof(e) / sizeof(e[0]))];
}

// A file offset or length: small ones, and refused ones. Nothing between
// 1 MiB and VFS_FILE_MAX (the VFS's page-table footprint stays bounded, and a
// 64 MiB dirty extent would make later writes scan 16,384 pages).
static uint64_t vfs_off(bool minus_one)
{
        switch (rn(12)) {
        case 0:
                return minus_one ? (uint64_t)-1 : 0;
        case 1:
                return 0;
        case 2:
                return VFS_FILE_MAX;
        case 3:
                return VFS_FILE_MAX + 1 + rn(4096);
        case 4:
                return (1ull << 20) - rn(600);
        case 5: {
                uint64_t v = val();
                return v > (1ull << 20) && v <= VFS_FILE_MAX ? rn(1ull << 20) : v;
        }
        case 6:
                return (uint64_t) - (int64_t)(2 + rn(100));
        default:
                return rn(pm(500) ? 8192 : 1ull << 20);
        }
}

static void gen_vfs(struct mk_msg *m)
{
        bool create, readonly;
        memset(m, 0, 80);
        unsigned c = (unsigned)rn(100);
        if (c < 20) {
                m->tag = VFS_OPEN;
                msg_path(m, &create, &readonly);
                static const uint64_t acc[] = {VFS_O_RDONLY, VFS_O_WRONLY, VFS_O_RDWR, 3};
                uint64_t fl = acc[rn(4)];
                if (pm(400))
                        fl |= VFS_O_CREAT;
                if (pm(200))
                        fl |= VFS_O_TRUNC;
                if (pm(200))
                        fl |= VFS_O_APPEND;
                if (pm(100))
                        fl |= val();
                if (readonly)
                        fl = VFS_O_RDONLY;
                else if (!create)
                        fl &= ~(uint64_t)(VFS_O_CREAT | VFS_O_TRUNC);
                m->w[0] = fl;
        } else if (c < 35) {
                m->tag = VFS_READ;
                m->w[0] = vfs_fd();
                m->w[1] = pm(800) ? rn(513) : val();
                m->w[2] = vfs_off(true);
        } else if (c < 52) {
                m->tag = VFS_WRITE;
                m->w[0] = vfs_fd();
                m->w[2] = vfs_off(true);
                m->len = pm(900) ? (uint32_t)rn(513) : msg_len();
                fill(m->buf, m->len < MK_MSG_BUF ? m->len : MK_MSG_BUF);
        } else if (c < 60) {
                m->tag = VFS_STAT;
                m->w[0] = vfs_fd();
        } else if (c < 68) {
                m->tag = VFS_TRUNCATE;
                m->w[0] = vfs_fd();
                m->w[1] = vfs_off(false);
                if (m->w[1] == VFS_FILE_MAX)
                        m->w[1] = rn(8192);
        } else if (c < 78) {
                m->tag = VFS_CLOSE;
                m->w[0] = vfs_fd();
        } else if (c < 86) {
                m->tag = VFS_SEEK;
                m->w[0] = vfs_fd();
                m->w[1] = vfs_off(false);
                m->w[2] = pm(900) ? rn(3) : val();
        } else if (c < 91) {
                m->tag = VFS_UNLINK;
                msg_path(m, &create, &readonly);
                if (readonly) { // only ours, or names that are no file of the VFS's
                        memcpy(m->buf, "nosuch", 7);
                        m->len = 7;
                }
        } else if (c < 95) {
                m->tag = VFS_LIST;
                m->w[0] = pm(800) ? rn(300) : val();
        } else {
                m->tag = MK_TAG_USER + 0x40 + rn(16); // around the VFS's tags
                msg_words(m);
                m->len = msg_len();
        }
}

// A PGR_SPAWN request: programs that end on their own at once, names that
// are no program, malformed lists.
static void gen_spawn(struct mk_msg *m)
{
        static const char *const progs[][3] = {
            {"fuzz", "x", NULL},    {"fuzz", "mem", NULL},  {"soak", "child", NULL},
            {"adv", "exit0", NULL}, {"nosuch", NULL, NULL}, {"", NULL, NULL},
            {"fuzz", NULL, NULL},   {"fuzzz", "1", NULL},
        };
        const char *const *a = progs[rn(sizeof(progs) / sizeof(progs[0]))];
        uint32_t len = 0;
        uint64_t argc = 0;
        for (; argc < 3 && a[argc]; argc++) {
                size_t n = strlen(a[argc]) + 1;
                memcpy(m->buf + len, a[argc], n);
                len += (uint32_t)n;
        }
        uint64_t envc = rn(3);
        for (uint64_t i = 0; i < envc; i++) {
                memcpy(m->buf + len, "FZ=1", 5);
                len += 5;
        }
        m->len = len;
        m->w[0] = argc;
        m->w[2] = envc;
        static const uint64_t fl[] = {0,
                                      0,
                                      0,
                                      PGR_SPAWN_TIED,
                                      PGR_SPAWN_SUSPENDED,
                                      PGR_SPAWN_SUSPENDED | PGR_SPAWN_TIED,
                                      PGR_SPAWN_SHUTDOWN,
                                      8};
        m->w[1] = fl[rn(sizeof(fl) / sizeof(fl[0]))];
        switch (rn(12)) {
        case 0:
                m->w[0] = val();
                break;
        case 1:
                m->w[2] = val();
                break;
        case 2:
                m->len = len ? len - 1 : 0; // the last string without its NUL
                break;
        case 3:
                m->len = msg_len();
                break;
        }
}

static uint64_t pid_arg(void)
{
        switch (rn(8)) {
        case 0:
                return 0;
        case 1:
                return (uint64_t)ws.pid;
        case 2:
                return (uint64_t)parent_pid;
        case 3:
                return 1 + rn(3); // the pager, the VFS, ...
        case 4:
        case 5:
                return ws.nkids ? (uint64_t)ws.kids[rn(ws.nkids)] : rn(300);
        case 6:
                return (uint64_t)-1;
        default:
                return val();
        }
}

// An address for PGR_MUNMAP / PGR_MPROTECT / PGR_MSYNC / SYS_REGION_PAGER:
// the zone mostly; a range over the worker's own memory only rarely (it
// ends the worker). *len gets a length.
static uint64_t range_arg(uint64_t *len, bool self_destructive_ok)
{
        uint64_t a;
        unsigned c = (unsigned)rn(100);
        if (c < 65)
                a = ZONE_VA + rn(ZONE_PAGES) * MK_PAGE_SIZE;
        else if (c < 70)
                a = SCRATCH_VA + rn(SCRATCH_PAGES) * MK_PAGE_SIZE;
        else if (c < 75 && ws.frames_n)
                a = ws.frames_va + rn(ws.frames_n) * MK_PAGE_SIZE;
        else if (c < 85)
                a = bad_ptrs[rn(NBAD)];
        else if (c < 90)
                a = ZONE_VA + rn(ZONE_PAGES * MK_PAGE_SIZE); // unaligned
        else
                a = val();
        switch (rn(8)) {
        case 0:
                *len = 0;
                break;
        case 1:
                *len = val();
                break;
        case 2:
                *len = 1 + rn(MK_PAGE_SIZE);
                break;
        default:
                *len = (1 + rn(pm(900) ? 8 : ZONE_PAGES)) * MK_PAGE_SIZE;
        }
        if (sensitive(a, *len ? *len : 1) && !(self_destructive_ok && pm(20))) {
                a = ZONE_VA + rn(ZONE_PAGES) * MK_PAGE_SIZE;
                if (*len > ZONE_PAGES * MK_PAGE_SIZE)
                        *len = MK_PAGE_SIZE;
        }
        return a;
}

static void gen_pager(struct mk_msg *m)
{
        memset(m, 0, 80);
        unsigned c = (unsigned)rn(1000);
        uint64_t len;
        if (c < 190) {
                m->tag = PGR_MMAP;
                unsigned h = (unsigned)rn(10);
                m->w[0] = h < 4   ? ZONE_VA + rn(ZONE_PAGES) * MK_PAGE_SIZE
                          : h < 6 ? 0
                          : h < 7 ? SCRATCH_VA
                          : h < 8 ? ZONE_VA + rn(MK_PAGE_SIZE)
                                  : val();
                m->w[1] = pm(600)   ? (1 + rn(8)) * MK_PAGE_SIZE
                          : pm(500) ? ((uint64_t[]){0, 1, 4095, 1ull << 34, (1ull << 34) + 1,
                                                    UINT64_MAX, UINT64_MAX - 4094})[rn(7)]
                                    : val();
                m->w[2] = pm(850) ? rn(8) : val();
                static const uint64_t fl[] = {PGR_MAP_PRIVATE | PGR_MAP_ANON,
                                              PGR_MAP_PRIVATE | PGR_MAP_ANON,
                                              PGR_MAP_SHARED | PGR_MAP_ANON,
                                              PGR_MAP_PRIVATE,
                                              PGR_MAP_SHARED,
                                              PGR_MAP_PRIVATE | PGR_MAP_GUARD,
                                              PGR_MAP_SHARED | PGR_MAP_EXTERNAL,
                                              PGR_MAP_PRIVATE | PGR_MAP_SHARED,
                                              0};
                m->w[3] = pm(800) ? fl[rn(sizeof(fl) / sizeof(fl[0]))] : pm(500) ? rn(64) : val();
                if (pm(400))
                        m->w[3] |= PGR_MAP_FIXED;
                m->w[4] = pm(800) ? rn(260) : val();
                m->w[5] = pm(700) ? rn(4) * MK_PAGE_SIZE : val();
                // A fixed mapping over the worker's own memory ends it: rarely.
                if ((m->w[3] & PGR_MAP_FIXED) && sensitive(m->w[0], page_up(m->w[1]) ?: 1) &&
                    !pm(10))
                        m->w[0] = ZONE_VA;
        } else if (c < 300) {
                m->tag = PGR_MUNMAP;
                m->w[0] = range_arg(&len, true);
                m->w[1] = len;
        } else if (c < 400) {
                m->tag = PGR_MPROTECT;
                m->w[0] = range_arg(&len, true);
                m->w[1] = len;
                m->w[2] = pm(850) ? rn(8) : val();
        } else if (c < 440) {
                m->tag = PGR_MSYNC;
                m->w[0] = range_arg(&len, false);
                m->w[1] = len;
                m->w[2] = val();
        } else if (c < 490) {
                m->tag = PGR_BRK;
                m->w[0] = pm(400) ? 0 : pm(700) ? page_up(ws.data_hi) + rn(64) * 4096 : val();
        } else if (c < 492) {
                m->tag = PGR_FORK;
        } else if (c < 502) {
                m->tag = PGR_SPAWN;
                gen_spawn(m);
        } else if (c < 540) {
                m->tag = PGR_MAPS;
                m->w[0] = pid_arg();
                m->w[1] = pm(600) ? 0 : pm(500) ? rn(2000) : val();
        } else if (c < 600) {
                m->tag = PGR_STATS;
                m->w[0] = pid_arg();
        } else if (c < 610) {
                m->tag = PGR_TRACE; // only "off": the trace is global (docs/fuzzing.md)
        } else if (c < 640) {
                m->tag = PGR_SHUTDOWN;
                m->w[0] = val();
        } else if (c < 680) {
                m->tag = PGR_FRAMES;
                m->w[0] = pm(700) ? 1 + rn(4) : val();
        } else if (c < 710) {
                m->tag = PGR_RESUME;
                m->w[0] = pid_arg();
        } else if (c < 750) {
                m->tag = PGR_LIMIT;
                m->w[0] = pid_arg();
                // Its own limits go down slowly (a small limit would end it).
                m->w[1] = pm(400) ? 0 : pm(950) ? W_FRAMES - rn(64) : val();
                m->w[2] = pm(400) ? 0 : pm(950) ? W_PSLOTS - rn(2) : val();
        } else if (c < 790) {
                m->tag = PGR_PING;
        } else if (c < 820) {
                m->tag = MK_TAG_USER + 3 + rn(2); // unused tags (once test requests)
                msg_words(m);
        } else if (c < 850) {
                m->tag = PGR_VFS_RELEASE; // the VFS's alone
                m->w[0] = rn(260);
                m->w[1] = val();
        } else if (c < 900) {
                m->tag = MK_TAG_USER + 0x12 + rn(0x40); // no such request
                msg_words(m);
        } else {
                gen_any(m);
                if (m->tag == PGR_TRACE || m->tag == PGR_FORK || m->tag == PGR_SPAWN)
                        m->tag = PGR_PING;
        }
        if (pm(50) && m->tag != PGR_SPAWN)
                m->len = msg_len();
}

// --- partner threads: S serves H_SRV, C1 and C2 call H_CLI ------------------------

static uint8_t stacks[3][8192] __attribute__((aligned(16)));
static uint8_t park_stacks[8][1024] __attribute__((aligned(16)));
static struct mk_msg s_in, s_out, c_msg[2], park_msg;

#ifdef __x86_64__
#define ENTRY_SP_BIAS 8 // as if called: the return address slot below 16-byte alignment
#else
#define ENTRY_SP_BIAS 0
#endif

static uint64_t stack_top(void *base, size_t size)
{
        return (((uint64_t)base + size) & ~15ull) - ENTRY_SP_BIAS;
}

__attribute__((noreturn)) static void park(uint64_t arg)
{
        for (;;)
                if (mk_recv(H_PARK, &park_msg) < 0)
                        mk_yield();
}

static void violation(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void violation(const char *fmt, ...)
{
        if (sh->nviol++ == 0) {
                va_list ap;
                va_start(ap, fmt);
                mk_vsnprintf(sh->why, sizeof(sh->why), fmt, ap);
                va_end(ap);
                sh->viol_round = ws.round;
                sh->viol_call = sh->calls;
        }
}

// S: answers whatever arrives on H_SRV: calls with random replies, faults
// (of processes the worker created with H_SRV as their pager, or of the
// worker's regions routed to it) mostly with FAIL, sometimes with a map of a
// frame the worker owns, RETRY or junk.
__attribute__((noreturn)) static void server(uint64_t arg)
{
        struct rng r;
        rng_seed(&r, opt_seed ^ 0x5e5e, ws.round);
        long res = mk_recv(H_SRV, &s_in);
        for (;;) {
                if (res < 0) {
                        if (res == -EBADF)
                                park(0);
                        res = mk_recv(H_SRV, &s_in);
                        continue;
                }
                bool kernel = s_in.flags & MK_MSG_KERNEL;
                bool ktag = s_in.tag == MK_TAG_FAULT || s_in.tag == MK_TAG_EXIT;
                if (kernel != ktag || (s_in.flags & ~(uint32_t)MK_MSG_KERNEL))
                        violation("a message on the worker's endpoint with tag 0x%llx and flags "
                                  "0x%x: kernel messages must carry MK_MSG_KERNEL, and only they",
                                  (unsigned long long)s_in.tag, s_in.flags);
                memset(&s_out, 0, 80);
                uint64_t x = rng_next(&r);
                if (kernel && s_in.tag == MK_TAG_FAULT) {
                        unsigned c = (unsigned)(x % 100);
                        uint64_t va = s_in.w[MK_FW_ADDR] & ~(MK_PAGE_SIZE - 1);
                        if (c < 80) {
                                s_out.tag = MK_FAULT_FAIL;
                                s_out.w[0] = (x >> 8) % 14;
                        } else if (c < 88 && ws.nframes) {
                                s_out.tag = MK_FAULT_MAP;
                                s_out.w[0] = va;
                                s_out.w[1] = ws.frames[(x >> 8) % ws.nframes];
                                s_out.w[2] = 1 + (x >> 16) % 7;
                        } else if (c < 90) {
                                s_out.tag = MK_FAULT_RETRY;
                        } else {
                                s_out.tag = (x >> 8) % 5;
                                s_out.w[0] = va;
                                s_out.w[1] = rng_next(&r) & ~0xfffull;
                                s_out.w[2] = rng_next(&r) % 9;
                                s_out.len = (uint32_t)((x >> 16) % 80);
                        }
                } else {
                        s_out.tag = (x & 1) ? MK_TAG_USER + (x >> 8) % 8 : x >> 8;
                        s_out.w[0] = rng_next(&r);
                        s_out.len = (uint32_t)((x >> 20) % 600);
                        s_out.flags = (uint32_t)(x >> 40);
                }
                res = mk_reply_recv(H_SRV, &s_out, &s_in);
                if (res < 0 && res != -EBADF) {
                        // The reply was refused (a bad grant, too long, ...): the caller
                        // still waits for one, so answer it properly, then receive.
                        memset(&s_out, 0, 80);
                        s_out.tag = kernel ? MK_FAULT_FAIL : MK_TAG_USER;
                        s_out.w[0] = kernel ? MK_REASON_NOMAP : 0;
                        mk_reply(&s_out);
                        res = mk_recv(H_SRV, &s_in);
                }
        }
}

// C1, C2: call H_CLI (the worker's fuzzed receives take these calls).
__attribute__((noreturn)) static void client(uint64_t which)
{
        struct rng r;
        rng_seed(&r, opt_seed ^ 0xc1c1, ws.round * 2 + which);
        struct mk_msg *m = &c_msg[which];
        for (;;) {
                uint64_t x = rng_next(&r);
                memset(m, 0, 80);
                m->tag = MK_TAG_USER + (x % 64);
                m->w[0] = rng_next(&r);
                m->len = (uint32_t)((x >> 8) % 100);
                long res = (x >> 32) % 8 ? mk_call(H_CLI, m) : mk_send(H_CLI, m);
                if (res == -EBADF || res == -EPIPE)
                        park(0);
        }
}

// --- the fuzzed calls ------------------------------------------------------------

struct call {
        uint64_t nr, a[6];
        int msg;                  // which of msgs[] a[] points to (-1: none)
        long target;              // the handle a send or call goes to
        bool kernel_tag;          // msgs[0] has a tag the kernel must refuse
        uint64_t req_tag, req_w1; // the request sent in msgs[0] (the reply overwrites it)
};

static const uint16_t weights[SYS_NR + 1] = {
    [SYS_DEBUG_WRITE] = 15,  [SYS_EXIT] = 0,          [SYS_YIELD] = 15,      [SYS_EP_CREATE] = 35,
    [SYS_HANDLE_CLOSE] = 35, [SYS_HANDLE_GIVE] = 55,  [SYS_SEND] = 55,       [SYS_RECV] = 45,
    [SYS_CALL] = 200,        [SYS_REPLY] = 35,        [SYS_REPLY_RECV] = 40, [SYS_PROC_CREATE] = 30,
    [SYS_THREAD_START] = 25, [SYS_MAP] = 30,          [SYS_UNMAP] = 30,      [SYS_PROC_WAIT] = 30,
    [SYS_PROC_KILL] = 25,    [SYS_INFO] = 40,         [SYS_SHUTDOWN] = 15,   [SYS_THREAD_FORK] = 20,
    [SYS_PROTECT] = 30,      [SYS_REGION_PAGER] = 25, [SYS_FRAME_GIVE] = 25, [SYS_PROC_LIMIT] = 25,
    [SYS_PROC_USAGE] = 25,   [SYS_PROC_NAME] = 20,    [SYS_NR] = 20, // numbers past the last
};

static uint64_t pick_nr(void)
{
        static unsigned total;
        if (!total)
                for (unsigned i = 0; i <= SYS_NR; i++)
                        total += weights[i];
        if (rn(20000) == 0)
                return SYS_EXIT; // ends the round: rarely
        unsigned x = (unsigned)rn(total);
        for (unsigned i = 0; i <= SYS_NR; i++) {
                if (x < weights[i])
                        return i;
                x -= weights[i];
        }
        return SYS_YIELD;
}

static uint64_t own_frame(void)
{
        if (ws.nframes && pm(700))
                return ws.frames[rn(ws.nframes)];
        static const uint64_t pa[] = {0, 0x1000, 0x40000000, 0x80000000, 0x80200000, 0x100000};
        return pm(500) ? pa[rn(6)] : val() & (pm(700) ? ~0xfffull : ~0ull);
}

// An address in a process for SYS_MAP / SYS_UNMAP / SYS_PROTECT; for the
// worker itself never its control state unless the roll says so.
static uint64_t map_va(bool self)
{
        uint64_t a;
        unsigned c = (unsigned)rn(100);
        if (c < 45)
                a = ZONE_VA + rn(ZONE_PAGES) * MK_PAGE_SIZE;
        else if (c < 60 && ws.frames_n)
                a = ws.frames_va + rn(ws.frames_n) * MK_PAGE_SIZE;
        else if (c < 65)
                a = SCRATCH_VA + rn(SCRATCH_PAGES) * MK_PAGE_SIZE;
        else if (c < 72)
                a = 0x400000 + rn(4) * MK_PAGE_SIZE; // text (and in children: nothing)
        else if (c < 80)
                a = bad_ptrs[rn(NBAD)];
        else
                a = val();
        return self && sensitive(a, 1) ? ZONE_VA : a;
}

static void gen_call(struct call *c)
{
        memset(c, 0, sizeof(*c));
        c->msg = -1;
        c->nr = pick_nr();
        uint64_t *a = c->a;
        long h;
        switch (c->nr) {
        case SYS_DEBUG_WRITE: // never prints: bad buffers, empty or too long
                switch (rn(4)) {
                case 0:
                        a[0] = ptr_bad();
                        a[1] = rn(300);
                        break;
                case 1:
                        a[0] = ptr();
                        a[1] = 0;
                        break;
                case 2:
                        a[0] = ptr();
                        a[1] = pm(500) ? (1u << 20) + 1 + rn(100) : val() | (1ull << 21);
                        break;
                default:
                        a[0] = MK_USER_TOP - 1 - rn(200); // the first chunk crosses the top
                        a[1] = 256;
                }
                break;
        case SYS_EXIT:
                a[0] = val();
                break;
        case SYS_YIELD:
        case SYS_EP_CREATE:
                for (int i = 0; i < 6; i++)
                        a[i] = val();
                break;
        case SYS_HANDLE_CLOSE:
                h = handle_any();
                if (h >= H_SRV && h < H_RESERVED)
                        h = H_RESERVED + (long)rn(64 - H_RESERVED);
                if ((h == H_PAGER || h == H_VFS) && !pm(100))
                        h = H_RESERVED + (long)rn(64 - H_RESERVED);
                a[0] = (uint64_t)h;
                break;
        case SYS_HANDLE_GIVE: {
                long src = handle_any();
                long dst = pm(600) ? MK_SELF : pm(600) ? handle_proc(200) : handle_any();
                uint64_t rights = pm(400) ? 0 : pm(700) ? rn(256) : val();
                // Another process never gets a right to receive: a process the
                // worker made could otherwise wait forever for its own endpoint
                // (its pager) after the worker ended, with nobody left to end it.
                if (!is_self(dst)) {
                        bool ep =
                            src < 0 || src >= 64 || ws.kind[src] == K_EP || ws.kind[src] == K_NONE;
                        rights &= ~(uint64_t)MK_RIGHT_RECV;
                        if (rights == 0 && ep)
                                rights = pm(500) ? MK_RIGHT_SEND : MK_RIGHT_SEND | MK_RIGHT_MINT;
                }
                a[0] = (uint64_t)src;
                a[1] = (uint64_t)dst;
                a[2] = pm(500) ? 0 : val();
                a[3] = rights;
                break;
        }
        case SYS_SEND:
        case SYS_CALL: {
                unsigned t = (unsigned)rn(100);
                h = t < 35 ? H_PAGER : t < 60 ? H_VFS : t < 85 ? H_SRV : handle_any();
                if (blocks_sender(h) && !pm(5))
                        h = H_SRV;
                c->target = h;
                a[0] = (uint64_t)h;
                if (pm(800)) {
                        struct mk_msg *m = &msgs[0];
                        uint8_t o = h >= 0 && h < 64 && ws.kind[h] == K_EP ? ws.obj[h] : OBJ_NEW;
                        if (o == OBJ_PAGER)
                                gen_pager(m);
                        else if (o == OBJ_VFS)
                                gen_vfs(m);
                        else
                                gen_any(m);
                        if (c->nr == SYS_SEND && m->tag == PGR_FORK)
                                m->tag = PGR_PING;
                        c->msg = 0;
                        a[1] = (uint64_t)m;
                        c->kernel_tag = m->tag < MK_TAG_USER && m->len <= MK_MSG_BUF;
                        c->req_tag = m->tag;
                        c->req_w1 = m->w[1];
                } else {
                        a[1] = ptr();
                }
                break;
        }
        case SYS_RECV:
                h = pm(900) ? H_CLI : handle_any();
                if (blocks_receiver(h) && !pm(5))
                        h = H_CLI;
                a[0] = (uint64_t)h;
                a[1] = pm(700) ? (uint64_t)&msgs[1] : ptr();
                c->msg = a[1] == (uint64_t)&msgs[1] ? 1 : -1;
                break;
        case SYS_REPLY:
                gen_any(&msgs[0]);
                a[0] = pm(750) ? (uint64_t)&msgs[0] : ptr();
                break;
        case SYS_REPLY_RECV:
                h = pm(900) ? H_CLI : handle_any();
                if (blocks_receiver(h) && !pm(5))
                        h = H_CLI;
                gen_any(&msgs[0]);
                a[0] = (uint64_t)h;
                a[1] = pm(750) ? (uint64_t)&msgs[0] : ptr();
                a[2] = pm(700) ? (uint64_t)&msgs[1] : ptr();
                c->msg = a[2] == (uint64_t)&msgs[1] ? 1 : -1;
                break;
        case SYS_PROC_CREATE: {
                unsigned t = (unsigned)rn(100);
                h = t < 30   ? -1
                    : t < 55 ? H_SRV
                    : t < 65 ? H_PAGER
                    : t < 72 ? H_VFS
                    : t < 76 ? H_CLI
                    : t < 80 ? H_PARK
                             : handle_any();
                a[0] = (uint64_t)h;
                a[1] = pm(500) ? 0 : val();
                a[2] = pm(700) ? 0 : pm(500) ? MK_PROC_ALLOW_WX : val();
                a[3] = pm(600) ? (uint64_t)-1 : (uint64_t)handle_proc(50);
                break;
        }
        case SYS_THREAD_START:
                h = pm(850) ? handle_proc(0) : pm(950) ? H_SELF : handle_any();
                a[0] = (uint64_t)h;
                if (is_self(h) && !pm(10)) {
                        // A parked thread of its own (a wild one would end it).
                        a[1] = (uint64_t)park;
                        a[2] = stack_top(park_stacks[rn(8)], sizeof(park_stacks[0]));
                } else if (is_self(h)) {
                        // A wild one, never into our own code (it could run the
                        // fuzzer's bookkeeping with junk registers): it faults.
                        a[1] = ptr_bad();
                        a[2] = val();
                } else {
                        unsigned t = (unsigned)rn(4);
                        a[1] = t == 0 ? 0x400000 + rn(0x4000) : t == 1 ? ptr() : val();
                        a[2] = pm(500) ? ptr() : val();
                }
                a[3] = val();
                break;
        case SYS_MAP:
                h = handle_proc(250);
                a[0] = (uint64_t)h;
                a[1] = map_va(is_self(h));
                a[2] = own_frame();
                a[3] = pm(850) ? rn(8) : val();
                break;
        case SYS_UNMAP:
                h = handle_proc(400);
                a[0] = (uint64_t)h;
                if (is_self(h) && pm(100)) {
                        // Its own pages: the pager maps them again on the next touch.
                        static const uint64_t own[] = {0x400000, 0x401000};
                        a[1] = pm(500) ? own[rn(2)] : (uint64_t)&msgs[0] & ~0xfffull;
                } else {
                        a[1] = map_va(is_self(h));
                }
                break;
        case SYS_PROC_WAIT:
                h = pm(700) ? handle_proc(20) : handle_any();
                a[0] = (uint64_t)h;
                a[1] = pm(500) ? SCRATCH_VA + rn(2048) : pm(300) ? 0 : ptr();
                a[2] = pm(950) ? MK_WAIT_NOHANG : pm(500) ? 0 : val();
                // A blocking wait for a process that never ends on its own: rarely.
                if (!(a[2] & MK_WAIT_NOHANG) && h >= 0 && h < 64 &&
                    (ws.kind[h] == K_KPROC || ws.kind[h] == K_SPROC) && !pm(30))
                        a[2] = MK_WAIT_NOHANG;
                break;
        case SYS_PROC_KILL:
                h = handle_proc(3);
                a[0] = (uint64_t)h;
                a[1] = pm(800) ? rn(12) : val();
                break;
        case SYS_INFO:
                a[0] = pm(850) ? rn(10) : val();
                a[1] = a[0] == MK_INFO_PROC_PID ? (uint64_t)handle_any() : ptr();
                break;
        case SYS_SHUTDOWN:
                a[0] = pm(300) ? MK_HANDLE_SYSTEM : pm(500) ? (uint64_t)handle_any() : val();
                a[1] = val();
                break;
        case SYS_THREAD_FORK:
                // Into itself it would run a partner's code on that partner's stack.
                h = handle_proc(2);
                a[0] = (uint64_t)h;
                break;
        case SYS_PROTECT:
                h = handle_proc(450);
                a[0] = (uint64_t)h;
                a[1] = map_va(is_self(h));
                a[2] = pm(700)   ? rn(4) * MK_PAGE_SIZE
                       : pm(500) ? (1ull << 30) + rn(2) * 4096
                                 : val();
                a[3] = pm(850) ? rn(8) : val();
                break;
        case SYS_REGION_PAGER: {
                uint64_t len;
                h = pm(600) ? MK_SELF : handle_proc(0);
                a[0] = (uint64_t)h;
                a[1] = range_arg(&len, false);
                a[2] = len;
                // Its own ranges go to S, which answers (a kernel copy into a range
                // routed to an endpoint nobody serves would wait 5 s): rarely else.
                a[3] = (uint64_t)(is_self(h) && !pm(5) ? H_SRV
                                  : pm(600)            ? H_SRV
                                  : pm(100)            ? H_CLI
                                                       : handle_any());
                a[4] = pm(500) ? 0 : val();
                // Routing its own code, data or stack ends it: rarely.
                if (is_self(h) && sensitive(a[1], a[2] ? a[2] : 1) && !pm(10))
                        a[1] = ZONE_VA;
                break;
        }
        case SYS_FRAME_GIVE:
                h = handle_proc(100);
                a[0] = (uint64_t)h;
                a[1] = own_frame();
                a[2] = pm(600) ? 1 + rn(3) : pm(500) ? rn(2) ? 65536 : 65537 : val();
                break;
        case SYS_PROC_LIMIT:
                h = pm(300) ? MK_SELF : handle_proc(100);
                a[0] = (uint64_t)h;
                a[1] = pm(850) ? rn(4) : val();
                // Its own limits only go down, slowly (tiny ones end nothing but stop it).
                a[2] = is_self(h) && pm(900) ? 8 + rn(2000) : val();
                break;
        case SYS_PROC_USAGE:
                h = pm(300) ? MK_SELF : handle_proc(100);
                a[0] = (uint64_t)h;
                a[1] = ptr();
                break;
        case SYS_PROC_NAME:
                h = pm(300) ? MK_SELF : handle_proc(100);
                a[0] = (uint64_t)h;
                a[1] = ptr();
                a[2] = pm(700) ? rn(24) : val();
                break;
        default: { // numbers past the last
                static const uint64_t nrs[] = {SYS_NR,
                                               SYS_NR + 1,
                                               64,
                                               255,
                                               256,
                                               0x7fffffff,
                                               0x80000000,
                                               (1ull << 32) | SYS_SEND,
                                               (1ull << 32) | SYS_EXIT,
                                               (uint64_t)-1,
                                               (uint64_t) - (int64_t)SYS_NR,
                                               0x8000000000000000ull | SYS_YIELD};
                c->nr = pm(700) ? nrs[rn(sizeof(nrs) / sizeof(nrs[0]))] : r64() | (1ull << 40);
                for (int i = 0; i < 6; i++)
                        a[i] = val();
        }
        }
}

static void keep_kid(long pid)
{
        if (ws.nkids < sizeof(ws.kids) / sizeof(ws.kids[0]))
                ws.kids[ws.nkids++] = pid;
        else
                ws.kids[rn(ws.nkids)] = pid;
}

// What the pager answered (the worker keeps its children and frames), and
// the refusals it owes an unprivileged process.
static void pager_answer(const struct call *c)
{
        const struct mk_msg *m = &msgs[0];
        long w0 = (long)m->w[0], w1 = (long)m->w[1];
        switch (c->req_tag) {
        case PGR_FORK:
        case PGR_SPAWN:
                if (c->req_tag == PGR_SPAWN && (c->req_w1 & PGR_SPAWN_SHUTDOWN) && w0 >= 0)
                        violation("PGR_SPAWN with PGR_SPAWN_SHUTDOWN by a worker started pid %ld",
                                  w0);
                if (w0 > 0 && w1 >= 0 && w1 < 64) {
                        ws.kind[w1] = c->req_tag == PGR_FORK ? K_FPROC : K_SPROC;
                        keep_kid(w0);
                }
                break;
        case PGR_FRAMES:
                if (w0 > 0 && w0 <= 64 && m->len == (uint32_t)w0 * 8) {
                        ws.frames_va = (uint64_t)w1;
                        ws.frames_n = (uint64_t)w0;
                        for (long i = 0; i < w0; i++) {
                                uint64_t pa;
                                memcpy(&pa, m->buf + i * 8, 8);
                                if (ws.nframes < 64)
                                        ws.frames[ws.nframes++] = pa;
                        }
                }
                break;
        case PGR_SHUTDOWN:
        case PGR_VFS_RELEASE:
                if (w0 != -EPERM)
                        violation("%s by a worker answered %ld, expected -EPERM",
                                  c->req_tag == PGR_SHUTDOWN ? "PGR_SHUTDOWN" : "PGR_VFS_RELEASE",
                                  w0);
                break;
        }
}

// Keeps the handle table the worker believes it has, and checks what every
// answer must be.
static void after_call(const struct call *c, long r)
{
        const uint64_t *a = c->a;
        long h = (long)a[0];
        unsigned slot = c->nr < SYS_NR ? (unsigned)c->nr : SYS_NR;
        if (r >= 0)
                sh->count[slot][1]++;
        if (r < -4095)
                violation("call %llu returned %ld: neither a result nor an error",
                          (unsigned long long)c->nr, r);
        if (c->nr >= SYS_NR) {
                if (r != -ENOSYS)
                        violation("call number 0x%llx returned %ld, expected -ENOSYS",
                                  (unsigned long long)c->nr, r);
                return;
        }
        switch (c->nr) {
        case SYS_SHUTDOWN:
                if (r != -EPERM)
                        violation("SYS_SHUTDOWN(%lld) by a worker returned %ld, expected -EPERM",
                                  (long long)a[0], r);
                break;
        case SYS_EP_CREATE:
                if (r >= 64) {
                        violation("SYS_EP_CREATE returned handle %ld", r);
                } else if (r >= 0) {
                        ws.kind[r] = K_EP;
                        ws.rights[r] = MK_RIGHT_ALL;
                        ws.obj[r] = OBJ_NEW;
                }
                break;
        case SYS_HANDLE_CLOSE:
                if (r == 0 && h >= 0 && h < 64)
                        ws.kind[h] = K_NONE;
                break;
        case SYS_HANDLE_GIVE:
                if (r >= 64) {
                        violation("SYS_HANDLE_GIVE returned handle %ld", r);
                } else if (r >= 0 && is_self((long)a[1])) {
                        if (h == MK_SELF) {
                                ws.kind[r] = K_SELFP;
                        } else if (h >= 0 && h < 64) {
                                ws.kind[r] = ws.kind[h];
                                ws.obj[r] = ws.obj[h];
                                ws.rights[r] = a[3] ? (uint8_t)a[3] : ws.rights[h];
                        }
                }
                break;
        case SYS_PROC_CREATE:
                if (r >= 64)
                        violation("SYS_PROC_CREATE returned handle %ld", r);
                else if (r >= 0)
                        ws.kind[r] = K_KPROC;
                break;
        case SYS_SEND:
        case SYS_CALL:
                if (c->kernel_tag && served(c->target) && r != -EINVAL && r != -EBUSY)
                        violation("%s with kernel tag 0x%llx to handle %ld returned %ld, expected "
                                  "-EINVAL",
                                  c->nr == SYS_SEND ? "SYS_SEND" : "SYS_CALL",
                                  (unsigned long long)c->req_tag, c->target, r);
                if (c->nr != SYS_CALL || r != 0 || c->msg != 0)
                        break;
                if (msgs[0].flags || msgs[0].badge)
                        violation("a reply arrived with flags 0x%x badge 0x%llx (both must be 0)",
                                  msgs[0].flags, (unsigned long long)msgs[0].badge);
                if (c->target >= 0 && c->target < 64 && ws.kind[c->target] == K_EP &&
                    ws.obj[c->target] == OBJ_PAGER)
                        pager_answer(c);
                break;
        case SYS_RECV:
        case SYS_REPLY_RECV:
                // Only the kernel's own messages (a fault or an exit of a process
                // made with this endpoint as its pager) carry MK_MSG_KERNEL.
                if (r == 0 && c->msg == 1 &&
                    (msgs[1].flags & ~(uint32_t)MK_MSG_KERNEL ||
                     !(msgs[1].flags & MK_MSG_KERNEL) !=
                         !(msgs[1].tag == MK_TAG_FAULT || msgs[1].tag == MK_TAG_EXIT)))
                        violation("a message with tag 0x%llx arrived with flags 0x%x",
                                  (unsigned long long)msgs[1].tag, msgs[1].flags);
                break;
        case SYS_INFO:
                if (a[0] == MK_INFO_PID && r != ws.pid)
                        violation("MK_INFO_PID returned %ld, not %ld", r, ws.pid);
                break;
        }
}

static const char *const sys_names[SYS_NR + 1] = {
    "DEBUG_WRITE",  "EXIT",        "YIELD",   "EP_CREATE",    "HANDLE_CLOSE", "HANDLE_GIVE",
    "SEND",         "RECV",        "CALL",    "REPLY",        "REPLY_RECV",   "PROC_CREATE",
    "THREAD_START", "MAP",         "UNMAP",   "PROC_WAIT",    "PROC_KILL",    "INFO",
    "SHUTDOWN",     "THREAD_FORK", "PROTECT", "REGION_PAGER", "FRAME_GIVE",   "PROC_LIMIT",
    "PROC_USAGE",   "PROC_NAME",   "(none)",
};

static const char *sys_name(uint64_t nr)
{
        return sys_names[nr < SYS_NR ? nr : SYS_NR];
}

static void log_call(uint64_t i, const struct call *c)
{
        mk_printf("fuzz: round %llu call %llu: %s(0x%llx, 0x%llx, 0x%llx, 0x%llx, 0x%llx)",
                  (unsigned long long)ws.round, (unsigned long long)i, sys_name(c->nr),
                  (unsigned long long)c->a[0], (unsigned long long)c->a[1],
                  (unsigned long long)c->a[2], (unsigned long long)c->a[3],
                  (unsigned long long)c->a[4]);
        if (c->nr < SYS_NR && c->nr != SYS_SHUTDOWN && c->msg == 0)
                mk_printf(" msg tag 0x%llx w 0x%llx 0x%llx 0x%llx len %u",
                          (unsigned long long)msgs[0].tag, (unsigned long long)msgs[0].w[0],
                          (unsigned long long)msgs[0].w[1], (unsigned long long)msgs[0].w[2],
                          msgs[0].len);
        else if (c->nr >= SYS_NR)
                mk_printf(" (number 0x%llx)", (unsigned long long)c->nr);
        mk_printf("\n");
}

static long pcall(struct mk_msg *m)
{
        long r = mk_call(H_PAGER, m);
        return r < 0 ? r : (long)m->w[0];
}

static long vcall(struct mk_msg *m)
{
        long r = mk_call(mk_vfs_ep, m);
        return r < 0 ? r : (long)m->w[0];
}

// Closes every file of our fork family and removes the files workers make
// (the VFS's own state back to where the run began).
static void vfs_clean(void)
{
        static struct mk_msg m;
        for (uint64_t fd = 3; fd < 3 + 32; fd++) {
                memset(&m, 0, 80);
                m.tag = VFS_CLOSE;
                m.w[0] = fd;
                vcall(&m);
        }
        for (unsigned i = 0; i < NMADE; i++) {
                memset(&m, 0, 80);
                m.tag = VFS_UNLINK;
                m.len = (uint32_t)strlen(made_names[i]) + 1;
                memcpy(m.buf, made_names[i], m.len);
                vcall(&m);
        }
}

extern char _end[];

// The worker: set-up (exits 100 + step if a step fails: that is the system
// failing, not the fuzzing), then `budget` fuzzed calls.
__attribute__((noreturn)) static void worker(uint64_t round, uint64_t stream, uint64_t budget)
{
        static struct mk_msg m;
        memset(&ws, 0, sizeof(ws));
        ws.round = round;
        rng_seed(&ws.r, opt_seed, stream);
        ws.pid = mk_info(MK_INFO_PID, 0);
        ws.data_lo = 0x400000; // text and rodata too: unmapping them would end it
        ws.data_hi = page_up((uint64_t)_end) + (256ull << 20); // and the heap brk may make
        // Limits on its tree (the cache warm-up filled more than this).
        if (mk_proc_limit(MK_SELF, MK_RES_PROCS, W_PROCS) ||
            mk_proc_limit(MK_SELF, MK_RES_THREADS, W_THREADS) ||
            mk_proc_limit(MK_SELF, MK_RES_KMEM, W_KMEM))
                mk_exit(101);
        memset(&m, 0, 80);
        m.tag = PGR_LIMIT;
        m.w[1] = W_FRAMES;
        m.w[2] = W_PSLOTS;
        if (pcall(&m))
                mk_exit(102);
        memset(&m, 0, 80);
        m.tag = PGR_MMAP;
        m.w[0] = SCRATCH_VA;
        m.w[1] = SCRATCH_PAGES * MK_PAGE_SIZE;
        m.w[2] = MK_PERM_R | MK_PERM_W;
        m.w[3] = PGR_MAP_PRIVATE | PGR_MAP_ANON | PGR_MAP_FIXED;
        if (pcall(&m) != (long)SCRATCH_VA)
                mk_exit(103);
        fill((void *)SCRATCH_VA, SCRATCH_PAGES * MK_PAGE_SIZE);
        if (mk_ep_create() != H_SRV || mk_ep_create() != H_CLI || mk_ep_create() != H_PARK ||
            mk_handle_give(MK_SELF, MK_SELF, 0, 0) != H_SELF)
                mk_exit(104);
        static const uint8_t objs[H_RESERVED] = {OBJ_PAGER, OBJ_VFS, OBJ_SRV, OBJ_CLI, OBJ_PARK, 0};
        for (int i = 0; i < H_RESERVED; i++) {
                ws.kind[i] = i == H_SELF ? K_SELFP : K_EP;
                ws.obj[i] = objs[i];
                ws.rights[i] = i <= H_VFS ? MK_RIGHT_SEND : MK_RIGHT_ALL;
        }
        if (mk_thread_start(H_SELF, (uint64_t)server, stack_top(stacks[0], sizeof(stacks[0])), 0) <
                0 ||
            mk_thread_start(H_SELF, (uint64_t)client, stack_top(stacks[1], sizeof(stacks[1])), 0) <
                0 ||
            mk_thread_start(H_SELF, (uint64_t)client, stack_top(stacks[2], sizeof(stacks[2])), 1) <
                0)
                mk_exit(105);
        sh->state = ST_FUZZ;
        bool log = opt_log && stream < (1ull << 40); // (not the warm-up rounds)
        struct call c;
        for (uint64_t i = 0; i < budget; i++) {
                gen_call(&c);
                sh->sysno = c.nr;
                sh->last[0] = c.nr;
                for (int k = 0; k < 6; k++)
                        sh->last[1 + k] = c.a[k];
                sh->last[7] = c.msg == 0 ? msgs[0].tag : (uint64_t)-1;
                sh->last_obj = c.a[0] < 64 ? (uint64_t)ws.kind[c.a[0]] << 8 | ws.obj[c.a[0]] : 0;
                if (log)
                        log_call(i, &c);
                sh->count[c.nr < SYS_NR ? c.nr : SYS_NR][0]++;
                long r = mk_syscall((long)c.nr, (long)c.a[0], (long)c.a[1], (long)c.a[2],
                                    (long)c.a[3], (long)c.a[4], (long)c.a[5]);
                if (r == MK_FORK_CHILD && mk_info(MK_INFO_PID, 0) != ws.pid)
                        mk_exit(0); // the child of a fuzzed fork: it ends at once
                after_call(&c, r);
                if (log)
                        mk_printf("fuzz: -> %ld\n", r);
                sh->calls = i + 1;
        }
        sh->state = ST_DONE;
        mk_exit(0);
}

// =============================================================================
// The fuzzer itself (never fuzzed): warm-up, baseline, rounds, checks.
// =============================================================================

struct snap {
        struct mk_kstats k;
        struct pgr_stats p;
        uint64_t own; // user frames charged to the fuzzer itself
};

// The pager takes kernel events (a child's exit) before requests: asking it
// first makes sure it has released what the processes that ended held.
// The fuzzer's own pages (a deeper stack, a first write to a page of its bss
// after a fork) are its business, not the system's: the pager's free frames
// are compared with them added back (frames free + own).
static int take(struct snap *s)
{
        struct pgr_stats me;
        if (mk_stats((uint64_t)-1, &s->p) < 0 || mk_stats(0, &me) < 0 ||
            mk_info(MK_INFO_KSTATS, &s->k) < 0)
                return -1;
        s->own = me.frames_charged;
        return 0;
}

static bool objects_equal(const struct snap *a, const struct snap *b)
{
        return a->k.procs == b->k.procs && a->k.threads == b->k.threads &&
               a->k.endpoints == b->k.endpoints && a->k.handles == b->k.handles;
}

static bool all_equal(const struct snap *a, const struct snap *b)
{
        return objects_equal(a, b) && a->k.kframes_free == b->k.kframes_free &&
               a->p.frames_free + a->own == b->p.frames_free + b->own;
}

// Waits (yielding) up to ms for the counts to equal base's: 0, or -1 with
// the last figures in *now. Processes end asynchronously (thread-less ones
// at the end of a call, the pager's records when it takes their exit).
static int settle(const struct snap *base, struct snap *now, bool frames, uint64_t ms)
{
        uint64_t end = now_ms() + ms;
        for (;;) {
                if (take(now) == 0 && (frames ? all_equal(base, now) : objects_equal(base, now)))
                        return 0;
                if (now_ms() >= end)
                        return -1;
                for (int i = 0; i < 20; i++)
                        mk_yield();
        }
}

static int diff(char *why, size_t len, const char *when, const struct snap *b, const struct snap *a)
{
        return mk_snprintf(
            why, len,
            "%s: kernel frames free %llu procs %llu threads %llu endpoints %llu handles %llu, "
            "pager frames free %llu (+%llu the fuzzer's own); baseline %llu %llu %llu %llu "
            "%llu, %llu (+%llu)",
            when, (unsigned long long)a->k.kframes_free, (unsigned long long)a->k.procs,
            (unsigned long long)a->k.threads, (unsigned long long)a->k.endpoints,
            (unsigned long long)a->k.handles, (unsigned long long)a->p.frames_free,
            (unsigned long long)a->own, (unsigned long long)b->k.kframes_free,
            (unsigned long long)b->k.procs, (unsigned long long)b->k.threads,
            (unsigned long long)b->k.endpoints, (unsigned long long)b->k.handles,
            (unsigned long long)b->p.frames_free, (unsigned long long)b->own);
}

static void show(const char *label, const struct snap *s)
{
        mk_printf("fuzz: %s: kernel frames free %llu of %llu, procs %llu, threads %llu, "
                  "endpoints %llu, handles %llu; pager frames free %llu (+%llu the fuzzer's own)\n",
                  label, (unsigned long long)s->k.kframes_free,
                  (unsigned long long)s->k.kframes_total, (unsigned long long)s->k.procs,
                  (unsigned long long)s->k.threads, (unsigned long long)s->k.endpoints,
                  (unsigned long long)s->k.handles, (unsigned long long)s->p.frames_free,
                  (unsigned long long)s->own);
}

// fork through the pager keeping the child's handle: pid and *handle in the
// parent, 0 in the child, -errno.
static long fork_proc(long *handle)
{
        static struct mk_msg m;
        memset(&m, 0, sizeof(m));
        m.tag = PGR_FORK;
        long r = mk_call(mk_pager_ep, &m);
        if (r == MK_FORK_CHILD)
                return 0;
        if (r < 0)
                return r;
        if ((long)m.w[0] < 0)
                return (long)m.w[0];
        *handle = (long)m.w[1];
        return (long)m.w[0];
}

// Waits up to ms for the process behind h to end: 0 and *info, or -ETIMEDOUT.
static long wait_end(long h, struct mk_exit_info *info, uint64_t ms)
{
        uint64_t end = now_ms() + ms;
        for (;;) {
                long r = mk_proc_wait(h, info, MK_WAIT_NOHANG);
                if (r != -EAGAIN)
                        return r;
                if (now_ms() >= end)
                        return -ETIMEDOUT;
                mk_yield();
        }
}

// What the worker believed the handle in its call's first argument was
// (shared->last_obj): for the lines about blocked calls.
static const char *handle_what(uint64_t o)
{
        static const char *const kinds[] = {"no handle",  "endpoint",      "process it made",
                                            "fork child", "spawned child", "itself"};
        static const char *const objs[] = {
            "its own, no server", "the pager",           "the VFS",
            "served by S",        "called by C1 and C2", "for parked threads"};
        static char buf[64];
        unsigned k = (unsigned)(o >> 8), ob = (unsigned)(o & 0xff);
        if (k >= 6 || ob >= 6)
                return "?";
        if (k != K_EP)
                return kinds[k];
        mk_snprintf(buf, sizeof(buf), "endpoint %s", objs[ob]);
        return buf;
}

struct totals {
        uint64_t calls, rounds, done, blocked, deaths;
        uint64_t reasons[MK_REASON_MAX + 1];
        uint64_t blocked_in[SYS_NR + 1];
};

static struct snap base;
static bool have_base;

// Runs one round: a worker with PRNG stream `stream` makes up to budget
// calls. 0, or -1 with why (the system failed).
static int round_run(uint64_t round, uint64_t stream, uint64_t budget, struct totals *t, char *why,
                     size_t wl)
{
        struct snap before, after;
        struct mk_exit_info info;
        vfs_clean(); // (the VFS as the round before began; a round starts the same way)
        if (take(&before)) {
                mk_snprintf(why, wl, "before round %llu: no kernel or pager statistics",
                            (unsigned long long)round);
                return -1;
        }
        sh->calls = 0;
        sh->sysno = 0;
        sh->state = ST_SETUP;
        long h;
        long pid = fork_proc(&h);
        if (pid == 0)
                worker(round, stream, budget);
        // Each fork makes our stack copy-on-write: a write to another page in
        // between keeps the pager from taking our next write for a fault loop.
        static volatile uint8_t other_page[2 * MK_PAGE_SIZE];
        other_page[MK_PAGE_SIZE] = (uint8_t)pid;
        if (pid < 0) {
                mk_snprintf(why, wl, "round %llu: the pager could not fork a worker: %s",
                            (unsigned long long)round, err_name(pid));
                return -1;
        }
        uint64_t t0 = now_ms(), last = 0, tl = t0;
        bool killed = false;
        for (;;) {
                long r = mk_proc_wait(h, &info, MK_WAIT_NOHANG);
                if (r == 0)
                        break;
                if (r != -EAGAIN) {
                        mk_snprintf(why, wl, "round %llu: SYS_PROC_WAIT on the worker: %s",
                                    (unsigned long long)round, err_name(r));
                        return -1;
                }
                uint64_t n = now_ms(), c = sh->calls;
                if (sh->state == ST_SETUP) {
                        if (n - t0 < SETUP_MS) {
                                mk_yield();
                                continue;
                        }
                        mk_proc_kill(h, MK_REASON_KILLED);
                        mk_snprintf(why, wl,
                                    "hang: the worker of round %llu was not set up after %u ms "
                                    "(the pager or the VFS does not answer)",
                                    (unsigned long long)round, SETUP_MS);
                        return -1;
                }
                if (c != last) {
                        last = c;
                        tl = n;
                } else if (n - tl >= WATCHDOG_MS) {
                        // Blocked in a call that waits for good: end it.
                        uint64_t nr = sh->sysno;
                        long k = mk_proc_kill(h, MK_REASON_KILLED);
                        if (k < 0 && k != -ESRCH) {
                                mk_snprintf(why, wl, "round %llu: SYS_PROC_KILL on the worker: %s",
                                            (unsigned long long)round, err_name(k));
                                return -1;
                        }
                        if (wait_end(h, &info, END_MS)) {
                                mk_snprintf(why, wl,
                                            "hang: the worker of round %llu (blocked in call %llu, "
                                            "%s) still runs %u ms after SYS_PROC_KILL",
                                            (unsigned long long)round, (unsigned long long)c,
                                            sys_name(nr), END_MS);
                                return -1;
                        }
                        killed = k == 0;
                        if (killed && t->blocked++ < 40)
                                mk_printf("fuzz: %sround %llu blocked in call %llu: %s(0x%llx, "
                                          "0x%llx, 0x%llx, 0x%llx, 0x%llx) tag 0x%llx (%s)\n",
                                          stream >> 40 ? "warm-up " : "", (unsigned long long)round,
                                          (unsigned long long)c, sys_name(nr),
                                          (unsigned long long)sh->last[1],
                                          (unsigned long long)sh->last[2],
                                          (unsigned long long)sh->last[3],
                                          (unsigned long long)sh->last[4],
                                          (unsigned long long)sh->last[5],
                                          (unsigned long long)sh->last[7],
                                          handle_what(sh->last_obj));
                        if (killed)
                                t->blocked_in[nr < SYS_NR ? nr : SYS_NR]++;
                        break;
                }
                mk_yield();
        }
        mk_handle_close(h);
        t->rounds++;
        t->calls += sh->calls;
        if (sh->state == ST_SETUP) {
                mk_snprintf(why, wl, "the worker of round %llu ended during its set-up: %s %lld",
                            (unsigned long long)round, mk_reason_name(info.reason),
                            (long long)info.status);
                return -1;
        }
        if (killed)
                ;
        else if (sh->state == ST_DONE && info.reason == MK_REASON_EXIT && info.status == 0)
                t->done++;
        else {
                t->deaths++;
                t->reasons[info.reason <= MK_REASON_MAX ? info.reason : MK_REASON_KILLED]++;
        }
        // Everything the worker made must be gone again.
        if (settle(&before, &after, false, SETTLE_MS)) {
                char w[200];
                mk_snprintf(w, sizeof(w), "leak after round %llu (%llu calls, %s)",
                            (unsigned long long)round, (unsigned long long)sh->calls,
                            killed                 ? "killed by the watchdog"
                            : sh->state == ST_DONE ? "completed"
                                                   : mk_reason_name(info.reason));
                diff(why, wl, w, &before, &after);
                return -1;
        }
        // Frames may go to caches (the kernel's object caches, the pager's
        // region records): only the end of the run compares them. Shown when
        // asked (fuzzverbose), to find a round that loses some.
        vfs_clean();
        take(&after);
        if (opt_verbose && (after.k.kframes_free != before.k.kframes_free ||
                            after.p.frames_free + after.own != before.p.frames_free + before.own))
                mk_printf("fuzz: %sround %llu: kernel frames free %llu, %llu before; pager frames "
                          "free %llu (+%llu), %llu (+%llu) before\n",
                          stream >> 40 ? "warm-up " : "", (unsigned long long)round,
                          (unsigned long long)after.k.kframes_free,
                          (unsigned long long)before.k.kframes_free,
                          (unsigned long long)after.p.frames_free, (unsigned long long)after.own,
                          (unsigned long long)before.p.frames_free, (unsigned long long)before.own);
        return 0;
}

// --- the cache warm-up --------------------------------------------------------------

// Holds, all at once, more kernel objects of every kind than a worker's tree
// may (processes, threads, endpoints, accounting nodes, kernel stacks) and
// more pager regions, so that the kernel's and the pager's object caches have
// grown to what the run can need before the baseline.
__attribute__((noreturn)) static void filler(void)
{
        static struct mk_msg m;
        long ep = mk_ep_create(), kids[FILL_PROCS];
        int nk = 0;
        while (nk < FILL_PROCS && (kids[nk] = mk_proc_create(ep, 0, 0)) >= 0)
                nk++;
        // Threads that fault at once and wait for ep (nobody receives there).
        for (int i = 0; nk && i < FILL_THREADS; i++)
                mk_thread_start(kids[i % nk], MK_USER_BASE, 0, 0);
        for (int k = 0; k < FILL_EP_KIDS && k < nk; k++)
                for (int i = 0; i < 64; i++) {
                        long e = mk_ep_create();
                        if (e < 0)
                                break;
                        long g = mk_handle_give(e, kids[k], 0, MK_RIGHT_SEND);
                        mk_handle_close(e);
                        if (g < 0)
                                break;
                }
        for (uint64_t i = 0; i < FILL_VMAS; i++) {
                memset(&m, 0, 80);
                m.tag = PGR_MMAP;
                m.w[0] = FILL_VA + i * 2 * MK_PAGE_SIZE;
                m.w[1] = MK_PAGE_SIZE;
                m.w[2] = MK_PERM_R | MK_PERM_W;
                m.w[3] = PGR_MAP_PRIVATE | PGR_MAP_ANON | PGR_MAP_FIXED;
                mk_call(mk_pager_ep, &m);
        }
        // Many frames at once: the pager's per-frame tables (owners, reference
        // counts) get their leaves for every frame a run may use.
        memset(&m, 0, 80);
        m.tag = PGR_MMAP;
        m.w[1] = FILL_FRAMES * MK_PAGE_SIZE;
        m.w[2] = MK_PERM_R | MK_PERM_W;
        m.w[3] = PGR_MAP_PRIVATE | PGR_MAP_ANON;
        if (mk_call(mk_pager_ep, &m) == 0 && (long)m.w[0] > 0)
                for (uint64_t i = 0; i < FILL_FRAMES; i++)
                        ((volatile uint8_t *)m.w[0])[i * MK_PAGE_SIZE] = 1;
        sh->state = ST_DONE;
        long park_ep = mk_ep_create();
        for (;;)
                if (mk_recv(park_ep, &m) < 0)
                        mk_yield();
}

// Gives the VFS's data area its page tables for every inode, as the files
// workers make may get any free inode (the VFS never frees its page tables).
static void vfs_warm(void)
{
        char name[16];
        int n = 0;
        for (; n < VFS_MAX_INODES; n++) {
                mk_snprintf(name, sizeof(name), "fzw%03d", n);
                long fd = mk_open(name, MK_O_CREAT | MK_O_RDWR);
                if (fd < 0)
                        break;
                mk_pwrite(fd, "w", 1, 0);
                mk_pwrite(fd, "w", 1, (1 << 20) - 1);
                mk_close(fd);
        }
        for (int i = 0; i < n; i++) {
                mk_snprintf(name, sizeof(name), "fzw%03d", i);
                mk_unlink(name);
        }
}

static int serve_check(char *why, size_t wl);

static int warm_up(struct totals *t, char *why, size_t wl)
{
        struct mk_exit_info info;
        long h;
        vfs_warm();
        // What the checks after the run do, once (their first-time costs too).
        if (serve_check(why, wl))
                return -1;
        for (int i = 0; i < WARM_ROUNDS; i++)
                if (round_run(i, (1ull << 40) + (uint64_t)i, WARM_CALLS, t, why, wl))
                        return -1;
        sh->state = ST_SETUP;
        long pid = fork_proc(&h);
        if (pid == 0)
                filler();
        static volatile uint8_t other_page[2 * MK_PAGE_SIZE];
        other_page[MK_PAGE_SIZE] = (uint8_t)pid;
        if (pid < 0) {
                mk_snprintf(why, wl, "warm-up: fork: %s", err_name(pid));
                return -1;
        }
        uint64_t end = now_ms() + 30000;
        while (sh->state != ST_DONE && now_ms() < end && mk_proc_wait(h, &info, MK_WAIT_NOHANG))
                mk_yield();
        mk_proc_kill(h, MK_REASON_KILLED);
        long r = wait_end(h, &info, END_MS);
        mk_handle_close(h);
        if (r) {
                mk_snprintf(why, wl, "warm-up: the filler did not end: %s", err_name(r));
                return -1;
        }
        return 0;
}

// --- after the run: do the kernel, the pager and the VFS still serve? ---------------

static char mem_bss[4 * 4096];

// A process that maps and touches memory (role "mem", and a forked child).
static int touch_memory(void)
{
        static struct mk_msg m;
        memset(&m, 0, 80);
        m.tag = PGR_MMAP;
        m.w[1] = 4 * MK_PAGE_SIZE;
        m.w[2] = MK_PERM_R | MK_PERM_W;
        m.w[3] = PGR_MAP_PRIVATE | PGR_MAP_ANON;
        if (mk_call(mk_pager_ep, &m) < 0 || (long)m.w[0] < 0)
                return 2;
        volatile uint8_t *p = (uint8_t *)m.w[0];
        for (int i = 0; i < 4; i++) {
                if (p[i * 4096] != 0)
                        return 3;
                p[i * 4096 + 7] = (uint8_t)(i + 1);
                mem_bss[i * 4096] = (char)i;
        }
        for (int i = 0; i < 4; i++)
                if (p[i * 4096 + 7] != i + 1 || mem_bss[i * 4096] != i)
                        return 4;
        return 0;
}

static int serve_check(char *why, size_t wl)
{
        struct mk_exit_info info;
        long h, r;
        // The kernel and the pager: a fork and a spawn that map and touch memory.
        long pid = fork_proc(&h);
        if (pid == 0)
                mk_exit(touch_memory());
        static volatile uint8_t other_page[2 * MK_PAGE_SIZE];
        other_page[MK_PAGE_SIZE] = (uint8_t)pid;
        if (pid < 0)
                return mk_snprintf(why, wl, "after the run, fork failed: %s", err_name(pid));
        r = wait_end(h, &info, END_MS);
        mk_handle_close(h);
        if (r || info.reason != MK_REASON_EXIT || info.status != 0)
                return mk_snprintf(why, wl, "after the run, a forked child: wait %s, %s %lld",
                                   err_name(r), mk_reason_name(info.reason),
                                   (long long)info.status);
        static struct mk_msg m;
        memset(&m, 0, sizeof(m));
        m.tag = PGR_SPAWN;
        m.w[0] = 2;
        memcpy(m.buf, "fuzz\0mem", 9);
        m.len = 9;
        r = mk_call(mk_pager_ep, &m);
        if (r < 0 || (long)m.w[0] < 0)
                return mk_snprintf(why, wl, "after the run, spawn failed: %s",
                                   err_name(r < 0 ? r : (long)m.w[0]));
        h = (long)m.w[1];
        r = wait_end(h, &info, END_MS);
        mk_handle_close(h);
        if (r || info.reason != MK_REASON_EXIT || info.status != 0)
                return mk_snprintf(why, wl, "after the run, a spawned program: wait %s, %s %lld",
                                   err_name(r), mk_reason_name(info.reason),
                                   (long long)info.status);
        // The VFS: a file made, written, read back and removed.
        static char buf[3000], back[3000];
        for (unsigned i = 0; i < sizeof(buf); i++)
                buf[i] = (char)(i * 7 + 1);
        long fd = mk_open("fuzzchk", MK_O_CREAT | MK_O_RDWR | MK_O_TRUNC);
        if (fd < 0)
                return mk_snprintf(why, wl, "after the run, VFS open: %s", err_name(fd));
        long w = mk_write(fd, buf, sizeof(buf)), rd = mk_pread(fd, back, sizeof(back), 0);
        long cl = mk_close(fd), ul = mk_unlink("fuzzchk"), again = mk_open("fuzzchk", MK_O_RDONLY);
        if (w != (long)sizeof(buf) || rd != (long)sizeof(back) || memcmp(buf, back, sizeof(buf)) ||
            cl || ul || again != -ENOENT)
                return mk_snprintf(why, wl,
                                   "after the run, the VFS: write %ld, read %ld (%s), close %ld, "
                                   "unlink %ld, open after unlink %ld",
                                   w, rd, memcmp(buf, back, sizeof(buf)) ? "differs" : "same", cl,
                                   ul, again);
        // The kernel's own calls.
        long ep = mk_ep_create();
        if (ep < 0 || mk_handle_close(ep))
                return mk_snprintf(why, wl, "after the run, SYS_EP_CREATE: %s", err_name(ep));
        return 0;
}

// --- reports -------------------------------------------------------------------------

static void report(const struct totals *t, uint64_t ms)
{
        mk_printf(
            "fuzz: seed %llu, %llu calls in %llu rounds, %llu blocked-and-killed, %llu worker "
            "deaths, %llu completed, %llu calls/s, %llu ms\n",
            (unsigned long long)opt_seed, (unsigned long long)t->calls,
            (unsigned long long)t->rounds, (unsigned long long)t->blocked,
            (unsigned long long)t->deaths, (unsigned long long)t->done,
            (unsigned long long)(ms ? t->calls * 1000 / ms : 0), (unsigned long long)ms);
        char line[400];
        int n = mk_snprintf(line, sizeof(line), "fuzz: deaths by reason:");
        for (unsigned i = 0; i <= MK_REASON_MAX; i++)
                if (t->reasons[i])
                        n += mk_snprintf(line + n, sizeof(line) - (size_t)n, " %s %llu",
                                         mk_reason_name(i), (unsigned long long)t->reasons[i]);
        mk_printf("%s\n", line);
        n = mk_snprintf(line, sizeof(line), "fuzz: blocked in:");
        for (unsigned i = 0; i <= SYS_NR; i++)
                if (t->blocked_in[i])
                        n += mk_snprintf(line + n, sizeof(line) - (size_t)n, " %s %llu",
                                         sys_names[i], (unsigned long long)t->blocked_in[i]);
        mk_printf("%s\n", line);
        mk_printf("fuzz: calls (succeeded) per number:");
        for (unsigned i = 0; i <= SYS_NR; i++)
                mk_printf(" %s %llu (%llu)", i < SYS_NR ? sys_names[i] : ">=25",
                          (unsigned long long)sh->count[i][0], (unsigned long long)sh->count[i][1]);
        mk_printf("\n");
}

int main(int argc, char **argv, char **envp)
{
        // Roles of programs a worker spawns.
        if (argc < 2 || argv[1][0] < '0' || argv[1][0] > '9')
                return argc >= 2 && strcmp(argv[1], "mem") == 0 ? touch_memory() : 0;
        static char cmdline[256];
        mk_info(MK_INFO_CMDLINE, cmdline);
        opt_calls = word_number(cmdline, "fuzz", 0);
        if (!opt_calls)
                opt_calls = 1000000;
        opt_seed = word_number(cmdline, "fuzzseed", 1);
        opt_round = word_number(cmdline, "fuzzround", (uint64_t)-1);
        opt_log = word_value(cmdline, "fuzzlog") != NULL;
        opt_verbose = word_value(cmdline, "fuzzverbose") != NULL;
        opt_repeat = word_number(cmdline, "fuzzrepeat", 1);
        parent_pid = mk_info(MK_INFO_PID, 0);
        static struct mk_msg m;
        memset(&m, 0, 80);
        m.tag = PGR_MMAP;
        m.w[0] = SHARED_VA;
        m.w[1] = MK_PAGE_SIZE;
        m.w[2] = MK_PERM_R | MK_PERM_W;
        m.w[3] = PGR_MAP_SHARED | PGR_MAP_ANON | PGR_MAP_FIXED;
        if (mk_call(mk_pager_ep, &m) < 0 || m.w[0] != SHARED_VA) {
                mk_printf("fuzz not ok calls_%llu: cannot map the shared page\n",
                          (unsigned long long)opt_calls);
                return 1;
        }
        sh = (struct shared *)m.w[0];
        memset(sh, 0, sizeof(*sh));
        // The VFS loads the boot image before it answers: wait for that.
        long fd = mk_open("motd", MK_O_RDONLY);
        if (fd >= 0)
                mk_close(fd);
        struct totals warm, t;
        memset(&warm, 0, sizeof(warm));
        memset(&t, 0, sizeof(t));
        char why[400] = "";
        struct snap s0, after;
        if (take(&s0) == 0)
                show("start", &s0);
        mk_printf("fuzz: seed %llu, %llu calls, rounds of up to %u calls, watchdog %u ms%s\n",
                  (unsigned long long)opt_seed, (unsigned long long)opt_calls, ROUND_CALLS,
                  WATCHDOG_MS, opt_log ? ", logging every call" : "");
        uint64_t t0 = now_ms();
        // (Also before a single round: its calls do not depend on the warm-up,
        // and the frame counts are comparable only after it.)
        if (warm_up(&warm, why, sizeof(why)) == 0 && settle(&s0, &base, false, SETTLE_MS) == 0) {
                take(&base);
                have_base = true;
                show("baseline (after warm-up)", &base);
        } else if (!why[0]) {
                diff(why, sizeof(why), "after the warm-up", &s0, &base);
        }
        memset((void *)sh->count, 0, sizeof(sh->count));
        if (opt_round != (uint64_t)-1) // one round of a run (reproducing it): the same calls
                mk_printf("fuzz: only round %llu\n", (unsigned long long)opt_round);
        uint64_t ts = now_ms(), tp = ts;
        mk_printf("fuzz: warm-up took %llu ms\n", (unsigned long long)(ts - t0));
        for (uint64_t round = opt_round == (uint64_t)-1 ? 0 : opt_round;
             !why[0] && t.calls < opt_calls; round++) {
                uint64_t budget = opt_calls - t.calls;
                if (budget > ROUND_CALLS)
                        budget = ROUND_CALLS;
                if (round_run(round, round, budget, &t, why, sizeof(why)))
                        break;
                if (sh->nviol)
                        mk_snprintf(why, sizeof(why), "round %llu call %llu: %s",
                                    (unsigned long long)sh->viol_round,
                                    (unsigned long long)sh->viol_call, sh->why);
                if (opt_round != (uint64_t)-1) {
                        if (--opt_repeat == 0)
                                break;
                        round--; // the same round again
                        continue;
                }
                uint64_t n = now_ms();
                if (n - tp >= PROGRESS_MS) {
                        tp = n;
                        mk_printf("fuzz: progress: round %llu, %llu calls, %llu blocked, %llu "
                                  "deaths, %llu calls/s\n",
                                  (unsigned long long)round, (unsigned long long)t.calls,
                                  (unsigned long long)t.blocked, (unsigned long long)t.deaths,
                                  (unsigned long long)(t.calls * 1000 / (n - ts ? n - ts : 1)));
                }
        }
        uint64_t ms = now_ms() - ts;
        report(&t, ms);
        if (!why[0]) {
                // Our fork family's files, then: does everything still serve?
                for (uint64_t f = 3; f < 3 + 32; f++)
                        mk_close((long)f);
                for (unsigned i = 0; i < NMADE; i++)
                        mk_unlink(made_names[i]);
                serve_check(why, sizeof(why));
        }
        if (!why[0] && have_base) {
                if (settle(&base, &after, true, SETTLE_MS)) {
                        diff(why, sizeof(why), "after the run", &base, &after);
                } else {
                        show("after", &after);
                        // Its own pages grow only by what its stack and data reach.
                        if (after.own > base.own + OWN_SLACK)
                                mk_snprintf(why, sizeof(why),
                                            "the fuzzer's own frames grew from %llu to %llu",
                                            (unsigned long long)base.own,
                                            (unsigned long long)after.own);
                }
        }
        if (why[0]) {
                mk_printf("fuzz not ok calls_%llu: %s (seed %llu; tools/fuzz ARCH CALLS %llu "
                          "reproduces the run, docs/fuzzing.md)\n",
                          (unsigned long long)opt_calls, why, (unsigned long long)opt_seed,
                          (unsigned long long)opt_seed);
                return 1;
        }
        mk_printf("fuzz ok calls_%llu\n", (unsigned long long)opt_calls);
        return 0;
}
