// SPDX-License-Identifier: MIT
// Bit helpers usable from both C and assembly (.S files include the same
// constant headers, so constants must not carry C-only suffixes there).
#pragma once

#ifdef __ASSEMBLER__
#define BIT(n) (1 << (n))
#define UL(x)  x
#else
#define BIT(n) (1ull << (n))
#define UL(x)  x##ull
#endif
