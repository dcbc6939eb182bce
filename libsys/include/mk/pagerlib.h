// SPDX-License-Identifier: MIT
// libsys pager library: write your own pager. You write a handler (policy);
// the library owns the IPC loop, message decoding, reply encoding, a frame
// pool, page fills, fault-around, eviction with dirty state, and shutdown.
// docs/writing-a-pager.md is the tutorial. (Implementation:
// libsys/pagerlib/*.c; the replay driver for host tests: libsys/pagerlib/replay.c.)
//
// How the pieces meet:
//   client process                       your pager process (mkp_run loop)
//   mkp_attach(pager_ep, len, &va) --->  region registered (MKP_REQ_ATTACH)
//   touches va+off ... fault --kernel--> handler(pg, fault, answer)
//                     <--- MAP frame / FAIL reason / RETRY
#pragma once
#include <mk/fault.h>
#include <mk/msg.h>
#include <mk/sys.h>
#include <stdbool.h>
#include <stdint.h>

#define MKP_MAX_REGIONS 16
#define MKP_MAX_FRAMES  4096 // frames one pager may hold (16 MiB)

// Requests a client sends to an external pager (tags above the system
// pager's and the VFS's).
#define MKP_REQ_ATTACH   (MK_TAG_USER + 0x80) // w0 va, w1 len, w2 proc handle (in the pager) of
                                              // the client -> w0 region id or -errno
#define MKP_REQ_DETACH   (MK_TAG_USER + 0x81) // w0 region id -> 0
#define MKP_REQ_SHUTDOWN (MK_TAG_USER + 0x82) // -> 0; the pager's loop ends after replying
#define MKP_REQ_STATS    (MK_TAG_USER + 0x83) // -> w0 faults, w1 maps, w2 fails, w3 evictions

struct mkp_pager;
struct mkp_region;

// One fault, decoded (libsys/include/mk/fault.h gives the meaning per arch).
struct mkp_fault {
        uint64_t addr;    // faulting address
        uint64_t page;    // addr rounded down to the page
        uint64_t offset;  // page - region start: which page of the region
        unsigned access;  // FAULT_READ, FAULT_WRITE, FAULT_EXEC
        unsigned kind;    // FAULT_NOT_PRESENT, FAULT_PROTECTION, FAULT_OTHER
        unsigned arch;    // FAULT_ARCH_*
        unsigned level;   // translation level (aarch64) or FAULT_LEVEL_UNKNOWN
        uint32_t flags;   // FAULT_F_*
        uint64_t ip;      // faulting instruction
        uint64_t raw0, raw1; // the arch's fault registers, as the kernel read them
        uint32_t pid, tid;
        struct mkp_region *region;
};

struct mkp_region {
        uint64_t start, len; // the client's range
        long proc;           // handle of the client process (for eviction)
        uint32_t id;
        bool used;
        void *user;          // yours
};

// A frame of the pool: its physical address (what a grant names) and where
// the pager sees it.
struct mkp_frame {
        uint64_t pa;
        void *va;
};

// What the handler answers. Use the mkp_answer_* helpers.
enum mkp_action { MKP_MAP = 1, MKP_FAIL, MKP_RETRY };
struct mkp_answer {
        int action;
        uint64_t reason; // MKP_FAIL: MK_REASON_*
        unsigned ngrants;
        struct mk_grant grants[MK_MAX_GRANTS];
};

typedef void (*mkp_handler_fn)(struct mkp_pager *pg, const struct mkp_fault *f,
                               struct mkp_answer *a);

struct mkp_pager {
        long ep;                 // the endpoint it serves (receive right)
        mkp_handler_fn handler;
        void *user;              // yours
        struct mkp_region regions[MKP_MAX_REGIONS];
        bool stop;
        bool record;             // print "mkp-rec" lines (tools/run --record)
        uint64_t faults, maps, fails, evictions;
        // Frame pool (library-private).
        struct mkp_frame frames[MKP_MAX_FRAMES];
        uint32_t nframes, nfree;
        uint32_t free_list[MKP_MAX_FRAMES];
        uint8_t dirty[MKP_MAX_FRAMES];   // written since it was mapped writable
        uint64_t mapped_va[MKP_MAX_FRAMES]; // where a frame is mapped in its region (0: not)
        uint32_t mapped_region[MKP_MAX_FRAMES];
};

// Sets up a pager serving endpoint ep with nframes frames from the system
// pager (PGR_FRAMES). 0 or -errno.
int mkp_init(struct mkp_pager *pg, long ep, uint32_t nframes, mkp_handler_fn handler, void *user);
// Serves faults and requests until mkp_stop() or MKP_REQ_SHUTDOWN. Returns 0.
int mkp_run(struct mkp_pager *pg);
void mkp_stop(struct mkp_pager *pg);

// Frames.
int mkp_frame_alloc(struct mkp_pager *pg, struct mkp_frame *out); // 0 or -ENOMEM
void mkp_frame_free(struct mkp_pager *pg, uint64_t pa);
uint32_t mkp_frames_free(const struct mkp_pager *pg);
void mkp_fill_zero(const struct mkp_frame *f);
void mkp_fill_copy(const struct mkp_frame *f, const void *src, size_t n); // rest zeroed
// Reads page `page_index` of an open VFS file into the frame (past the end: zero).
int mkp_fill_file(const struct mkp_frame *f, long fd, uint64_t page_index);

// Answers.
void mkp_answer_map(struct mkp_answer *a, uint64_t va, const struct mkp_frame *f, uint32_t perms);
void mkp_answer_fail(struct mkp_answer *a, uint64_t reason);
void mkp_answer_retry(struct mkp_answer *a);
// Fault-around: adds grants for up to n more pages after f->page that fill()
// provides (fill returns 0 and a frame, or nonzero to stop). Stays inside the
// region and MK_MAX_GRANTS.
void mkp_answer_around(struct mkp_pager *pg, const struct mkp_fault *f, struct mkp_answer *a,
                       unsigned n, uint32_t perms,
                       int (*fill)(struct mkp_pager *, struct mkp_region *, uint64_t va,
                                   struct mkp_frame *));

// Eviction: unmaps the page at va of region r and returns its frame and
// whether it was written since it was mapped writable (the library maps
// read faults read-only and upgrades on the first write, so it knows).
int mkp_evict(struct mkp_pager *pg, struct mkp_region *r, uint64_t va, uint64_t *pa, bool *dirty);

// Client side: reserves len bytes, routes their faults to the pager at
// pager_ep (a send handle; the pager process handle pager_proc receives a
// handle to us for eviction) and tells it. *va gets the address.
int mkp_attach(long pager_ep, long pager_proc, uint64_t len, uint64_t *va, uint32_t *region_id);
int mkp_detach(long pager_ep, uint64_t va, uint32_t region_id);

// Host side (tests): replays a recorded fault stream (lines "mkp-rec ...",
// see docs/writing-a-pager.md) against a handler, checking that it gives the
// recorded answers. Returns the number of mismatches, or -1 if the file cannot
// be read. Built only for the host (libsys/pagerlib/replay.c).
int mkp_replay_file(const char *path, mkp_handler_fn handler, void *user, int verbose);
