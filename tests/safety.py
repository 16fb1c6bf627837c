#!/usr/bin/env python3
"""goinspect never harms its target: faults, bad input, permissions.

Each test makes one fault happen to goinspect or its target, then checks
that goinspect answered with a result or a clear error (an exit status from
the documented set 0, 1, 2, 3, 64; on error a message that starts with
"goinspect: "; no sanitizer report; never a hang) and that the target is
unharmed: alive, none of its threads stopped ('t'/'T') or traced
(TracerPid 0), and, where the fixture reports it, every worker thread still
making progress.  Ground truth is what the fixtures print themselves
(runtime.Stack, see fixtures/harness.go).

  kills     SIGKILL of goinspect at random points of a dump of the `many`
            fixture (tens of thousands of goroutines, worker threads that
            count): at uniform random times, and inside the stop (when a
            thread of the target is seen traced, after a further random
            delay); SIGINT, SIGTERM and SIGTSTP inside the stop; a stop
            that does not end (goinspect frozen in it for 31 s: its guard
            must end it)
  tracers   a second goinspect while the first holds the target (the
            first frozen with SIGSTOP), `strace -p` attached
  chaos     the target exits, execs, forks, or creates and ends threads
            all the time during the snapshots (fixtures/chaos)
  process   a zombie, a target in another pid and mount namespace
  perms     goinspect as `nobody` against root's target, root without
            CAP_SYS_PTRACE, `nobody` against its own target, Yama
  binary    not a Go program, a Go program for another architecture, a Go
            release goinspect does not know (patched .go.buildinfo in a
            copy, executed), a copy with scrambled function names
            (executed: the runtime prints the same names), damaged copies
            read with --exe
  input     bad options, commands, ids, expressions and addresses
  writes    strace of goinspect: only read-only ptrace requests, no signal
            sent, nothing opened for writing in /proc

Prints TAP.  Environment: GOINSPECT, FIXTURE_BIN (as for the other tests),
SAFETY_TOOLCHAIN (fixtures of this Go release, default 1.26),
SAFETY_TRIALS (kills of each kind, default 30), SAFETY_MANY (goroutines
of the big fixture, default 20000), GO126 (go command for the 386 build),
GOINSPECT_SLOW (a factor for the times goinspect is allowed).
Run one group: python3 tests/safety.py kills tracers.
"""

import os
import random
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
GOINSPECT = os.environ.get("GOINSPECT") or os.path.join(TOP, "src", "goinspect")
BIN = os.environ.get("FIXTURE_BIN") or os.path.join(HERE, "fixture-bin")
TC = os.environ.get("SAFETY_TOOLCHAIN", "1.26")
TRIALS = int(os.environ.get("SAFETY_TRIALS", "30"))
MANY = int(os.environ.get("SAFETY_MANY", "20000"))
GO = os.environ.get("GO126", "/usr/local/go/bin/go")

# GOINSPECT_SLOW=N multiplies the times this script allows goinspect
# (tests/valgrind.sh sets it: under valgrind goinspect is many times slower).
SLOW = float(os.environ.get("GOINSPECT_SLOW") or 1)

EXIT_CODES = {0, 1, 2, 3, 64}
GI_TIMEOUT = 60 * SLOW   # seconds for one goinspect run: a hang fails
READY_TIMEOUT = 60       # seconds for a fixture to write its dump
SANITIZER_RE = re.compile(r"(AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer"
                          r"|runtime error:|MemorySanitizer|valgrind)", re.I)
HEADER_RE = re.compile(r"^goroutine (\d+) \[")
MINUTES_RE = re.compile(r", \d+ minutes")

RNG = random.Random(int(os.environ.get("SAFETY_SEED", str(os.getpid()))))
STARTED = []            # every process this script started, to kill at exit


class Skip(Exception):
    pass


# ------------------------------------------------------------ processes

def popen(argv, **kw):
    kw.setdefault("stdin", subprocess.DEVNULL)
    p = subprocess.Popen(argv, **kw)
    STARTED.append(p)
    return p


def kill_all():
    for p in STARTED:
        if p.poll() is None:
            try:
                p.kill()
            except OSError:
                pass
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass


def reap_in_background(p):
    """Wait for p in a thread, as a real parent would (no zombie)."""
    threading.Thread(target=p.wait, daemon=True).start()


def fixture_path(name, mode="default"):
    path = os.path.join(BIN, TC, mode, name)
    if not os.path.exists(path):
        raise Skip("fixture %s not built (Go %s missing?)" % (path, TC))
    return path


class Fixture:
    """A fixture program started with GOINSPECT_OUT, ready when it has
    written its own runtime.Stack dump."""

    def __init__(self, exe, env=None, argv_prefix=(), wait=True, outdir=None):
        self.out = outdir or tempfile.mkdtemp(prefix="goinspect-safety-")
        full = {k: v for k, v in os.environ.items()
                if not k.startswith(("GOINSPECT", "GOTRACEBACK", "GODEBUG",
                                     "GOMAXPROCS", "GOGC"))}
        full.update(env or {})
        full["GOINSPECT_OUT"] = self.out
        self.proc = popen(list(argv_prefix) + [exe], env=full, cwd=self.out,
                          stdout=subprocess.DEVNULL,
                          stderr=open(os.path.join(self.out, "stderr"), "wb"))
        self.pid = self.proc.pid
        if wait:
            self.wait_file("ready")

    def wait_file(self, name, timeout=READY_TIMEOUT):
        path = os.path.join(self.out, name)
        end = time.monotonic() + timeout
        while not os.path.exists(path):
            if self.proc.poll() is not None:
                raise AssertionError("fixture exited (%s) before writing %s: %s"
                                     % (self.proc.returncode, name, self.stderr()))
            if time.monotonic() > end:
                raise AssertionError("fixture did not write %s in %ds" % (name, timeout))
            time.sleep(0.02)

    def stderr(self):
        try:
            with open(os.path.join(self.out, "stderr"), errors="replace") as f:
                return f.read()[-500:]
        except OSError:
            return ""

    def truth(self):
        """The fixture's own goroutine blocks, by id (dumper left out)."""
        import json
        with open(os.path.join(self.out, "info.json")) as f:
            info = json.load(f)
        with open(os.path.join(self.out, "stack.txt"), errors="replace") as f:
            blocks = split_dump(f.read())
        return {g: b for g, b in blocks.items() if g != info["dumper_goid"]}

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
        shutil.rmtree(self.out, ignore_errors=True)


