// SPDX-License-Identifier: MIT
// x86_64 process entry. The kernel starts a thread at _start with rsp set and
// the start argument in rdi (arch_thread_init). Ends the frame-pointer chain,
// aligns rsp to 16 (the SysV ABI wants rsp = 16n before a call) and calls
// mk_start(arg0), which never returns; if it did, the ud2 after the call
// ends the process.

        .text
        .globl _start
        .type _start, @function
_start:
        xorl %ebp, %ebp
        andq $-16, %rsp
        call mk_start
        ud2
        .size _start, . - _start
