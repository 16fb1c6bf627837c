#!/usr/bin/env python3
"""The interactive session, driven through a pseudo-terminal as a person
would drive it, against the fixture's own account of itself.

The target is fixtures/repl with REPL_GOROUTINES goroutines parked at
depths 1 to 8; it writes its runtime.Stack dump (stack.txt) and its
globals (values.json).  For each toolchain, default and stripped builds:

  prompt    `goinspect -p PID` on a terminal shows "(goinspect) ";
  idle      while the session waits, every thread of the target runs
            (State not t/T) and is untraced (TracerPid 0);
  help      `help` lists every command of the session;
  prefix    `gor` runs goroutines: every block equals stack.txt;
  tabcmd    `thre<TAB>` completes to `threads`, which lists every thread
            in /proc/PID/task;
  tabgid    a unique prefix of a goroutine id after `bt` completes to the
            id, and bt prints that goroutine as stack.txt has it;
  tabglobal `print main.gCiti<TAB>` completes to main.gCitizenCount (needs
            a symbol table: skipped on stripped builds);
  tabfield  `print main.cfg.Po<TAB>` completes to main.cfg.Port, a field
            of the fixture's Config (needs DWARF: skipped when stripped);
  tabtype   `print *(*main.Conf<TAB>` completes to the type main.Config;
  hold      `hold` gives the "(goinspect held) " prompt and every thread is
            in a tracing stop, traced by goinspect; `bt 1` still works;
  release   `release`: the prompt is back and every thread runs untraced;
  ctrlc     Ctrl-C in the middle of `goroutines` prints "interrupted", the
            prompt comes back, the target runs untraced, and `bt 1` works;
  quit      `quit` ends goinspect with status 0, the target runs untraced,
            and the history file holds the commands;
  pager     with $PAGER set, long output goes through it, short does not;
  ctrld     Ctrl-D on a held target ends goinspect; the target runs;
  piped     commands on a pipe: plain output equal to stack.txt, no
            prompt, status 0, no history file;
  exited    after the target is killed, a command says it has exited,
            `help` still works and `quit` ends the session.

TAP output.  Environment as for tests/fixtures.py (GOINSPECT, FIXTURE_BIN,
GOINSPECT_SLOW).
"""

import fcntl
import json
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from fixtures import (SCRUB_ENV, compare_blocks, goinspect_path,  # noqa: E402
                      split_dump, thread_problems, EPERM_RE, SLOW)

BIN = os.environ.get('FIXTURE_BIN', os.path.join(HERE, 'fixture-bin'))
TOOLCHAINS = ['1.19', '1.26', '1.27']
MODES = ['default', 'stripped']
GOROUTINES = 2000
TIMEOUT = 30.0 * SLOW     # GOINSPECT_SLOW (tests/valgrind.sh)
ROWS, COLS = 40, 160
TESTS = ['prompt', 'idle', 'help', 'prefix', 'tabcmd', 'tabgid', 'tabglobal',
         'tabfield', 'tabtype', 'hold', 'release', 'ctrlc', 'quit', 'pager', 'ctrld', 'piped',
         'exited']
SESSION_COMMANDS = ['goroutines', 'bt', 'goroutine', 'threads', 'procs',
                    'sched', 'info', 'help', 'set', 'refresh', 'hold',
                    'release', 'quit']
ESCAPES = re.compile(r'\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1b[=>]')
PAUSE_NOTE = re.compile(r'^goinspect: the target was stopped for \d+ ms\n', re.M)
PROMPT = '(goinspect) '
PROMPT_HELD = '(goinspect held) '

counts = {'ok': 0, 'not ok': 0, 'skip': 0}
n = 0


def report(status, desc, diag=(), reason=''):
    global n
    n += 1
    counts[status] += 1
    if status == 'skip':
        print('ok %d - %s # SKIP %s' % (n, desc, reason))
    else:
        print('%s %d - %s' % (status, n, desc))
        for d in list(diag)[:60]:
            print('# ' + str(d))
    sys.stdout.flush()


