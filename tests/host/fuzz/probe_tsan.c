// SPDX-License-Identifier: MIT
// Whether clang can build with ThreadSanitizer here (meson.build).
int main(void)
{
        return 0;
}
