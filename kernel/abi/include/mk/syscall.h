// SPDX-License-Identifier: MIT
// System call numbers: one ABI, identical on every arch (docs/abi.md).
// Calling convention (libsys/arch/<arch>/syscall.h does it):
//   x86_64:  syscall; number in rax, args rdi rsi rdx r10 r8 r9, result rax (rcx, r11 clobbered)
//   aarch64: svc #0;  number in x8,  args x0-x5, result x0
//   riscv64: ecall;   number in a7,  args a0-a5, result a0
// A negative result is -errno (mk/errno.h).
#pragma once

#define SYS_DEBUG_WRITE  0  // (buf, len) -> len: write to the console
#define SYS_EXIT         1  // (status): end the calling process
#define SYS_YIELD        2  // (): give up the CPU
#define SYS_EP_CREATE    3  // () -> handle of a new endpoint
#define SYS_HANDLE_CLOSE 4  // (h)
#define SYS_HANDLE_GIVE  5  // (h, proc, badge, rights) -> handle index in proc (MK_SELF: the
                            // caller): copy handle h (endpoint or process) into proc with
                            // rights reduced to `rights` (0: the same rights). An endpoint
                            // copy gets `badge` only if h has MK_RIGHT_MINT; otherwise badge
                            // must be 0 or h's own badge, and the copy keeps h's badge
#define SYS_SEND         6  // (ep, msg*)
#define SYS_RECV         7  // (ep, msg*) -> 0; msg->badge tells the sender
#define SYS_CALL         8  // (ep, msg*): send, then wait for the reply into msg
#define SYS_REPLY        9  // (msg*): reply to the last call received
#define SYS_REPLY_RECV   10 // (ep, reply*, recv*): reply, then receive
#define SYS_PROC_CREATE  11 // (pager_ep, badge, flags, acct) -> handle of a new, empty process;
                            // badge (of its faults and exit event) as in SYS_HANDLE_GIVE;
                            // acct: a process handle with MK_RIGHT_CONTROL whose tree the new
                            // process is charged to (-1: the caller's)
#define SYS_THREAD_START 12 // (proc, ip, sp, arg) -> thread id: start a thread in proc
#define SYS_MAP          13 // (proc, va, pa, perms): map a frame the caller owns into proc
#define SYS_UNMAP        14 // (proc, va) -> pa: remove a mapping, returns the frame if the
                            // caller owns it (else 0)
#define SYS_PROC_WAIT    15 // (proc, info*, flags) -> 0 when proc has ended; info gets status
                            // and reason; MK_WAIT_NOHANG: -EAGAIN while it runs
#define SYS_PROC_KILL    16 // (proc, reason): end proc with a reason
#define SYS_INFO         17 // (what, out*) -> value: system facts (MK_INFO_*)
#define SYS_SHUTDOWN     18 // (system, status): end the run; system: a handle to the system
                            // capability (the first process gets it as MK_HANDLE_SYSTEM)
#define SYS_THREAD_FORK  19 // (proc) -> thread id: a thread in proc with a copy of the user
                            // registers of the thread whose call the caller is handling; its
                            // call returns MK_FORK_CHILD (1) there (fork)
#define SYS_PROTECT      20 // (proc, va, len, perms) -> pages changed: new permissions (0 =
                            // unmap) for the mapped pages of [va, va+len), frames the caller owns
#define SYS_REGION_PAGER 21 // (proc, start, len, ep, badge): faults of proc in [start, start+len)
                            // go to ep (send right) with badge instead of its pager; grants
                            // for them must lie in the range. len 0 removes the range at start
#define SYS_FRAME_GIVE   22 // (proc, pa, count): frames [pa, pa+count*4096) the caller owns
                            // now belong to proc (an external pager)
#define SYS_PROC_LIMIT   23 // (proc, resource, value): limit MK_RES_* of proc's tree (proc and
                            // the processes charged to it); needs MK_RIGHT_LIMIT
#define SYS_PROC_USAGE   24 // (proc, usage*): struct mk_usage of proc's tree (MK_SELF: caller)
#define SYS_PROC_NAME    25 // (proc, name*, len): names proc (MK_SELF: the caller; another
                            // process needs MK_RIGHT_CONTROL) in console messages and for
                            // debuggers (tools/gdb); the first MK_PROC_NAME_MAX - 1 bytes
#define SYS_REPLY_SAVE   26 // () -> handle: the last call received becomes a reply handle, to
                            // answer later from any thread of the process with SYS_REPLY_TO
                            // (one use; not copyable; closing it unanswered abandons the
                            // call: a fault is taken again, a call ends with -ECONNABORTED)
#define SYS_REPLY_TO     27 // (h, msg*): answer the call kept as reply handle h; on success h
                            // is spent. -ESRCH (h spent): the caller no longer waits (it
                            // ended, or its fault timed out); an invalid fault answer leaves h
                            // valid, as SYS_REPLY leaves the call
#define SYS_THREAD_AFFINITY 28 // (mask) -> old mask: the CPUs the calling thread may run on
                               // (bit i: CPU i), from now on; it moves at once when the CPU it
                               // runs on is not in mask. -EINVAL: mask names no running CPU
                               // (mask 0 changes nothing and returns the current mask)