class Result:
    def __init__(self, argv, rc, out, err, secs):
        self.argv, self.rc, self.out, self.err, self.secs = argv, rc, out, err, secs

    def __str__(self):
        return "goinspect %s: exit %s after %.1fs: %s" % (
            " ".join(self.argv)[:200], self.rc, self.secs, self.err.strip()[:600])


def gi(args, timeout=GI_TIMEOUT, user=None, env=None, stdin=None, prefix=()):
    """Run goinspect; a run that does not end in time is a failure."""
    argv = list(prefix)
    exe = GOINSPECT
    if user:
        argv += ["setpriv", "--reuid=" + user, "--regid=" + user_group(user),
                 "--clear-groups"]
        exe = world_copy(GOINSPECT)     # the build dir may be private
    argv += [exe] + list(args)
    start = time.monotonic()
    p = popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
              stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL)
    try:
        out, err = p.communicate(input=stdin, timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        raise AssertionError("goinspect %s did not end within %ds (a hang): %s"
                             % (" ".join(args)[:200], timeout,
                                err.decode(errors="replace")[-300:]))
    return Result(list(args), p.returncode, out.decode(errors="replace"),
                  err.decode(errors="replace"), time.monotonic() - start)


def world_copy(path):
    """A copy of path that any user may run, in S.tmp."""
    dst = os.path.join(S.tmp, "pub-" + os.path.basename(path))
    if not os.path.exists(dst):
        shutil.copy(path, dst)
        os.chmod(S.tmp, 0o755)
        os.chmod(dst, 0o755)
    return dst


def user_group(user):
    import grp
    import pwd
    try:
        return grp.getgrgid(pwd.getpwnam(user).pw_gid).gr_name
    except KeyError:
        return user


def run_problems(r, allowed=EXIT_CODES):
    """What is wrong with how a goinspect run ended (empty: nothing)."""
    diag = []
    if r.rc < 0:
        diag.append("killed by signal %d: %s" % (-r.rc, r))
    elif r.rc not in allowed:
        diag.append("exit status %d, not in %s: %s" % (r.rc, sorted(allowed), r))
    if SANITIZER_RE.search(r.err):
        diag.append("sanitizer report: " + r.err[-1500:])
    lines = [l for l in r.err.splitlines() if l.strip()]
    said = lines and lines[0].startswith("goinspect: ")
    # Exit 1 (partial) may instead mark what it could not read in its
    # output ("<error: ...>", "goinspect: no backtrace: ...").
    if (r.rc >= 2 and not said) or (r.rc == 1 and not said and not r.out.strip()):
        diag.append("no 'goinspect: ' message for exit %d: %r" % (r.rc, r.err[:300]))
    return diag


def one_line_error(r, rc, pattern):
    """r failed with exit rc and a first message line matching pattern."""
    diag = run_problems(r)
    if r.rc != rc:
        diag.append("exit %d, want %d: %s" % (r.rc, rc, r))
    lines = [l for l in r.err.splitlines() if l.strip()]
    if not lines or not re.search(pattern, lines[0]):
        diag.append("message %r does not match %r" % (lines[:2], pattern))
    return diag


# ------------------------------------------------------------ the target

def task_status(pid, tid):
    try:
        with open("/proc/%d/task/%s/status" % (pid, tid)) as f:
            s = f.read()
    except OSError:
        return None
    state = re.search(r"^State:\s*(\S+)", s, re.M)
    tracer = re.search(r"^TracerPid:\s*(\d+)", s, re.M)
    return (state.group(1) if state else "?", int(tracer.group(1)) if tracer else -1)


def tids(pid):
    try:
        return os.listdir("/proc/%d/task" % pid)
    except OSError:
        return []


def thread_problems(pid):
    """Threads of pid that are stopped or traced, or the process is gone."""
    if not os.path.exists("/proc/%d" % pid):
        return ["process %d is gone" % pid]
    problems = []
    for tid in tids(pid):
        st = task_status(pid, tid)
        if st is None:
            continue        # the thread exited meanwhile
        state, tracer = st
        if state in ("t", "T") or tracer != 0:
            problems.append("thread %s: State %s, TracerPid %d" % (tid, state, tracer))
    return problems


def traced_by(pid, tracer):
    """Is some thread of pid traced by tracer right now?"""
    for tid in tids(pid):
        st = task_status(pid, tid)
        if st and st[1] == tracer:
            return True
    return False


def wait_traced(pid, tracer, proc, timeout=20):
    """Poll until tracer holds a thread of pid; False if proc ended first."""
    end = time.monotonic() + timeout * SLOW
    while time.monotonic() < end:
        if traced_by(pid, tracer):
            return True
        if proc.poll() is not None:
            return False
    return False


def proc_state(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return "?"


def read_progress(fx):
    try:
        with open(os.path.join(fx.out, "progress")) as f:
            return [int(x) for x in f.read().split()]
    except (OSError, ValueError):
        return None


def progress_problems(fx, timeout=20):
    """Every worker counter must move on (polled; no timing assertion)."""
    first = read_progress(fx)
    if not first:
        return ["no progress file from the fixture"]
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        now = read_progress(fx)
        if now and len(now) == len(first) and all(b > a for a, b in zip(first, now)):
            return []
        time.sleep(0.02)
    return ["worker counters did not all advance in %ds: %s -> %s"
            % (timeout, first, read_progress(fx))]


# ------------------------------------------------------------ dumps

def split_dump(text):
    blocks = {}
    for chunk in text.replace("\r\n", "\n").split("\n\n"):
        chunk = chunk.strip("\n")
        m = HEADER_RE.match(chunk)
        if m:
            blocks[int(m.group(1))] = MINUTES_RE.sub("", chunk.split("\n", 1)[0]) + \
                ("\n" + chunk.split("\n", 1)[1] if "\n" in chunk else "")
    return blocks


def compare(truth, out, ids=None):
    """Blocks of goroutines ids (default: all of truth) must be identical."""
    got = split_dump(out)
    diag = []
    for g in sorted(ids if ids is not None else truth):
        if g not in got:
            diag.append("goroutine %d missing" % g)
        elif got[g] != truth[g]:
            diag.append("goroutine %d differs:\n--- runtime.Stack\n%s\n--- goinspect\n%s"
                        % (g, truth[g][:800], got[g][:800]))
        if len(diag) > 5:
            diag.append("...")
            break
    return diag


# ------------------------------------------------------------ ELF copies

def sections(data):
    """{name: (offset, size)} of an ELF64 little-endian image."""
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)

    def sh(i):
        return struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize)
    stroff = sh(shstrndx)[4]
    out = {}
    for i in range(shnum):
        s = sh(i)
        end = data.index(b"\0", stroff + s[0])
        out[data[stroff + s[0]:end].decode()] = (s[4], s[5])
    return out


