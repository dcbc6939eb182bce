#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/guest/replay.sh ARCH PART: boots ARCH with `test=PART record` (what
# `tools/run ARCH --record FILE -- test=PART` does), keeps the mkp-rec lines,
# and replays the system pager's stream on the host (pager_replay, built in
# the host build: tools/test builds it first) against this build's boot
# image: every answer compared in full, 0 mismatches expected. TAP, one point.
set -u
. "$(dirname "$0")/../../tools/lib.sh"
arch=$1
part=$2
mkdir -p "$BUILD/logs"
log="$BUILD/logs/replay-$arch-$part.log"
rec="$BUILD/logs/replay-$arch-$part.rec"
replay="$BUILD/host/tests/host/fuzz/pager_replay"
echo "1..1"
QUIET=1 boot "$arch" "test=$part record" "${TIMEOUT:-300}" "$log"
if [ "$BOOT_STATUS" != 0 ]; then
	echo "not ok 1 - $part: the recorded boot failed (guest status $BOOT_STATUS, $log)"
	exit 0
fi
tr -d '\r' <"$log" | grep -o 'mkp-rec .*' >"$rec" || true
if [ ! -x "$replay" ]; then
	echo "not ok 1 - $part: no $replay (build host first)"
	exit 0
fi
out=$("$replay" "$rec" "$BUILD/$arch/tools/bootimg/bootimg.cpio" 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
if [ $rc = 0 ]; then
	echo "ok 1 - $part: $(echo "$out" | tail -n 1 | sed 's/^replay: //')"
else
	echo "not ok 1 - $part: the replay of $rec differs"
fi
