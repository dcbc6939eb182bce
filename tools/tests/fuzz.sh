#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tools/tests/fuzz.sh ARCH N: the guest system-call fuzzer (tests/fuzz/fuzz.c,
# as tools/fuzz does) with N calls and the fixed seed 1: no failed check, no
# panic, no hang, the kernel's and the pager's counts back at their baseline
# (fuzz.calls_N). `tools/fuzz ARCH N 1` reproduces it (docs/fuzzing.md).
# TAP (tap.sh). Log: build/logs/ARCH-fuzz.log.
set -u
. "$(dirname "$0")/tap.sh"
a=${1:-}
n=${2:-20000}
tap_arch "$a"
log="$LOGS/$a-fuzz.log"
TIMEOUT=120 "$TOP/tools/boot-test" "$a" "fuzz=$n" fuzzseed=1 >"$log" 2>&1
st=$?
line=$(grep -aE "^fuzz (not )?ok calls_$n" "$log" | head -n 1)
if [ "$st" = 0 ] && [ "$line" = "fuzz ok calls_$n" ]; then
	tap_ok "calls_$n: $(sed -n 's/^fuzz: seed 1, \([0-9]* calls in [0-9]* rounds\), .* \([0-9]* calls\/s\).*/\1, \2/p' "$log")"
else
	tap_notok "calls_$n: guest status $st ($(status_name "$st")); ${line:-no result}; last console lines:"
	tap_tail 8 "$log"
fi
tap_end
