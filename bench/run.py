#!/usr/bin/env python3
"""Benchmark: how long goinspect, Delve and the runtime itself stop a Go
program with N parked goroutines (doc: bench/README.md; issue 7).

For each N (default 1k, 10k, 100k, 1M) it builds bench/goroutines with Go
1.26 and with Go 1.19 (the release Debian's Delve reads), starts it, and
measures on the same running program:

  runtime.Stack  the program's own runtime.Stack(buf, true), timed inside
                 (SIGUSR2); it stops the world for all of it.
  goinspect      `goinspect -v -p PID goroutines > file`: its pause (-v),
                 the program's largest 1 ms ticker gap over the run
                 (SIGUSR1), wall time, peak RSS (/usr/bin/time) and bytes
                 read; memory ratio = peak RSS / bytes read.
  Delve          (1.19 program only) `dlv attach PID` with `goroutines -t
                 30`, `exit`, `n` on stdin: the ticker gap (the program
                 is stopped from attach to detach), wall time, peak RSS.

Then attach-to-first-line and total time of `goinspect goroutines` on the
buf CLI from npm (46 MB stripped, Go 1.27), started as `buf lsp serve`.

Then (section "maps", issue 7: a map of 1,000,000 entries printed to a file
in under 1 s) it builds bench/maps with both toolchains and times
`goinspect -v -p PID print --max-elems 0 --max-string 0 main.siN > file`,
text and --json, for maps of N entries (--map-n) of three kinds: map[string]int,
map[int64]string and map[int64]Rec (a struct value): wall time, pause (-v),
peak RSS and output bytes.  Every output is checked against the program's
own ground truth (encoding/json dump of its entries): the whole key/value
set, in both formats; a wrong or cut answer is an error, never a number.

Each measurement is taken --runs times (Delve once per N unless --dlv-runs):
the table gives min and median.  Results go to --out (default
bench/results): results.md (table and machine), results.json, pause.png.

Usage: bench/run.py --goinspect PATH [--compare PATH] [--n 1000,10000]
       [--runs 5] [--no-delve] [--no-buf] [--out DIR] [--work DIR]
       [--no-maps | --maps-only] [--map-n 1000,1000000] [--map-kinds si,is]
The machine is shared and noisy: re-run when it is quiet.
"""

import argparse
import hashlib
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
FIXTURE_SRC = os.path.join(HERE, 'goroutines')
MAPS_SRC = os.path.join(HERE, 'maps')
GO126 = os.environ.get('GO126', '/usr/local/go/bin/go')
GO119 = os.environ.get('GO119', '/usr/lib/go-1.19/bin/go')
CACHE = os.environ.get('GOINSPECT_CACHE',
                       os.path.join(os.path.expanduser('~'), '.cache', 'goinspect'))
BUF = ('@bufbuild/buf-linux-x64', '1.75.0', 'bin/buf')


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def ensure_packages(args):
    """gnuplot and Delve from Debian, installed here, not in CI."""
    want = []
    if not shutil.which('gnuplot'):
        want.append('gnuplot-nox')
    if not args.no_delve and not shutil.which('dlv'):
        want.append('delve')
    if not os.path.exists('/usr/bin/time'):
        want.append('time')
    if want and os.geteuid() == 0 and shutil.which('apt-get'):
        log('bench: installing', ' '.join(want))
        subprocess.run(['apt-get', 'install', '-y', '-q'] + want,
                       stdout=subprocess.DEVNULL,
                       env=dict(os.environ, DEBIAN_FRONTEND='noninteractive'))


def build(go, out, src=FIXTURE_SRC):
    env = dict(os.environ, CGO_ENABLED='0', GOFLAGS='-mod=mod', GOWORK='off',
               GOTOOLCHAIN='local')
    subprocess.run([go, 'build', '-o', out, '.'], cwd=src, env=env,
                   check=True)
    return out


