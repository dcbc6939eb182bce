// SPDX-License-Identifier: MIT
// The system pager: owns every user page. Clients are the processes it
// created; each has a region list and is named by the badge of its endpoint
// handle (its index in the client table).
#pragma once
#include <kernel/elf.h>
#include <mk/fault.h>
#include <mk/pager.h>
#include <mk/sys.h>

#define MAX_CLIENTS 64
#define MAX_REGIONS 32

enum region_type { R_ANON, R_FILE, R_STACK, R_TEST_BADGRANT };

struct region {
        uint64_t start, end; // [start, end), page-aligned
        uint32_t perms;      // MK_PERM_*
        uint8_t type;        // enum region_type
        // R_FILE: bytes [file_off, file_off+file_size) of file go to start+file_va_off.
        const uint8_t *file;
        uint64_t file_off, file_size, file_va_off;
        uint64_t *pages; // presence table (region.c): pa of each mapped page
};

struct client {
        bool used;
        long proc; // process handle
        uint32_t pid;
        int scenario;
        struct region regions[MAX_REGIONS];
        int nregions;
        uint64_t mmap_next; // where the next PGR_MMAP goes
        uint64_t last_fault[MK_MSG_WORDS];
        bool expect_set;
        uint64_t expect[5]; // PGR_EXPECT: addr, ip, access, kind, pid
        int expect_result;  // 0 none, 1 matched, -1 mismatched
        char expect_why[160];
        int badgrant_result; // R_TEST_BADGRANT: 1 all refused as they should, -1 not
        uint64_t nfaults;
};

extern struct client clients[MAX_CLIENTS];
extern long pager_ep;
extern uint16_t pager_machine;

// Frames (frames.c): the pager's physical memory, addressed through its window.
void frames_init(void);
uint64_t frame_get(void); // a frame (not zeroed), 0 when none is left
void frame_put(uint64_t pa);
void *frame_ptr(uint64_t pa); // where the pager sees the frame
void page_zero(void *p);
uint64_t frames_free(void);

// Regions (region.c).
struct region *region_find(struct client *c, uint64_t va);
struct region *region_add(struct client *c, uint64_t start, uint64_t end, uint32_t perms,
                          uint8_t type);
void regions_release(struct client *c);
uint64_t region_page(const struct region *r, uint64_t va); // pa mapped at va, or 0
int region_set_page(struct region *r, uint64_t va, uint64_t pa);

// Clients (main.c).
int client_spawn(const char *prog, int scenario);
void handle_fault(struct client *c, struct mk_msg *m, struct mk_msg *reply);

// Tests (tests.c).
void tests_start(void);
void tests_check_expect(struct client *c, const struct mk_msg *m);
void badgrant_sequence(struct client *c, uint64_t va, uint64_t good_pa);
void tests_client_exit(struct client *c, uint64_t status, uint64_t reason);
void bench_result(struct client *c, uint64_t metric, uint64_t total, uint64_t n);
