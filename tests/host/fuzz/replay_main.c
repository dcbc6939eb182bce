// SPDX-License-Identifier: MIT
// pager_replay RECORDING BOOTIMG: the host replay of a boot's system pager
// (pager_replay.h); prints each mismatch and the count, exits 0 only when
// there is none. A recording: `tools/run ARCH --record FILE -- WORDS`.
#include "pager_replay.h"
#include <stdio.h>

int main(int argc, char **argv)
{
        if (argc != 3) {
                fprintf(stderr, "usage: pager_replay RECORDING BOOTIMG\n");
                return 2;
        }
        int r = pager_replay(argv[1], argv[2], 1);
        if (r < 0)
                fprintf(stderr, "pager_replay: cannot read %s\n", argv[1]);
        return r == 0 ? 0 : 1;
}