class Fail(Exception):
    pass


class Skip(Exception):
    pass


def clean(data):
    """Terminal output as text: no escapes, no carriage returns."""
    text = ESCAPES.sub('', data.decode('utf-8', 'replace'))
    return text.replace('\r', '')


class Session:
    """goinspect on a pseudo-terminal."""

    def __init__(self, pid, env):
        self.raw = b''
        self.pos = 0            # how far expect() has consumed clean text
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            try:
                # Size the terminal before goinspect starts: set later, it
                # sends SIGWINCH and readline draws the prompt once more,
                # which would shift every later command's output by one.
                fcntl.ioctl(0, termios.TIOCSWINSZ,
                            struct.pack('HHHH', ROWS, COLS, 0, 0))
                os.execve(goinspect_path(), ['goinspect', '-p', str(pid)], env)
            finally:
                os._exit(127)
        self.status = None

    def text(self):
        return clean(self.raw)

    def pump(self, timeout):
        r, _, _ = select.select([self.fd], [], [], timeout)
        if not r:
            return True
        try:
            data = os.read(self.fd, 1 << 16)
        except OSError:         # EIO: the other side is closed
            data = b''
        if not data:
            return False
        self.raw += data
        return True

    def expect(self, pattern, timeout=TIMEOUT):
        """Read until pattern (a regexp) appears after what was consumed;
        return the text before it and consume through it."""
        rx = re.compile(pattern)
        end = time.monotonic() + timeout
        while True:
            text = self.text()
            m = rx.search(text, self.pos)
            if m:
                before = text[self.pos:m.start()]
                self.pos = m.end()
                return before
            left = end - time.monotonic()
            if left <= 0 or not self.pump(min(left, 0.2)):
                if not rx.search(self.text(), self.pos):
                    tail = self.text()[self.pos:][-600:]
                    raise Fail('no %r within %ds; got: %r' % (pattern, timeout, tail))

    def prompt(self, held=False, timeout=TIMEOUT):
        return self.expect(re.escape(PROMPT_HELD if held else PROMPT), timeout)

    def send(self, s):
        os.write(self.fd, s.encode())

    def command(self, line, held=False, timeout=TIMEOUT):
        """Run one line; return its output (the echoed line left out, and
        the note on a long pause, which a busy machine may cause)."""
        self.send(line + '\r')
        out = self.prompt(held, timeout)
        first, _, rest = out.partition('\n')
        return PAUSE_NOTE.sub('', rest)

    def wait(self, timeout=TIMEOUT):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self.pump(0.05)
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = os.waitstatus_to_exitcode(status)
                return self.status
        raise Fail('goinspect still running after %ds' % timeout)

    def close(self):
        if self.status is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except OSError:
                pass
        os.close(self.fd)


def threads_state(pid):
    """(tid, state letter, tracer pid) of every thread of pid."""
    out = []
    for tid in os.listdir('/proc/%d/task' % pid):
        try:
            with open('/proc/%d/task/%s/status' % (pid, tid)) as f:
                st = f.read()
        except OSError:
            continue
        state = re.search(r'^State:\s*(\S)', st, re.M).group(1)
        tracer = int(re.search(r'^TracerPid:\s*(\d+)', st, re.M).group(1))
        out.append((int(tid), state, tracer))
    return sorted(out)


def running(fixture):
    """Diagnostics: empty when the fixture lives, all threads untraced."""
    if fixture.poll() is not None:
        return ['fixture exited with status %d' % fixture.returncode]
    return thread_problems(fixture.pid)


