// SPDX-License-Identifier: MIT
// Helpers for the riscv64 assembly files.
#pragma once

#ifdef __ASSEMBLER__
// Records that the instruction at `insn` may fault and execution resumes at
// `fixup` (struct extable_entry in kernel/include/kernel/extable.h).
#define EXTABLE(insn, fixup)                                                                       \
        .pushsection __extable, "a";                                                               \
        .balign 8;                                                                                 \
        .dword insn, fixup;                                                                        \
        .popsection
#endif

// EXIT_PANIC (kernel/kprintf.h) for the pre-MMU boot trap; checked in exit.c.
#define ASM_EXIT_PANIC 2
