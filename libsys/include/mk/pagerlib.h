// SPDX-License-Identifier: MIT
// libsys pager library: write your own pager. You write a handler (policy);
// the library owns the IPC loop, message decoding, reply encoding, a frame
// pool, page fills, fault-around, eviction with dirty state, and shutdown.
// docs/writing-a-pager.md is the tutorial. (Implementation:
// libsys/pagerlib/*.c; the replay driver for host tests: libsys/pagerlib/replay.c.)
//
// How the pieces meet:
//   client process                       your pager process (mkp_run loop)
//   mkp_spawn_pager("name", &ep, &proc)  starts with its endpoint at MKP_SERVE_HANDLE
//   mkp_attach(ep, proc, len, &va) --->  region registered (MKP_REQ_ATTACH)
//   touches va+off ... fault --kernel--> handler(pg, fault, answer)
//                     <--- MAP frame / FAIL reason / RETRY
//
// Upgrades: the handler decides every right a page gets. A write to a page
// it mapped without MK_PERM_W comes to the handler again (as a protection
// fault), unless the pager asked for dirty tracking (pg->track_dirty): then
// the library installs a writable grant read-only unless the fault being
// answered is a write to that very page, and answers a later write fault on
// such a page itself, without calling the handler: it marks the frame dirty
// and grants it again writable. So a frame is dirty exactly when it was
// mapped writable, and mkp_evict() reports it. Without tracking a frame
// granted writable counts as dirty.
//
// Recording (tools/run ARCH --record FILE): when the kernel command line has
// the word `record`, the pager prints one console line per event:
//   mkp-rec NAME init BUDGET                   mkp_run starts (BUDGET: mkp_init's nframes)
//   mkp-rec NAME attach REGION LEN             a client attached (LEN hex)
//   mkp-rec NAME detach REGION
//   mkp-rec NAME fault REGION OFFSET ACCESS KIND ACTION ARG [GRANT...]
//   mkp-rec NAME complete TOKEN REGION OFFSET ACTION ARG [GRANT...]   (mkp_complete)
// NAME is pg->name@PID (the pager's pid: every instance apart; older
// recordings: pg->name); REGION the region id (decimal; `-` when the fault named
// no region of ours, OFFSET is then the address); OFFSET the faulting page's
// offset in the region (hex, 0x...); ACCESS read|write|exec; KIND
// not-present|protection|other; ACTION map|fail|retry|upgrade|defer (upgrade: the
// library's own dirty-tracking answer; defer: kept, mkp_defer); ARG the number of
// grants for map and upgrade, the MK_REASON_* number for fail, 0 for retry, the
// token for defer; GRANT, for map and
// upgrade, each of the ARG grants as sent: OFFSET:RIGHTS (its page's offset
// in the region, hex; rights r|-, w|-, x|-). Example:
//   mkp-rec pattern fault 0 0x4000 read not-present map 2 0x4000:rw- 0x5000:rw-
// The system pager's stream is in the same file and format, under its name
// (pager@1): after its `boot` line (boot, phys, sys, mem, data, request,
// exit lines, and fault lines whose REGION is the faulting process's badge,
// OFFSET and the grants' OFFSETs addresses, followed by tid=T pid=P flags=F;
// docs/pager.md); the library's replay skips it.
// A replay compares a kept fault's deferral (action and token); the later
// answers (complete lines) come from requests, which are not recorded, and
// are skipped.
// mkp_replay_file() reads these lines back on the host and runs them through
// the library and your handler, comparing the full answer (action, ARG and
// every grant; lines without grants compare action and ARG); in a replay the fault's arch, level,
// ip, raw registers are 0 (FAULT_LEVEL_UNKNOWN for level), pid and tid 1, flags FAULT_F_USER |
// FAULT_F_ADDR_VALID, and region REGION starts at 0x800000000 + REGION * 0x200000000.
#pragma once
#include <mk/fault.h>
#include <mk/msg.h>
#include <mk/pager.h>
#include <mk/sys.h>
#include <stdbool.h>
#include <stdint.h>

