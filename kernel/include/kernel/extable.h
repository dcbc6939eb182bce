// SPDX-License-Identifier: MIT
// Exception table: kernel instructions that may fault on purpose (user copies,
// probes) and where to resume when they do. Arch assembly emits entries into
// the __extable section; trap code calls extable_fixup() on a kernel fault.
#pragma once
#include <common/types.h>
#include <mk/fault.h>

struct extable_entry {
        uint64_t insn;  // address of the instruction that may fault
        uint64_t fixup; // where to continue
};

// Returns the fixup address for a faulting kernel ip, or 0 if there is none.
// When there is one, records the fault in kfault_last (for tests and callers).
uint64_t extable_fixup(uint64_t ip, const struct fault_info *f);

// The last kernel fault that was recovered through the exception table.
extern struct fault_info kfault_last;
extern unsigned long kfault_count;

// Called by arch trap code for a kernel fault with no fixup: prints the decoded
// fault (the arch prints its registers first) and exits with a failure.
NORETURN void kfault_fatal(const struct fault_info *f);
