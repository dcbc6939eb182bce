// SPDX-License-Identifier: MIT
// The system pager's protocol for its processes (docs/pager-protocol.md).
// Every request is a call on the pager endpoint handle a process gets at
// start (auxv AT_MK_PAGER_EP); tags from MK_TAG_USER up. Replies carry a
// result in w[0]: >= 0 success, < 0 -errno.
#pragma once
#include <mk/msg.h>

#define PGR_MMAP                                                                                   \
        (MK_TAG_USER + 0) // w0 addr hint, w1 len, w2 prot (MK_PERM_*), w3 flags
                          // (PGR_MAP_*), w4 the caller's VFS fd (file maps: open for
                          // reading, and for writing if shared and writable, else
                          // -EACCES; -EBADF if not open), w5 offset -> w0 address
#define PGR_PING                                                                                   \
        (MK_TAG_USER + 2)              // -> nothing (IPC round-trip benchmark)
                                       // (MK_TAG_USER + 3, + 4: unused)
#define PGR_MUNMAP   (MK_TAG_USER + 5) // w0 addr, w1 len -> 0
#define PGR_MPROTECT (MK_TAG_USER + 6) // w0 addr, w1 len, w2 prot -> 0
#define PGR_MSYNC    (MK_TAG_USER + 7) // w0 addr, w1 len, w2 flags -> 0
#define PGR_BRK      (MK_TAG_USER + 8) // w0 new break (0: query) -> w0 the break
#define PGR_FORK                                                                                   \
        (MK_TAG_USER + 9) // -> parent: w0 child pid, w1 handle of the child
                          //    process (for SYS_PROC_WAIT);
                          //    child: the call returns MK_FORK_CHILD, msg untouched
#define PGR_SPAWN                                                                                  \
        (MK_TAG_USER + 10) // buf "path\0arg1\0...\0env1\0...", w0 argc, w1 flags,
                           // w2 envc (environment strings after argv)
                           // -> w0 pid, w1 handle
#define PGR_MAPS                                                                                   \
        (MK_TAG_USER + 11) // w0 pid (0 = caller), w1 offset -> buf: text of
                           // /proc/PID/maps from offset, w0 bytes, w1 total;
                           // pid: the caller or a descendant (else -EPERM)
#define PGR_STATS                                                                                  \
        (MK_TAG_USER + 12) // w0 pid (0 = caller, -1 = global) -> buf: struct
                           // pgr_stats; pid as for PGR_MAPS
#define PGR_TRACE                                                                                  \
        (MK_TAG_USER + 13)              // w0 1 on / 0 off: fault trace on the console
                                        // (holders of the shutdown right, else -EPERM)
#define PGR_SHUTDOWN (MK_TAG_USER + 14) // w0 status: end the run (holders of the right)
#define PGR_FRAMES                                                                                 \
        (MK_TAG_USER + 15)            // w0 count (<= 64) -> w0 count, w1 address where
                                      // they are mapped (read-write, contiguous), buf:
                                      // their physical addresses (uint64_t each); the
                                      // frames now belong to the caller (external pagers);
                                      // -ENOSPC beyond PGR_FRAMES_MAX held at once
#define PGR_RESUME (MK_TAG_USER + 16) // w0 pid: start a process spawned suspended
#define PGR_LIMIT                                                                                  \
        (MK_TAG_USER + 17) // w0 pid (the caller or a descendant; 0 = caller),
                           // w1 most user frames its tree may hold, w2 most
                           // pager process slots (0: unchanged) -> 0;
                           // limits only go down (-EPERM)

// Frames one process may hold from PGR_FRAMES at once (16 MiB), within its
// tree's frame limit (PGR_LIMIT).
#define PGR_FRAMES_MAX 4096

// PGR_MMAP flags.
#define PGR_MAP_PRIVATE  0x01
#define PGR_MAP_SHARED   0x02
#define PGR_MAP_ANON     0x04
#define PGR_MAP_FIXED    0x08 // exactly at the hint (replacing what is there)
#define PGR_MAP_GUARD    0x10 // an explicit guard region (PROT_NONE)
#define PGR_MAP_EXTERNAL 0x20 // reserve the range for an external pager (SYS_REGION_PAGER)
#define PGR_MAP_ALL                                                                                \
        (PGR_MAP_PRIVATE | PGR_MAP_SHARED | PGR_MAP_ANON | PGR_MAP_FIXED | PGR_MAP_GUARD |         \
         PGR_MAP_EXTERNAL) // every PGR_MAP_* bit
// PGR_MMAP and PGR_MPROTECT prot: MK_PERM_* bits (at most MK_PERM_ALL).

// The handles every process the system pager starts holds, at the same
// numbers in each (so a forked child's copy of libsys finds them); the auxv
// also names them (AT_MK_PAGER_EP, AT_MK_VFS_EP, AT_MK_VFS_SERVE).
#define PGR_HANDLE_PAGER_EP  0 // send: the system pager
#define PGR_HANDLE_VFS_EP    1 // send: the VFS server (the pager's own if there is none)
#define PGR_HANDLE_VFS_SERVE 2 // the VFS server only: receive, its requests

// PGR_SPAWN w1 flags.
#define PGR_SPAWN_SUSPENDED 1 // do not start it until PGR_RESUME (hand it handles first)
#define PGR_SPAWN_SHUTDOWN  2 // pass on the right to PGR_SHUTDOWN (only a holder may)
#define PGR_SPAWN_TIED      4 // end it (KILLED) when the caller ends (e.g. its own pagers)

// auxv entries our loader adds (Linux leaves this range unused).
#define AT_MK_PAGER_EP     0x1000 // handle of the pager endpoint
#define AT_MK_VFS_EP       0x1001 // handle of the VFS endpoint (-1 if none)
#define AT_MK_VFS_SERVE    0x1002 // the VFS server only: its handle to receive on
#define AT_MK_BOOTIMG_SIZE 0x1003 // the VFS server only: bytes at VFS_BOOTIMG_VA

// Counters (PGR_STATS): per process and global.
struct pgr_stats {
        uint64_t faults;     // fault messages received
        uint64_t fill_anon;  // lazy fills: zeroed private anonymous pages
        uint64_t fill_file;  // lazy fills from files (text, data, file maps)
        uint64_t fill_stack; // lazy fills of stack pages
        uint64_t fill_heap;  // lazy fills of heap pages
        uint64_t zero_maps;  // read faults answered with the shared zero page
        uint64_t cow_copies; // copy-on-write faults that copied
        uint64_t cow_reuses; // copy-on-write faults that reused a sole reference
        uint64_t guard_hits; // faults in guard regions or the stack guard gap
        uint64_t access_violations;
        uint64_t no_mapping;
        uint64_t bus_errors;
        uint64_t oom_kills;
        uint64_t fault_loops;
        uint64_t frames_used;    // frames this process maps (global: in use)
        uint64_t frames_free;    // global only
        uint64_t frames_charged; // user frames charged to this process (its pages, copies,
                                 // page records, page-cache frames it caused)
        uint64_t tree_frames;    // charged to it and its descendants
        uint64_t frames_limit;   // the lowest frame limit of its tree and the trees above
                                 // (global: a top-level tree's default, 3/4 of the frames)
        uint64_t procs_limit;    // the same for pager process slots (global: the default)
        uint64_t tree_procs;     // pager process slots its tree holds
};
