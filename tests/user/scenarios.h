// SPDX-License-Identifier: MIT
// The user-space test scenarios: run by the test runner (tests/runner/
// runner.c, `test=user`), one process each, and implemented by
// tests/user/utest.c.
#pragma once
#include <mk/msg.h>
#include <stdbool.h>

struct scenario {
        const char *name;
        uint64_t reason; // expected ending (MK_REASON_*)
        int64_t status;  // expected exit status
};

enum {
        SCN_ANON_1000,
        SCN_READ_UNMAPPED,
        SCN_WRITE_UNMAPPED,
        SCN_EXEC_UNMAPPED,
        SCN_WRITE_READONLY,
        SCN_EXEC_NOEXEC,
        SCN_KERNEL_ADDR,
        SCN_BADGRANT,
        SCN_SYSCALL_ARGS,
        SCN_ISOLATION,
        SCN_ILLEGAL,
        SCN_EXIT_STATUS,
        SCN_FORK_COW,
        SCN_OOM_FIRST,
        SCN_OOM_AGAIN,
        SCN_ISO_AUTHORITY,
        SCN_ISO_MEMORY,
        SCN_ISO_LIMITS,
        SCN_PAGERLIB_MAX_FRAMES,
        SCN_COUNT,
        SCN_DEMO = 100,
        SCN_BENCH = 101,
};

static const struct scenario scenarios[SCN_COUNT] = {
    [SCN_ANON_1000] = {"anon_1000_pages", MK_REASON_EXIT, 0},
    [SCN_READ_UNMAPPED] = {"fault_read_unmapped", MK_REASON_NOMAP, 0},
    [SCN_WRITE_UNMAPPED] = {"fault_write_unmapped", MK_REASON_NOMAP, 0},
    [SCN_EXEC_UNMAPPED] = {"fault_exec_unmapped", MK_REASON_NOMAP, 0},
    [SCN_WRITE_READONLY] = {"fault_write_readonly", MK_REASON_ACCESS, 0},
    [SCN_EXEC_NOEXEC] = {"fault_exec_noexec", MK_REASON_ACCESS, 0},
    [SCN_KERNEL_ADDR] = {"fault_user_reads_kernel", MK_REASON_NOMAP, 0},
    [SCN_BADGRANT] = {"bad_grants_refused", MK_REASON_EXIT, 0},
    [SCN_SYSCALL_ARGS] = {"syscall_bad_arguments", MK_REASON_EXIT, 0},
    [SCN_ISOLATION] = {"isolation", MK_REASON_EXIT, 0},
    [SCN_ILLEGAL] = {"illegal_instruction", MK_REASON_ILLEGAL, 0},
    [SCN_EXIT_STATUS] = {"exit_status", MK_REASON_EXIT, 42},
    [SCN_FORK_COW] = {"fork_copy_on_write", MK_REASON_EXIT, 0},
    [SCN_OOM_FIRST] = {"oom_kill", MK_REASON_OOM, 0},
    [SCN_OOM_AGAIN] = {"oom_kill_frames_accounted", MK_REASON_OOM, 0},
    [SCN_ISO_AUTHORITY] = {"forged_events_and_shutdown_right", MK_REASON_EXIT, 0},
    [SCN_ISO_MEMORY] = {"file_mapping_lifetime_holes_big_mprotect", MK_REASON_EXIT, 0},
    [SCN_ISO_LIMITS] = {"fork_wait_loop_limits_oom_victim", MK_REASON_EXIT, 0},
    [SCN_PAGERLIB_MAX_FRAMES] = {"pagerlib_budget_max_frames", MK_REASON_EXIT, 0},
};

// utest_iso.c (issue 8).
int ut_authority(void);
int ut_memory(void);
int ut_limits(void);

// Benchmark metrics, in the order tools/bench prints them.
enum {
        BENCH_NULL_SYSCALL,
        BENCH_IPC_ROUNDTRIP,
        BENCH_ANON_FAULT,
        BENCH_TOUCH_NO_FAULT,
        BENCH_ZERO_READ_FAULT,
        BENCH_COW_FAULT,
        BENCH_MUNMAP_PAGE, // munmap of one touched page (one CPU: tlb_shootdown's baseline)
        // Several CPUs (`bench smp`, booted with -smp 4: tools/bench).
        BENCH_ANON_FAULT_SMP4,
        BENCH_ANON_FAULT_SMP4_LOCK_WAITS,
        BENCH_TLB_SHOOTDOWN,
        BENCH_SAME_PAGE_RACE,
        // An external pager (the library's, one page per fault, zeroed): its
        // answer at once, and through a deferred reply (one CPU).
        BENCH_XPAGER_FAULT,
        BENCH_DEFERRED_FAULT,
};
// clang-format off
#define BENCH_METRIC_NAMES {"null_syscall", "ipc_roundtrip", "anon_fault", "touch_no_fault", \
                            "zero_read_fault", "cow_fault", "munmap_page", "anon_fault_smp4", \
                            "anon_fault_smp4_lock_waits", "tlb_shootdown", "same_page_race", \
                            "xpager_fault", "deferred_fault"}
// clang-format on