def patched_copy(src, dst, patch):
    with open(src, "rb") as f:
        data = bytearray(f.read())
    patch(data, sections(data))
    with open(dst, "wb") as f:
        f.write(data)
    os.chmod(dst, 0o755)
    return dst


# ------------------------------------------------------------ tests

class Suite:
    def __init__(self):
        self.tests = []
        self.many = None        # the big fixture, shared by the kill tests
        self.tmp = tempfile.mkdtemp(prefix="goinspect-safety-bin-")

    def test(self, group, desc):
        def deco(fn):
            self.tests.append((group, desc, fn))
            return fn
        return deco

    def big(self):
        if self.many is None:
            exe = fixture_path("many")
            self.many = Fixture(exe, {"GOINSPECT_MANY": str(MANY),
                                      "GOINSPECT_MANY_WORKERS": "4"})
            self.many.wait_file("progress")
            # main has moved on since its dump (it started the workers)
            self.many_truth = {g: b for g, b in self.many.truth().items() if g != 1}
        return self.many


S = Suite()


@S.test("kills", "many: goinspect lists all %d parked goroutines as runtime.Stack does" % MANY)
def t_many_dump():
    fx = S.big()
    r = gi(["-v", "-p", str(fx.pid), "goroutines"])
    S.many_secs = r.secs
    diag = run_problems(r, {0})
    if not diag:
        diag = compare(S.many_truth, r.out)
    print("# goinspect took %.2fs: %s" % (r.secs, r.err.strip()))
    return diag + thread_problems(fx.pid)


