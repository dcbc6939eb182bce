// SPDX-License-Identifier: MIT
// The legacy 8254 PIT, channel 2, used once at boot as a stopwatch to measure
// the TSC and LAPIC timer rates. Channel 2's gate and output are wired to
// port 0x61 (NMI status and control), so it can be polled without interrupts.
#include <arch/pc.h>
#include <arch/regs.h>

#define PIT_PORT_CH2        0x42
#define PIT_PORT_CMD        0x43
#define PIT_CMD_CH2         (2u << 6) // select channel 2
#define PIT_CMD_ACCESS_WORD (3u << 4) // low byte then high byte
#define PIT_CMD_MODE0       (0u << 1) // interrupt on terminal count (one-shot)
#define PIT_CMD_BINARY      0u

#define PORTB          0x61
#define PORTB_CH2_GATE (1u << 0) // channel 2 counts while set
#define PORTB_SPEAKER  (1u << 1) // channel 2 output drives the speaker
#define PORTB_CH2_OUT  (1u << 5) // channel 2 output (read-only)

// Loads channel 2 in mode 0 with the gate open and the speaker off; its output
// goes low now and high when `ticks` PIT ticks have passed.
void x86_pit_oneshot_start(uint32_t ticks)
{
        if (ticks > X86_PIT_MAX_TICKS)
                ticks = X86_PIT_MAX_TICKS;
        outb(PORTB, (inb(PORTB) & ~PORTB_SPEAKER) | PORTB_CH2_GATE);
        outb(PIT_PORT_CMD, PIT_CMD_CH2 | PIT_CMD_ACCESS_WORD | PIT_CMD_MODE0 | PIT_CMD_BINARY);
        outb(PIT_PORT_CH2, (uint8_t)ticks);        // low byte
        outb(PIT_PORT_CH2, (uint8_t)(ticks >> 8)); // high byte
}

// Whether the count started by x86_pit_oneshot_start() has run out.
bool x86_pit_oneshot_done(void)
{
        return (inb(PORTB) & PORTB_CH2_OUT) != 0;
}
