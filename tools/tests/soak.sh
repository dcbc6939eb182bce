#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tools/tests/soak.sh ARCH N: N short-lived processes (tests/soak/soak.c, as
# tools/soak does): kernel and pager counts back at their baseline afterwards
# (soak.processes_N), then the kernel quotas and the end of thread-less
# processes (soak.kquota). TAP (tap.sh). Log: build/logs/ARCH-soak.log.
set -u
. "$(dirname "$0")/tap.sh"
a=${1:-}
n=${2:-500}
tap_arch "$a"
log="$LOGS/$a-soak.log"
TIMEOUT=120 "$TOP/tools/boot-test" "$a" "soak=$n" >"$log" 2>&1
st=$?
line=$(grep -E "^soak (not )?ok processes_$n" "$log" | head -n 1)
if [ "$st" = 0 ] && [ "$line" = "soak ok processes_$n" ]; then
	tap_ok "processes_$n: $(sed -n 's/^soak: \([0-9]* processes in [0-9]* ms\).*/\1/p' "$log")"
else
	tap_notok "processes_$n: guest status $st ($(status_name "$st")); ${line:-no result}; last console lines:"
	tap_tail 8 "$log"
fi
line=$(grep -E "^soak (not )?ok kquota" "$log" | head -n 1)
if [ "$line" = "soak ok kquota" ]; then
	tap_ok kquota
else
	tap_notok "kquota: ${line:-no result (guest status $st)}"
fi
tap_end