def start_program(argv, out_dir):
    """Start a benchmark program writing into out_dir (-out) with the
    runtime's settings at their defaults; return when it says ready."""
    proc = subprocess.Popen(
        argv + ['-out', out_dir],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=open(os.path.join(out_dir, 'log'), 'w'),
        env={k: v for k, v in os.environ.items()
             if k not in ('GOGC', 'GODEBUG', 'GOMAXPROCS', 'GOTRACEBACK')})
    end = time.time() + 600
    while not os.path.exists(os.path.join(out_dir, 'ready')):
        if proc.poll() is not None or time.time() > end:
            proc.kill()
            raise RuntimeError('%s did not start: %s' % (
                argv[0], open(os.path.join(out_dir, 'log')).read()))
        time.sleep(0.1)
    return proc


class Fixture:
    """The benchmark program, running, with its ticker and signals."""

    def __init__(self, binary, n, work):
        self.dir = tempfile.mkdtemp(prefix='gi-bench-', dir=work)
        self.proc = start_program([binary, '-n', str(n), '-life', '30m'],
                                  self.dir)
        self.pid = self.proc.pid
        time.sleep(0.5)

    def _signal_file(self, sig, name):
        # The program writes NAME.tmp and renames it: NAME appears whole.
        path = os.path.join(self.dir, name)
        if os.path.exists(path):
            os.unlink(path)
        os.kill(self.pid, sig)
        end = time.time() + 120
        while time.time() < end:
            if os.path.exists(path):
                with open(path) as f:
                    return f.read().split()
            time.sleep(0.002)
        raise RuntimeError('no answer to signal %d' % sig)

    def gap_ms(self):
        """Largest ticker gap since the previous call, in ms."""
        return int(self._signal_file(signal.SIGUSR1, 'gap')[0]) / 1e6

    def stack_ms(self):
        """The program's own runtime.Stack(all): ms and bytes."""
        ns, size = self._signal_file(signal.SIGUSR2, 'stack')
        return int(ns) / 1e6, int(size)

    def stop(self):
        self.proc.kill()
        self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def timed(cmd, stdin=None, stdout_path=None, timeout=3600):
    """Run cmd under /usr/bin/time; (wall s, max RSS KiB, stderr text)."""
    full = ['/usr/bin/time', '-f', 'GI_BENCH_RSS=%M'] + cmd
    out = open(stdout_path, 'wb') if stdout_path else subprocess.DEVNULL
    t0 = time.monotonic()
    p = subprocess.run(full, input=stdin, stdout=out, stderr=subprocess.PIPE,
                       timeout=timeout)
    wall = time.monotonic() - t0
    err = p.stderr.decode(errors='replace')
    m = re.search(r'GI_BENCH_RSS=(\d+)', err)
    if p.returncode != 0:
        log('bench: %s exited %d: %s' % (cmd[0], p.returncode, err[-500:]))
    return wall, int(m.group(1)) if m else 0, err


def run_goinspect(gi, fx, work):
    out = os.path.join(work, 'dump.txt')
    fx.gap_ms()
    wall, rss, err = timed([gi, '-v', '-p', str(fx.pid), 'goroutines'],
                           stdout_path=out)
    gap = fx.gap_ms()
    m = re.search(r'paused (\d+) us, read (\d+) bytes', err)
    pause = int(m.group(1)) / 1e3 if m else float('nan')
    nbytes = int(m.group(2)) if m else 0
    size = os.path.getsize(out)
    os.unlink(out)
    return {'pause_ms': pause, 'gap_ms': gap, 'wall_s': wall,
            'rss_kib': rss, 'bytes_read': nbytes, 'out_bytes': size,
            'mem_ratio': rss * 1024 / nbytes if nbytes else float('nan')}


