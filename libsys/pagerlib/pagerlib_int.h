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
void mkp_host_reset(void);
