// SPDX-License-Identifier: MIT
// An undefined instruction ends the process with "illegal instruction"
// (Linux: SIGILL; ILL_ILLOPN for x86_64's ud2).
#include "conf.h"

int main(void)
{
        conf_illegal();
        conf_no_fault("undefined instruction");
}
