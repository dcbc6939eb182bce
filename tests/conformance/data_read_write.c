// SPDX-License-Identifier: MIT
// Initialised data: the first read of each page sees the built-in values;
// writes stick and leave their neighbours alone. The second page's first
// access is a write (copy-on-write of the file's bytes).
#include "conf.h"

static uint64_t data[1536] = {
    [0] = 1, [1] = 2, [511] = 3, [512] = 0x5555, [1023] = 99, [1024] = 7, [1535] = 8};

int main(void)
{
        CHECK_EQ(conf_read64(&data[0]), 1);
        CHECK_EQ(conf_read64(&data[1]), 2);
        CHECK_EQ(conf_read64(&data[511]), 3);
        conf_write64(&data[1023], 100); // data[512..1023] lie in one page, first touched here
        CHECK_EQ(conf_read64(&data[512]), 0x5555);
        CHECK_EQ(conf_read64(&data[1023]), 100);
        conf_write64(&data[2], 42);
        CHECK_EQ(conf_read64(&data[1]), 2);
        CHECK_EQ(conf_read64(&data[2]), 42);
        CHECK_EQ(conf_read64(&data[3]), 0);
        CHECK_EQ(conf_read64(&data[1024]), 7);
        CHECK_EQ(conf_read64(&data[1535]), 8);
        for (int i = 4; i < 511; i++)
                if (conf_read64(&data[i]))
                        CHECK_EQ(data[i], 0);
        return conf_done();
}