def run_delve(fx):
    fx.gap_ms()
    # `exit`, then "n" to "kill the process?": detach, the program runs on.
    wall, rss, err = timed(['dlv', 'attach', '--allow-non-terminal-interactive=true',
                            str(fx.pid)], stdin=b'goroutines -t 30\nexit\nn\n')
    return {'gap_ms': fx.gap_ms(), 'wall_s': wall, 'rss_kib': rss}


def run_stack(fx):
    fx.gap_ms()
    ms, size = fx.stack_ms()
    return {'pause_ms': ms, 'gap_ms': fx.gap_ms(), 'out_bytes': size}


def noise(fx):
    fx.gap_ms()
    time.sleep(0.5)
    return {'gap_ms': fx.gap_ms()}


def summary(runs):
    """min and median of every numeric key."""
    out = {}
    for k in runs[0]:
        vals = [r[k] for r in runs if isinstance(r[k], (int, float))]
        if vals:
            out[k] = {'min': min(vals), 'median': statistics.median(vals)}
    out['runs'] = len(runs)
    return out


def measure_n(args, n, bins, work):
    res = {}
    for tc, binary in bins.items():
        log('bench: N=%d, Go %s: starting the program' % (n, tc))
        fx = Fixture(binary, n, work)
        try:
            r = {'noise': summary([noise(fx) for _ in range(3)])}
            r['runtime.Stack'] = summary([run_stack(fx) for _ in range(args.runs)])
            for name, gi in [('goinspect', args.goinspect)] + \
                    ([('goinspect-before', args.compare)] if args.compare else []):
                r[name] = summary([run_goinspect(gi, fx, work)
                                   for _ in range(args.runs)])
            if tc == '1.19' and not args.no_delve and n <= args.delve_max:
                log('bench: N=%d: Delve' % n)
                r['delve'] = summary([run_delve(fx) for _ in range(args.dlv_runs)])
        finally:
            fx.stop()
        res[tc] = r
    return res


def fetch_buf():
    pkg, version, inner = BUF
    d = os.path.join(CACHE, 'npm', pkg.replace('/', '_') + '@' + version)
    exe = os.path.join(d, 'package', inner)
    if os.path.exists(exe):
        return exe
    os.makedirs(d, exist_ok=True)
    r = subprocess.run(['npm', 'pack', '-q', '%s@%s' % (pkg, version)], cwd=d,
                       capture_output=True, text=True, timeout=300)
    tgz = [f for f in os.listdir(d) if f.endswith('.tgz')]
    if r.returncode != 0 or not tgz:
        log('bench: npm pack %s failed: %s' % (pkg, r.stderr.strip()[-200:]))
        return None
    with tarfile.open(os.path.join(d, tgz[0])) as t:
        t.extractall(d)
    os.chmod(exe, 0o755)
    return exe


def first_line(cmd):
    """Seconds to the first line of output, and to the end."""
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    p.stdout.readline()
    t1 = time.monotonic()
    p.stdout.read()
    p.wait()
    return t1 - t0, time.monotonic() - t0


def measure_buf(args):
    exe = fetch_buf()
    if not exe:
        return None
    p = subprocess.Popen([exe, 'lsp', 'serve'], stdin=subprocess.PIPE,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         cwd=tempfile.gettempdir())
    try:
        time.sleep(1.5)
        out = {'binary_bytes': os.path.getsize(exe)}
        for name, gi in [('goinspect', args.goinspect)] + \
                ([('goinspect-before', args.compare)] if args.compare else []):
            runs = []
            for _ in range(args.runs):
                fl, total = first_line([gi, '-p', str(p.pid), 'goroutines'])
                runs.append({'first_line_ms': fl * 1e3, 'total_ms': total * 1e3})
            out[name] = summary(runs)
        return out
    finally:
        p.kill()
        p.wait()


