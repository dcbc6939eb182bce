// SPDX-License-Identifier: MIT
// Secondary CPU start-up on x86_64 (smp.c, smpboot.S): the trampoline page
// below 1 MiB and what the 64-bit entry needs to find its CPU.
#pragma once

// Offset of stack_top in struct cpu (kernel/smp.h), for smpboot.S.
#define CPU_STACK_TOP 24

// Pages reserved below 1 MiB: the trampoline, then the temporary PML4, PDPT
// and PD.
#define X86_AP_TRAMP_PAGES 4

#ifndef __ASSEMBLER__
#include <kernel/bootinfo.h>
#include <common/types.h>

// Finds the CPUs (ACPI MADT) while the loader's direct map still maps all
// firmware memory and, when there is more than one, reserves the trampoline
// pages in bi->mem[] (before the frame allocator sees the map). With one CPU
// the map is left as it is.
void x86_smp_early(struct boot_info *bi);
#endif
