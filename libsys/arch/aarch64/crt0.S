// SPDX-License-Identifier: MIT
// aarch64 process entry. The kernel starts a thread at _start with sp_el0 set
// and the start argument in x0 (arch_thread_init). Ends the frame-pointer and
// link-register chains, aligns sp to 16 (AAPCS64; SCTLR_EL1.SA0 faults
// misaligned sp use) and calls mk_start(arg0), which never returns; if it
// did, the undefined instruction after the call ends the process.

        .text
        .balign 4
        .globl  _start
        .type   _start, %function
_start:
        mov     x29, xzr
        mov     x30, xzr
        mov     x9, sp
        and     sp, x9, #~15
        bl      mk_start
        udf     #0
        .size   _start, . - _start