#define MKP_MAX_REGIONS 16
#define MKP_MAX_FRAMES  4096 // frames one pager may hold (16 MiB)
_Static_assert(MKP_MAX_FRAMES <= PGR_FRAMES_MAX, "the system pager gives a process that many");
#define MKP_FRAMES_STEP 64 // frames asked of the system pager at a time (PGR_FRAMES limit)
#define MKP_NAME_MAX    24
#define MKP_LOOP_LIMIT  8  // answers that make no progress in a row (mkp_loop_answer)
#define MKP_MAX_KEPT    16 // faults one pager may keep to answer later (mkp_defer)
#define MKP_MAX_THREADS 8  // threads mkp_run_threads may serve with

// The handle at which a pager started by mkp_spawn_pager() finds the
// endpoint it serves (receive right): 0 and 1 are the system pager's and
// the VFS's, the first handle given to a suspended child is 2.
#define MKP_SERVE_HANDLE 2

// Requests a client sends to an external pager (tags above the system
// pager's and the VFS's). Calls; the reply's w0 is >= 0 or -errno.
#define MKP_REQ_ATTACH                                                                             \
        (MK_TAG_USER + 0x80) // w0 va, w1 len, w2 proc handle (in the pager) of
                             // the client -> w0 region id or -errno, w1 a
                             // send handle (in the client) to the pager
                             // carrying the region's badge (id + 1)
#define MKP_REQ_DETACH                                                                             \
        (MK_TAG_USER + 0x81)                  // w0 region id -> 0, w1 its length; its frames
                                              // go back to the pool
#define MKP_REQ_SHUTDOWN (MK_TAG_USER + 0x82) // -> 0; the pager's loop ends after replying
#define MKP_REQ_STATS                                                                              \
        (MK_TAG_USER + 0x83)              // -> w0 faults, w1 maps, w2 fails, w3 evictions,
                                          //    w4 dirty upgrades, w5 frames free
#define MKP_REQ_USER (MK_TAG_USER + 0x90) // from here: a pager's own requests (pg->request)

struct mkp_pager;
struct mkp_region;

// One fault, decoded (libsys/include/mk/fault.h gives the meaning per arch).
struct mkp_fault {
        uint64_t addr;       // faulting address
        uint64_t page;       // addr rounded down to the page
        uint64_t offset;     // page - region start: which page of the region
        unsigned access;     // FAULT_READ, FAULT_WRITE, FAULT_EXEC
        unsigned kind;       // FAULT_NOT_PRESENT, FAULT_PROTECTION, FAULT_OTHER
        unsigned arch;       // FAULT_ARCH_*
        unsigned level;      // translation level (aarch64) or FAULT_LEVEL_UNKNOWN
        uint32_t flags;      // FAULT_F_*
        uint64_t ip;         // faulting instruction
        uint64_t raw0, raw1; // the arch's fault registers, as the kernel read them
        uint32_t pid, tid;
        struct mkp_region *region; // never NULL for the handler
};

struct mkp_region {
        uint64_t start, len; // the client's range
        long proc;           // handle of the client process (for eviction)
        uint32_t pid;        // its pid: faults under this region's badge must come from it
        uint32_t id;
        bool used;
        void *user; // yours
};

// A frame of the pool: its physical address (what a grant names) and where
// the pager sees it.
struct mkp_frame {
        uint64_t pa;
        void *va;
};

// What the handler answers. Use the mkp_answer_* helpers. The handler is
// given a zeroed answer; one left without an action fails the fault with
// MK_REASON_NOMAP (and a console warning).
enum mkp_action { MKP_MAP = 1, MKP_FAIL, MKP_RETRY, MKP_DEFER = 5 }; // 4: "upgrade" (records)
struct mkp_answer {
        int action;
        uint64_t reason; // MKP_FAIL: MK_REASON_*
        unsigned ngrants;
        struct mk_grant grants[MK_MAX_GRANTS];
        bool upgraded; // set by the library: its own dirty-tracking answer (see observe)
};

