# SPDX-License-Identifier: MIT
# Shared by the test scripts in tools/tests/ (run by Meson, `meson test`):
# they print TAP (docs: README, testing), one line per test point,
# `ok NAME` or `not ok NAME: WHY`, with `# ` lines after it (the last console
# lines), and the plan `1..N` at the end; they exit 1 if a point failed.
# Each script writes its logs to its own files under build/logs/.
# shellcheck shell=bash
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
LOGS="$BUILD/logs"
mkdir -p "$LOGS"
TAP_N=0
TAP_FAILED=0

tap_ok() { echo "ok $*"; TAP_N=$((TAP_N + 1)); }
tap_notok() { echo "not ok $*"; TAP_N=$((TAP_N + 1)); TAP_FAILED=1; }
# tap_tail N FILE: the last N lines of FILE as TAP diagnostics.
tap_tail() { tail -n "$1" "$2" | tr -d '\r' | sed 's/^/# /'; }
tap_end() { echo "1..$TAP_N"; exit "$TAP_FAILED"; }

# tap_arch ARCH: checks the arch argument and that its build exists.
tap_arch() {
	case " $ARCHES " in *" ${1:-} "*) ;; *) die "usage: $0 ARCH (one of: $ARCHES)" ;; esac
	[ -e "$BUILD/$1/tools/bootimg/bootimg.cpio" ] || die "$BUILD/$1 is not built (tools/build $1)"
}

status_name() {
	case $1 in
	0) echo ok ;; 1) echo "self-test failed" ;; 2) echo "panic" ;; 3) echo "bad boot input" ;;
	124) echo "hang: timed out" ;; *) echo "unexpected" ;;
	esac
}
