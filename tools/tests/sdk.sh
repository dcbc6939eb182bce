#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tools/tests/sdk.sh ARCH: the route of docs/writing-a-pager.md, outside the
# tree, against tools/sdk's SDK. TAP (tap.sh), two points:
#  sdk.pattern_out_of_tree  a copy of examples/pagers/pattern built with its
#     own short meson.build (the cross file) and booted with
#     tools/run --add ... --record: its test passes (its success line is
#     changed, so the copy is what ran)
#  sdk.host_replay  the same folder built for the host (the SDK's native file
#     and host part, mk-pager-host), with host tests that include the pagers'
#     sources: pattern replays the recording of that boot with no mismatch
#     (and a replay of it: at least one fault); a copy of the trace pager (a
#     pager with state: its setup sets the hooks and track_dirty its main()
#     sets) replays tests/host/pagerlib/trace.rec with no mismatch and does
#     not without the setup; a hand-edited line (one grant's rights) in the
#     recording must fail the pattern test with that grant named.
#  sdk.tutorial  the hello pager of docs/writing-a-pager.md, its files taken
#     from the page (the code blocks marked `tools/tests/sdk.sh builds this
#     file`): built for ARCH, booted with --record (its test passes), and its
#     host test (meson test, with the setup of a pager with state) passes on
#     that recording.
# Folder: build/logs/sdk-ARCH/; log: build/logs/ARCH-sdk.log.
set -u
. "$(dirname "$0")/tap.sh"
a=${1:-}
tap_arch "$a"
d="$LOGS/sdk-$a"
p="$d/pattern"
out="$LOGS/$a-sdk.log"
rm -rf "$d"
mkdir -p "$p"
cp "$TOP"/examples/pagers/pattern/{pattern.c,pattern.h,xtest_pattern.c} "$p/"
cp "$TOP"/examples/pagers/trace/{trace.c,trace.h} "$TOP/tests/host/pagerlib/trace.rec" "$p/"
sed -i 's/example ok pattern/example ok pattern (out of tree)/' "$p/xtest_pattern.c"
# The pagers for the target (the cross file), their host tests for the host
# (the native file): one meson.build, as in docs/writing-a-pager.md.
cat >"$p/meson.build" <<-'MESON'
	project('pattern', 'c', default_options : ['c_std=gnu11'])
	if meson.is_cross_build()
	  mk = dependency('mk-pager')
	  executable('pattern', 'pattern.c', dependencies : mk)
	  executable('xtest_pattern', 'xtest_pattern.c', dependencies : mk)
	else
	  host = dependency('mk-pager-host')
	  foreach t : ['pattern', 'trace']
	    test(t, executable('test_' + t, 'test_' + t + '.c', dependencies : host),
	      args : [meson.current_source_dir() / t + '.rec'])
	  endforeach
	endif
MESON
cat >"$p/test_pattern.c" <<-'C'
	// The pattern policy on the host: the recording (argv[1]) replays without
	// a mismatch, and it replayed faults.
	#include <stdio.h>
	#define main pattern_main
	#include "pattern.c"
	#undef main

	static unsigned long replayed;

	static void count(struct mkp_pager *p, const struct mkp_fault *f, const struct mkp_answer *a)
	{
	        replayed++;
	}

	static void setup(struct mkp_pager *p)
	{
	        p->observe = count;
	}

	int main(int argc, char **argv)
	{
	        int m = mkp_replay_named(argv[1], "pattern", handle, NULL, setup, 1);
	        printf("pattern: %d mismatches in %lu faults\n", m, replayed);
	        return m != 0 || replayed == 0;
	}
C
cat >"$p/test_trace.c" <<-'C'
	// The trace policy on the host, a pager with state: with the state its
	// main() sets before mkp_run, the recording (argv[1]) replays without a
	// mismatch and feeds its summary; without it, it does not.
	#include <stdio.h>
	#define main trace_main
	#include "trace.c"
	#undef main

	static void setup(struct mkp_pager *p)
	{
	        memset(&sum, 0, sizeof(sum));
	        p->observe = observe;
	        p->request = request;
	        p->track_dirty = true;
	}

	int main(int argc, char **argv)
	{
	        int m = mkp_replay_named(argv[1], "trace", handle, NULL, setup, 1);
	        unsigned long long faults = sum.faults, pages = sum.pages;
	        int without = mkp_replay_named(argv[1], "trace", handle, NULL, NULL, 0);
	        printf("trace: %d mismatches, %llu faults, %llu pages; without the setup %d "
	               "mismatches\n", m, faults, pages, without);
	        return m != 0 || faults != 6 || pages != 5 || without <= 0;
	}
