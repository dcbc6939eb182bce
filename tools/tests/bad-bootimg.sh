#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tools/tests/bad-bootimg.sh ARCH: a truncated boot image must end the boot
# with a clear message and the bad-boot status (3), not a crash or a hang
# (boot.bad_bootimg). TAP (tap.sh). Logs: build/logs/ARCH-badimg.log and the
# image ARCH-truncated.cpio.
set -u
. "$(dirname "$0")/tap.sh"
a=${1:-}
tap_arch "$a"
log="$LOGS/$a-badimg.log"
img="$LOGS/$a-truncated.cpio"
head -c 100 "$BUILD/$a/tools/bootimg/bootimg.cpio" >"$img"
BOOTIMG=$img TIMEOUT=90 "$TOP/tools/boot-test" "$a" test >"$log" 2>&1
st=$?
if [ "$st" = 3 ] && grep -q 'BAD BOOT INPUT: boot image: ' "$log"; then
	tap_ok "bad_bootimg: $(grep -o 'BAD BOOT INPUT: .*' "$log" | head -n 1)"
else
	tap_notok "bad_bootimg: guest status $st ($(status_name "$st")), expected 3 with a message; last lines:"
	tap_tail 8 "$log"
fi
tap_end
