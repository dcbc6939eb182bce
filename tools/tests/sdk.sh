#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tools/tests/sdk.sh ARCH: a copy of examples/pagers/pattern built outside the
# tree against tools/sdk's SDK with the three-line meson.build of
# docs/writing-a-pager.md (section 3), booted with tools/run --add: its test
# passes (its success line is changed, so the copy is what ran)
# (sdk.pattern_out_of_tree). TAP (tap.sh). Folder: build/logs/sdk-ARCH/;
# log: build/logs/ARCH-sdk.log.
set -u
. "$(dirname "$0")/tap.sh"
a=${1:-}
tap_arch "$a"
d="$LOGS/sdk-$a"
out="$LOGS/$a-sdk.log"
rm -rf "$d"
mkdir -p "$d/pattern"
cp "$TOP"/examples/pagers/pattern/{pattern.c,pattern.h,xtest_pattern.c} "$d/pattern/"
sed -i 's/example ok pattern/example ok pattern (out of tree)/' "$d/pattern/xtest_pattern.c"
cat >"$d/pattern/meson.build" <<-'MESON'
	project('pattern', 'c', default_options : ['c_std=gnu11'])
	mk = dependency('mk-pager')
	executable('pattern', 'pattern.c', dependencies : mk)
	executable('xtest_pattern', 'xtest_pattern.c', dependencies : mk)
MESON
if ! { "$TOP/tools/sdk" "$a" "$d/sdk" &&
	meson setup "$d/build" "$d/pattern" --cross-file "$d/sdk/share/mk/cross.ini" &&
	ninja -C "$d/build"; } >"$out" 2>&1; then
	tap_notok "pattern_out_of_tree: the SDK or the build failed; last lines of $out:"
	tap_tail 12 "$out"
	tap_end
fi
TIMEOUT=60 "$TOP/tools/run" "$a" --add "$d/build/pattern" "$d/build/xtest_pattern" \
	-- example=pattern >>"$out" 2>&1
if tr -d '\r' <"$out" | grep -q "^example ok pattern (out of tree)$"; then
	tap_ok pattern_out_of_tree
else
	tap_notok "pattern_out_of_tree: its test did not pass; last lines of $out:"
	tap_tail 12 "$out"
fi
tap_end
