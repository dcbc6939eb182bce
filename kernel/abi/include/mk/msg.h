// SPDX-License-Identifier: MIT
// IPC messages and the pager protocol (docs/pager-protocol.md).
#pragma once
#ifndef __ASSEMBLER__
#include <stdint.h>
#endif

#define MK_MSG_WORDS 6
#define MK_MSG_BUF   512

// Message tags the kernel sends or understands. User protocols use tags from
// MK_TAG_USER up: the kernel refuses a SYS_SEND or SYS_CALL whose tag is
// below it (-EINVAL), and marks every message it originates with
// MK_MSG_KERNEL in mk_msg.flags. A receiver trusts a fault or exit message
// only when that flag is set: no user sender can set it.
#define MK_TAG_FAULT 1 // kernel -> pager: a thread faulted (w[] below)
#define MK_TAG_EXIT  2 // kernel -> pager: a process it serves has ended
#define MK_TAG_USER  0x100

// mk_msg.flags, set by the kernel on every receive (0 for user messages).
#define MK_MSG_KERNEL 1 // the kernel sent this message (a fault or an event)

// Replies to MK_TAG_FAULT (the reply's tag).
#define MK_FAULT_MAP   1 // grants: w[0] va, w[1] pa, w[2] perms; more in buf as struct mk_grant
#define MK_FAULT_FAIL  2 // w[0] = MK_REASON_*: end the faulting process
#define MK_FAULT_RETRY 3 // resume without mapping (the access faults again if still unmapped)

// Fault message words (tag MK_TAG_FAULT); the badge is the one the pager gave
// at SYS_PROC_CREATE.
#define MK_FW_ADDR 0 // faulting address
#define MK_FW_IP   1 // faulting instruction
#define MK_FW_INFO 2 // access, kind, arch, level, flags (mk/fault.h: fault_msg_encode/decode)
#define MK_FW_RAW0 3 // x86_64 error code, aarch64 ESR_EL1, riscv64 scause
#define MK_FW_RAW1 4 // x86_64 CR2, aarch64 FAR_EL1, riscv64 stval
#define MK_FW_IDS  5 // thread id | process id << 32

// Exit message words (tag MK_TAG_EXIT).
#define MK_XW_PID    0
#define MK_XW_STATUS 1
#define MK_XW_REASON 2

// Why a process ended.
#define MK_REASON_EXIT          0  // called exit
#define MK_REASON_NOMAP         1  // fault: no mapping
#define MK_REASON_ACCESS        2  // fault: access violation
#define MK_REASON_BUS           3  // fault: bus error (beyond the end of a file)
#define MK_REASON_OOM           4  // fault: out of memory
#define MK_REASON_GUARD         5  // fault: guard page
#define MK_REASON_LOOP          6  // fault: fault loop
#define MK_REASON_PAGER_GONE    7  // its pager ended (exited or crashed) before answering
#define MK_REASON_ILLEGAL       8  // illegal instruction, or a CPU exception of no other reason
#define MK_REASON_KILLED        9  // SYS_PROC_KILL
#define MK_REASON_BAD_REPLY     10 // its pager's fault reply was invalid too often
#define MK_REASON_PAGER_TIMEOUT 11 // its pager did not answer in time (RETRY included)
#define MK_REASON_TRAP          12 // a breakpoint or trace trap (Linux: SIGTRAP)
#define MK_REASON_ARITH         13 // an arithmetic exception: divide error, FP trap (Linux: SIGFPE)
#define MK_REASON_MAX           13

#define MK_MAX_GRANTS (1 + MK_MSG_BUF / 24)

#ifndef __ASSEMBLER__
struct mk_msg {
        uint64_t tag;
        uint64_t badge; // set by the kernel on receive
        uint64_t w[MK_MSG_WORDS];
        uint32_t len;   // bytes of buf in use
        uint32_t flags; // set by the kernel on receive: MK_MSG_KERNEL (ignored on send)
        uint8_t buf[MK_MSG_BUF];
};

struct mk_grant {
        uint64_t va, pa, perms;
};

// Name of a reason ("no mapping", "access violation", ...).
const char *mk_reason_name(uint64_t reason);
#endif
