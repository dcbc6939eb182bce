// SPDX-License-Identifier: MIT
// Out of memory (mk only): a process that touches far more anonymous memory
// than the pager has frames ends with "out of memory"; the pager and every
// other process keep running (after_oom checks that next). On Linux the OOM
// killer would send SIGKILL, but which process it picks is not defined.
#include "conf.h"

#define CHUNK (64ul << 20)
#define MAX   (16ul << 30) // far beyond the RAM of any test machine (QEMU: 128-256 MiB)

int main(void)
{
        for (unsigned long total = 0; total < MAX; total += CHUNK) {
                uint8_t *p =
                    mmap(NULL, CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                if (p == MAP_FAILED) {
                        printf("conf: oom: mmap failed after %lu MiB, errno %d\n", total >> 20,
                               errno);
                        return CONF_CHECK_FAILED;
                }
                for (unsigned long i = 0; i < CHUNK; i += CONF_PAGE)
                        conf_write8(p + i, 1);
        }
        conf_no_fault("touching 16 GiB");
}
