// SPDX-License-Identifier: MIT
// The system pager: owns every user page. It starts the VFS server and the
// programs the command line asks for, serves their page faults (region tree,
// fault policy, zero page, copy-on-write, file pages from the VFS page cache)
// and their requests (mmap, munmap, mprotect, msync, brk, fork, spawn, maps,
// stats). Each process it serves is a `struct pproc`, named by the badge of its
// endpoint handle (its index in procs[]).
#pragma once
#include "account.h"
#include "exec.h"
#include "lock.h"
#include "policy.h"
#include "shadow.h"
#include "vma.h"
#include <common/elf.h>
#include <mk/fault.h>
#include <mk/pager.h>
#include <mk/pagerlib.h>
#include <mk/pagerloop.h>
#include <mk/sys.h>

#define MAX_PROCS 96
#define MMAP_LO   0x0000000010000000ull // mmap's search range
#define MMAP_HI   (EXEC_STACK_TOP - EXEC_STACK_MAX - EXEC_STACK_GUARD)

struct pproc {
        bool used; // a running process (its slot may outlive it in acct[], see account.h)
        bool is_vfs;
        bool can_shutdown; // may PGR_SHUTDOWN: started from the command line or given the right
        bool tied;         // PGR_SPAWN_TIED: ended (KILLED) when its parent ends
        bool oom_killed;   // killed for memory: its end is recorded after the current message
        uint32_t idx;      // slot: procs[idx]
        uint32_t gen;      // the slot's use count (kept across uses)
        uint64_t badge;    // idx | gen << 8: its messages' badge (a stale one names nobody)
        uint32_t lock;     // lock.h: held by a shared holder serving it
        uint32_t pid;
        long proc;          // our handle to it
        uint32_t parent;    // index of the parent (fork/spawn), 0 = us
        uint32_t vfs_badge; // badge its VFS handle carries (shared by a fork family)
        char name[32];
        struct vma_tree tree;
        struct vma *vcache; // the region the last fault hit (cleared when the tree changes)
        struct shadow sh;
        uint64_t brk_start, brk;
        struct pgr_stats st;
        uint64_t entry, sp; // a process spawned suspended starts here (PGR_RESUME)
        bool suspended;
        // Frames given away to it (PGR_FRAMES), taken back at its end: an
        // index of pages of addresses, allocated as it grows.
        uint64_t *given[PGR_FRAMES_MAX * 8 / MK_PAGE_SIZE];
        uint32_t ngiven;
        struct mkp_loop loop; // fault-loop detection (the pager library's detector)
};

extern struct pproc procs[MAX_PROCS];

// The process a message's badge names (NULL: none of ours, or ended for
// memory). Inline: every message's path.
#define BADGE_IDX_BITS 8
_Static_assert(MAX_PROCS <= 1u << BADGE_IDX_BITS, "a slot fits a badge's low bits");
static inline struct pproc *badge_proc(uint64_t b)
{
        uint64_t i = b & ((1u << BADGE_IDX_BITS) - 1);
        if (!i || i >= MAX_PROCS)
                return NULL;
        struct pproc *p = &procs[i];
        return p->used && p->badge == b && !p->oom_killed ? p : NULL;
}
extern struct acct acct[MAX_PROCS];        // per-slot accounting (account.h)
extern uint64_t default_frame_limit;       // a top-level tree's frames: 3/4 of the pager's
#define DEFAULT_PROC_LIMIT (MAX_PROCS / 2) // a top-level tree's pager process slots
// The event counters (faults to fault_loops) of the processes that have
// ended; PGR_STATS of everyone adds the running ones' (each event is counted
// once, in its process's st: one counter per event on the fault path).
extern struct pgr_stats ended_stats;
extern long pager_ep;
extern long vfs_ep_handle; // our handle to the VFS endpoint (all rights), -1 if none
extern uint32_t vfs_idx;   // the VFS server's pproc index, 0 if none
extern uint16_t pager_machine;
extern struct mk_region bootimg;
extern bool trace_on;

