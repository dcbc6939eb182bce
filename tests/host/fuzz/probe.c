// SPDX-License-Identifier: MIT
// Configure-time probe (meson.build): can clang link a libFuzzer binary?
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        return 0;
}
