#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tools/tests/gdb.sh ARCH: tools/gdb/mk.py follows the user program on the
# CPU: a breakpoint in the trace pager's fault handler, then one in its
# client's mkp_stats (the same addresses hold other programs' code); at each
# stop gdb names the process, by the CPU's page-table root, and shows that
# program's symbols (docs/debugging.md) (gdb.user_symbols_follow_the_process).
# QEMU's gdb stub listens on a free port. TAP (tap.sh).
# Logs: build/logs/ARCH-gdb.log (gdb) and ARCH-gdb-qemu.log.
set -u
. "$(dirname "$0")/tap.sh"
a=${1:-}
tap_arch "$a"
log="$LOGS/$a-gdb-qemu.log"
out="$LOGS/$a-gdb.log"
port=$(free_port)
MK_ESP=$(mktemp -d /tmp/mk-esp.XXXXXX)
export MK_ESP
mapfile -t cmd < <(qemu_cmd "$a" "example=trace" -S -gdb "tcp:127.0.0.1:$port")
timeout -k 2 120 "${cmd[@]}" </dev/null >"$log" 2>&1 &
qpid=$!
timeout -k 2 100 gdb-multiarch -nx -batch -x "$TOP/tools/gdb/mk.py" -ex "mk-attach $a $port" \
	-ex "mk-break trace handle" -ex continue -ex mk-proc -ex "bt 1" \
	-ex "delete 1" -ex "mk-break xtest_trace mkp_stats" -ex continue -ex mk-proc -ex "bt 1" -ex kill \
	</dev/null >"$out" 2>&1
kill "$qpid" 2>/dev/null
wait "$qpid" 2>/dev/null
rm -rf "$MK_ESP"
if grep -q "is in process [0-9]* (trace)" "$out" && grep -q "^#0  handle " "$out" &&
	grep -q "is in process [0-9]* (xtest_trace)" "$out" && grep -q "^#0  mkp_stats " "$out"; then
	tap_ok user_symbols_follow_the_process
else
	tap_notok "user_symbols_follow_the_process: gdb did not stop in trace's handler and then xtest_trace's mkp_stats; last lines of $out:"
	tap_tail 12 "$out"
fi
tap_end