def machine():
    cpu = '?'
    with open('/proc/cpuinfo') as f:
        for line in f:
            if line.startswith('model name'):
                cpu = line.split(':', 1)[1].strip()
                break
    return {'nproc': os.cpu_count(), 'cpu': cpu, 'kernel': platform.release(),
            'mem_gib': round(os.sysconf('SC_PAGE_SIZE') *
                             os.sysconf('SC_PHYS_PAGES') / 2**30, 1),
            'loadavg_at_start': open('/proc/loadavg').read().split()[:3],
            'date': time.strftime('%Y-%m-%d %H:%M:%S %Z')}


def fmt(s, key, scale=1.0, digits=1):
    if not s or key not in s:
        return '-'
    return '%.*f / %.*f' % (digits, s[key]['min'] * scale, digits,
                            s[key]['median'] * scale)


def ratio(a, b, key_a, key_b):
    try:
        return '%.0fx' % (b[key_b]['median'] / a[key_a]['median'])
    except (KeyError, TypeError, ZeroDivisionError):
        return '-'


def table(results):
    lines = ['| N | Go | runtime.Stack pause ms | goinspect pause ms (own) |'
             ' goinspect ticker gap ms | Stack / goinspect pause |'
             ' goinspect wall s | goinspect peak RSS MiB | RSS / bytes read |'
             ' Delve stopped ms | Delve wall s | Delve RSS MiB |'
             ' Delve / goinspect wall | noise gap ms |',
             '|' + '---|' * 14]
    for n, per_tc in results['n'].items():
        for tc, r in per_tc.items():
            gi, st, dv = r.get('goinspect'), r.get('runtime.Stack'), r.get('delve')
            lines.append('| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |'
                         ' %s | %s | %s |' % (
                             n, tc, fmt(st, 'pause_ms'), fmt(gi, 'pause_ms'),
                             fmt(gi, 'gap_ms'), ratio(gi, st, 'pause_ms', 'pause_ms'),
                             fmt(gi, 'wall_s', digits=2),
                             fmt(gi, 'rss_kib', 1 / 1024), fmt(gi, 'mem_ratio', digits=2),
                             fmt(dv, 'gap_ms', digits=0), fmt(dv, 'wall_s', digits=1),
                             fmt(dv, 'rss_kib', 1 / 1024, 0),
                             ratio(gi, dv, 'wall_s', 'wall_s'),
                             fmt(r.get('noise'), 'gap_ms')))
            b = r.get('goinspect-before')
            if b:
                lines.append('| %s | %s | | before: %s | before: %s | %s | before: %s |'
                             ' before: %s | before: %s | | | | | |' % (
                                 n, tc, fmt(b, 'pause_ms'), fmt(b, 'gap_ms'),
                                 ratio(b, st, 'pause_ms', 'pause_ms'),
                                 fmt(b, 'wall_s', digits=2),
                                 fmt(b, 'rss_kib', 1 / 1024),
                                 fmt(b, 'mem_ratio', digits=2)))
    return lines


def plot(results, out):
    data = os.path.join(out, 'pause.dat')
    with open(data, 'w') as f:
        f.write('# N stack_ms goinspect_ms delve_ms goinspect_before_ms (medians,'
                ' Go 1.26 program; Delve on the Go 1.19 program)\n')
        for n, per_tc in results['n'].items():
            r, r19 = per_tc.get('1.26', {}), per_tc.get('1.19', {})

            def med(s, k):
                return '%.3f' % s[k]['median'] if s and k in s else 'NaN'
            f.write('%s %s %s %s %s\n' % (n, med(r.get('runtime.Stack'), 'pause_ms'),
                                          med(r.get('goinspect'), 'pause_ms'),
                                          med(r19.get('delve'), 'gap_ms'),
                                          med(r.get('goinspect-before'), 'pause_ms')))
    if not shutil.which('gnuplot'):
        log('bench: no gnuplot, no plot')
        return
    script = '''set terminal pngcairo size 900,600
set output '%s'
set logscale xy
set xlabel 'parked goroutines'
set ylabel 'target stopped (ms, median)'
set key top left
set grid
set title 'Pause of a full goroutine dump (%s)'
plot '%s' using 1:4 with linespoints title 'Delve (dlv attach, goroutines -t 30; Go 1.19 build)', \\
     '' using 1:2 with linespoints title 'runtime.Stack(all) in the program', \\
     '' using 1:5 with linespoints title 'goinspect before', \\
     '' using 1:3 with linespoints title 'goinspect'
''' % (os.path.join(out, 'pause.png'), results['machine']['cpu'], data)
    subprocess.run(['gnuplot'], input=script.encode(), check=False)


