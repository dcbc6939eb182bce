// SPDX-License-Identifier: MIT
// Observability calls to the system pager (libsys/src/pagerclient.c).
#pragma once
#include <mk/pager.h>
#include <stdint.h>

// Prints the maps view of process pid (0 = the caller) on the console.
long mk_maps_print(uint64_t pid);
// Fetches the counters of process pid (0 = the caller, -1 = global).
long mk_stats(uint64_t pid, struct pgr_stats *out);
// Prints counters on the console, one line.
void mk_stats_print(const char *label, const struct pgr_stats *s);
// Switches the pager's fault trace on or off.
long mk_fault_trace(int on);
