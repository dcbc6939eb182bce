// SPDX-License-Identifier: MIT
// Reuse of a sole reference: after fork the pages are shared copy-on-write;
// once the child has exited, the parent's writes are correct and keep the
// rest of each page. On mk the pager's counters show the frames were reused
// without a copy.
#include "conf.h"

static uint64_t data[1024] = {[0] = 7, [1] = 8, [1023] = 9};

int main(void)
{
        uint64_t *anon =
            mmap(NULL, CONF_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        CHECK(anon != MAP_FAILED);
        conf_stop_if_failed();
        data[2] = 10;
        anon[0] = 11;
        anon[1] = 12;
        pid_t pid = fork();
        if (pid == 0)
                _exit(data[0] == 7 && anon[0] == 11 ? 0 : 3);
        CHECK(pid > 0);
        CHECK(conf_exited_with(conf_wait(pid), 0));
        struct conf_counters before, after;
        int counted = conf_counters(&before);
        conf_write64(&data[0], 70); // volatile: not moved across conf_counters
        conf_write64(&anon[0], 110);
        if (counted == 0 && conf_counters(&after) == 0) {
                CHECK(after.cow_reuses - before.cow_reuses >= 2);
                CHECK_EQ(after.cow_copies - before.cow_copies, 0);
        }
        CHECK_EQ(data[0], 70);
        CHECK_EQ(data[1], 8);
        CHECK_EQ(data[2], 10);
        CHECK_EQ(data[1023], 9);
        CHECK_EQ(anon[0], 110);
        CHECK_EQ(anon[1], 12);
        return conf_done();
}