// Fault-loop detection: the one detector, used by the library for every
// pager (on the handler's MAP answers; FAIL and RETRY reset it, a pager
// answering RETRY forever is ended by the kernel's pager timeout) and by the
// system pager for every process. A fault makes no progress when it is the
// same fault (thread, page, access: mkp_loop_key) as the one answered last
// and its answer gives the page no right the last one did not; the answer
// after MKP_LOOP_LIMIT of those in a row is replaced by FAIL
// MK_REASON_LOOP. Faults that make progress (a write after a read-only
// grant, the copy-on-write fault after a fork) do not count, and a pager
// resets the detector whenever it changes the client's mappings.
struct mkp_loop {
        uint64_t key;   // the fault answered last
        uint32_t perms; // the rights its answer gave the page (MKP_LOOP_RETRY: counted RETRY)
        uint32_t count; // answers in a row that made no progress (0: nothing known)
};
#define MKP_LOOP_RETRY     0xffffffffu // perms of a RETRY that is to count (the system pager)
#define MKP_LOOP_TID_SHIFT 38          // above every user page address
static inline uint64_t mkp_loop_key(uint64_t page, unsigned access, uint32_t tid)
{
        return (page | (access & 0xfff)) ^ ((uint64_t)tid << MKP_LOOP_TID_SHIFT);
}
static inline void mkp_loop_reset(struct mkp_loop *l)
{
        l->count = 0;
}
// A fault (its key) is about to be answered: call this first, then
// mkp_loop_answer with the answer (the system pager calls them at the start
// and the end of its fault handling).
static inline void mkp_loop_fault(struct mkp_loop *l, uint64_t key)
{
        if (key != l->key)
                l->count = 0;
        l->key = key;
}
// Records the answer to that fault, which gives its page `perms`; true when
// it is a fault loop (the detector is reset then: fail the fault with
// MK_REASON_LOOP).
static inline bool mkp_loop_answer(struct mkp_loop *l, uint32_t perms)
{
        uint32_t last = l->perms;
        l->perms = perms;
        // Another fault than the last answered (the usual case), or this
        // answer gives the page a right the last did not: progress.
        if (__builtin_expect(!l->count, 1) || (perms & ~last)) {
                l->count = 1;
                return false;
        }
        if (++l->count <= MKP_LOOP_LIMIT)
                return false;
        mkp_loop_reset(l);
        return true;
}
// The rights a MAP answer gives page (0 when it has no grant there).
uint32_t mkp_answer_perms(const struct mkp_answer *a, uint64_t page);
// Decodes a fault message (mk/fault.h has its layout) into f; f->region and
// f->offset are left 0 (the library's loop finds the region by the badge).
static inline void mkp_fault_from_msg(const struct mk_msg *in, struct mkp_fault *f)
{
        struct fault_info fi;
        fault_msg_decode(in->w, &fi, &f->tid, &f->pid);
        f->addr = fi.addr;
        f->page = fi.addr & ~(uint64_t)(MK_PAGE_SIZE - 1);
        f->offset = 0;
        f->access = fi.access;
        f->kind = fi.kind;
        f->arch = fi.arch;
        f->level = fi.level;
        f->flags = fi.flags;
        f->ip = fi.ip;
        f->raw0 = fi.raw0;
        f->raw1 = fi.raw1;
        f->region = NULL;
}
// Encodes an answer as the fault reply the kernel expects (the tag is the
// action, the first grant in w0..w2, the others in buf as struct mk_grant).
static inline void mkp_answer_encode(const struct mkp_answer *a, struct mk_msg *out)
{
        // Each field the kernel reads written once, no memset: this is on
        // every fault's path. The kernel reads w0..w2 and buf (len) of a
        // fault reply; it sets badge and flags on receive.
        out->tag = (uint64_t)a->action;
        if (a->action == MKP_MAP && a->ngrants) {
                out->w[0] = a->grants[0].va;
                out->w[1] = a->grants[0].pa;
                out->w[2] = a->grants[0].perms;
                if (__builtin_expect(a->ngrants == 1, 1)) {
                        out->len = 0;
                } else {
                        out->len = (uint32_t)((a->ngrants - 1) * sizeof(struct mk_grant));
                        __builtin_memcpy(out->buf, &a->grants[1], out->len);
                }
        } else {
                out->w[0] = a->action == MKP_FAIL ? a->reason : 0;
                out->w[1] = out->w[2] = 0;
                out->len = 0;
        }
}

typedef void (*mkp_handler_fn)(struct mkp_pager *pg, const struct mkp_fault *f,
                               struct mkp_answer *a);

// Optional hooks (set them after mkp_init; NULL = none).
// observe: called for every fault once its answer is final, including the
// ones the library answers itself (dirty upgrades, faults naming no region:
// f->region NULL then). For tracing and statistics.
typedef void (*mkp_observe_fn)(struct mkp_pager *pg, const struct mkp_fault *f,
                               const struct mkp_answer *a);
