#!/usr/bin/env python3
"""pprof labels in goroutine headers, as the target's runtime prints them.

With GODEBUG=tracebacklabels=1, Go 1.26 prints a goroutine's labels inside
the header's brackets (` labels:{"k": "v"}`) and Go 1.27 after them
(` {k: v}`, quoted only when needed).  The ergo fixture parks goroutines
under labels and writes its own runtime.Stack; `goroutines` must equal it
for every goroutine but the dumper.  Go 1.19 has no such header: its run
checks labels stay out of the header.  Prints TAP.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import stackcmp  # noqa: E402

GOINSPECT = os.environ.get('GOINSPECT', os.path.join(HERE, '..', 'src', 'goinspect'))
BIN = os.environ.get('FIXTURE_BIN', os.path.join(HERE, 'fixture-bin'))
# GOINSPECT_SLOW=N multiplies the timeouts on goinspect (tests/valgrind.sh).
SLOW = float(os.environ.get('GOINSPECT_SLOW') or 1)
CASES = [(tc, mode) for tc in ('1.19', '1.26', '1.27') for mode in ('default', 'pie')]


def run_case(tc, mode):
    exe = os.path.join(BIN, tc, mode, 'ergo')
    if not os.path.exists(exe):
        return None, 'fixture not built (toolchain missing?)'
    with tempfile.TemporaryDirectory() as out:
        env = dict(os.environ, GOINSPECT_OUT=out, GODEBUG='tracebacklabels=1')
        p = subprocess.Popen([exe], env=env, stdin=subprocess.PIPE,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            end = time.time() + 30
            while time.time() < end and not os.path.exists(os.path.join(out, 'ready')):
                time.sleep(0.05)
            truth = stackcmp.blocks(open(os.path.join(out, 'stack.txt')).read())
            dumper = json.load(open(os.path.join(out, 'info.json')))['dumper_goid']
            r = subprocess.run([GOINSPECT, '-p', str(p.pid), 'goroutines'],
                               capture_output=True, text=True, timeout=60 * SLOW)
            got = stackcmp.blocks(r.stdout)
        finally:
            p.kill()
            p.wait()
    diag, labelled = [], 0
    for gid, blk in truth.items():
        if gid == dumper:
            continue
        labelled += (' labels:{' in blk[0]) or ('] {' in blk[0])
        want = stackcmp.normalize(blk)
        if gid not in got:
            diag.append('goroutine %d missing' % gid)
        elif stackcmp.normalize(got[gid]) != want:
            diag += stackcmp.diff(want, stackcmp.normalize(got[gid]))
    if tc != '1.19' and not labelled:
        diag.append('the fixture printed no labels: the test would prove nothing')
    return diag, None


def main():
    print('1..%d' % len(CASES))
    failed = skipped = 0
    for n, (tc, mode) in enumerate(CASES, 1):
        desc = '%s/%s: headers with GODEBUG=tracebacklabels=1 equal runtime.Stack' % (tc, mode)
        diag, why = run_case(tc, mode)
        if why:
            skipped += 1
            print('ok %d - %s # SKIP %s' % (n, desc, why))
            continue
        print('%s %d - %s' % ('not ok' if diag else 'ok', n, desc))
        for d in diag[:40]:
            print('# ' + d)
        failed += bool(diag)
    print('# %d passed, %d failed, %d skipped' % (len(CASES) - failed - skipped, failed, skipped))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
