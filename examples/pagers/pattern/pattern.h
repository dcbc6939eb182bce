// SPDX-License-Identifier: MIT
// The pattern the pattern pager serves: the 8-byte word at byte offset off
// of a region holds pattern_word(off). Shared by the pager and its test.
#pragma once
#include <stdint.h>

static inline uint64_t pattern_word(uint64_t off)
{
        return (off * 0x9e3779b97f4a7c15ull) ^ (off >> 12);
}