def write_report(results, out):
    m = results['machine']
    lines = ['# goinspect benchmark: full goroutine dump', '',
             'Measured by `bench/run.py` (`make bench`) on %s.' % m['date'], '',
             'Machine: %d CPUs, %s, Linux %s, %.1f GiB; load average at start %s'
             ' (a shared machine: other builds and tests ran meanwhile).' % (
                 m['nproc'], m['cpu'], m['kernel'], m['mem_gib'],
                 ' '.join(m['loadavg_at_start'])), '',
             'Each cell is min / median of %d runs.  Pauses: runtime.Stack is'
             ' timed inside the program (it stops the world throughout);'
             ' goinspect\'s own pause is from its first PTRACE_INTERRUPT to its'
             ' last detach (-v); the ticker gap is the largest gap between two'
             ' 1 ms ticks the program saw during the whole goinspect run'
             ' (includes scheduling noise; see the noise column: the same'
             ' measure with nobody attached).  Delve: the program is stopped'
             ' from attach to detach, so its ticker gap is its pause.'
             ' RSS / bytes read: goinspect\'s peak RSS over the bytes it'
             ' read from the target.' % results['runs'], '']
    lines += table(results)
    if results.get('buf'):
        b = results['buf']
        lines += ['', 'buf CLI 1.75.0 from npm (%d bytes, stripped, Go 1.27),'
                  ' `buf lsp serve`; `goinspect -p PID goroutines`:' % b['binary_bytes'],
                  '', '| binary | attach to first line ms | whole dump ms |',
                  '|---|---|---|']
        for name in ('goinspect', 'goinspect-before'):
            if name in b:
                lines.append('| %s | %s | %s |' % (name, fmt(b[name], 'first_line_ms'),
                                                   fmt(b[name], 'total_ms')))
    if results.get('notes'):
        lines += [''] + ['- ' + x for x in results['notes']]
    lines += ['', '![pause against goroutine count](pause.png)', '']
    with open(os.path.join(out, 'results.md'), 'w') as f:
        f.write('\n'.join(lines))
    with open(os.path.join(out, 'results.json'), 'w') as f:
        json.dump(results, f, indent=1)
    print('\n'.join(lines))

# ---- maps (issue 7): print of a large map to a file ----

MAP_KINDS = {'si': 'map[string]int', 'is': 'map[int64]string',
             'ir': 'map[int64]main.Rec'}
MAP_TEXT_RE = {
    'si': re.compile(r'"([^"\\]*)": (-?\d+)'),
    'is': re.compile(r'(-?\d+): "([^"\\]*)"'),
    'ir': re.compile(r'(-?\d+): \{ID: (-?\d+), Name: "([^"\\]*)", '
                     r'Ok: (true|false), Score: ([^}]*)\}'),
}