def kill_trials(trials, sig, in_stop):
    """Run goinspect on the big fixture trials times and send it sig at a
    random point (in_stop: while it holds a thread of the target).  Returns
    diagnostics and how many signals landed while the target was held."""
    fx = S.big()
    span = getattr(S, "many_secs", 0.5) * 1.2
    diag, held_hits = [], 0
    for i in range(trials):
        p = popen([GOINSPECT, "-p", str(fx.pid), "goroutines"],
                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if in_stop:
            if wait_traced(fx.pid, p.pid, p):
                time.sleep(RNG.uniform(0, 0.004))
        else:
            time.sleep(RNG.uniform(0, span))
        held = traced_by(fx.pid, p.pid)
        held_hits += held
        try:
            p.send_signal(sig)
        except OSError:
            pass
        try:
            _, err = p.communicate(timeout=GI_TIMEOUT)
        except subprocess.TimeoutExpired:
            p.kill()
            diag.append("trial %d: goinspect still running %ds after signal %d"
                        % (i, GI_TIMEOUT, sig))
            p.communicate()
            continue
        err = err.decode(errors="replace")
        if p.returncode not in (-sig, 0, 1) or SANITIZER_RE.search(err):
            diag.append("trial %d: goinspect ended with %d: %s" % (i, p.returncode, err[-300:]))
        problems = thread_problems(fx.pid)
        if problems:
            diag.append("trial %d (signal %d, target %sheld at that moment):"
                        % (i, sig, "" if held else "not "))
            diag += ["  " + x for x in problems]
            os.kill(fx.pid, signal.SIGCONT)     # let the next trial start clean
        if len(diag) > 20:
            break
    return diag, held_hits


@S.test("kills", "SIGKILL of goinspect at %d uniformly random times in a dump" % TRIALS)
def t_kill_uniform():
    fx = S.big()
    diag, hits = kill_trials(TRIALS, signal.SIGKILL, False)
    print("# %d of %d kills landed while the target was held" % (hits, TRIALS))
    return diag + progress_problems(fx)


@S.test("kills", "SIGKILL of goinspect inside the stop, %d trials: all threads run on, untraced" % TRIALS)
def t_kill_in_stop():
    fx = S.big()
    diag, hits = kill_trials(TRIALS, signal.SIGKILL, True)
    print("# %d of %d kills landed while the target was held" % (hits, TRIALS))
    if hits == 0:
        diag.append("no kill landed inside a stop: the test did not test anything")
    diag += progress_problems(fx)
    r = gi(["-p", str(fx.pid), "goroutines"])
    return diag + run_problems(r, {0}) + compare(S.many_truth, r.out)


@S.test("kills", "SIGINT and SIGTERM of goinspect inside the stop: it ends, the target runs on")
def t_int_term():
    fx = S.big()
    n = max(3, TRIALS // 5)
    diag = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        d, _ = kill_trials(n, sig, True)
        diag += d
    return diag + progress_problems(fx)


@S.test("kills", "SIGTSTP (^Z) inside the stop: goinspect suspends only after the release")
def t_tstp():
    fx = S.big()
    # Its own process group, whose parent is in another group of the same
    # session: not orphaned, so SIGTSTP does stop it.
    p = popen([GOINSPECT, "-p", str(fx.pid), "goroutines"], stdout=subprocess.DEVNULL,
              stderr=subprocess.PIPE, preexec_fn=lambda: os.setpgid(0, 0))
    if not wait_traced(fx.pid, p.pid, p):
        p.wait()
        raise Skip("goinspect finished before it could be signalled")
    p.send_signal(signal.SIGTSTP)
    end = time.monotonic() + 30 * SLOW
    while proc_state(p.pid) != "T" and p.poll() is None and time.monotonic() < end:
        time.sleep(0.005)
    suspended = proc_state(p.pid) == "T"
    diag = thread_problems(fx.pid)
    if suspended:
        diag += progress_problems(fx)
    p.send_signal(signal.SIGCONT)
    try:
        _, err = p.communicate(timeout=GI_TIMEOUT)
    except subprocess.TimeoutExpired:
        p.kill()
        return diag + ["goinspect did not finish after SIGCONT"]
    if not suspended and not diag and p.returncode == 0:
        # valgrind ignores a SIGTSTP left at its default action (its
        # m_signals.c, default_action): the target was checked, no more.
        raise Skip("SIGTSTP did not suspend goinspect here (valgrind?); target"
                   " unharmed, exit 0")
    if p.returncode != 0:
        diag.append("after SIGCONT goinspect exited %d: %s" % (p.returncode, err[-300:]))
    return diag


@S.test("kills", "a stop that lasts 30 s (goinspect frozen in it): goinspect exits, target runs")
def t_watchdog():
    fx = S.big()
    p = popen([GOINSPECT, "-p", str(fx.pid), "goroutines"], stdout=subprocess.DEVNULL,
              stderr=subprocess.PIPE)
    if not wait_traced(fx.pid, p.pid, p):
        p.wait()
        raise Skip("goinspect finished before it could be frozen")
    # SIGSTOP stands for a system call that never returns: the alarm of
    # the guard (30 s) is due when goinspect runs again.
    p.send_signal(signal.SIGSTOP)
    time.sleep(31)
    p.send_signal(signal.SIGCONT)
    try:
        _, err = p.communicate(timeout=GI_TIMEOUT)
    except subprocess.TimeoutExpired:
        p.kill()
        return ["goinspect did not end after its 30 s guard"]
    err = err.decode(errors="replace")
    diag = []
    if p.returncode != 2 or "still not done after 30 s" not in err:
        diag.append("want exit 2 and the guard's message, got %d: %r" % (p.returncode, err))
    return diag + thread_problems(fx.pid) + progress_problems(fx)


@S.test("tracers", "a second goinspect while the first holds the target: names the holder")
def t_second_goinspect():
    fx = S.big()
    p = popen([GOINSPECT, "-p", str(fx.pid), "goroutines"], stdout=subprocess.DEVNULL,
              stderr=subprocess.PIPE)
    if not wait_traced(fx.pid, p.pid, p):
        p.wait()
        raise Skip("the first goinspect finished before it could be frozen")
    p.send_signal(signal.SIGSTOP)       # cannot be blocked: it holds on
    # The holder's name as the kernel has it (not "goinspect" under valgrind).
    with open("/proc/%d/comm" % p.pid) as f:
        comm = f.read().strip()
    try:
        r = gi(["-p", str(fx.pid), "goroutines"])
        diag = one_line_error(r, 2, r"already traced by process %d \(%s\)"
                              % (p.pid, re.escape(comm)))
    finally:
        p.send_signal(signal.SIGCONT)
    _, err = p.communicate(timeout=GI_TIMEOUT)
    if p.returncode != 0:
        diag.append("the first goinspect exited %d after SIGCONT: %s"
                    % (p.returncode, err.decode(errors="replace")[-300:]))
    return diag + thread_problems(fx.pid)


@S.test("tracers", "strace -p attached: one-line error naming strace; fine once it left")
def t_strace():
    if not shutil.which("strace"):
        raise Skip("strace not installed (scripts/install-deps.sh installs it)")
    fx = Fixture(fixture_path("gconly"))
    try:
        s = popen(["strace", "-p", str(fx.pid), "-o", os.devnull],
                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if not wait_traced(fx.pid, s.pid, s, timeout=10):
            raise Skip("strace could not attach here")
        r = gi(["-p", str(fx.pid), "goroutines"])
        diag = one_line_error(r, 2, r"already traced by process %d \(strace\)" % s.pid)
        s.send_signal(signal.SIGINT)
        s.wait(timeout=30)
        diag += thread_problems(fx.pid)
        r = gi(["-p", str(fx.pid), "goroutines"])
        diag += run_problems(r, {0}) + compare(fx.truth(), r.out)
        return diag
    finally:
        fx.stop()


def chaos_runs(modes, trials, until_gone=False, args=("goroutines",), allowed=(0, 1)):
    """Start fixtures/chaos with GOINSPECT_CHAOS=modes and run goinspect on
    it; returns (diagnostics, messages seen, fixtures' truths)."""
    diag, seen = [], {}
    exe = fixture_path("chaos")
    for i in range(trials):
        # The exit or exec comes within the time of a few goinspect runs.
        env = {"GOINSPECT_CHAOS": modes,
               "GOINSPECT_CHAOS_MS": str(RNG.randint(0, int(300 * SLOW)))}
        fx = Fixture(exe, env)
        reap_in_background(fx.proc)
        try:
            fx.wait_file("started")
        except AssertionError:
            pass        # it may have exited or exec'd already
        truth = fx.truth()
        for run in range(60 if until_gone else 4):
            r = gi(["-p", str(fx.pid)] + list(args))
            d = run_problems(r)
            msg = r.err.strip().split("\n")[0] if r.rc else ""
            key = "exit %d %s" % (r.rc, re.sub(r"\d+", "N", msg)[:120])
            seen[key] = seen.get(key, 0) + 1
            if not until_gone:
                if r.rc not in allowed:
                    d.append("exit %d: %s" % (r.rc, r))
                elif args[0] == "goroutines":
                    d += compare(truth, r.out, [g for g in truth if g != 1])
                d += thread_problems(fx.pid)
            elif os.path.exists("/proc/%d" % fx.pid) and proc_state(fx.pid) != "Z":
                d += [x for x in thread_problems(fx.pid) if "gone" not in x]
            diag += ["trial %d run %d: %s" % (i, run, x) for x in d]
            if until_gone and (r.rc == 3 or not os.path.exists("/proc/%d" % fx.pid)):
                break
        fx.stop()
        if len(diag) > 20:
            break
    return diag, seen


def report_seen(seen):
    for k, v in sorted(seen.items(), key=lambda kv: -kv[1]):
        print("#   %4d x %s" % (v, k))


@S.test("chaos", "target exits during the snapshots: a result or a clear error, never a hang")
def t_churn_exit():
    diag, seen = chaos_runs("exit", max(4, TRIALS // 3), until_gone=True)
    report_seen(seen)
    return diag


@S.test("chaos", "target execs during the snapshots: a result or a clear error, never a hang")
def t_churn_exec():
    diag, seen = chaos_runs("exec", max(4, TRIALS // 3), until_gone=True)
    report_seen(seen)
    return diag


@S.test("chaos", "threads born and dying during the snapshots: goroutines as runtime.Stack")
def t_churn_threads():
    diag, seen = chaos_runs("threads", 3)
    report_seen(seen)
    return diag


@S.test("chaos", "threads born and dying: threads, procs and sched run")
def t_churn_threads_sched():
    diag = []
    for cmd in ("threads", "procs", "sched"):
        d, seen = chaos_runs("threads", 1, args=(cmd,))
        diag += d
    return diag


@S.test("chaos", "forks during the snapshots: goroutines as runtime.Stack, children untouched")
def t_churn_fork():
    # Exit 0: a goroutine inside vfork unwinds too (rawVforkSyscall).
    diag, seen = chaos_runs("fork", 3, allowed=(0,))
    report_seen(seen)
    return diag


@S.test("process", "a zombie: one-line error, exit 2")
def t_zombie():
    p = popen([fixture_path("gconly")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.2)
    p.kill()
    end = time.monotonic() + 30
    while proc_state(p.pid) != "Z" and time.monotonic() < end:
        time.sleep(0.01)
    r = gi(["-p", str(p.pid), "goroutines"])
    p.wait()
    return one_line_error(r, 2, r"process %d \(gconly\) has exited: it is a zombie" % p.pid)


@S.test("process", "a target in another pid and mount namespace: goroutines and threads right")
def t_namespace():
    if os.geteuid() != 0 or not shutil.which("unshare"):
        raise Skip("needs root and unshare(1)")
    exe = fixture_path("gconly")
    out = tempfile.mkdtemp(prefix="goinspect-safety-ns-")
    hidden = os.path.join(out, "hidden")
    os.mkdir(hidden)
    script = ("mount -t tmpfs none %s && cp %s %s/fx && exec %s/fx"
              % (hidden, exe, hidden, hidden))
    fx = Fixture(exe, argv_prefix=["unshare", "--pid", "--fork", "--mount",
                                   "--propagation", "private", "sh", "-c", script, "x"],
                 wait=False, outdir=out)
    try:
        try:
            fx.wait_file("ready", timeout=30)
        except AssertionError as e:
            raise Skip("cannot start a process in new namespaces here: %s" % e)
        kids = children(fx.pid)
        if not kids:
            raise AssertionError("no child of unshare found")
        pid = kids[0]
        r = gi(["-p", str(pid), "goroutines"])
        diag = run_problems(r, {0}) + compare(fx.truth(), r.out)
        r = gi(["--json", "-p", str(pid), "threads"])
        if r.rc != 0:
            diag.append("threads: %s" % r)
        else:
            import json
            got = sorted(t["tid"] for t in json.loads(r.out)["threads"])
            want = sorted(int(t) for t in tids(pid))
            if got != want:
                diag.append("threads lists tids %s, /proc has %s" % (got, want))
        return diag + thread_problems(pid)
    finally:
        for k in children(fx.pid):
            os.kill(k, signal.SIGKILL)  # pid 1 of its namespace
        fx.stop()


def children(pid):
    kids = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open("/proc/%s/stat" % d) as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        kids.append(int(d))
            except (OSError, IndexError, ValueError):
                pass
    return kids


def need_root():
    if os.geteuid() != 0:
        raise Skip("needs root")
    if not shutil.which("setpriv"):
        raise Skip("needs setpriv(1) (util-linux)")


def nobody_vs_root(options, pattern):
    """goinspect as nobody, with options, against a root target: a one-line
    error matching pattern (%(pid)d is the target), exit 2, target intact."""
    need_root()
    fx = Fixture(fixture_path("gconly"))
    try:
        r = gi(options + ["-p", str(fx.pid), "goroutines"], user="nobody")
        return one_line_error(r, 2, pattern % {"pid": fx.pid}) + \
            thread_problems(fx.pid)
    finally:
        fx.stop()


@S.test("perms", "as nobody against root's target: one-line error naming the remedy")
def t_nobody_vs_root():
    return nobody_vs_root([], r"Permission denied.*CAP_SYS_PTRACE")


@S.test("perms", "as nobody against root's target, --exe given: the error names the owner")
def t_nobody_vs_root_exe():
    # --exe spares reading /proc/PID/exe, not the permission check that
    # comes before any read.  The owner comes before any Yama advice:
    # with another owner, ptrace_scope is not the cause.
    return nobody_vs_root(["--exe", world_copy(fixture_path("gconly"))],
                          r"Permission denied: process %(pid)d belongs to uid 0,"
                          r" goinspect runs as uid \d+ .*CAP_SYS_PTRACE")


@S.test("perms", "root without CAP_SYS_PTRACE against root's target: one-line error")
def t_no_cap():
    need_root()
    fx = Fixture(fixture_path("gconly"))
    try:
        r = gi(["-p", str(fx.pid), "goroutines"],
               prefix=["setpriv", "--inh-caps=-all", "--bounding-set=-sys_ptrace"])
        return one_line_error(r, 2, r"CAP_SYS_PTRACE") + thread_problems(fx.pid)
    finally:
        fx.stop()


def nobody_fixture():
    exe = world_copy(fixture_path("gconly"))
    out = tempfile.mkdtemp(prefix="goinspect-safety-nobody-")
    os.chmod(out, 0o777)
    return Fixture(exe, outdir=out, argv_prefix=["setpriv", "--reuid=nobody",
                                                 "--regid=" + user_group("nobody"),
                                                 "--clear-groups"])


@S.test("perms", "as nobody against nobody's own target: the right dump")
def t_nobody_own():
    need_root()
    fx = nobody_fixture()
    try:
        r = gi(["-p", str(fx.pid), "goroutines"], user="nobody")
        if r.rc == 2 and "ptrace_scope" in r.err:
            raise Skip("Yama forbids attaching to a non-child here: " + r.err.strip())
        return run_problems(r, {0}) + compare(fx.truth(), r.out) + thread_problems(fx.pid)
    finally:
        fx.stop()


@S.test("perms", "Yama ptrace_scope 1: one-line error naming ptrace_scope")
def t_yama():
    need_root()
    path = "/proc/sys/kernel/yama/ptrace_scope"
    if not os.path.exists(path):
        raise Skip("no Yama on this kernel")
    old = open(path).read().strip()
    try:
        with open(path, "w") as f:
            f.write("1")
    except OSError as e:
        raise Skip("cannot change %s: %s" % (path, e))
    try:
        fx = nobody_fixture()
        try:
            r = gi(["-p", str(fx.pid), "goroutines"], user="nobody")
            return one_line_error(r, 2, r"ptrace_scope") + thread_problems(fx.pid)
        finally:
            fx.stop()
    finally:
        with open(path, "w") as f:
            f.write(old)


@S.test("binary", "not a Go program: 'goinspect: PID (sleep) is not a Go program', exit 3")
def t_not_go():
    p = popen(["sleep", "300"])
    try:
        time.sleep(0.05)
        r = gi(["-p", str(p.pid), "goroutines"])
        diag = one_line_error(r, 3, r"^goinspect: %d \(sleep\) is not a Go program$" % p.pid)
        return diag + thread_problems(p.pid)
    finally:
        p.kill()
        p.wait()


def build_386():
    """gconly for GOARCH=386, built once into FIXTURE_BIN/extra (the
    first build compiles the standard library for 386: a minute or two,
    so main() starts it in the background at once)."""
    with BUILD_386_LOCK:
        return _build_386()


BUILD_386_LOCK = threading.Lock()


def _build_386():
    out = os.path.join(BIN, "extra", "gconly-386")
    fixture = os.path.join(TOP, "fixtures", "gconly")
    harness = os.path.join(TOP, "fixtures", "harness.go")
    inputs = [os.path.join(fixture, f) for f in os.listdir(fixture)] + [harness]
    if os.path.exists(out) and all(os.path.getmtime(f) < os.path.getmtime(out)
                                   for f in inputs):
        return out
    if not os.path.exists(GO):
        raise Skip("no go command at %s" % GO)
    # As tests/build-fixtures.sh does: the fixture joined with the shared
    # fixtures/harness.go, in a copy.
    src = os.path.join(BIN, "extra", ".src-386")
    shutil.rmtree(src, ignore_errors=True)
    os.makedirs(src)
    for f in inputs:
        shutil.copy(f, src)
    env = dict(os.environ, GOARCH="386", CGO_ENABLED="0", GOTOOLCHAIN="local",
               GOFLAGS="-mod=mod -buildvcs=false", GOWORK="off")
    r = subprocess.run([GO, "build", "-o", out + ".tmp", "."], cwd=src, env=env,
                       stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if r.returncode != 0:
        raise Skip("cannot build for GOARCH=386: " + r.stderr[-300:])
    os.replace(out + ".tmp", out)
    return out


def build_386_quiet():
    try:
        build_386()
    except Exception:       # noqa: the test itself reports it
        pass


@S.test("binary", "a Go program for another architecture (386, running): exit 3")
def t_other_arch_running():
    exe = build_386()
    try:
        fx = Fixture(exe)
    except (AssertionError, OSError) as e:
        raise Skip("cannot run a 386 binary here: %s" % e)
    try:
        r = gi(["-p", str(fx.pid), "goroutines"])
        return one_line_error(r, 3, r"is not a linux/amd64 executable") + thread_problems(fx.pid)
    finally:
        fx.stop()


@S.test("binary", "--exe with an arm64 ELF header: exit 3")
def t_other_arch_file():
    fx = Fixture(fixture_path("gconly"))
    try:
        exe = patched_copy(fixture_path("gconly"), os.path.join(S.tmp, "arm64"),
                           lambda d, s: struct.pack_into("<H", d, 18, 183))
        r = gi(["--exe", exe, "-p", str(fx.pid), "goroutines"])
        return one_line_error(r, 3, r"is not a linux/amd64 executable") + thread_problems(fx.pid)
    finally:
        fx.stop()


def patch_version(new):
    def patch(data, secs):
        off, size = secs[".go.buildinfo"]
        i = data.find(b"go1.", off, off + size)
        if i < 0:
            raise AssertionError("no version in .go.buildinfo")
        old = bytes(data[i:i + len(new)])
        assert re.match(rb"go1\.\d+", old), old
        data[i:i + len(new)] = new
    return patch


@S.test("binary", "a Go release goinspect does not know (go1.99 in .go.buildinfo): exit 3")
def t_unknown_release():
    src = fixture_path("gconly")
    with open(src, "rb") as f:
        data = f.read()
    off, size = sections(data)[".go.buildinfo"]
    cur = re.search(rb"go1\.\d+\.\d+", data[off:off + size]).group(0)
    new = b"go1.99" + cur[6:]
    exe = patched_copy(src, os.path.join(S.tmp, "gconly-go199"), patch_version(new))
    fx = Fixture(exe)
    try:
        r = gi(["-p", str(fx.pid), "goroutines"])
        diag = one_line_error(r, 3, r"built by %s, which this goinspect does not know.*"
                              r"--force-version" % re.escape(new.decode()))
        # The remedy it names works.
        minor = cur.decode().split(".")[1]
        r = gi(["--force-version", "go1." + minor, "-p", str(fx.pid), "goroutines"])
        diag += run_problems(r, {0}) + compare(fx.truth(), r.out)
        return diag + thread_problems(fx.pid)
    finally:
        fx.stop()


def scramble_names(data, secs):
    """Replace every letter of every function name in the pclntab by a
    random one (same length, dots and NULs kept)."""
    off, size = secs[".gopclntab"]
    fn, cu = struct.unpack_from("<QQ", data, off + 32)
    rng = random.Random(7)
    for i in range(off + fn, off + cu):
        c = data[i]
        if 97 <= c <= 122 or 65 <= c <= 90:
            data[i] = rng.randrange(97, 123)


@S.test("binary", "scrambled function names (executed copy): same dump as the runtime prints")
def t_scrambled_names():
    exe = patched_copy(fixture_path("funcs"), os.path.join(S.tmp, "funcs-scrambled"),
                       scramble_names)
    try:
        fx = Fixture(exe)
    except AssertionError as e:
        raise Skip("the Go runtime did not run with scrambled names: %s" % e)
    try:
        r = gi(["-p", str(fx.pid), "goroutines"])
        return run_problems(r, {0, 1}) + compare(fx.truth(), r.out) + thread_problems(fx.pid)
    finally:
        fx.stop()


def damage(kind, seed):
    def patch(data, secs):
        rng = random.Random(seed)
        off, size = secs[".gopclntab"]
        if kind == "magic":
            data[off:off + 4] = b"\0\0\0\0"
        elif kind == "nfunc":
            struct.pack_into("<Q", data, off + 8, 1 << 62)
        elif kind == "offsets":
            struct.pack_into("<Q", data, off + 8 * rng.randrange(4, 9),
                             rng.getrandbits(64))
        elif kind == "pclntab":
            for _ in range(256):
                data[off + rng.randrange(size)] = rng.randrange(256)
        elif kind == "ftab":
            ln, = struct.unpack_from("<Q", data, off + 64)
            for _ in range(64):
                data[off + ln + rng.randrange(min(4096, size - ln))] = rng.randrange(256)
        elif kind == "buildinfo":
            boff, _ = secs[".go.buildinfo"]
            data[boff + 32] = 0xff          # a length varint that never ends
        elif kind == "file":
            for _ in range(64):
                data[rng.randrange(len(data))] = rng.randrange(256)
    return patch


@S.test("binary", "damaged copies read with --exe: magic, nfunc, offsets, bytes, build info")
def t_damaged():
    src = fixture_path("gconly")
    fx = Fixture(src)
    diag, seen = [], {}
    try:
        good = gi(["-p", str(fx.pid), "goroutines"])
        cases = [("magic", 0), ("nfunc", 0), ("buildinfo", 0)]
        cases += [(k, s) for k in ("offsets", "pclntab", "ftab", "file")
                  for s in range(max(2, TRIALS // 3))]
        for kind, seed in cases:
            exe = patched_copy(src, os.path.join(S.tmp, "damaged"), damage(kind, seed))
            for cmd in (["goroutines"], ["-a", "goroutines"], ["threads"], ["info"]):
                r = gi(["--exe", exe, "-p", str(fx.pid)] + cmd)
                d = run_problems(r, {0, 1, 2, 3})
                key = "%s: %s" % (kind, re.sub(r"0x[0-9a-f]+|\d+", "N",
                                               r.err.strip().split("\n")[0][:100]
                                               if r.rc else "exit %d" % r.rc))
                seen[key] = seen.get(key, 0) + 1
                if kind in ("magic", "nfunc") and r.rc != 2:
                    d.append("a damaged pclntab header must give exit 2: %s" % r)
                if kind == "buildinfo" and cmd == ["goroutines"] and \
                        (r.rc != 0 or r.out != good.out):
                    d.append("a damaged .go.buildinfo (version also in runtime.buildVersion)"
                             " must not change the dump: %s" % r)
                diag += ["%s %d %s: %s" % (kind, seed, " ".join(cmd), x) for x in d]
            if len(diag) > 20:
                break
        report_seen(seen)
        return diag + thread_problems(fx.pid)
    finally:
        fx.stop()


BAD_INPUT = [
    # (arguments, exit status, message pattern); PID is replaced
    ([], 64, r"which process"),
    (["--no-such-option"], 64, r"unrecognized option|invalid option"),
    (["-p", "0", "goroutines"], 64, r"not a process id"),
    (["-p", "99999999999999999999", "goroutines"], 64, r"not a process id"),
    (["-p", "4194305", "goroutines"], 64, r"not a process id"),
    (["-p", "4194304", "goroutines"], 2, r"no process 4194304"),
    (["-p", "PID", "nosuchcommand"], 64, r"unknown command 'nosuchcommand'"),
    (["-p", "PID", ""], 64, r"command"),
    (["-p", "PID", "x" * 100000], 64, r"unknown command"),
    (["-p", "PID", "bt"], 64, r"bt"),
    (["-p", "PID", "bt", "abc"], 64, r"'abc' is not a goroutine id"),
    (["-p", "PID", "bt", "-1"], 64, r"'-1'"),
    (["-p", "PID", "bt", "99999999999999999999999"], 64, r"not a goroutine id"),
    (["-p", "PID", "goroutine"], 64, r"goroutine"),
    (["-p", "PID", "goroutine", "1", "2"], 64, r"goroutine"),
    (["-p", "PID", "goroutine", "18446744073709551615"], 1, r"no goroutine 18446744073709551615"),
    (["-p", "PID", "goroutines", "-x"], 64, r"unknown option '-x'"),
    (["-p", "PID", "info", "extra"], 64, r"no arguments"),
    (["-p", "PID", "help", "nosuch"], 64, r"nosuch"),
    (["--force-version", "banana", "-p", "PID", "goroutines"], 64, r"'banana' is not a Go version"),
    (["--force-version", "go1.99", "-p", "PID", "goroutines"], 3, r"no layout for that release"),
    (["--exe", "/nonexistent/file", "-p", "PID", "goroutines"], 2, r"/nonexistent/file"),
    (["--exe", "/etc/passwd", "-p", "PID", "goroutines"], 2, r"not an ELF file"),
    (["-p", "PID", "x", "0", "16"], 1, r"cannot read 16 bytes at 0$"),
    (["-p", "PID", "x", "0xffffffffffffffff", "16"], 1, r"cannot read"),
    (["-p", "PID", "x", "zz", "16"], 64, r"."),
    (["-p", "PID", "x", "0x1000", "99999999999999999999999"], 64, r"."),
]

# Expressions for print: any of exit 0, 1, 2, 64 with a message, never a crash.
BAD_EXPRESSIONS = ["", "(", ")))", "((((((((((((((((((((((((((((((((((((((((x",
                   "*", "**", "&", "no.such.name", "main.", ".", "0", "-1",
                   "*(*int)(0)", "*(*int)(0xffffffffffffffff)", "*(*[1<<40]byte)(0x1000)",
                   "(map[string]int)(0)", "(map[int]int)(0x10)", "*(*string)(0x1000)",
                   "*(*[]int)(8)", "runtime.allgs[99999999999]", "runtime.allgs[-1]",
                   "runtime.allm.", "runtime.allm.nosuchfield", "1/0", "\x00\xff\xfe",
                   "x" * 10000, "*(*" * 500 + "int)(0)" + ")" * 500, "[" * 1000,
                   "*(*struct{a [1<<62]int})(0x1000)", "*(*chan int)(0x1000)"]


@S.test("input", "bad options, commands and ids: the documented exit status and one clear line")
def t_bad_input():
    fx = Fixture(fixture_path("gconly"))
    try:
        diag = []
        for args, rc, pattern in BAD_INPUT:
            args = [str(fx.pid) if a == "PID" else a for a in args]
            r = gi(args)
            d = one_line_error(r, rc, pattern)
            diag += ["%s: %s" % (" ".join(args)[:60], x) for x in d]
        ids = [str(i) for i in range(1, 5001)]
        r = gi(["-p", str(fx.pid), "bt"] + ids)
        diag += run_problems(r, {0, 1})
        return diag + thread_problems(fx.pid)
    finally:
        fx.stop()


@S.test("input", "garbage expressions for print and lines for the session: no crash, no hang")
def t_bad_expr():
    fx = Fixture(fixture_path("funcs"))
    try:
        diag = []
        for e in BAD_EXPRESSIONS:
            e = e.replace("\x00", "")
            r = gi(["-p", str(fx.pid), "print", e])
            diag += ["print %r: %s" % (e[:40], x) for x in run_problems(r, {0, 1, 2, 64})]
        lines = "\n".join(e.replace("\x00", "") for e in BAD_EXPRESSIONS)
        lines += "\nbt 1 zz\nhold\ngoroutines\nx 0 99\nrelease\nset depth -1\nset nosuch 1\n"
        r = gi(["-p", str(fx.pid)], stdin=lines.encode() + bytes(range(1, 256)) + b"\n")
        diag += ["session: %s" % x for x in run_problems(r, {0, 1, 2, 64})]
        return diag + thread_problems(fx.pid)
    finally:
        fx.stop()


PTRACE_READ_ONLY = {"PTRACE_SEIZE", "PTRACE_INTERRUPT", "PTRACE_GETREGS", "PTRACE_DETACH",
                    "PTRACE_GETFPREGS", "PTRACE_GETREGSET", "PTRACE_PEEKDATA",
                    "PTRACE_PEEKTEXT", "PTRACE_PEEKUSER", "PTRACE_GETSIGINFO"}


@S.test("writes", "strace of goinspect: read-only ptrace requests, no signal, no write open")
def t_no_writes():
    if not shutil.which("strace"):
        raise Skip("strace not installed (scripts/install-deps.sh installs it)")
    fx = Fixture(fixture_path("blocking"))
    diag = []
    try:
        target = set(tids(fx.pid)) | {str(fx.pid)}
        # LeakSanitizer (in an ASan build) cannot run under strace.
        env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0")
        for cmd in (["goroutines"], ["-a", "goroutines"], ["threads"], ["procs"],
                    ["sched"], ["info"], ["print", "runtime.allglen"]):
            log = os.path.join(S.tmp, "strace.log")
            r = gi(["-p", str(fx.pid)] + cmd, env=env,
                   prefix=["strace", "-f", "-qq", "-o", log, "-e",
                           "trace=ptrace,process_vm_writev,kill,tkill,tgkill,"
                           "rt_sigqueueinfo,rt_tgsigqueueinfo,pidfd_send_signal,"
                           "pwrite64,pwritev,pwritev2,openat,open"])
            d = run_problems(r, {0, 1, 2})
            with open(log, errors="replace") as f:
                calls = f.read().splitlines()
            nptrace, requests = 0, set()
            for line in calls:
                m = re.search(r"ptrace\((PTRACE_\w+), (\d+)", line)
                if m:
                    nptrace += 1
                    requests.add(m.group(1))
                    if m.group(2) in target and m.group(1) not in PTRACE_READ_ONLY:
                        d.append("write-capable request: " + line)
                    continue
                if re.search(r"\b(process_vm_writev|pwrite64|pwritev2?)\(", line):
                    d.append("write call: " + line)
                m = re.search(r"\b(kill|tkill|tgkill|rt_sigqueueinfo|rt_tgsigqueueinfo|"
                              r"pidfd_send_signal)\((\d+)", line)
                if m and m.group(2) in target:
                    d.append("signal to the target: " + line)
                if re.search(r'open(at)?\(.*"/proc/%d/' % fx.pid, line) and \
                        re.search(r"O_WRONLY|O_RDWR", line):
                    d.append("opened for writing: " + line)
            print("# %s: ptrace requests %s" % (" ".join(cmd), " ".join(sorted(requests))))
            if cmd == ["goroutines"] and nptrace == 0:
                d.append("strace saw no ptrace call at all: the check checked nothing")
            diag += ["%s: %s" % (" ".join(cmd), x) for x in d]
        return diag + thread_problems(fx.pid)
    finally:
        fx.stop()


# ------------------------------------------------------------ main

def main():
    groups = sys.argv[1:]
    tests = [t for t in S.tests if not groups or t[0] in groups]
    print("1..%d" % len(tests), flush=True)
    counts = {"ok": 0, "not ok": 0, "skip": 0}
    if not os.path.exists(GOINSPECT):
        print("# goinspect not found at %s (set GOINSPECT)" % GOINSPECT)
    if any(t[2] is t_other_arch_running for t in tests):
        threading.Thread(target=lambda: (build_386_quiet()), daemon=True).start()
    try:
        for n, (group, desc, fn) in enumerate(tests, 1):
            t0 = time.monotonic()
            try:
                diag = fn()
                status = "not ok" if diag else "ok"
            except Skip as e:
                print("ok %d - %s: %s # SKIP %s" % (n, group, desc, e), flush=True)
                counts["skip"] += 1
                continue
            except Exception as e:      # noqa: a broken test must not stop the rest
                diag = ["%s: %s" % (type(e).__name__, e)] + \
                    traceback.format_exc().splitlines()[-6:]
                status = "not ok"
            counts[status] += 1
            print("%s %d - %s: %s" % (status, n, group, desc), flush=True)
            for d in diag[:60]:
                for line in str(d).splitlines():
                    print("# " + line)
            print("# (%.1fs)" % (time.monotonic() - t0), flush=True)
    finally:
        if S.many:
            S.many.stop()
        kill_all()
        shutil.rmtree(S.tmp, ignore_errors=True)
    print("# %d passed, %d failed, %d skipped" % (counts["ok"], counts["not ok"],
                                                  counts["skip"]))
    return 1 if counts["not ok"] else 0


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    sys.exit(main())
