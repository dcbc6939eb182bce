// SPDX-License-Identifier: MIT
// Inside the pager library. The portable part (pool.c, answer.c, serve.c,
// record.c) is plain C that also builds on the host; it reaches the system
// only through the mkp_sys_* calls, which sys.c implements with system calls
// on the target and replay.c fakes on the host.
#pragma once
#include <mk/pagerlib.h>
#include <mk/pagerloop.h>

#define MKP_PAGE_MASK (MK_PAGE_SIZE - 1)
#define MKP_HASH_SIZE (2 * MKP_MAX_FRAMES)

// The protection layer's slots (the POSIX layer, posix_hook.c: mkp_posix_enable).
// prefault: runs for every fault in a region before the library's own
// answers and the handler; returning true means it answered (in a).
// postfault: runs on the handler's answer before it is sent (to take rights
// away, say).
typedef bool (*mkp_prefault_fn)(struct mkp_pager *pg, const struct mkp_fault *f,
                                struct mkp_answer *a);
typedef void (*mkp_postfault_fn)(struct mkp_pager *pg, const struct mkp_fault *f,
                                 struct mkp_answer *a);

// Frame states (state[i]).
#define MKP_FS_USED     0x01 // out of the free list
#define MKP_FS_MAPPED   0x02 // mapped at (mapped_region, mapped_va)
#define MKP_FS_WRITABLE 0x04 // mapped writable (so dirty)
#define MKP_FS_MAYWRITE 0x08 // mapped read-only, the handler allowed writing: upgrade on write
#define MKP_FS_HELD     0x10 // taken out of the client for new rights (POSIX layer), kept

// The library's state of a pager, kept in its opaque bytes (mkp_priv).
struct mkp_private {
        long ep; // the endpoint it serves (receive right)
        mkp_handler_fn handler;
        bool stop;
        bool record;     // print "mkp-rec" lines (tools/run --record)
        uint32_t budget; // pool limit: 0 grows on demand, else mkp_init's nframes
        // The frame pool.
        struct mkp_frame frames[MKP_MAX_FRAMES];
        uint32_t nframes, nfree;
        uint32_t free_list[MKP_MAX_FRAMES];
        uint8_t dirty[MKP_MAX_FRAMES];      // written since it was mapped writable
        uint64_t mapped_va[MKP_MAX_FRAMES]; // where a frame is mapped in its region (0: not)
        uint32_t mapped_region[MKP_MAX_FRAMES];
        uint8_t state[MKP_MAX_FRAMES];    // MKP_FS_* per frame
        uint8_t granted[MKP_MAX_FRAMES];  // rights the handler gave the frame's page
        uint16_t pa_hash[MKP_HASH_SIZE];  // pa -> frame index + 1
        uint16_t map_hash[MKP_HASH_SIZE]; // (region, va) -> frame index + 1
        struct mkp_loop loop;             // fault-loop detection (mkp_loop_answer)
        mkp_prefault_fn prefault;         // the protection layer's (above)
        mkp_postfault_fn postfault;
        mkp_request_fn layer_request; // its requests, tried before pg->request (-ENOSYS:
                                      // not one of its tags)
        struct mkp_pending {          // the answer in flight (mkp_serve)
                int action;
                unsigned ngrants;
                uint32_t region;
                uint8_t maywrite[MK_MAX_GRANTS]; // the handler allowed W; installed without
                bool by_handler;                 // the handler's answer (not the library's)
                struct mk_grant grants[MK_MAX_GRANTS];
        } pending;
        // Faults kept to answer later (mkp_defer): the reply handle and the fault.
        struct mkp_kept {
                bool used;
                long reply;
                struct mkp_fault fault;
        } kept[MKP_MAX_KEPT];
        int kept_last;               // the token mkp_defer gave last (for the record)
        char rec_name[MKP_NAME_MAX]; // this instance in records (NAME@PID; mkp_run)
        bool threaded;               // mkp_run_threads serves: mkp_lock is real
        uint32_t lock;               // mkp_lock (threaded only)
};
_Static_assert(sizeof(struct mkp_private) <= MKP_PRIVATE_SIZE,
               "the library's state fits in struct mkp_pager's opaque bytes");
_Static_assert(_Alignof(struct mkp_private) <= _Alignof(uint64_t),
               "the opaque bytes are aligned enough for it");

// The library's state of pager pg (const for a const pg).
#define mkp_priv(pg)                                                                               \
        _Generic((pg),                                                                             \
            const struct mkp_pager *: (const struct mkp_private *)(const void *)(pg)->opaque.bytes, \
            struct mkp_pager *: (struct mkp_private *)(void *)(pg)->opaque.bytes)

