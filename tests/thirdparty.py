#!/usr/bin/env python3
"""Real Go programs that nobody here wrote, as they ship on npm.

Each binary (esbuild and buf, built by Go 1.20 to 1.27, stripped, some
without build info) is started so that it waits, then:
  - `goinspect -p PID info --json` must name the Go release that built it
    (checked against the binary's build info, or against the version
    string in the file when it has none);
  - `goinspect -p PID goroutines -a` is compared with the program's own
    SIGQUIT dump at GOTRACEBACK=system: every goroutine parked in both must
    print exactly the same header and frames, addresses and arguments
    included.
Packages are cached under $GOINSPECT_CACHE (default ~/.cache/goinspect).
When the npm registry cannot be reached a case is skipped, and counted.
Prints TAP.
"""
import json
import os
import re
import signal
import subprocess
import sys
import tarfile
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import stackcmp  # noqa: E402

GOINSPECT = os.environ.get('GOINSPECT', os.path.join(HERE, '..', 'src', 'goinspect'))
CACHE = os.environ.get('GOINSPECT_CACHE',
                       os.path.join(os.path.expanduser('~'), '.cache', 'goinspect'))
# GOINSPECT_SLOW=N multiplies the timeouts on goinspect (tests/valgrind.sh).
SLOW = float(os.environ.get('GOINSPECT_SLOW') or 1)

# package, version, binary inside the package, arguments that make it wait,
# the Go release that built it (what `info` must say, minor only).
CASES = [
    ('@esbuild/linux-x64', '0.17.19', 'bin/esbuild', [], 'go1.20'),
    ('@bufbuild/buf-linux-x64', '1.28.1', 'bin/buf',
     ['beta', 'studio-agent', '--bind', '127.0.0.1', '--port', '0'], 'go1.21'),
    ('@esbuild/linux-x64', '0.23.1', 'bin/esbuild', [], 'go1.22'),
    ('@esbuild/linux-x64', '0.24.2', 'bin/esbuild', [], 'go1.23'),
    ('@esbuild/linux-x64', '0.25.12', 'bin/esbuild', [], 'go1.23'),
    ('@bufbuild/buf-linux-x64', '1.55.1', 'bin/buf', ['beta', 'lsp'], 'go1.24'),
    ('@bufbuild/buf-linux-x64', '1.57.0', 'bin/buf', ['beta', 'lsp'], 'go1.24'),
    ('@esbuild/linux-x64', '0.27.7', 'bin/esbuild', [], 'go1.25'),
    ('@esbuild/linux-x64', '0.28.2', 'bin/esbuild', [], 'go1.26'),
    ('@bufbuild/buf-linux-x64', '1.75.0', 'bin/buf', ['lsp', 'serve'], 'go1.27'),
]


class Tap:
    def __init__(self):
        self.n = self.failed = self.skipped = 0

    def ok(self, good, desc, diag=()):
        self.n += 1
        print('%s %d - %s' % ('ok' if good else 'not ok', self.n, desc))
        for line in diag:
            print('# ' + line)
        self.failed += not good
        sys.stdout.flush()

    def skip(self, desc, why):
        self.n += 1
        self.skipped += 1
        print('ok %d - %s # SKIP %s' % (self.n, desc, why))
        sys.stdout.flush()


def fetch(pkg, version, inner):
    """Path of the binary, downloading the package once; None if npm fails."""
    d = os.path.join(CACHE, 'npm', pkg.replace('/', '_') + '@' + version)
    exe = os.path.join(d, 'package', inner)
    if os.path.exists(exe):
        return exe, None
    os.makedirs(d, exist_ok=True)
    r = subprocess.run(['npm', 'pack', '-q', '%s@%s' % (pkg, version)], cwd=d,
                       capture_output=True, text=True, timeout=300)
    tgz = [f for f in os.listdir(d) if f.endswith('.tgz')]
    if r.returncode != 0 or not tgz:
        return None, (r.stderr.strip().splitlines() or ['npm pack failed'])[-1]
    with tarfile.open(os.path.join(d, tgz[0])) as t:
        t.extractall(d)
    os.chmod(exe, 0o755)
    return exe, None


def wait_quiet(pid, seconds=1.0):
    """Let the program start up: wait until its thread count is stable."""
    last, stable, end = -1, 0, time.time() + 10
    while time.time() < end and stable < 3:
        n = len(os.listdir('/proc/%d/task' % pid))
        stable = stable + 1 if n == last else 0
        last = n
        time.sleep(seconds / 3)


def run_case(tap, pkg, version, inner, args, want):
    name = '%s@%s' % (pkg.split('/')[-1], version)
    exe, err = fetch(pkg, version, inner)
    if not exe:
        tap.skip(name + ': info names ' + want, 'registry unreachable: ' + err)
        tap.skip(name + ': goroutines -a equals SIGQUIT dump', 'registry unreachable')
        return
    env = dict(os.environ, GOTRACEBACK='system')
    errf = tempfile.TemporaryFile()
    p = subprocess.Popen([exe] + args, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                         stderr=errf, env=env, cwd=tempfile.gettempdir())
    try:
        wait_quiet(p.pid)
        info = subprocess.run([GOINSPECT, '--json', '-p', str(p.pid), 'info'],
                              capture_output=True, text=True, timeout=60 * SLOW)
        ver = json.loads(info.stdout)['go_version'] if info.returncode == 0 else ''
        in_file = ver.encode() in open(exe, 'rb').read() if ver else False
        tap.ok(ver.startswith(want + '.') and in_file,
               '%s: info names the Go release (%s)' % (name, ver or info.stderr.strip()),
               [] if ver else info.stderr.splitlines()[:5])
        gi = subprocess.run([GOINSPECT, '-p', str(p.pid), 'goroutines', '-a'],
                            capture_output=True, text=True, timeout=60 * SLOW)
        os.kill(p.pid, signal.SIGQUIT)
        p.wait(timeout=30)
        errf.seek(0)
        dump = errf.read().decode('utf-8', 'replace')
        compare(tap, name, stackcmp.blocks(dump), stackcmp.blocks(gi.stdout), gi)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        errf.close()


def compare(tap, name, theirs, ours, gi):
    diag, same = [], 0
    for gid, blk in sorted(theirs.items()):
        if gid == 0 or stackcmp.status(blk).startswith(('running', 'runnable')):
            continue        # the signal's own thread, or not parked
        if gid not in ours:
            diag.append('goroutine %d missing' % gid)
            continue
        want, got = stackcmp.normalize(blk), stackcmp.normalize(ours[gid])
        if want == got:
            same += 1
        else:
            diag += ['goroutine %d differs:' % gid] + stackcmp.diff(want, got)
    if gi.returncode != 0:
        diag.append('goinspect exited %d: %s' % (gi.returncode, gi.stderr.strip()))
    tap.ok(not diag and same > 0,
           '%s: goroutines -a equals its SIGQUIT dump (%d parked goroutines)' % (name, same),
           diag[:60])


def main():
    tap = Tap()
    print('1..%d' % (2 * len(CASES)))
    for case in CASES:
        try:
            run_case(tap, *case)
        except Exception as e:  # report, keep going
            tap.ok(False, '%s@%s: %s' % (case[0], case[1], e))
    print('# %d passed, %d failed, %d skipped' % (tap.n - tap.failed - tap.skipped,
                                                  tap.failed, tap.skipped))
    return 1 if tap.failed else 0


if __name__ == '__main__':
    sys.exit(main())
