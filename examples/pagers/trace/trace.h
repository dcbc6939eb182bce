// SPDX-License-Identifier: MIT
// The trace pager's own request and what it answers (shared with its test).
#pragma once
#include <mk/pagerlib.h>

#define TRACE_REQ_SUMMARY (MKP_REQ_USER + 0) // -> buf: struct trace_summary
#define TRACE_REQ_ENTRY   (MKP_REQ_USER + 1) // w0 index -> buf: struct trace_entry, or -ENOENT
#define TRACE_LOG_MAX     1024               // faults kept in the log (the first ones)
#define TRACE_ACCESSES    3                  // FAULT_READ, FAULT_WRITE, FAULT_EXEC
#define TRACE_KINDS       3                  // FAULT_NOT_PRESENT, FAULT_PROTECTION, FAULT_OTHER

// What the pager decided for one fault.
enum trace_decision {
        TRACE_ZERO = 1, // a new zeroed frame
        TRACE_REMAP,    // the frame it already had there, again
        TRACE_UPGRADE,  // the library's dirty-tracking upgrade
        TRACE_FAIL,     // failed (reason in the entry)
        TRACE_RETRY,
};

struct trace_entry {
        uint64_t addr;
        uint32_t access, kind;
        uint32_t decision; // enum trace_decision
        uint32_t reason;   // TRACE_FAIL: MK_REASON_*
        uint32_t pid, pad;
};

struct trace_summary {
        uint64_t faults;
        uint64_t count[TRACE_ACCESSES][TRACE_KINDS]; // faults by access and kind
        uint64_t decisions[TRACE_RETRY + 1];         // faults by enum trace_decision
        uint64_t first, last;                        // first and last faulting address
        uint64_t pages;                              // pages given a new frame
};
