// SPDX-License-Identifier: MIT
// The host replay of the system pager (pager_replay.c) on the fake kernel
// (pager_host.h): replays the system pager's stream of the recording at path
// with the boot image at bootimg (the build's build/ARCH/tools/bootimg/
// bootimg.cpio), comparing every answer in full. Returns the number of
// mismatches (each printed, up to 20, when verbose; then the count), or -1
// if the recording cannot be read.
#pragma once
int pager_replay(const char *path, const char *bootimg, int verbose);