class MapFixture:
    """bench/maps, running, with its own ground truth in self.dir."""

    def __init__(self, binary, sizes, work):
        self.dir = tempfile.mkdtemp(prefix='gi-bench-maps-', dir=work)
        self.proc = start_program(
            [binary, '-n', ','.join(str(n) for n in sizes), '-life', '60m'],
            self.dir)
        self.pid = self.proc.pid
        self.truths = {}

    def truth(self, name):
        """{key: value} and count of the program's own dump of main.NAME."""
        if name not in self.truths:
            with open(os.path.join(self.dir, name + '.json')) as f:
                t = json.load(f)
            entries = {k: v for k, v in t['entries']}
            if len(entries) != t['count']:
                raise RuntimeError('%s: ground truth has duplicate keys' % name)
            self.truths = {name: entries}     # one at a time: 1M is big
        return self.truths[name]

    def stop(self):
        self.proc.kill()
        self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def map_entries_json(path, kind):
    """goinspect --json print: {key: value}, or an error text."""
    with open(path, encoding='utf-8') as f:
        doc = json.load(f)
    if doc.get('type') != MAP_KINDS[kind]:
        return 'type %r' % doc.get('type')
    got = {}
    for e in doc['value']:
        if set(e) != {'key', 'value'}:
            return 'not an entry: %r' % (e,)
        k = e['key']
        if k in got:
            return 'key %r twice' % (k,)
        got[k] = e['value']
    return got


def map_entries_text(path, kind):
    """goinspect print (text): {key: value} parsed back, or an error text."""
    with open(path, encoding='utf-8') as f:
        text = f.read()
    head = '%s len ' % MAP_KINDS[kind]
    if not text.startswith(head) or not text.endswith(']\n'):
        return 'text form %r...' % text[:60]
    if text.endswith(' more]\n'):
        return 'the list was cut: %r' % text[-60:]
    got = {}
    for m in MAP_TEXT_RE[kind].finditer(text):
        if kind == 'si':
            k, v = m.group(1), int(m.group(2))
        elif kind == 'is':
            k, v = int(m.group(1)), m.group(2)
        else:
            k = int(m.group(1))
            v = {'ID': int(m.group(2)), 'Name': m.group(3),
                 'Ok': m.group(4) == 'true', 'Score': float(m.group(5))}
        if k in got:
            return 'key %r twice' % (k,)
        got[k] = v
    return got


def check_map(fx, name, kind, fmt_, path):
    """None when the output holds exactly the program's entries."""
    want = fx.truth(name)
    got = (map_entries_json if fmt_ == 'json' else map_entries_text)(path, kind)
    if isinstance(got, str):
        return got
    if kind == 'si':
        # JSON object keys are strings: the truth's keys are too.
        pass
    else:
        got = {int(k): v for k, v in got.items()}
        want = {int(k): v for k, v in want.items()}
    if got == want:
        return None
    missing = [k for k in want if k not in got]
    wrong = [k for k in want if k in got and got[k] != want[k]]
    return '%d entries wanted, %d got, %d missing (%r), %d differ (%r)' % (
        len(want), len(got), len(missing), missing[:3], len(wrong),
        [(k, want[k], got[k]) for k in wrong[:2]])


