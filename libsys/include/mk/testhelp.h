// SPDX-License-Identifier: MIT
// Fault-provoking helpers for tests (libsys/arch/<arch>/faults.S): single
// instructions whose address is exported, so a test knows the faulting ip.
#pragma once
#include <stdint.h>

uint64_t mk_load64(uint64_t va);          // one load, at mk_load64_insn
void mk_store64(uint64_t va, uint64_t v); // one store, at mk_store64_insn
void mk_exec_at(uint64_t va);             // jumps to va
void mk_illegal(void);                    // an undefined instruction
extern const char mk_load64_insn[], mk_store64_insn[];
