#!/usr/bin/env python3
"""threads, procs and sched against the kernel and GOMAXPROCS.

The gconly fixture (a pure Go program) runs with GOMAXPROCS=3, built by
every toolchain, with and without symbols.  Then:
  - `threads --json` lists exactly the thread ids in /proc/PID/task;
  - `procs --json` has GOMAXPROCS entries, ids 0..2, valid statuses;
  - `sched --json` says gomaxprocs 3 and counts the same user goroutines
    as `goroutines --json`;
  - the text forms run and print one line per thread / P.
Prints TAP.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
GOINSPECT = os.environ.get('GOINSPECT', os.path.join(HERE, '..', 'src', 'goinspect'))
BIN = os.environ.get('FIXTURE_BIN', os.path.join(HERE, 'fixture-bin'))
TOOLCHAINS = ['1.19', '1.26', '1.27']
MODES = ['default', 'stripped']
# GOINSPECT_SLOW=N multiplies the timeouts on goinspect (tests/valgrind.sh).
SLOW = float(os.environ.get('GOINSPECT_SLOW') or 1)
n = failed = skipped = 0


def ok(good, desc, diag=()):
    global n, failed
    n += 1
    failed += not good
    print('%s %d - %s' % ('ok' if good else 'not ok', n, desc))
    for d in diag if not good else ():
        print('# ' + str(d))
    sys.stdout.flush()


def skip(desc, why):
    global n, skipped
    n += 1
    skipped += 1
    print('ok %d - %s # SKIP %s' % (n, desc, why))


def gi(pid, *args, js=True):
    r = subprocess.run([GOINSPECT] + (['--json'] if js else []) + ['-p', str(pid)] + list(args),
                       capture_output=True, text=True, timeout=60 * SLOW)
    if r.returncode != 0:
        raise RuntimeError('goinspect %s: exit %d: %s' % (' '.join(args), r.returncode,
                                                          r.stderr.strip()))
    return json.loads(r.stdout) if js else r.stdout


def start(exe, out):
    env = dict(os.environ, GOINSPECT_OUT=out, GOMAXPROCS='3')
    p = subprocess.Popen([exe], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    end = time.time() + 30
    while time.time() < end and not os.path.exists(os.path.join(out, 'ready')):
        time.sleep(0.05)
    return p


def check(tc, mode):
    name = '%s/%s' % (tc, mode)
    exe = os.path.join(BIN, tc, mode, 'gconly')
    if not os.path.exists(exe):
        for what in ('threads', 'procs', 'sched', 'text'):
            skip('%s: %s' % (name, what), 'fixture not built (toolchain missing?)')
        return
    with tempfile.TemporaryDirectory() as out:
        p = start(exe, out)
        try:
            run_checks(name, p.pid)
        finally:
            p.kill()
            p.wait()


def run_checks(name, pid):
    try:
        th = gi(pid, 'threads')['threads']
        tasks = sorted(int(t) for t in os.listdir('/proc/%d/task' % pid))
        tids = sorted(t['tid'] for t in th)
        ok(tids == tasks and all(t['id'] is not None for t in th),
           '%s: threads lists exactly /proc/PID/task' % name, [tids, tasks])
        procs = gi(pid, 'procs')['procs']
        ok([q['id'] for q in procs] == [0, 1, 2] and
           all(q['status'] in ('idle', 'running', 'syscall', 'gcstop') for q in procs),
           '%s: procs has GOMAXPROCS=3 entries' % name, [procs])
        sc = gi(pid, 'sched')
        gs = gi(pid, 'goroutines')['goroutines']
        ok(sc['gomaxprocs'] == 3 and sc['goroutines']['user'] == len(gs) and
           sc['ms'] == len(th),
           '%s: sched agrees (gomaxprocs, user goroutines, Ms)' % name,
           [sc, 'goroutines: %d, threads: %d' % (len(gs), len(th))])
        text_t = gi(pid, 'threads', js=False).splitlines()
        text_p = gi(pid, 'procs', js=False).splitlines()
        text_s = gi(pid, 'sched', js=False)
        ok(len(text_t) == 1 + len(th) and len(text_p) == 4 and 'gomaxprocs:      3' in text_s,
           '%s: text forms of threads, procs, sched' % name)
    except Exception as e:
        ok(False, '%s: %s' % (name, e))


def check_native(tc):
    """threads -n: the cgo fixture's thread blocked in C read() shows the
    C frames (read, and the fixture's own C function) marked as C."""
    name = '%s/cgo: threads -n shows the C frames of a thread in read()' % tc
    exe = os.path.join(BIN, tc, 'cgo', 'cgo')
    if not os.path.exists(exe):
        skip(name, 'cgo fixture not built (toolchain missing?)')
        return
    with tempfile.TemporaryDirectory() as out:
        p = start(exe, out)
        try:
            th = gi(p.pid, 'threads', '-n')['threads']
            frames = [f for t in th for f in t.get('native', [])]
            c_funcs = [f['func'] for f in frames if f['c']]
            text = gi(p.pid, 'threads', '-n', js=False)
            ok(any(f.startswith('read') for f in c_funcs) and
               any('block_in_c' in f for f in c_funcs) and '[C]' in text,
               name, c_funcs[:20])
        except Exception as e:
            ok(False, '%s: %s' % (name, e))
        finally:
            p.kill()
            p.wait()


def main():
    print('1..%d' % (4 * len(TOOLCHAINS) * len(MODES) + len(TOOLCHAINS)))
    for tc in TOOLCHAINS:
        for mode in MODES:
            check(tc, mode)
        check_native(tc)
    print('# %d passed, %d failed, %d skipped' % (n - failed - skipped, failed, skipped))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