#define SYS_NR              29

#define MK_PROC_NAME_MAX 16

#define MK_MAX_EXT_REGIONS 8

#define MK_SELF        (-1) // SYS_HANDLE_GIVE target (or handle): the calling process
#define MK_WAIT_NOHANG 1
#define MK_FORK_CHILD  1 // what the child's copy of a forking call returns

// SYS_INFO selectors.
#define MK_INFO_PHYS_WINDOW 1 // out: struct mk_physmem (the pager's frames and their window)
#define MK_INFO_BOOTIMG     2 // out: struct mk_region (the boot image, mapped read-only)
#define MK_INFO_CMDLINE     3 // out: char[256] kernel command line
#define MK_INFO_ARCH        4 // returns MK_ARCH_* (same values as FAULT_ARCH_*)
#define MK_INFO_PID         5 // returns the caller's process id
#define MK_INFO_PROC_PID    6 // (second argument: a process handle) returns that process's id
#define MK_INFO_KSTATS      7 // out: struct mk_kstats (kernel object and frame counts)
#define MK_INFO_UPTIME_MS   8 // returns milliseconds since boot (timer ticks)
#define MK_INFO_CPU         9  // returns the CPU the caller runs on (it may move right after)
#define MK_INFO_NCPUS       10 // returns how many CPUs run threads
#define MK_INFO_CPU_STATS   11 // out: struct mk_cpu_stats (summed over the CPUs)

// MK_INFO_CPU_STATS: the scheduler's and the kernel lock's counters.
struct mk_cpu_stats {
        uint64_t klock_takes; // kernel lock acquisitions
        uint64_t klock_spins; // iterations spent waiting for it (contention)
        uint64_t tlb_calls;   // TLB shootdown cross-calls sent
        uint64_t switches;    // context switches
        uint64_t ipis;        // IPIs taken
};

// SYS_PROC_CREATE flags.
#define MK_PROC_ALLOW_WX 1 // grants may be writable and executable at once

// Permissions in grants and SYS_MAP (same bits as the pager protocol).
#define MK_PERM_R   1
#define MK_PERM_W   2
#define MK_PERM_X   4
#define MK_PERM_ALL (MK_PERM_R | MK_PERM_W | MK_PERM_X) // every permission bit

// Handle rights. Endpoints: SEND, RECV, MINT (may give copies with a new
// badge, and create processes whose faults carry any badge). Processes: GIVE
// (give it handles), WAIT (SYS_PROC_WAIT, its pid), KILL, CONTROL (map, unmap,
// protect, start and fork threads, route regions, give frames, charge
// processes to its tree), LIMIT (SYS_PROC_LIMIT). A copy never has more
// rights than its source.
#define MK_RIGHT_SEND    0x01
#define MK_RIGHT_RECV    0x02
#define MK_RIGHT_MINT    0x04
#define MK_RIGHT_GIVE    0x08
#define MK_RIGHT_WAIT    0x10
#define MK_RIGHT_KILL    0x20
#define MK_RIGHT_CONTROL 0x40
#define MK_RIGHT_LIMIT   0x80
#define MK_RIGHT_ALL     0xff

// The handle the first process starts with: the system capability
// (SYS_SHUTDOWN). It is passed on only explicitly (SYS_HANDLE_GIVE).
#define MK_HANDLE_SYSTEM 0

// Resources charged to a process tree (SYS_PROC_LIMIT, SYS_PROC_USAGE).
#define MK_RES_PROCS   0 // processes
#define MK_RES_THREADS 1 // threads (each has a kernel stack)
#define MK_RES_KMEM    2 // kernel frames: page tables, kernel stacks, kernel objects
#define MK_RES_N       3
#define MK_LIMIT_NONE  UINT64_MAX

#ifndef __ASSEMBLER__
#include <stdint.h>

// The pager's physical memory: the frames it may grant, in up to
// MK_PHYS_RANGES ranges, each mapped read-write in its own address space at
// window + pa.
#define MK_PHYS_RANGES 64
struct mk_physmem {
        uint64_t window;
        uint32_t nranges;
        uint32_t pad;
        struct {
                uint64_t base, size;
        } r[MK_PHYS_RANGES];
};

struct mk_region {
        uint64_t va, size;
};

// SYS_PROC_USAGE result: what the tree uses, and the limits that bind it
// (the smallest of its own and its ancestors').
struct mk_usage {
        uint64_t used[MK_RES_N];
        uint64_t limit[MK_RES_N];
};

// MK_INFO_KSTATS: counts of kernel objects and frames, for leak checks.
struct mk_kstats {
        uint64_t kframes_free;  // kernel-reserve frames free
        uint64_t kframes_total; // kernel-reserve frames
        uint64_t procs;         // process objects (alive or not yet freed)
        uint64_t threads;       // threads
        uint64_t endpoints;     // endpoints
        uint64_t handles;       // handles in use, all processes
};

// SYS_PROC_WAIT result.
struct mk_exit_info {
        int64_t status;    // exit status, when reason == MK_REASON_EXIT
        uint64_t reason;   // MK_REASON_* (mk/msg.h)
        uint64_t fault_va; // for fault reasons: the faulting address
        uint64_t fault_ip; // and instruction
};
#endif
