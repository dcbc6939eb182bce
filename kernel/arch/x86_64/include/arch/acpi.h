// SPDX-License-Identifier: MIT
// ACPI, as much as the kernel needs: the CPUs of the MADT (acpi.c).
#pragma once
#include <kernel/bootinfo.h>
#include <common/types.h>

// Reads the MADT through bi->rsdp_phys (tables in memory bi->mem[]
// describes, read through the direct map) and writes the APIC ids of the
// enabled CPUs an xAPIC can start (at most max, duplicates dropped, the boot
// CPU boot_id always among them at *boot). Returns how many; with no usable
// MADT, 1: the boot CPU. Reports what is wrong with the tables.
unsigned x86_acpi_cpus(const struct boot_info *bi, uint32_t boot_id, uint32_t *ids, unsigned max,
                       unsigned *boot);