def run_print(gi, fx, name, kind, fmt_, work, verified):
    """One `print` of main.NAME; verified maps (gi, name, fmt) to the
    sha256 of an output already checked whole."""
    out = os.path.join(work, 'print.out')
    cmd = [gi, '-v', '-p', str(fx.pid)] + (['--json'] if fmt_ == 'json' else []) + \
        ['print', '--max-elems', '0', '--max-string', '0', 'main.' + name]
    wall, rss, err = timed(cmd, stdout_path=out, timeout=600)
    m = re.search(r'paused (\d+) us, read (\d+) bytes', err)
    if not m:
        raise RuntimeError('%s: no pause in %r' % (' '.join(cmd), err[-300:]))
    h = hashlib.sha256()
    with open(out, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            h.update(block)
    digest = h.hexdigest()
    if verified.get((gi, name, fmt_)) != digest:
        bad = check_map(fx, name, kind, fmt_, out)
        if bad:
            raise RuntimeError('%s: wrong output: %s' % (' '.join(cmd), bad))
        verified[(gi, name, fmt_)] = digest
    size = os.path.getsize(out)
    os.unlink(out)
    return {'wall_s': wall, 'pause_ms': int(m.group(1)) / 1e3,
            'rss_kib': rss, 'bytes_read': int(m.group(2)), 'out_bytes': size,
            'ns_per_byte': wall * 1e9 / size if size else float('nan')}


def measure_maps(args, work):
    """{tc: {N: {kind: {fmt: {goinspect: summary, goinspect-before: ...}}}}}"""
    sizes = [int(x) for x in args.map_n.split(',')]
    kinds = args.map_kinds.split(',')
    fmts = ['text', 'json']
    bins = {'1.26': build(GO126, os.path.join(work, 'maps-1.26'), MAPS_SRC)}
    if os.path.exists(GO119):
        bins['1.19'] = build(GO119, os.path.join(work, 'maps-1.19'), MAPS_SRC)
    res = {}
    for tc, binary in bins.items():
        log('bench: maps, Go %s: starting the program (%s)' % (tc, args.map_n))
        fx = MapFixture(binary, sizes, work)
        verified = {}
        res[tc] = {}
        try:
            for n in sizes:
                res[tc][n] = {}
                for kind in kinds:
                    name = '%s%d' % (kind, n)
                    res[tc][n][kind] = {}
                    for fmt_ in fmts:
                        log('bench: maps, Go %s: print main.%s, %s' % (tc, name, fmt_))
                        r = {}
                        for label, gi in [('goinspect', args.goinspect)] + \
                                ([('goinspect-before', args.compare)] if args.compare else []):
                            r[label] = summary([run_print(gi, fx, name, kind, fmt_, work,
                                                          verified)
                                                for _ in range(args.runs)])
                        res[tc][n][kind][fmt_] = r
        finally:
            fx.stop()
    return res


def maps_table(maps, runs):
    lines = ['| N | Go | map | format | wall s | pause ms | peak RSS MiB |'
             ' output MB | ns / output byte | bytes read MB |',
             '|' + '---|' * 10]
    rows = []
    for tc, per_n in maps.items():
        for n, per_kind in per_n.items():
            for kind, per_fmt in per_kind.items():
                for fmt_, r in per_fmt.items():
                    rows.append((int(n), tc, kind, fmt_, r))
    rows.sort(key=lambda x: (x[0], x[1] != '1.26', x[2], x[3]))
    for n, tc, kind, fmt_, r in rows:
        for label in ('goinspect', 'goinspect-before'):
            s = r.get(label)
            if not s:
                continue
            lines.append('| %d | %s | %s | %s%s | %s | %s | %s | %s | %s | %s |' % (
                n, tc, MAP_KINDS[kind], fmt_,
                ' (before)' if label != 'goinspect' else '',
                fmt(s, 'wall_s', digits=3), fmt(s, 'pause_ms'),
                fmt(s, 'rss_kib', 1 / 1024), fmt(s, 'out_bytes', 1e-6, 2),
                fmt(s, 'ns_per_byte'), fmt(s, 'bytes_read', 1e-6)))
    return lines


MAPS_BEGIN, MAPS_END = '<!-- maps -->', '<!-- /maps -->'


def write_maps_report(results, out):
    """The maps section of results.md (replaced in place, so --maps-only
    keeps the goroutine tables) and results.json."""
    mp = results['maps']
    m = mp['machine']
    lines = [MAPS_BEGIN, '', '## print of a large map to a file (issue 7)', '',
             'Measured on %s; %d CPUs, %s; load average at start %s.' % (
                 m['date'], m['nproc'], m['cpu'], ' '.join(m['loadavg_at_start'])),
             '',
             '`goinspect -v -p PID [--json] print --max-elems 0 --max-string 0'
             ' main.NAME > file` on bench/maps (global maps filled by the'
             ' program; Go 1.26: swiss tables, Go 1.19: hash buckets).'
             '  Each cell is min / median of %d runs; wall time and peak RSS'
             ' from /usr/bin/time, pause from -v.  Every output was checked'
             ' against the program\'s own dump of the map (all entries, keys'
             ' and values), text and JSON.  Goal: 1,000,000 entries in under'
             ' 1 s, cost linear in the bytes printed (ns / output byte flat'
             ' across N).' % mp['runs'], '']
    lines += maps_table(mp['results'], mp['runs'])
    lines += ['', MAPS_END]
    md = os.path.join(out, 'results.md')
    old = open(md).read() if os.path.exists(md) else ''
    if MAPS_BEGIN in old and MAPS_END in old:
        a, rest = old.split(MAPS_BEGIN, 1)
        new = a + '\n'.join(lines) + rest.split(MAPS_END, 1)[1]
    else:
        new = old.rstrip('\n') + ('\n\n' if old else '') + '\n'.join(lines) + '\n'
    with open(md, 'w') as f:
        f.write(new)
    js = os.path.join(out, 'results.json')
    try:
        with open(js) as f:
            doc = json.load(f)
    except (OSError, ValueError):
        doc = {}
    doc['maps'] = mp
    with open(js, 'w') as f:
        json.dump(doc, f, indent=1)
    print('\n'.join(lines))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--goinspect', required=True)
    ap.add_argument('--compare', help='an older goinspect to measure beside it')
    ap.add_argument('--n', default='1000,10000,100000,1000000')
    ap.add_argument('--runs', type=int, default=5)
    ap.add_argument('--dlv-runs', type=int, default=1)
    ap.add_argument('--delve-max', type=int, default=100000,
                    help='largest N to run Delve on (it needs minutes beyond)')
    ap.add_argument('--no-delve', action='store_true')
    ap.add_argument('--no-buf', action='store_true')
    ap.add_argument('--out', default=os.path.join(HERE, 'results'))
    ap.add_argument('--work', default=None, help='build and scratch directory')
    ap.add_argument('--no-maps', action='store_true',
                    help='skip the map section (print of large maps)')
    ap.add_argument('--maps-only', action='store_true',
                    help='only the map section: update it in results.md/json')
    ap.add_argument('--map-n', default='1000,10000,100000,1000000',
                    help='map sizes (among 1000,10000,100000,1000000)')
    ap.add_argument('--map-kinds', default='si,is,ir',
                    help='si: map[string]int, is: map[int64]string,'
                    ' ir: map[int64]Rec')
    args = ap.parse_args()
    work = args.work or tempfile.mkdtemp(prefix='gi-bench-')
    os.makedirs(work, exist_ok=True)
    os.makedirs(args.out, exist_ok=True)
    if args.maps_only:
        results = {'maps': {'machine': machine(), 'runs': args.runs,
                            'results': measure_maps(args, work)}}
        write_maps_report(results, args.out)
        return
    ensure_packages(args)
    if not args.no_delve and not shutil.which('dlv'):
        log('bench: no dlv: Delve not measured')
        args.no_delve = True
    bins = {'1.26': build(GO126, os.path.join(work, 'goroutines-1.26'))}
    if os.path.exists(GO119):
        bins['1.19'] = build(GO119, os.path.join(work, 'goroutines-1.19'))
    results = {'machine': machine(), 'runs': args.runs, 'n': {}, 'notes': []}
    for n in [int(x) for x in args.n.split(',')]:
        results['n'][n] = measure_n(args, n, bins, work)
        if n > args.delve_max and not args.no_delve:
            results['notes'].append('Delve not run at N=%d (--delve-max %d).'
                                    % (n, args.delve_max))
    if not args.no_buf:
        results['buf'] = measure_buf(args)
    if not args.no_maps:
        results['maps'] = {'machine': machine(), 'runs': args.runs,
                           'results': measure_maps(args, work)}
    plot(results, args.out)
    write_report(results, args.out)
    if not args.no_maps:
        write_maps_report(results, args.out)


if __name__ == '__main__':
    main()
