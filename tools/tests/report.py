#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# tools/tests/report.py BUILDDIR LABEL: prints the results of the last
# `meson test -C BUILDDIR` (meson-logs/testlog.json, each test's output) one
# line per test point, as tools/test shows them:
#   TAP tests (tap.sh, the guest parts): each point as `ok LABEL PART.NAME`
#     (a part on N CPUs, suite smpN: `ok LABEL-smpN PART.NAME`; under
#     -icount, suite smpN-icount: `ok LABEL-smpN-icount PART.NAME`)
#     or `not ok LABEL PART.NAME: WHY`, PART being the test's first suite
#     other than LABEL (a NAME that is already PART.NAME is kept as it is);
#     the `# ` lines after a failing point are its WHY (the first, when the
#     point line has none) and the indented lines below it. A TAP test that
#     failed without a failing point (a crash, a wrong plan, a timeout) is one
#     `not ok LABEL PART: ...` line with its last output lines.
#   Other tests (the host unit tests, tools/conformance-linux): the
#     `ok ...` / `not ok ...` lines they print, as they are (one
#     `ok LABEL NAME` if they print none); one that failed without a
#     `not ok` line adds `not ok LABEL NAME: exited with status N ...` and its
#     last output lines.
# Exits 2 if there are no results.
import json
import os
import re
import sys

RE_POINT = re.compile(r'^(not ok|ok)\b\s*(?:[0-9]+\b\s*)?(?:- )?(.*)$')
RE_SKIP = re.compile(r'\s#\s*(skip\S*|todo)\b\s*(.*)$', re.I)


def last_lines(text, n):
    return ['    ' + l for l in text.rstrip('\n').split('\n')[-n:]] if text.strip() else []


def why_failed(t):
    res = t['result']
    if res == 'TIMEOUT':
        return 'timed out after %.0f s' % t['duration']
    err = (t.get('stderr') or '').strip().replace('\n', '; ')
    return '%s (exit status %s)%s' % (res, t['returncode'], ': ' + err if err else '')


def tap(t, label, part, out):
    lines = t['stdout'].split('\n')
    failed_point = False
    i = 0
    while i < len(lines):
        m = RE_POINT.match(lines[i])
        i += 1
        if not m:
            continue
        ok, desc = m.group(1) == 'ok', m.group(2).strip()
        diags = []
        while i < len(lines) and lines[i].startswith('#'):
            diags.append(lines[i][1:].strip() if lines[i].startswith('# ') or lines[i] == '#' else lines[i][1:])
            i += 1
        skip = RE_SKIP.search(desc)
        if skip:
            desc = desc[:skip.start()].strip()
        head = re.split(r'[: ]', desc, maxsplit=1)[0]
        full = desc if '.' in head else '%s.%s' % (part, desc)
        if skip and ok:
            out.append('# skip %s %s: %s' % (label, full, skip.group(2)))
        elif ok:
            out.append('ok %s %s' % (label, full))
        else:
            failed_point = True
            if ':' not in desc and diags:
                full += ': ' + diags.pop(0)
            out.append('not ok %s %s' % (label, full))
            out.extend('    ' + d for d in diags)
    if t['result'] not in ('OK', 'SKIP', 'EXPECTEDFAIL') and not failed_point:
        out.append('not ok %s %s: %s; last output lines:' % (label, part, why_failed(t)))
        out.extend(last_lines(t['stdout'], 12))


def exitcode(t, label, name, out):
    text = t['stdout']
    points = [l for l in text.split('\n') if RE_POINT.match(l)]
    out.extend(points)
    failed = t['result'] not in ('OK', 'SKIP', 'EXPECTEDFAIL')
    if failed and not any(l.startswith('not ok') for l in points):
        out.append('not ok %s %s: %s without a failing case; last lines:' % (label, name, why_failed(t)))
        out.extend(last_lines(text + (t.get('stderr') or ''), 15))
    elif not failed and not points:
        out.append('ok %s %s' % (label, name))


def main():
    builddir, label = sys.argv[1], sys.argv[2]
    try:
        with open(os.path.join(builddir, 'meson-info', 'intro-tests.json')) as f:
            intro = {(t['name'], tuple(t['suite'])): t for t in json.load(f)}
        with open(os.path.join(builddir, 'meson-logs', 'testlog.json')) as f:
            results = [json.loads(l) for l in f if l.strip()]
    except (OSError, ValueError) as e:
        print('not ok %s meson test: no results (%s)' % (label, e))
        return 2
    out = []
    for t in results:
        # "PROJECT:SUITE+SUITE / NAME"
        suites_s, name = t['name'].split(' / ', 1)
        project, _, suites_s = suites_s.partition(':')
        suites = suites_s.split('+') if suites_s else []
        info = intro.get((name, tuple(project + ':' + s for s in suites)), {})
        part = next((s for s in suites if s != label and s != project), name)
        # A part run on N CPUs (suite smpN, or smpN-icount under -icount): its
        # points as `ok ARCH-smpN PART.NAME` (`ok ARCH-smpN-icount ...`).
        smp = next((s for s in suites if re.fullmatch(r'smp\d+(-icount)?', s)), None)
        if info.get('protocol') == 'tap' and smp:
            tap(t, '%s-%s' % (label, smp), name.split('_smp')[0], out)
        elif info.get('protocol') == 'tap':
            tap(t, label, part, out)
        else:
            exitcode(t, label, name, out)
    print('\n'.join(out))
    return 0


if __name__ == '__main__':
    sys.exit(main())
