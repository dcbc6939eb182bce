// SPDX-License-Identifier: MIT
// The value main returns is the process's exit status (42 here, which
// suite.def expects).
#include "conf.h"

int main(void)
{
        return 42;
}