// request: a request with a tag the library does not know (MKP_REQ_USER and
// up). Fill out's words and buf; the return value goes in out->w[0].
typedef long (*mkp_request_fn)(struct mkp_pager *pg, const struct mk_msg *in, struct mk_msg *out);
// detach: region r is about to be forgotten (its client detached); its
// mapped frames go back to the pool after this returns.
typedef void (*mkp_detach_fn)(struct mkp_pager *pg, struct mkp_region *r);
// discard: the client dropped pages [off, off+len) of region r (munmap, or
// MAP_FIXED over them, through the POSIX layer): their frames are back in
// the pool; forget what you keep for them (a copy, a checksum).
typedef void (*mkp_discard_fn)(struct mkp_pager *pg, struct mkp_region *r, uint64_t off,
                               uint64_t len);

// The library's own state of a pager: the endpoint, the handler, the frame
// pool and its tables, the answer in flight, the fault-loop detector, the
// protection layer's slots (struct mkp_private, libsys/pagerlib/
// pagerlib_int.h). Opaque: reach it only through the mkp_* calls. Its size
// is fixed here (the library checks that its state fits).
#define MKP_PRIVATE_SIZE (44 * MKP_MAX_FRAMES + 4096)

// A pager. Everything here is yours to set (after mkp_init, before mkp_run)
// or to read; the rest is the library's, opaque.
struct mkp_pager {
        void *user;              // yours: mkp_init's user argument
        char name[MKP_NAME_MAX]; // yours to set: names the pager in messages and recordings
        bool track_dirty;        // yours to set after mkp_init: dirty tracking (see above)
        bool debug;              // debug mode (yours, or the kernel command line word
                                 // `pagerdebug`): warns of grants of a frame that is free,
                                 // mapped at another page, or granted twice in one answer
        mkp_observe_fn observe;  // yours (see above)
        mkp_request_fn request;  // yours
        mkp_detach_fn detach;    // yours
        mkp_discard_fn discard;  // yours
        // Read-only: the regions the pager serves (used ones: r->used; a
        // fault gives the handler its own as f->region) and its counters.
        struct mkp_region regions[MKP_MAX_REGIONS];
        uint64_t faults, maps, fails, evictions;
        uint64_t upgrades;       // write faults answered by dirty tracking
        uint64_t bad_grants;     // answers failed because a grant broke a rule
        uint64_t debug_warnings; // debug-mode warnings printed
        union {
                unsigned char bytes[MKP_PRIVATE_SIZE];
                uint64_t align;
        } opaque; // the library's (struct mkp_private)
};

// Sets up a pager serving endpoint ep (MKP_SERVE_HANDLE when a client
// started it with mkp_spawn_pager) with nframes frames from the system pager
// (PGR_FRAMES, MKP_FRAMES_STEP at a time): a fixed budget. nframes 0: the pool
// starts empty and grows by MKP_FRAMES_STEP whenever it runs dry, up to
// MKP_MAX_FRAMES (the system pager gives one process at most PGR_FRAMES_MAX,
// within its tree's frame limit). Reads the kernel command line for
// `record` and `pagerdebug`, and installs the POSIX layer (mkp_posix_enable).
// 0, or -errno (the pager is set up all the same):
//   -EINVAL  nframes > MKP_MAX_FRAMES (nothing fetched)
//   -ENOMEM  fewer frames could be had (the tree's frame limit, no address
//            space for them); the pool keeps those that came
//   -ENOSPC  the process already holds PGR_FRAMES_MAX frames of the system pager
//   an IPC error of the call to the system pager, as is
int mkp_init(struct mkp_pager *pg, long ep, uint32_t nframes, mkp_handler_fn handler, void *user);
// Serves faults and requests until mkp_stop() or MKP_REQ_SHUTDOWN. Returns 0.
// A reply the kernel refuses (a bad grant) is reported on the console and the
// fault is then failed with MK_REASON_BAD_REPLY: the client never hangs.
int mkp_run(struct mkp_pager *pg);
// Makes mkp_run return after the message in hand (call it from a handler or
// a hook).
void mkp_stop(struct mkp_pager *pg);
// mkp_run with n threads (1 .. MKP_MAX_THREADS; 1 is mkp_run): each receives
// on the endpoint. The library's state is locked while a thread handles a
// message and sends its answer, so handlers and hooks run one at a time;
// a handler that must wait (an IPC call to another process, say) releases
// the lock around the wait (mkp_unlock ... mkp_lock) and touches no library
// state in between: meanwhile the other threads serve other faults. After
// mkp_lock, what it knew of the library may have changed (a region may have
// gone: the answer's grants are checked as always). Returns when the pager
// stops (as mkp_run); -EINVAL for a bad n, or the error of setting up the
// threads (nothing served then).
int mkp_run_threads(struct mkp_pager *pg, unsigned n);
void mkp_lock(struct mkp_pager *pg);
void mkp_unlock(struct mkp_pager *pg);

