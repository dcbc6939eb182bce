#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tools/tests/guest-all.sh ARCH: one boot with the word `test` runs every
# in-guest part (the kernel self-tests, the user scenarios, the example
# pagers' tests, the adversarial suite, the conformance runner), which print
# their results with a prefix each (`ktest ok NAME`, `utest not ok NAME: WHY`,
# `example`, `adv`, `conform`); this turns them into TAP points named
# ktest.NAME, user.NAME, example.NAME, adv.NAME and conformance.NAME, checks
# that every part reported its whole plan, and that the boot printed its
# banner and exited 0. MK_TEST_PAGER=NAME (tools/test --pager) boots
# `test pager=NAME`: the conformance points are then pager-NAME.SCENARIO.
# TAP (tap.sh). Log: build/logs/ARCH-test[-pager-NAME].log.
# Transitional: it goes when the guest parts boot one by one (`test=PART`,
# registered as the Meson tests kernel, user, examples, adv, conformance).
set -u
. "$(dirname "$0")/tap.sh"
a=${1:-}
tap_arch "$a"
PAGER=${MK_TEST_PAGER:-}
log="$LOGS/$a-test${PAGER:+-pager-$PAGER}.log"
conf="conformance."
[ -z "$PAGER" ] || conf="pager-$PAGER."
# (the adversarial suite adds up to ~30 s)
TIMEOUT=180 "$TOP/tools/boot-test" "$a" test >"$log" 2>&1
st=$?
res="$log.res"
sed -n \
	-e 's/^ktest ok \(.*\)$/ok ktest.\1/p' \
	-e 's/^ktest not ok \([^:]*\): \(.*\)$/not ok ktest.\1: \2/p' \
	-e 's/^utest ok \(.*\)$/ok user.\1/p' \
	-e 's/^utest not ok \([^:]*\): \(.*\)$/not ok user.\1: \2/p' \
	-e 's/^example ok \(.*\)$/ok example.\1/p' \
	-e 's/^example not ok \([^:]*\): \(.*\)$/not ok example.\1: \2/p' \
	-e 's/^adv ok \(.*\)$/ok adv.\1/p' \
	-e 's/^adv not ok \([^:]*\): \(.*\)$/not ok adv.\1: \2/p' \
	-e 's/^conform ok \(.*\)$/ok '"$conf"'\1/p' \
	-e 's/^conform not ok \([^:]*\): \(.*\)$/not ok '"$conf"'\1: \2/p' "$log" >"$res"
while IFS= read -r line; do
	case $line in
	"not ok "*) tap_notok "${line#not ok }" ;;
	*) tap_ok "${line#ok }" ;;
	esac
done <"$res"
for k in frame_alloc pagetable timer bootimg; do
	if ! grep -q "^\(not \)\?ok ktest\.$k\(:\|$\)" "$res"; then
		tap_notok "ktest.$k: never reported (guest status $st); last console lines:"
		tap_tail 12 "$log"
	fi
done
plan=$(sed -n 's/^utest: plan \([0-9]*\)$/\1/p' "$log")
ran=$(grep -c ' user\.' "$res")
if [ -z "$plan" ] || [ "$ran" -ne "$plan" ]; then
	tap_notok "user: ${ran} of ${plan:-?} planned scenarios reported; last console lines:"
	tap_tail 12 "$log"
fi
# The example pagers' tests and the conformance suite report their plans too.
plan=$(sed -n 's/^example: plan \([0-9]*\)$/\1/p' "$log")
if [ -n "$plan" ]; then
	ran=$(grep -c ' example\.' "$res")
	if [ "$ran" -lt "$plan" ]; then
		tap_notok "examples: ${ran} results for ${plan} example tests; last console lines:"
		tap_tail 12 "$log"
	fi
fi
# The adversarial suite: every planned test reports; one that started and
# never reported is named (the run ended during it).
plan=$(sed -n 's/^adv: plan \([0-9]*\)$/\1/p' "$log")
if [ -z "$PAGER" ] && [ -n "$plan" ]; then
	ran=$(grep -c ' adv\.' "$res")
	if [ "$ran" -ne "$plan" ]; then
		last=$(sed -n 's/^adv: start \([^ ]*\) .*$/\1/p' "$log" | tail -n 1)
		if [ -n "$last" ] && ! grep -q " adv\.$last\(:\|$\)" "$res"; then
			tap_notok "adv.$last: never reported (the run ended during it); last console lines:"
		else
			tap_notok "adv: ${ran} of ${plan} planned tests reported; last console lines:"
		fi
		tap_tail 12 "$log"
	fi
fi
plan=$(sed -n 's/^conform: plan \([0-9]*\)$/\1/p' "$log")
if [ -n "$PAGER" ] && ! grep -q "^conform: anonymous memory served by the external pager $PAGER" "$log"; then
	tap_notok "pager-$PAGER: the conformance runner did not run with the external pager; last console lines:"
	tap_tail 12 "$log"
fi
if [ -n "$plan" ]; then
	ran=$(grep -cF " $conf" "$res")
	if [ "$ran" -ne "$plan" ]; then
		tap_notok "conformance: ${ran} of ${plan} planned scenarios reported; last console lines:"
		tap_tail 12 "$log"
	fi
fi
if [ "$st" = 0 ] && grep -q '^mk 0.1 on '"$a"': [0-9]* MiB RAM' "$log"; then
	tap_ok "guest.boot: banner printed, test run exited 0"
else
	tap_notok "guest.boot: guest status $st ($(status_name "$st")); last console lines:"
	tap_tail 12 "$log"
fi
tap_end
