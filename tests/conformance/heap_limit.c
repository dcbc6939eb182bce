// SPDX-License-Identifier: MIT
// Heap limit: growing the heap past its limit (mk: CONF_HEAP_MAX; Linux:
// the same through RLIMIT_DATA) or onto the stack fails with ENOMEM and
// leaves the break where it was; growing within the limit still works.
#include "conf.h"

int main(void)
{
        char *b0 = sbrk(0);
        int on_stack = 0;
        CHECK_ERR(sbrk(CONF_HEAP_MAX + (32ul << 20)), ENOMEM);
        CHECK(sbrk(0) == b0);
        CHECK_ERR(brk(b0 + CONF_HEAP_MAX + (32ul << 20)), ENOMEM);
        CHECK(sbrk(0) == b0);
        CHECK_ERR(brk(&on_stack), ENOMEM);
        CHECK(sbrk(0) == b0);
        char *p = sbrk(CONF_PAGE);
        CHECK(p == b0);
        conf_stop_if_failed();
        conf_write8(p, 1);
        CHECK_EQ(conf_read8(p), 1);
        return conf_done();
}
