// SPDX-License-Identifier: MIT
// fork copy-on-write, child writes: a child's writes to data, bss, heap,
// stack and an anonymous private mapping (pages the parent wrote, and pages
// nobody touched) stay in the child; the parent keeps its values.
#include "conf.h"

static uint64_t data[512] = {[0] = 11, [511] = 12};
static uint64_t bss[1024];

int main(void)
{
        volatile uint64_t stack[64];
        uint64_t *heap = sbrk(2 * CONF_PAGE);
        uint64_t *anon =
            mmap(NULL, 2 * CONF_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        CHECK(heap != (uint64_t *)-1 && anon != MAP_FAILED);
        conf_stop_if_failed();
        bss[0] = 21;
        stack[0] = 31;
        heap[0] = 41;
        anon[0] = 51;
        pid_t pid = fork();
        if (pid == 0) {
                int bad = data[0] != 11 || bss[0] != 21 || stack[0] != 31 || heap[0] != 41 ||
                          anon[0] != 51;
                data[0] = 110;
                data[511] = 120;
                bss[0] = 210;
                bss[1023] = 211; // a page nobody touched
                stack[0] = 310;
                heap[0] = 410;
                heap[CONF_PAGE / 8] = 411;
                anon[0] = 510;
                anon[CONF_PAGE / 8] = 511;
                bad |= data[0] != 110 || bss[1023] != 211 || stack[0] != 310 ||
                       heap[CONF_PAGE / 8] != 411 || anon[CONF_PAGE / 8] != 511;
                _exit(bad ? 3 : 0);
        }
        CHECK(pid > 0);
        CHECK(conf_exited_with(conf_wait(pid), 0));
        CHECK_EQ(data[0], 11);
        CHECK_EQ(data[511], 12);
        CHECK_EQ(bss[0], 21);
        CHECK_EQ(bss[1023], 0);
        CHECK_EQ(stack[0], 31);
        CHECK_EQ(heap[0], 41);
        CHECK_EQ(heap[CONF_PAGE / 8], 0);
        CHECK_EQ(anon[0], 51);
        CHECK_EQ(anon[CONF_PAGE / 8], 0);
        return conf_done();
}
