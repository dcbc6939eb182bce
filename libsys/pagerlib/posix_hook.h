// SPDX-License-Identifier: MIT
// POSIX anonymous memory served by an external pager (tools/test --pager
// NAME). Two sides, one file (posix_hook.c):
//
// Client side: libsys's POSIX layer (libsys/src/posix.c) offers each
// MAP_ANONYMOUS|MAP_PRIVATE mmap, and each successful munmap and mprotect, to
// the hooks below. When the environment has MK_PAGER=<program>, the first
// such mmap starts that program from the boot image as the process's pager
// (mkp_spawn_pager) and every later one becomes a region it serves; munmap
// and mprotect inside those regions are passed on to it (MKP_REQ_POSIX).
// Without MK_PAGER every hook returns -ENOSYS and nothing changes.
//
// Pager side: mkp_posix_enable() makes the library hand MKP_REQ_POSIX to
// mkp_posix_request (pg->layer_request) and check every fault with
// mkp_posix_fault before the handler (pg->prefault) and mkp_posix_clamp after
// it (pg->postfault), so any pager built on the library keeps POSIX
// protection: an unmapped page fails with "no mapping", a guard (mmap
// PROT_NONE) page with "guard page", a forbidden access with "access
// violation", and grants never carry rights the page does not have. Regions
// whose client never sends MKP_REQ_POSIX (mkp_attach users) are untouched.
//
// What the kernel cannot express, and so is not supported: a MAP_FIXED
// mapping of another kind (a file, a shared mapping) over part of an
// external region (faults there still go to the external pager, which fails
// them with "no mapping"), and fork of a process with external regions (the
// child does not inherit them).
#pragma once
#include <mk/pagerlib.h>

// mk_posix_mmap_hook flags.
#define MK_POSIX_FIXED 1 // MAP_FIXED: exactly at addr, replacing what is there

// The pager program MK_PAGER names, or NULL when it is not set.
const char *mk_posix_pager_name(void);

// mmap(addr, len, prot, MAP_PRIVATE|MAP_ANONYMOUS [|MAP_FIXED]) with prot
// already in MK_PERM_* bits: 0 and *va when the external pager took it,
// -ENOSYS when the system pager should serve it (no MK_PAGER, PROT_NONE
// outside our regions, writable+executable), else -errno for mmap to report.
int mk_posix_mmap_hook(uint64_t addr, uint64_t len, uint32_t prot, uint32_t flags, uint64_t *va);
// After the system pager accepted munmap(addr, len): the parts of our regions
// in the range become unmapped (faults there: "no mapping"); a region with no
// page left is detached. 0 (also when no region of ours is involved).
int mk_posix_munmap_hook(uint64_t addr, uint64_t len);
// After the system pager accepted mprotect(addr, len, prot) (MK_PERM_*): the
// pages of our regions in the range get prot. 0 or -errno.
int mk_posix_mprotect_hook(uint64_t addr, uint64_t len, uint32_t prot);

// The pager side (MKP_REQ_POSIX, mkp_posix_enable, mkp_posix_perms, ...) is
// public, in mk/pagerlib.h.
