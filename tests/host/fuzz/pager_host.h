// SPDX-License-Identifier: MIT
// The system pager on the host, for the pager fuzz target (pager.c):
//   pager_unity.c  every servers/pager/*.c in one unit (main.c's main renamed),
//                  so that pager_host_reset can reset their file-local state
//   pager_sys.c    a fake kernel: the system calls the pager makes, checked
//                  as the kernel checks them, with failures on demand
#pragma once
#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

// Every file-local and global variable of the pager back to its initial value.
void pager_host_reset(void);
// Zeroes the frames the pager used since frames_init (before pager_host_reset).
void pager_host_zero_used(void);
// A fresh pager on the fake kernel with this boot image, as main() sets it
// up before the VFS and the first program (x86_64; 3/4 of the frames for a tree).
void pager_host_boot(const void *img, uint64_t len);

// The fake kernel.
#define FK_FRAMES  768           // the pager's physical memory (frames)
#define FK_PA_BASE 0x80000000ull // its first frame's physical address
#define FK_PROCS   128           // kernel processes (handles FK_HANDLE0 + i)
#define FK_HANDLE0 16
#define FK_EXITS   (2 * FK_PROCS)

// Resets the fake kernel (processes, exit queue, failures) and zeroes the
// frames the last run may have written (up to its highest frame address).
void fk_reset(const void *bootimg, uint64_t bootimg_size);
// Zeroes len bytes of the fake physical memory from pa.
void fk_zero(uint64_t pa, uint64_t len);
// The next fk_fail_calls system calls that can fail fail if bit k of mask is
// set (k: their order, from 0); later ones succeed.
void fk_fail(uint32_t mask);
// Kernel-sent exit events due (the processes the pager killed): pops one
// (pid, reason); false when none is left.
bool fk_exit_pop(uint32_t *pid, uint64_t *reason);
// Whether the kernel process with this pid is alive (not killed).
bool fk_alive_pid(uint32_t pid);
// Marks the kernel process with this pid ended (it exited by itself).
void fk_end_pid(uint32_t pid);
// A grant as the kernel checks it (kernel/core/fault.c): NULL or what is wrong.
const char *fk_grant_check(uint64_t va, uint64_t pa, uint64_t perms);
// Another machine (the host replay of a recording): its physical memory
// ranges m (NULL: the fake one; else the fake memory spans them), command
// line and arch (MK_ARCH_*); cmdline NULL: back to the fake machine. 0, or -1.
struct mk_physmem;
int fk_config(const struct mk_physmem *m, const char *cmdline, long arch);
// Console output goes here when set (else stdout with fk_verbose).
extern FILE *fk_console;
// mk_shutdown jumps here (the run ends; the input is over).
extern jmp_buf fk_shutdown;
extern bool fk_shutdown_armed;
extern int fk_verbose; // console output on stdout (FUZZ_DEBUG)