class Case:
    def __init__(self, tc, mode):
        self.tc, self.mode = tc, mode
        self.name = '%s/%s' % (tc, mode)
        self.exe = os.path.join(BIN, tc, mode, 'repl')
        self.results = {}

    def result(self, key, status, diag=(), reason=''):
        if key not in self.results:
            self.results[key] = (status, list(diag), reason)

    def check(self, key, diag):
        self.result(key, 'not ok' if diag else 'ok', diag)

    # -- the fixture

    def start(self):
        env = {k: v for k, v in os.environ.items() if k not in SCRUB_ENV}
        env['GOINSPECT_OUT'] = self.out
        env['REPL_GOROUTINES'] = str(GOROUTINES)
        self.fixture = subprocess.Popen([self.exe], env=env, stdin=subprocess.DEVNULL,
                                        stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        end = time.monotonic() + 60
        while not os.path.exists(os.path.join(self.out, 'ready')):
            if self.fixture.poll() is not None or time.monotonic() > end:
                raise Fail('fixture did not get ready')
            time.sleep(0.05)
        with open(os.path.join(self.out, 'info.json')) as f:
            info = json.load(f)
        with open(os.path.join(self.out, 'values.json')) as f:
            self.values = json.load(f)
        with open(os.path.join(self.out, 'stack.txt'), errors='replace') as f:
            blocks = split_dump(f.read())
        self.truth = [b for b in blocks if b.goid != info['dumper_goid']]
        self.by_id = {b.goid: b for b in self.truth}

    def session_env(self, **extra):
        env = {k: v for k, v in os.environ.items()
               if k not in ('PAGER', 'LESS', 'GOINSPECT_HISTORY')}
        env.update(TERM='dumb', INPUTRC='/dev/null', PAGER='cat',
                   GOINSPECT_HISTORY=self.history, LC_ALL='C.UTF-8')
        env.update(extra)
        return env

    def block_diag(self, out, ids):
        got = split_dump(out)
        diag = []
        if [b.goid for b in got] != ids:
            diag.append('printed goroutines %s, want %s' %
                        ([b.goid for b in got][:10], ids))
        return diag + compare_blocks([self.by_id[i] for i in ids], got)

    # -- session A: what a person does

    def session_a(self):
        s = Session(self.fixture.pid, self.session_env())
        self.sessions.append(s)
        try:
            banner = s.prompt()
        except Fail as e:
            if EPERM_RE.search(s.text()):
                raise Skip('ptrace not permitted: ' + s.text().strip()[-200:])
            raise e
        self.check('prompt', [] if 'process %d' % self.fixture.pid in banner
                   else ['no banner naming the process: %r' % banner])
        time.sleep(0.3)         # sitting at the prompt
        self.check('idle', running(self.fixture))

        out = s.command('help')
        missing = [c for c in SESSION_COMMANDS
                   if not re.search(r'^\s+%s\s' % c, out, re.M)]
        self.check('help', ['help does not list: %s' % ' '.join(missing)] if missing else [])

        out = s.command('gor')
        self.check('prefix', compare_blocks(self.truth, split_dump(out)) or
                   ([] if out.strip() else ['`gor` printed nothing']))

        s.send('thre\t')
        s.expect(re.escape('threads '), 10 * SLOW)
        out = s.command('')
        tids = sorted(int(t) for t in os.listdir('/proc/%d/task' % self.fixture.pid))
        shown = sorted(int(m) for m in re.findall(r'^\s*-?\d+\s+(\d+)\s', out, re.M))
        self.check('tabcmd', [] if shown == tids else
                   ['threads after completion listed %s, /proc has %s' % (shown, tids)])

        self.tab_goroutine(s)
        self.tab_global(s)

        out = s.command('hold', held=True)
        st = threads_state(self.fixture.pid)
        bad = [t for t in st if t[1] != 't' or t[2] != s.pid]
        out = s.command('bt 1', held=True)
        self.check('hold', ['thread %d: state %s, tracer %d (want t, %d)' % (t + (s.pid,))
                            for t in bad] + self.block_diag(out, [1]))

        s.command('release')
        self.check('release', running(self.fixture))

        self.ctrl_c(s)

        s.send('quit\r')
        status = s.wait()
        diag = running(self.fixture)
        if status != 0:
            diag.append('goinspect exited with status %s' % status)
        try:
            with open(self.history) as f:
                hist = f.read().split('\n')
            if 'hold' not in hist or 'release' not in hist:
                diag.append('history file lacks hold/release: %r' % hist[:20])
        except OSError as e:
            diag.append('no history file: %s' % e)
        self.check('quit', diag)

    def tab_goroutine(self, s):
        # The shortest prefix that only one listed goroutine id has.
        goid = max(self.by_id)
        ids = [str(i) for i in self.by_id]
        word = str(goid)
        for k in range(1, len(word) + 1):
            if sum(1 for i in ids if i.startswith(word[:k])) == 1:
                break
        s.send('bt ' + word[:k] + '\t')
        s.expect(re.escape('bt ' + word[:k]) + '.*' + re.escape(word[k:] + ' '), 15 * SLOW)
        out = s.command('')
        self.check('tabgid', self.block_diag(out, [goid]))

    def tab_expr(self, s, key, typed, rest):
        """TAB after `typed` must insert `rest`.  Only the completion is
        checked; what print prints is the value tests' business.  Ctrl-U
        drops the completed line."""
        s.send(typed + '\t')
        try:
            s.expect(re.escape(typed) + '.*' + re.escape(rest), 15 * SLOW)
            self.check(key, [])
        except Fail as e:
            self.check(key, [str(e)])
        s.command('\x15')

    def tab_global(self, s):
        if re.search(r'no command', s.command('help print')):
            for key in ('tabglobal', 'tabfield', 'tabtype'):
                self.result(key, 'skip', reason='no print command')
            return
        if self.mode == 'stripped':
            for key in ('tabglobal', 'tabfield'):
                self.result(key, 'skip', reason='no symbols or DWARF when stripped')
        else:
            self.tab_expr(s, 'tabglobal', 'print main.gCiti', 'zenCount')
            self.tab_expr(s, 'tabfield', 'print main.cfg.Po', 'rt')
        self.tab_expr(s, 'tabtype', 'print *(*main.Conf', 'ig')

    def ctrl_c(self, s):
        s.send('goroutines\r')
        s.expect(r'goroutine \d+ \[', 15 * SLOW)
        s.send('\x03')
        diag = []
        out = s.prompt()
        if 'goinspect: interrupted' not in out:
            diag.append('no "interrupted" after Ctrl-C: %r' % out[-300:])
        blocks = out.count('\ngoroutine ')
        if blocks >= len(self.truth) - 1:
            diag.append('the whole dump (%d goroutines) came out' % blocks)
        diag += running(self.fixture)
        diag += self.block_diag(s.command('bt 1'), [1])
        self.check('ctrlc', diag)

    # -- session B: the pager, and Ctrl-D on a held target

    def session_b(self):
        pager = 'sed -e s/^/PAGED:/'
        s = Session(self.fixture.pid, self.session_env(PAGER=pager))
        self.sessions.append(s)
        s.prompt()
        long_out = s.command('goroutines')
        short_out = s.command('info')
        lines = [l for l in long_out.split('\n') if l]
        diag = []
        plain = [l for l in lines if not l.startswith('PAGED:')]
        if len(lines) < ROWS or plain:
            diag.append('goroutines (%d lines) did not all go through %s: %r'
                        % (len(lines), pager, plain[:3]))
        else:
            got = split_dump('\n'.join(l[len('PAGED:'):] for l in lines))
            diag += compare_blocks(self.truth, got)
        if 'PAGED:' in short_out or not short_out.strip():
            diag.append('info (short) output: %r' % short_out[:200])
        self.check('pager', diag)

        s.command('hold', held=True)
        s.send('\x04')
        status = s.wait()
        diag = running(self.fixture)
        if status != 0:
            diag.append('goinspect exited with status %s after Ctrl-D' % status)
        self.check('ctrld', diag)

    # -- session C: a script on a pipe

    def session_c(self):
        hist = os.path.join(self.out, 'piped-history')
        env = self.session_env(GOINSPECT_HISTORY=hist)
        p = subprocess.run([goinspect_path(), '-p', str(self.fixture.pid)],
                           input=b'goroutines\n# a comment\n\nbt 1\n', env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=60 * SLOW)
        out = p.stdout.decode(errors='replace')
        diag = []
        if p.returncode != 0:
            diag.append('exit status %d: %s' % (p.returncode, p.stderr.decode()[-300:]))
        if 'goinspect)' in out or 'goinspect)' in p.stderr.decode():
            diag.append('a prompt in the output')
        # The two outputs follow each other plainly: bt 1 is the last
        # "goroutine 1 [" block.
        cut = out.rfind('goroutine 1 [')
        if cut <= 0:
            diag.append('no bt 1 after the goroutines: %r' % out[-300:])
        else:
            diag += compare_blocks(self.truth, split_dump(out[:cut]))
            diag += self.block_diag(out[cut:], [1])
        if os.path.exists(hist):
            diag.append('a history file was written: %s' % hist)
        self.check('piped', diag + running(self.fixture))

    # -- session D: the target goes away

    def session_d(self):
        s = Session(self.fixture.pid, self.session_env())
        self.sessions.append(s)
        s.prompt()
        self.fixture.kill()
        self.fixture.wait()
        diag = []
        out = s.command('threads')
        if 'has exited' not in out:
            diag.append('threads after the target died: %r' % out[-300:])
        out = s.command('help')
        if not re.search(r'^\s+goroutines\s', out, re.M):
            diag.append('help after the target died: %r' % out[-300:])
        s.send('quit\r')
        status = s.wait()
        if status != 0:
            diag.append('quit: exit status %s' % status)
        self.check('exited', diag)

    def run(self):
        if not os.path.exists(self.exe):
            marker = os.path.join(BIN, self.tc, 'SKIPPED')
            why = 'fixture not built'
            if os.path.exists(marker):
                with open(marker) as f:
                    why = f.read().strip() or why
            for key in TESTS:
                self.result(key, 'skip', reason=why)
            return
        self.out = tempfile.mkdtemp(prefix='goinspect-repl-%s-%s-' % (self.tc, self.mode))
        self.history = os.path.join(self.out, 'history')
        self.sessions = []
        self.fixture = None
        try:
            self.start()
            for step in (self.session_a, self.session_b, self.session_c, self.session_d):
                try:
                    step()
                except Fail as e:
                    for key in TESTS:   # the step's remaining checks
                        if key not in self.results:
                            self.result(key, 'not ok', [str(e)])
                    break
        except Skip as e:
            for key in TESTS:
                self.result(key, 'skip', reason=str(e))
        except Exception as e:  # never leave the fixture behind
            for key in TESTS:
                self.result(key, 'not ok', ['driver error: %r' % e])
        finally:
            for s in self.sessions:
                s.close()
            if self.fixture is not None and self.fixture.poll() is None:
                self.fixture.kill()
                self.fixture.wait()
        failed = any(r[0] == 'not ok' for r in self.results.values())
        if not failed:
            subprocess.run(['rm', '-rf', self.out])

    def report(self):
        for key in TESTS:
            status, diag, reason = self.results.get(key, ('not ok', ['not run'], ''))
            if status == 'not ok' and hasattr(self, 'out'):
                diag = diag + ['kept %s' % self.out]
            report(status, '%s: %s' % (self.name, key), diag, reason)


def main():
    cases = [Case(tc, mode) for tc in TOOLCHAINS for mode in MODES]
    print('1..%d' % (len(cases) * len(TESTS)), flush=True)
    for c in cases:
        c.run()
        c.report()
    print('# %d passed, %d failed, %d skipped' %
          (counts['ok'], counts['not ok'], counts['skip']), flush=True)
    return 1 if counts['not ok'] else 0


if __name__ == '__main__':
    sys.exit(main())