// Frames.
// Takes a free frame of the pool (growing it if it has no budget); its
// contents are what its last user left. 0 or -ENOMEM. Frames of regions
// whose client has ended are reclaimed before giving up.
int mkp_frame_alloc(struct mkp_pager *pg, struct mkp_frame *out); // 0 or -ENOMEM
// Returns a frame to the pool, unmapping it first if it is mapped.
void mkp_frame_free(struct mkp_pager *pg, uint64_t pa);
uint32_t mkp_frames_free(const struct mkp_pager *pg);
// The pool frame with physical address pa: 0 and *out, or -ENOENT.
int mkp_frame_find(const struct mkp_pager *pg, uint64_t pa, struct mkp_frame *out);
// Adds one frame to the pool (pa, and where the pager sees it). The library
// does this itself with PGR_FRAMES; host tests use it for a fake pool.
// 0, -ENOSPC (pool full) or -EEXIST.
int mkp_pool_add(struct mkp_pager *pg, uint64_t pa, void *va);
void mkp_fill_zero(const struct mkp_frame *f);
void mkp_fill_copy(const struct mkp_frame *f, const void *src, size_t n); // rest zeroed
// Reads page `page_index` of an open VFS file into the frame (past the end: zero).
// 0 or -errno (target only).
int mkp_fill_file(const struct mkp_frame *f, long fd, uint64_t page_index);

// Answers.
// Sets a MAP answer (first grant: va, the frame, perms MK_PERM_*), or adds a
// grant to a MAP answer that has some (ignored past MK_MAX_GRANTS).
void mkp_answer_map(struct mkp_answer *a, uint64_t va, const struct mkp_frame *f, uint32_t perms);
static inline void mkp_answer_fail(struct mkp_answer *a, uint64_t reason)
{
        a->action = MKP_FAIL;
        a->reason = reason;
        a->ngrants = 0;
}
static inline void mkp_answer_retry(struct mkp_answer *a)
{
        a->action = MKP_RETRY;
        a->reason = 0;
        a->ngrants = 0;
}
// Answering later (a page that must come from somewhere slow: another
// process, a device, the network). In the handler, mkp_defer keeps the fault
// and sets the answer to MKP_DEFER: nothing is sent now, the loop goes on
// serving other faults and requests, and the faulting thread waits (the
// kernel's external-pager time bound, 5 s, still applies to it). Later,
// typically from pg->request when the page has arrived, mkp_complete answers
// it with an answer filled as a handler fills one (checked the same way).
// Returns the token (0 .. MKP_MAX_KEPT - 1) for mkp_complete, or -ENOSPC when
// MKP_MAX_KEPT faults are kept already (answer this one now), or the
// kernel's error (the answer is then left as it was).
int mkp_defer(struct mkp_pager *pg, const struct mkp_fault *f, struct mkp_answer *a);
// Answers kept fault `token`. 0; -EINVAL (no such kept fault); -ESRCH (the
// faulting thread no longer waits: it ended, or its fault timed out; its
// frames are not recorded as mapped). A grant the kernel refuses fails the
// fault with MK_REASON_BAD_REPLY, as in mkp_run, and returns the kernel's
// error. The token is free again after the call, whatever it returns.
int mkp_complete(struct mkp_pager *pg, int token, struct mkp_answer *a);
// The fault kept as `token` (NULL: none).
const struct mkp_fault *mkp_kept_fault(const struct mkp_pager *pg, int token);
// A request answered later: pg->request keeps the call (mkp_request_keep
// gives a reply handle, -errno if none) and returns MKP_NO_REPLY; any time
// later mk_reply_to(handle, msg) answers it (the handle is spent then).
#define MKP_NO_REPLY (-0x7fff0000L)
long mkp_request_keep(struct mkp_pager *pg);

