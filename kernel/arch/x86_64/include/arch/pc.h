// SPDX-License-Identifier: MIT
// Legacy PC devices at fixed I/O ports: the COM1 UART (console.c), the 8259
// PIC pair (pic.c) and the 8254 PIT (pit.c).
#pragma once
#include <common/types.h>

// Programs COM1 for 115200 8N1 (it also works without this).
void x86_console_init(void);

// Masks both legacy 8259 PICs (after moving their vectors out of the way).
void x86_pic_disable(void);

// PIT channel 2 as a one-shot stopwatch: starts counting down `ticks` PIT
// ticks (at most X86_PIT_MAX_TICKS), and tells whether it ran out.
#define X86_PIT_HZ        1193182u
#define X86_PIT_MAX_TICKS 0xffffu
void x86_pit_oneshot_start(uint32_t ticks);
bool x86_pit_oneshot_done(void);
