#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tools/tests/tools-args.sh ARCH: the tools refuse bad arguments before
# booting, with a message that names them: tools/run --record into a missing
# folder (run.record_missing_folder) and tools/test --pager with a name that
# is no program of the boot image (test.pager_unknown). TAP (tap.sh).
# Logs: build/logs/ARCH-tools-args.log and ARCH-tools-args/ (tools/test's).
set -u
. "$(dirname "$0")/tap.sh"
a=${1:-}
tap_arch "$a"
out="$LOGS/$a-tools-args.log"
"$TOP/tools/run" "$a" --record "$LOGS/no-such-folder/x.rec" >"$out" 2>&1
rc=$?
if [ "$rc" = 2 ] && grep -q "no-such-folder does not exist" "$out"; then
	tap_ok run.record_missing_folder
else
	tap_notok "run.record_missing_folder: exit $rc, expected 2 and a message; output:"
	head -c 300 "$out" | sed 's/^/# /'
fi
MK_LOGS="$LOGS/$a-tools-args" "$TOP/tools/test" --pager no_such_pager "$a" >"$out" 2>&1
rc=$?
if [ "$rc" = 2 ] && grep -q "no program named 'no_such_pager'" "$out"; then
	tap_ok test.pager_unknown
else
	tap_notok "test.pager_unknown: exit $rc, expected 2 and a message; output:"
	tail -c 300 "$out" | sed 's/^/# /'
fi
tap_end