// Frames (frames.c): the pager's physical memory, through its window.
struct slab {
        size_t size;
        void *free;
};
void frames_init(void);
// Zeroed, physically contiguous memory for the pager itself, taken from the
// end of a range (never freed; before the frames at that end are handed out).
void *frames_private(uint64_t bytes);
uint64_t frame_get(void); // a frame (not zeroed), 0 when none is left; charged to nobody
// A frame (not zeroed) charged to p (NULL: nobody): 0 when p's tree is at
// its limit or none is left even after ending an out-of-memory victim.
uint64_t frame_alloc(struct pproc *p);
// frame_alloc for a shared holder of pg_world (lock.h): never ends a process;
// 0 when frame_alloc would have to (the caller then retries exclusively).
uint64_t frame_alloc_try(struct pproc *p);
void frame_put(uint64_t pa); // frees it and uncharges whoever it was charged to
// Moves the charge of every frame charged to slot `from` to slot `to` (0: nobody).
uint64_t frame_owner_move(uint32_t from, uint32_t to);
uint32_t frame_owner(uint64_t pa);
void *frame_ptr(uint64_t pa);       // where the pager sees the frame
uint64_t frame_pa(const void *ptr); // the frame the pager sees at ptr (frame_ptr's inverse)
void page_zero(void *p);
void page_copy(void *dst, const void *src);
uint64_t frames_free(void);
uint64_t frames_total(void);
bool frame_ours(uint64_t pa);
uint32_t frame_refs(uint64_t pa);
int frame_ref(uint64_t pa);
void frame_unref(uint64_t pa); // frees the frame at the last reference
void *slab_alloc(struct slab *sl);
void slab_free(struct slab *sl, void *p);
extern uint64_t zero_page; // the shared zero frame

void node_gc(uint32_t i); // frees ended accounting nodes with nothing left under them
extern uint32_t oom_pending;
long protect_checked(struct pproc *p, uint64_t start, uint64_t end, uint32_t perms);

// Processes (proc.c).
// A new process record under parent (NULL: top level); NULL when no slot is
// free or a process-slot limit of the parent's tree is reached.
struct pproc *pproc_new(const char *name, struct pproc *parent);
int pproc_load(struct pproc *p, const char *prog, const char *const argv[],
               const char *const envp[], long *handle_out, bool start, const char **err);
long do_frames(struct pproc *p, uint64_t count, struct mk_msg *reply);
long do_resume(struct pproc *p, uint64_t pid);
void pproc_reclaim(struct pproc *p); // after it ended: frames, tables, regions (idempotent)
// Adds from's event counters (faults to fault_loops) to to's.
void stats_add_events(struct pgr_stats *to, const struct pgr_stats *from);
void pproc_release(struct pproc *p); // pproc_reclaim, then the slot (kept while it has descendants)
// Ends victim for memory (SYS_PROC_KILL, MK_REASON_OOM) and takes its frames
// back now; false if it cannot be.
bool oom_kill(struct pproc *victim);
extern struct pproc *serving; // the process whose message is being handled
long do_limit(struct pproc *p, const struct mk_msg *m);
// Zero-page maps of file holes (C4): the VFS's page (ino, off) got a frame;
// every process mapping that page with the zero page loses that mapping.
void vfs_page_filled(uint64_t ino, uint64_t off);
// PGR_VFS_RELEASE (the VFS only) and what completes it when the last mapping goes.
long vfs_release(uint64_t ino, uint64_t generation);
// PGR_VFS_TRUNCATED (the VFS only): inode ino of that generation shrank to
// size bytes: every process's pages of it wholly past the new end go.
long vfs_truncated(uint64_t ino, uint64_t generation, uint64_t size);
extern uint32_t vfs_npending; // inodes let go while mapped
void vfs_release_pending_all(void);
static inline void vfs_release_pending(void) // (after every message: inline)
{
        if (__builtin_expect(vfs_npending != 0, 0))
                vfs_release_pending_all();
}
void pproc_drop_pages(struct pproc *p, uint64_t start, uint64_t end, bool unmap);
int vfs_start(void);
long do_fork(struct pproc *p, struct mk_msg *reply);
long do_spawn(struct pproc *p, const struct mk_msg *m, struct mk_msg *reply);

