// SPDX-License-Identifier: MIT
// Fault-class test helpers (x86_64), callable from C. Each faults at a known
// instruction, exported as a label, so a test can check the ip the kernel
// reports.

        .text

// void mk_exec_at(uint64_t va): jumps to va (the return address still points
// at the caller), so the instruction fetch faults at exactly va.
        .globl mk_exec_at
        .type mk_exec_at, @function
mk_exec_at:
        jmpq *%rdi
        .size mk_exec_at, . - mk_exec_at

// uint64_t mk_load64(uint64_t va): one 8-byte load from va.
        .globl mk_load64
        .globl mk_load64_insn
        .type mk_load64, @function
mk_load64:
mk_load64_insn:
        movq (%rdi), %rax
        ret
        .size mk_load64, . - mk_load64

// void mk_store64(uint64_t va, uint64_t v): one 8-byte store of v to va.
        .globl mk_store64
        .globl mk_store64_insn
        .type mk_store64, @function
mk_store64:
mk_store64_insn:
        movq %rsi, (%rdi)
        ret
        .size mk_store64, . - mk_store64

// void mk_illegal(void): an undefined instruction (ud2: an encoding defined
// to raise #UD), at mk_illegal_insn.
        .globl mk_illegal
        .globl mk_illegal_insn
        .type mk_illegal, @function
mk_illegal:
mk_illegal_insn:
        ud2
        ret
        .size mk_illegal, . - mk_illegal

// void mk_breakpoint(void): an int3 (#BP, a trap: the reported ip is the
// next instruction, mk_breakpoint_insn + 1), at mk_breakpoint_insn.
        .globl mk_breakpoint
        .globl mk_breakpoint_insn
        .type mk_breakpoint, @function
mk_breakpoint:
mk_breakpoint_insn:
        int3
        ret
        .size mk_breakpoint, . - mk_breakpoint
