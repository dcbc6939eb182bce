#!/bin/sh
# SPDX-License-Identifier: MIT
# pager_symbols.sh PAGER_ELF: one TAP point, ok when the system pager's
# symbol table (llvm-nm) names nothing of test code: test orchestration
# (tests_*, scenarios, spawn_next, example_*), fault expectations (*expect*),
# the bad-grant sequence (*badgrant*), benchmark printing (bench_*), test
# regions (*test_region*, PGR_TEST*). Test code belongs in test programs
# (tests/runner, tests/user).
set -u
elf=$1
echo "1..1"
nm=$(command -v llvm-nm || command -v llvm-nm-14 || command -v nm)
syms=$("$nm" "$elf" 2>&1) || { echo "not ok pager_no_test_code"; echo "# $nm $elf failed: $syms"; exit 1; }
[ -n "$syms" ] || { echo "not ok pager_no_test_code"; echo "# $elf has no symbols"; exit 1; }
bad=$(printf '%s\n' "$syms" | awk '{print $NF}' |
	grep -Ei '^(tests?_|bench_|scenario|spawn_next|example_(next|name|only)|next_(scenario|example)|utest)|expect|badgrant|test_region|pgr_test' || true)
if [ -n "$bad" ]; then
	echo "not ok pager_no_test_code"
	printf '%s\n' "$bad" | sed 's/^/# test symbol in the pager: /'
	exit 1
fi
echo "ok pager_no_test_code"
