#!/usr/bin/env python3
"""100,000 parked goroutines: goinspect's dump equals runtime.Stack's.

bench/goroutines -truth (built here with Go 1.26) parks 100,000 goroutines
1 to 6 frames deep, writes its own runtime.Stack(buf, true) to stack.txt
and lets the writer goroutine exit.  Then:

  text   `goinspect -p PID goroutines` prints every goroutine of stack.txt
         but the writer, each block byte for byte (", N minutes" aside),
         and nothing else;
  kept   the dump took the two-step path: most stacks were copied while
         the target ran and kept at the stop (-vv says how many);
  after  the target runs on, no thread stopped or traced.

TAP output; no timing assertions.  Environment: GOINSPECT, FIXTURE_BIN
(the binary goes to $FIXTURE_BIN/bench/1.26/), GO126, BIGDUMP_N.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import churn  # noqa: E402  (build, blocks, thread_problems, Tap)

N = int(os.environ.get('BIGDUMP_N', '100000'))
GO126 = os.environ.get('GO126', '/usr/local/go/bin/go')
MINUTES = re.compile(r', \d+ minutes')


def main():
    tap = churn.Tap()
    names = ['%d goroutines: goroutines text equals runtime.Stack' % N,
             '%d goroutines: stacks copied before the stop were kept' % N,
             '%d goroutines: target alive, no thread stopped or traced' % N]
    print('1..%d' % len(names))
    binary, why = churn.build('1.26', GO126)
    if not binary:
        for n in names:
            tap.skip(n, why)
        return 0
    d = tempfile.mkdtemp(prefix='gi-bigdump-')
    proc = churn.start_fixture([binary, '-n', str(N), '-out', d, '-truth',
                                '-life', '5m'])
    try:
        churn.wait_ready(proc, d, 300)
        time.sleep(0.1)     # let the writer goroutine exit
        with open(os.path.join(d, 'stack.txt')) as f:
            truth = churn.blocks(f.read())
        # The first block is the writer, which has exited since.
        with open(os.path.join(d, 'stack.txt')) as f:
            first = f.readline()
        writer = int(first.split()[1])
        truth.pop(writer, None)
        p = subprocess.run([churn.GOINSPECT, '-vv', '-p', str(proc.pid), 'goroutines'],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=600 * churn.SLOW)
        err = p.stderr.decode(errors='replace')
        got = churn.blocks(p.stdout.decode(errors='replace'))
        diag = []
        if p.returncode != 0:
            diag.append('goinspect exited %d: %s' % (p.returncode, err.strip()[-300:]))
        missing = sorted(set(truth) - set(got))
        extra = sorted(set(got) - set(truth))
        if missing:
            diag.append('%d missing, first %s' % (len(missing), missing[:10]))
        if extra:
            diag.append('%d extra, first %s' % (len(extra), extra[:10]))
        differ = [g for g in truth if g in got and
                  [MINUTES.sub('', got[g][0])] + got[g][1:] !=
                  [MINUTES.sub('', truth[g][0])] + truth[g][1:]]
        for g in differ[:5]:
            diag.append('goroutine %d: want %r got %r' % (g, truth[g][:3], got[g][:3]))
        if differ:
            diag.append('%d blocks differ' % len(differ))
        tap.ok(not diag and len(truth) >= N, names[0],
               diag + ['%d goroutines compared' % len(truth)])
        m = re.search(r'(\d+) stacks kept', err)
        kept = int(m.group(1)) if m else 0
        tap.ok(kept >= N // 2, names[1],
               [l for l in err.splitlines() if 'stacks kept' in l or 'paused' in l])
        probs = churn.thread_problems(proc.pid) if proc.poll() is None else ['exited']
        tap.ok(not probs, names[2], probs)
    finally:
        proc.kill()
        proc.wait()
        shutil.rmtree(d, ignore_errors=True)
    print('# %d passed, %d failed' % (tap.n - tap.failed, tap.failed))
    return 1 if tap.failed else 0


if __name__ == '__main__':
    sys.exit(main())