// The system, as the portable part needs it.
// Asks for n more frames and adds them with mkp_pool_add; how many came, or -errno.
long mkp_sys_frames(struct mkp_pager *pg, uint32_t n);
// Removes the mapping at va from the client proc; the frame, or -errno.
long mkp_sys_unmap(long proc, uint64_t va);
// Changes the rights of our frame mapped at va in the client proc; 0 or -errno.
long mkp_sys_protect(long proc, uint64_t va, uint32_t perms);
// Whether the client proc is still running.
bool mkp_sys_alive(long proc);
// The pid of the client proc (0 if unknown).
uint32_t mkp_sys_pid(long proc);
void mkp_sys_close(long handle);
// Keeps the call in hand (mk_reply_save): a reply handle, or -errno; answers
// through one (mk_reply_to): 0 or -errno.
long mkp_sys_reply_save(void);
long mkp_sys_reply_to(long h, struct mk_msg *m);
// Gives client process proc a send handle to our endpoint carrying badge
// (only we may mint it); returns its index in proc.
long mkp_sys_mint(struct mkp_pager *pg, long proc, uint64_t badge);

// Frame index of the pool frame at pa, or -1.
int mkp_pool_index(const struct mkp_pager *pg, uint64_t pa);
// Frame index mapped at (region, va), or -1.
int mkp_map_lookup(const struct mkp_pager *pg, uint32_t region, uint64_t va);
// Records frame i as mapped at (region, va), replacing what was recorded
// for that page (the frame there before stays allocated) and where frame i
// was recorded before.
void mkp_map_set(struct mkp_pager *pg, int i, uint32_t region, uint64_t va);
// Forgets where frame i is mapped (it stays allocated).
void mkp_map_clear(struct mkp_pager *pg, int i);
// Puts frame i back on the free list (forgetting its mapping, not unmapping).
void mkp_pool_release(struct mkp_pager *pg, int i);
// Returns the frames of regions whose client ended to the pool; how many.
uint32_t mkp_reap(struct mkp_pager *pg);
// Forgets region r: its frames back to the pool, its handle closed.
void mkp_region_drop(struct mkp_pager *pg, struct mkp_region *r);

// One recorded event: struct mkp_rec (mk/pagerloop.h).

// Handles one received message. Returns true when a reply is due (in out);
// *rec gets the fault's record (type 0 when it was not a fault). After the
// reply went through call mkp_commit (the dirty-tracking state follows the
// answer in pg->pending), after a refused one mkp_discard.
bool mkp_serve(struct mkp_pager *pg, const struct mk_msg *in, struct mk_msg *out,
               struct mkp_rec *rec);
void mkp_commit(struct mkp_pager *pg);
// Sets s up as the library's owner of the receive loop (mk/pagerloop.h) for pg:
// mkp_run runs it, mkp_serve steps it once.
void mkp_lib_server(struct mkp_pager *pg, struct mkp_server *s);
// The kernel refused the pending answer: unmapped frames it named go back to
// the pool; out becomes the FAIL MK_REASON_BAD_REPLY to send instead.
void mkp_discard(struct mkp_pager *pg, struct mk_msg *out);
// Decodes a fault message; region is NULL when the badge and address name
// no region of pg.
void mkp_fault_decode(struct mkp_pager *pg, const struct mk_msg *in, struct mkp_fault *f);
// Registers a client's region (MKP_REQ_ATTACH): the region id or -errno.
long mkp_region_add(struct mkp_pager *pg, uint64_t va, uint64_t len, long proc);

// Host only (replay.c): the fake system, for tests. Unmaps are counted;
// client handles 0 .. MKP_HOST_PROCS-1 marked dead count as ended clients;
// mkp_host_reset takes the fake frames back (their memory is kept for the
// next run) and clears both.
#define MKP_HOST_PROCS 128
#define MKP_HOST_PID   1 // the pid of every fake client
extern unsigned long mkp_host_unmaps, mkp_host_protects;
extern uint32_t mkp_host_last_protect; // the rights of the last mkp_sys_protect
extern bool mkp_host_dead[MKP_HOST_PROCS];
// Kept calls: mkp_sys_reply_save hands out 0x200, 0x201, ...; mkp_sys_reply_to
// stores the answer here and returns mkp_host_reply_err (0 by default).
extern struct mk_msg mkp_host_last_reply;
extern long mkp_host_last_reply_handle, mkp_host_reply_err;
extern unsigned long mkp_host_replies;
void mkp_host_reset(void);