// Faults (fault.c).
// The fault handling of the system pager: the answer to p's fault f;
// pager_serve decodes the message
// and encodes the answer (mk/pagerlib.h: mkp_fault_from_msg,
// mkp_answer_encode). Host tests call it through pager_serve.
// shared: see fault.c (false: the fault must be retried holding pg_world exclusively).
bool handle_fault(struct pproc *p, const struct mkp_fault *f, struct mkp_answer *a, bool shared,
                  uint64_t *unref_later);
long map_page(struct pproc *p, uint64_t va, uint64_t entry, const struct region_desc *r);
long map_slot(struct pproc *p, uint64_t *slot, uint64_t entry, const struct region_desc *r);
// Size of a VFS file; with generation (in/out), -1 unless it is still that
// file (NULL: any, and *generation is not read).
int64_t vfs_file_size(uint64_t ino, uint64_t *generation);
int64_t vfs_file_generation(uint64_t ino, uint64_t *generation);
// The open file `fd` of the VFS client with badge `badge` (a process's
// vfs_badge), from the VFS's client table (VFS_CLIENT_TABLE_VA): 0 with its
// inode and VFS_O_* flags, or -1 if it has no such open file.
int vfs_fd_lookup(uint64_t badge, uint64_t fd, uint32_t *ino, uint32_t *flags);

// The loop's step (main.c): one received message handled (a fault, an exit,
// a request); true when a reply is due (in out). Host fuzzing drives it too.
bool pager_serve(struct mk_msg *in, struct mk_msg *out);
// The same as pager thread i (0-6) serves it when several serve (lock.h:
// pg_threaded set), the answer not sent: host tests of the locking, from
// several host threads at once.
bool pager_serve_thread(unsigned i, struct mk_msg *in, struct mk_msg *out);

// Requests (requests.c).
void handle_request(struct pproc *p, const struct mk_msg *m, struct mk_msg *reply);

// Recording (record.c; the word `record` on the kernel command line) and the
// host replay: rec_mode REC_RECORD prints every message with its answer and
// every input (kernel call results through SYSREC, bytes read from the VFS's
// memory through record_mem); REC_REPLAY (host only) takes the inputs back from
// the recording through rec_replay_sys and rec_replay_mem.
#define REC_OFF    0
#define REC_RECORD 1
#define REC_REPLAY 2
extern uint8_t rec_mode;
extern char rec_name[MKP_NAME_MAX]; // the system pager's name in recordings (pager@PID)
extern long (*rec_replay_sys)(const char *what, long r);
extern void (*rec_replay_mem)(void *buf, size_t len);
__attribute__((cold, noinline)) long record_sys(const char *what, long r);
// A kernel call whose result the pager uses: recorded, or replayed.
#define SYSREC(what, call)                                                                         \
        ({                                                                                         \
                long sysrec_r = (long)(call);                                                      \
                __builtin_expect(rec_mode != REC_OFF, 0) ? record_sys(what, sysrec_r) : sysrec_r;  \
        })
// (The recording's functions are cold and never inlined: off the fault path.)
__attribute__((cold, noinline)) void record_mem(void *buf, size_t len);
__attribute__((cold, noinline)) void record_boot(long arch, const char *cmdline);
__attribute__((cold, noinline)) void record_fault(struct mkp_server *s, const struct mk_msg *in,
                                                  const struct mkp_fault *f,
                                                  const struct mkp_answer *a);
__attribute__((cold, noinline)) void record_request(const struct mk_msg *in,
                                                    const struct mk_msg *out, bool replied);
__attribute__((cold, noinline)) void record_exit(const struct mk_msg *in);
// main() before its loop (pager_start) and its loop's step (pager_serve).
void pager_start(void);
