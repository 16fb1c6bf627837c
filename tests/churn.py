#!/usr/bin/env python3
"""Dump goroutines while the target churns them: the two-step snapshot
(src/gscan.c) must be as consistent as a fully stopped read.

bench/goroutines (built here with Go 1.26 and Go 1.19) parks 3000
goroutines, writes its own runtime.Stack(all) to stack.txt, then starts
churner goroutines that never stop: short-lived goroutines of random depth,
ping-pong pairs passing a counter as an argument, sleepers, selects,
mutexes, system calls, Gosched loops and stack growth, with the GC on.
goinspect dumps it many times while that goes on.  For each dump:

  parked   every parked goroutine's block equals its block in stack.txt
           (`goroutines`; ", N minutes" and " (scan)" aside);
  whole    every goroutine of `goroutines -a` is internally consistent: its
           header parses, no "goinspect:" error line, every frame has a
           known function and a file:line, and a goroutine that is not
           running ends in runtime.goexit (runtime.main for goroutine 1 is
           called from there too);
  status   a goroutine of the program whose header says it is parked (chan
           receive, chan send, select, sleep, sync.Mutex.Lock, ...) has
           runtime.gopark as its
           innermost frame and the function that parks for that reason
           among the next ones: the header comes from the g read during
           the stop, the frames from the stack, possibly read before it;
  after    the target runs on, no thread stopped or traced.

TAP output; no timing assertions.  Environment: GOINSPECT, FIXTURE_BIN
(binaries go to $FIXTURE_BIN/bench/<toolchain>/), GO126, GO119.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
SRC = os.path.join(TOP, 'bench', 'goroutines')
GOINSPECT = os.environ.get('GOINSPECT', os.path.join(HERE, '..', 'src', 'goinspect'))
FIXTURE_BIN = os.environ.get('FIXTURE_BIN', os.path.join(HERE, 'fixture-bin'))
TOOLCHAINS = [('1.26', os.environ.get('GO126', '/usr/local/go/bin/go')),
              ('1.19', os.environ.get('GO119', '/usr/lib/go-1.19/bin/go'))]
PARKED = 3000
CHURNERS = 6
DUMPS = 12
# GOINSPECT_SLOW=N multiplies the timeouts on goinspect (tests/valgrind.sh).
SLOW = float(os.environ.get('GOINSPECT_SLOW') or 1)

HEADER = re.compile(r'^goroutine (\d+)(?: gp=\S+ m=\S+(?: mp=\S+)?)? \[([^\]]*)\]:$')
# What may differ from runtime.Stack's header of a parked goroutine: the
# wait time, and " (scan)" while the GC scans its stack at the stop (the
# runtime cannot print that state: it stops the world first).
MINUTES = re.compile(r', \d+ minutes| \(scan\)')
FUNC = re.compile(r'^(\S.*)\((.*)\)$')
POS = re.compile(r'^\t(\S.*):(\d+)( \+0x[0-9a-f]+)?( fp=0x[0-9a-f]+ sp=0x[0-9a-f]+'
                 r' pc=0x[0-9a-f]+)?$')
# Wait reasons and (the start of the name of) the function that parks for
# them.
PARKS_IN = {
    'chan receive': 'runtime.chanrecv', 'chan send': 'runtime.chansend',
    'select': 'runtime.selectgo', 'sleep': 'time.Sleep',
    'chan receive (nil chan)': 'runtime.chanrecv',
    'sync.Mutex.Lock': 'sync.runtime_SemacquireMutex',
    'sync.WaitGroup.Wait': 'sync.runtime_Semacquire',
    # also the runtime's own semaphores (a GC assist in gcMarkDone)
    'semacquire': ('sync.runtime_Semacquire', 'runtime.semacquire'),
}


class Tap:
    def __init__(self):
        self.n = self.failed = 0

    def ok(self, good, desc, diag=()):
        self.n += 1
        print('%s %d - %s' % ('ok' if good else 'not ok', self.n, desc))
        for line in list(diag)[:60]:
            print('# ' + line)
        self.failed += not good
        sys.stdout.flush()

    def skip(self, desc, why):
        self.n += 1
        print('ok %d - %s # SKIP %s' % (self.n, desc, why))


def build(tc, go):
    out = os.path.join(FIXTURE_BIN, 'bench', tc, 'goroutines')
    srcs = [os.path.join(SRC, f) for f in os.listdir(SRC)]
    if os.path.exists(out) and all(os.path.getmtime(s) <= os.path.getmtime(out)
                                   for s in srcs):
        return out, None
    if not os.path.exists(go):
        return None, 'no Go %s at %s' % (tc, go)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    env = dict(os.environ, CGO_ENABLED='0', GOFLAGS='-mod=mod', GOWORK='off',
               GOTOOLCHAIN='local')
    r = subprocess.run([go, 'build', '-o', out + '.tmp', '.'], cwd=SRC, env=env,
                       capture_output=True, text=True)
    if r.returncode != 0:
        return None, 'go build failed: ' + r.stderr[-300:]
    os.replace(out + '.tmp', out)
    return out, None


def blocks(text):
    """goid -> lines, for a dump."""
    out = {}
    for chunk in text.split('\n\n'):
        lines = chunk.strip('\n').split('\n')
        m = HEADER.match(lines[0]) if lines and lines[0] else None
        if m:
            out[int(m.group(1))] = lines
        elif chunk.strip():
            out.setdefault(-1, []).extend(lines)
    return out


def frames(lines):
    """[(func, pos line)] of a block, or raises ValueError."""
    fr, i = [], 1
    while i < len(lines):
        if lines[i].startswith('created by '):
            break
        if lines[i].startswith('...') and 'elided' in lines[i]:
            i += 1
            continue
        fm = FUNC.match(lines[i])
        pm = POS.match(lines[i + 1]) if i + 1 < len(lines) else None
        if not fm or not pm:
            raise ValueError('cannot parse %r' % lines[i])
        fr.append((fm.group(1), lines[i + 1]))
        i += 2
    return fr


def check_block(goid, lines):
    """Problems of one goroutine of a `goroutines -a` dump."""
    state = HEADER.match(lines[0]).group(2)
    reason = MINUTES.sub('', state).split(', locked')[0]
    bad = [l for l in lines if 'goinspect:' in l]
    if bad:
        return ['goroutine %d: %s' % (goid, bad[0].strip())]
    if len(lines) > 1 and 'stack unavailable' in lines[1]:
        return [] if reason == 'running' else \
            ['goroutine %d [%s]: no stack' % (goid, state)]
    try:
        fr = frames(lines)
    except ValueError as e:
        return ['goroutine %d: %s' % (goid, e)]
    if not fr:
        return ['goroutine %d [%s]: no frames' % (goid, state)]
    if any(f.startswith('?') or f == '' for f, _ in fr):
        return ['goroutine %d: unknown function' % goid]
    probs = []
    if reason != 'running' and fr[-1][0] != 'runtime.goexit' and \
            not any('elided' in l for l in lines):
        probs.append('goroutine %d [%s]: ends in %s, not runtime.goexit'
                     % (goid, state, fr[-1][0]))
    # Some waits are not parks: a goroutine helping the GC ("GC assist
    # marking") or a GC worker runs on the system stack with a waiting
    # status.  Check the program's goroutines in the waits that park.
    want = PARKS_IN.get(reason)
    if want and len(fr) > 1 and fr[-2][0].startswith('main.'):
        if fr[0][0] != 'runtime.gopark':
            probs.append('goroutine %d [%s]: innermost frame %s, not runtime.gopark'
                         % (goid, state, fr[0][0]))
        if not any(f.startswith(want) for f, _ in fr[1:5]):  # str or tuple
            probs.append('goroutine %d [%s]: no %s in %s' % (
                goid, state, want, ' '.join(f for f, _ in fr[:5])))
    return probs


def thread_problems(pid):
    probs = []
    for tid in os.listdir('/proc/%d/task' % pid):
        try:
            st = open('/proc/%d/task/%s/status' % (pid, tid)).read()
        except OSError:
            continue
        state = re.search(r'^State:\s*(\S)', st, re.M).group(1)
        tracer = int(re.search(r'^TracerPid:\s*(\d+)', st, re.M).group(1))
        if state in 'tT' or tracer:
            probs.append('thread %s: state %s, tracer %d' % (tid, state, tracer))
    return probs


def goinspect(args):
    p = subprocess.run([GOINSPECT] + args, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=300 * SLOW)
    return p.returncode, p.stdout.decode(errors='replace'), \
        p.stderr.decode(errors='replace')


def start_fixture(argv):
    """bench/goroutines with the runtime's settings at their defaults."""
    return subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={k: v for k, v in os.environ.items()
                                 if k not in ('GOGC', 'GODEBUG', 'GOTRACEBACK',
                                              'GOMAXPROCS')})


