#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Host test of tools/tests/report.py (how tools/test shows Meson's results):
# made-up build folders with meson-info/intro-tests.json and
# meson-logs/testlog.json, and the lines expected of each. Prints
# `ok host report.CASE` or `not ok host report.CASE: WHY`; exits 1 on a failure.
import json
import os
import subprocess
import sys
import tempfile

REPORT = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'report.py')
failed = 0


def run(tests, label='riscv64', log=True):
    """tests: (name, suites, protocol, result, returncode, stdout[, stderr])."""
    with tempfile.TemporaryDirectory() as d:
        os.makedirs(os.path.join(d, 'meson-info'))
        os.makedirs(os.path.join(d, 'meson-logs'))
        intro = [{'name': t[0], 'suite': ['mk:' + s for s in t[1]], 'protocol': t[2]} for t in tests]
        with open(os.path.join(d, 'meson-info', 'intro-tests.json'), 'w') as f:
            json.dump(intro, f)
        if log:
            with open(os.path.join(d, 'meson-logs', 'testlog.json'), 'w') as f:
                for t in tests:
                    j = {'name': 'mk:%s / %s' % ('+'.join(t[1]), t[0]), 'result': t[3],
                         'returncode': t[4], 'stdout': t[5], 'duration': 150.2}
                    if len(t) > 6:
                        j['stderr'] = t[6]
                    f.write(json.dumps(j) + '\n')
        p = subprocess.run([sys.executable, REPORT, d, label], capture_output=True, text=True)
        return p.returncode, p.stdout.rstrip('\n').split('\n')


def check(case, got, want):
    global failed
    if got == want:
        print('ok host report.%s' % case)
    else:
        failed = 1
        print('not ok host report.%s: got %r, expected %r' % (case, got, want))


rc, out = run([('soak', ['riscv64', 'soak'], 'tap', 'OK', 0,
                'console line\nok processes_500: 500 processes in 10 ms\nok 2 kquota\n1..2\n')])
check('tap_points', (rc, out), (0, ['ok riscv64 soak.processes_500: 500 processes in 10 ms',
                                    'ok riscv64 soak.kquota']))

rc, out = run([('guest', ['riscv64', 'guest', 'conformance'], 'tap', 'OK', 0,
                'ok ktest.timer\nok guest.boot: banner\nok bss_tail\n1..3\n')])
check('tap_qualified_names_kept', out, ['ok riscv64 ktest.timer', 'ok riscv64 guest.boot: banner',
                                        'ok riscv64 guest.bss_tail'])

rc, out = run([('kernel_smp4', ['riscv64', 'smp', 'smp4'], 'tap', 'OK', 0,
                'ok frame_alloc\nok smp.ipi\n1..2\n')])
check('tap_smp_label', out, ['ok riscv64-smp4 kernel.frame_alloc', 'ok riscv64-smp4 smp.ipi'])
rc, out = run([('smp_smp4-icount', ['riscv64', 'smp', 'smp4-icount'], 'tap', 'OK', 0,
                'ok munmap_shootdown\n1..1\n')])
check('tap_smp_icount_label', out, ['ok riscv64-smp4-icount smp.munmap_shootdown'])

rc, out = run([('kernel', ['riscv64', 'kernel'], 'tap', 'ERROR', 1,
                'ok frame_alloc\nnot ok timer\n# 3 ticks, expected 5\n# tick 3 at 12 ms\nnot ok 3 pagetable: unmapped\n1..3\n')])
check('tap_why_from_diagnostics', out, ['ok riscv64 kernel.frame_alloc',
                                        'not ok riscv64 kernel.timer: 3 ticks, expected 5',
                                        '    tick 3 at 12 ms',
                                        'not ok riscv64 kernel.pagetable: unmapped'])

rc, out = run([('user', ['riscv64', 'user'], 'tap', 'TIMEOUT', -15,
                'ok a\nline 1\nline 2\n')])
check('tap_timeout_without_failing_point', out, ['ok riscv64 user.a',
                                                 'not ok riscv64 user: timed out after 150 s; last output lines:',
                                                 '    ok a', '    line 1', '    line 2'])

rc, out = run([('adv', ['riscv64', 'adv'], 'tap', 'ERROR', 0, 'ok a\n1..2\n',
                'TAP parsing error: Too few tests run (expected 2, got 1)')])
check('tap_plan_mismatch', out[1], 'not ok riscv64 adv: ERROR (exit status 0): TAP parsing error: '
      'Too few tests run (expected 2, got 1); last output lines:')

rc, out = run([('fuzz', ['riscv64', 'fuzz'], 'tap', 'OK', 0, 'ok calls_10 # SKIP no fuzzer\n1..1\n')])
check('tap_skip_not_counted', out, ['# skip riscv64 fuzz.calls_10: no fuzzer'])

rc, out = run([('acct', [], 'exitcode', 'OK', 0, 'ok host acct.a\nok host acct.b\n'),
               ('elf_check', [], 'exitcode', 'OK', 0, 'checked\n')], label='host')
check('exitcode_lines_as_they_are', out, ['ok host acct.a', 'ok host acct.b', 'ok host elf_check'])

rc, out = run([('vma', [], 'exitcode', 'FAIL', 1, 'ok host vma.a\nAddressSanitizer: heap-use-after-free\n')],
              label='host')
check('exitcode_crash_is_a_failure', out, ['ok host vma.a',
                                           'not ok host vma: FAIL (exit status 1) without a failing case; last lines:',
                                           '    ok host vma.a', '    AddressSanitizer: heap-use-after-free'])

rc, out = run([('vma', [], 'exitcode', 'FAIL', 1, 'not ok host vma.a: x\n')], label='host')
check('exitcode_failing_case_alone', out, ['not ok host vma.a: x'])

rc, out = run([('soak', ['riscv64', 'soak'], 'tap', 'OK', 0, '')], log=False)
check('no_results', (rc, len(out), out[0].startswith('not ok riscv64 meson test: no results')), (2, 1, True))

sys.exit(failed)