C
if ! { "$TOP/tools/sdk" "$a" "$d/sdk" &&
	meson setup "$d/build" "$p" --cross-file "$d/sdk/share/mk/cross.ini" &&
	ninja -C "$d/build"; } >"$out" 2>&1; then
	tap_notok "pattern_out_of_tree: the SDK or the build failed; last lines of $out:"
	tap_tail 12 "$out"
	tap_notok "host_replay: not run (no SDK)"
	tap_notok "tutorial: not run (no SDK)"
	tap_end
fi
TIMEOUT=60 "$TOP/tools/run" "$a" --add "$d/build/pattern" "$d/build/xtest_pattern" \
	--record "$p/pattern.rec" -- example=pattern >>"$out" 2>&1
if tr -d '\r' <"$out" | grep -q "^example ok pattern (out of tree)$"; then
	tap_ok pattern_out_of_tree
else
	tap_notok "pattern_out_of_tree: its test did not pass; last lines of $out:"
	tap_tail 12 "$out"
fi

# The host tests, against the SDK's host part.
hout="$LOGS/$a-sdk-host.log"
edited="$d/pattern_edited.rec"
sed '0,/ 0x6000:rw- /s// 0x6000:r-- /' "$p/pattern.rec" >"$edited" 2>/dev/null
why=""
if ! { meson setup "$d/build-host" "$p" --native-file "$d/sdk/share/mk/native.ini" &&
	meson test -C "$d/build-host" -v; } >"$hout" 2>&1; then
	why="the host build or its tests failed"
elif cmp -s "$edited" "$p/pattern.rec"; then
	why="the recording has no grant 0x6000:rw- to edit"
elif "$d/build-host/test_pattern" "$edited" >>"$hout" 2>&1; then
	why="a hand-edited recording passed"
elif ! grep -q "grant 2 recorded 0x6000:r--, replayed 0x6000:rw-" "$hout"; then
	why="the hand-edited grant was not reported"
fi
if [ -z "$why" ]; then
	tap_ok host_replay
else
	tap_notok "host_replay: $why; last lines of $hout:"
	tap_tail 12 "$hout"
fi

# The tutorial's hello, from the page itself.
h="$d/hello"
tout="$LOGS/$a-sdk-tutorial.log"
mkdir -p "$h"
awk -v dir="$h" '
	/^<!-- tools\/tests\/sdk.sh builds this file: .* -->$/ { f = dir "/" $(NF - 1); next }
	f && /^```/ { if (open) { close(f); f = ""; open = 0 } else open = 1; next }
	f && open { print > f }
' "$TOP/docs/writing-a-pager.md"
why=""
for f in hello.c xtest_hello.c meson.build test_hello.c hello_guard.rec; do
	[ -s "$h/$f" ] || why="${why:-the page has no file $f}"
done
if [ -z "$why" ] && ! { meson setup "$d/build-hello" "$h" --cross-file "$d/sdk/share/mk/cross.ini" &&
	ninja -C "$d/build-hello"; } >"$tout" 2>&1; then
	why="its build for $a failed"
fi
if [ -z "$why" ]; then
	TIMEOUT=60 "$TOP/tools/run" "$a" --add "$d/build-hello/hello" "$d/build-hello/xtest_hello" \
		--record "$h/hello.rec" -- example=hello >>"$tout" 2>&1
	if ! tr -d '\r' <"$tout" | grep -q "^example ok hello$"; then
		why="its test did not pass"
	elif ! { meson setup "$d/build-hello-host" "$h" --native-file "$d/sdk/share/mk/native.ini" &&
		meson test -C "$d/build-hello-host" -v; } >>"$tout" 2>&1; then
		why="its host test failed"
	fi
fi
if [ -z "$why" ]; then
	tap_ok tutorial
else
	tap_notok "tutorial: $why; last lines of $tout:"
	grep -v "^$" "$tout" | grep -v -e '^[A-Z][a-z ]*: *[0-9]* *$' -e '^Full log' -e '^―' >"$tout.short"
	tap_tail 12 "$tout.short"
fi
tap_end