// Fault-around: adds grants for up to n more pages after f->page that fill()
// provides (fill returns 0 and a frame, or nonzero to stop). Stays inside the
// region and MK_MAX_GRANTS; skips pages the library knows are mapped. Only
// after a MAP answer. Returns how many grants it added.
unsigned mkp_answer_around(struct mkp_pager *pg, const struct mkp_fault *f, struct mkp_answer *a,
                           unsigned n, uint32_t perms,
                           int (*fill)(struct mkp_pager *, struct mkp_region *, uint64_t va,
                                       struct mkp_frame *));

// Why the kernel would refuse grant g for a fault in region r (a string
// naming the rule), or NULL when it is fine as far as the library can tell.
// The library checks every grant of an answer with it: one that breaks a
// rule fails the fault with MK_REASON_BAD_REPLY and the console names the
// grant and the rule. "rwx"-style name of MK_PERM_* bits: mkp_perms_name.
const char *mkp_grant_problem(const struct mkp_pager *pg, const struct mkp_region *r,
                              const struct mk_grant *g);
const char *mkp_perms_name(uint64_t perms);

// Eviction: unmaps the page at va of region r and returns its frame and
// whether it was written since it was mapped writable (the library maps
// read faults read-only and upgrades on the first write, so it knows).
// The frame stays yours (still readable at its pool address: compress it,
// reuse it, or mkp_frame_free it). 0, or -ENOENT if the library has no
// frame mapped there.
int mkp_evict(struct mkp_pager *pg, struct mkp_region *r, uint64_t va, uint64_t *pa, bool *dirty);
// Marks the page at va of region r clean without evicting it: a page mapped
// writable is write-protected again in the client (the frame stays mapped),
// so the next write faults: with pg->track_dirty the library upgrades it
// and it is dirty again, without, the write comes to the handler. For
// pagers that write pages back (a swap or file pager after writing a copy).
// *was_dirty (may be NULL) tells whether it was dirty. 0, -ENOENT (nothing
// of ours mapped there) or the kernel's error (the client ended: -ESRCH).
int mkp_clean(struct mkp_pager *pg, struct mkp_region *r, uint64_t va, bool *was_dirty);
// The pages the library has mapped, for reclaim: start with *cursor = 0 and
// call until it returns false; each call fills *out with the next one.
struct mkp_mapping {
        struct mkp_region *region;
        uint64_t va;            // the page in the client
        struct mkp_frame frame; // its frame (readable at frame.va)
        bool writable;          // mapped writable now
        bool dirty;             // written since mapped writable, or cleaned
};
bool mkp_mapped_next(struct mkp_pager *pg, uint32_t *cursor, struct mkp_mapping *out);
// What the library has mapped at va of region r: 0 and *out, or -ENOENT.
int mkp_mapped_at(const struct mkp_pager *pg, const struct mkp_region *r, uint64_t va,
                  struct mkp_frame *out);

// Client side: reserves len bytes, routes their faults to the pager at
// pager_ep (a send handle; the pager process handle pager_proc receives a
// handle to us for eviction) and tells it. *va gets the address.
// 0 or -errno (nothing is left reserved on failure):
//   -EINVAL  len is 0 or not a multiple of MK_PAGE_SIZE
//   -ENOMEM  no free range of len bytes in our address space
//   -ENOSPC  we already route MK_MAX_EXT_REGIONS (8) regions to pagers, or
//            the pager serves MKP_MAX_REGIONS (16) regions
//   -EBADF / -EPERM  pager_proc is not a process handle we may give handles to
//   -EPIPE   the pager has ended
int mkp_attach(long pager_ep, long pager_proc, uint64_t len, uint64_t *va, uint32_t *region_id);
// Undoes mkp_attach: the range leaves the pager (its pages unmapped), the
// pager frees its frames, the range is unreserved. 0 or -errno.
int mkp_detach(long pager_ep, uint64_t va, uint32_t region_id);
// Starts program prog (from the boot image) as a pager for the caller:
// spawned suspended, given the receive right of a new endpoint (its handle
// MKP_SERVE_HANDLE), resumed. *ep gets our send handle to it (we keep no
// receive right, so the pager's end is seen as "pager gone"), *proc the
// handle of the pager process (for mkp_attach and mk_proc_wait). The pager is
// spawned tied (PGR_SPAWN_TIED): the system pager ends it (KILLED) when the
// caller ends, whatever the reason, so it never outlives its client. 0 or -errno.
int mkp_spawn_pager(const char *prog, long *ep, long *proc);
// Asks the pager to end its loop (MKP_REQ_SHUTDOWN). 0 or -errno.
long mkp_shutdown(long pager_ep);
// The pager's counters (MKP_REQ_STATS): out[0..5] as the request lists. 0 or -errno.
long mkp_stats(long pager_ep, uint64_t out[6]);