def wait_ready(proc, d, seconds):
    """Wait for the fixture's d/ready (it has written stack.txt)."""
    end = time.time() + seconds
    while not os.path.exists(os.path.join(d, 'ready')):
        if proc.poll() is not None or time.time() > end:
            raise RuntimeError('fixture did not get ready')
        time.sleep(0.05)


def run_toolchain(tap, tc, go):
    names = ['%s: parked goroutines equal runtime.Stack in %d dumps while churning'
             % (tc, DUMPS),
             '%s: every goroutine of %d `-a` dumps is consistent' % (tc, DUMPS),
             '%s: target alive, no thread stopped or traced' % tc]
    binary, why = build(tc, go)
    if not binary:
        for n in names:
            tap.skip(n, why)
        return
    d = tempfile.mkdtemp(prefix='gi-churn-')
    proc = start_fixture([binary, '-n', str(PARKED), '-out', d, '-truth',
                          '-churn', str(CHURNERS), '-life', '5m'])
    try:
        wait_ready(proc, d, 120)
        truth = blocks(open(os.path.join(d, 'stack.txt')).read())
        parked = {g: [MINUTES.sub('', b[0])] + b[1:] for g, b in truth.items()
                  if g > 0 and len(b) > 1 and b[1].startswith('main.park')}
        diag1, diag2, seen, kept = [], [], 0, 0
        for i in range(DUMPS):
            rc, out, err = goinspect(['-vv', '-p', str(proc.pid), 'goroutines'])
            if rc not in (0, 1):
                diag1.append('dump %d: exit %d: %s' % (i, rc, err.strip()[-200:]))
                continue
            m = re.search(r'(\d+) stacks kept', err)
            kept += int(m.group(1)) if m else 0
            got = blocks(out)
            for goid, want in parked.items():
                g = got.get(goid)
                g = [MINUTES.sub('', g[0])] + g[1:] if g else None
                if g != want:
                    diag1.append('dump %d: goroutine %d differs: %r' % (
                        i, goid, g[:4] if g else 'missing'))
            rc, out, err = goinspect(['-a', '-p', str(proc.pid), 'goroutines'])
            if rc not in (0, 1):
                diag2.append('dump -a %d: exit %d: %s' % (i, rc, err.strip()[-200:]))
                continue
            got = blocks(out)
            if -1 in got:
                diag2.append('dump -a %d: text outside goroutine blocks: %r'
                             % (i, got[-1][:3]))
            for goid, lines in got.items():
                if goid > 0:
                    seen += 1
                    diag2 += check_block(goid, lines)
        tap.ok(not diag1 and len(parked) == PARKED, names[0],
               diag1 + ['%d parked in stack.txt; %d stacks kept from before the'
                        ' stop over all dumps' % (len(parked), kept)])
        tap.ok(not diag2 and seen > 0, names[1],
               diag2 + ['%d goroutine blocks checked' % seen])
        time.sleep(0.1)
        probs = thread_problems(proc.pid) if proc.poll() is None else ['exited']
        tap.ok(not probs, names[2], probs)
    finally:
        proc.kill()
        proc.wait()
        shutil.rmtree(d, ignore_errors=True)


def main():
    tap = Tap()
    print('1..%d' % (3 * len(TOOLCHAINS)))
    for tc, go in TOOLCHAINS:
        run_toolchain(tap, tc, go)
    print('# %d passed, %d failed' % (tap.n - tap.failed, tap.failed))
    return 1 if tap.failed else 0


if __name__ == '__main__':
    sys.exit(main())