// The POSIX layer, pager side: clients whose libsys POSIX calls (mmap,
// munmap, mprotect) are served by this pager (MK_PAGER=<program>,
// libsys/pagerlib/posix_hook.h on the client side) tell it each page's
// rights with MKP_REQ_POSIX; mkp_init installs the layer for every pager, so
// every pager built on the library keeps POSIX protection. A pager with a
// store of its own learns of dropped pages through pg->discard.
//
// The request (client -> pager): w0 region id, w1 offset, w2 len (page
// multiples, inside the region), w3 MK_PERM_* | MKP_POSIX_* flags, w4 (the
// first request only, else 0) 1 + the pager's handle of a send right to its
// own endpoint, for its watchdog -> w0 the number of pages of the region not
// unmapped, or -errno.
#define MKP_REQ_POSIX      (MK_TAG_USER + 0x84)
#define MKP_POSIX_UNMAPPED 0x100 // munmap: faults fail with "no mapping"
#define MKP_POSIX_DISCARD  0x200 // drop the contents (munmap, MAP_FIXED over it)
#define MKP_POSIX_GUARD                                                                            \
        0x400 // with no rights: a guard region (mmap PROT_NONE): faults fail
              // with "guard page" (without: "access violation", as after
              // mprotect PROT_NONE)

// Installs the three functions below as pg's protection layer (call it after
// mkp_init; mkp_init may do it for every pager).
void mkp_posix_enable(struct mkp_pager *pg);
// Serves MKP_REQ_POSIX (-ENOSYS for other tags). The first one (with w4) also
// starts a watchdog thread that shuts the pager down (MKP_REQ_SHUTDOWN) when
// the client process ends, so per-process pagers do not outlive their client.
long mkp_posix_request(struct mkp_pager *pg, const struct mk_msg *in, struct mk_msg *out);
// Before the handler: true when it answered the fault itself (FAIL for a page
// the POSIX state forbids, or MAP of the frame the library still holds for
// that page, with the page's rights). Regions without POSIX state: false.
bool mkp_posix_fault(struct mkp_pager *pg, const struct mkp_fault *f, struct mkp_answer *a);
// After the handler: removes from a MAP answer the rights the pages do not
// have, and the grants of pages that allow nothing (none left: the library
// fails the fault with "access violation").
void mkp_posix_clamp(struct mkp_pager *pg, const struct mkp_fault *f, struct mkp_answer *a);
// The rights of page `offset` of r (MK_PERM_R | MK_PERM_W without POSIX state).
uint32_t mkp_posix_perms(const struct mkp_pager *pg, const struct mkp_region *r, uint64_t offset);

// Host side (tests): replays a recorded fault stream (lines "mkp-rec ...",
// see above and docs/writing-a-pager.md) against a handler, checking that it
// gives the recorded answers. Only the first library pager instance in the
// file is replayed (the system pager's lines and other instances' are
// skipped); other console lines are ignored. Returns the number
// of mismatches (each printed when verbose), or -1 if the file cannot be
// read. Built only for the host (libsys/pagerlib/replay.c).
int mkp_replay_file(const char *path, mkp_handler_fn handler, void *user, int verbose);
// The same for pager `name` (NULL: the first in the file): its first
// instance (NAME@PID), or the one instance `name` names with its @PID;
// setup (may be NULL) runs on the fresh pager before the first line, to set
// hooks (observe) or user state.
int mkp_replay_named(const char *path, const char *name, mkp_handler_fn handler, void *user,
                     void (*setup)(struct mkp_pager *pg), int verbose);
