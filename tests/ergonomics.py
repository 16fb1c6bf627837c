#!/usr/bin/env python3
"""Incident-response features against what the Go target says itself.

The target is fixtures/ergo (see its main.go): it writes its own
runtime.Stack dump (stack.txt) and the pprof labels of its labelled
goroutines by id (values.json); with GOINSPECT_PHASES=1 it changes state
when a line arrives on stdin and writes stack_gc.txt, stack2.txt, ready2.

For each Go toolchain (default build):
  ps       `ps` and `--json ps` list the fixture with its Go version
           (runtime.Version()) and main module (its go.mod), not stripped;
  group    `goroutines -g --json` groups equal the groups made from
           stack.txt by status and frames (function, file, line) plus the
           "created by" frame, ignoring arguments; ids and counts equal;
  gtext    `goroutines -g` text headers agree, largest group first;
  top      `-g --top 2` is the first two groups;
  status, with, without, label, bt: each filter selects exactly the
           goroutines of stack.txt that the filter describes (labels from
           values.json), and --json labels equal values.json;
  verbose  with -v, the last line on stderr is the summary;
  diff     `--diff OLD.json` after phase two: appeared, vanished and
           changed-state ids equal those between stack.txt and stack2.txt;
  minwait  `--min-wait 1s` lists the goroutines parked since before the
           fixture's runtime.GC (those in both stack_gc.txt and stack2.txt),
           `--min-wait 1h` none;
  after    the fixture is alive and no thread is left stopped or traced.
Once:
  stripped `ps` says a stripped (-s -w) fixture is stripped;
  name     `-p NAME` picks the one process of that name, and refuses with
           exit 64 and a list naming both pids when there are two;
  mntns    a fixture started by `unshare -m` from a tmpfs mounted only in
           its own mount namespace is read through /proc/PID/exe;
  static   `configure --enable-static` builds a binary that `ldd` calls
           not dynamic, and it dumps a fixture like runtime.Stack does;
  complete completion/goinspect.bash completes the commands --help lists.

TAP output.  Environment as for tests/fixtures.py (GOINSPECT, FIXTURE_BIN,
GOINSPECT_SLOW).
"""

import json
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
sys.path.insert(0, HERE)
import fixtures as fx  # noqa: E402  (the parsing and the thread checks)

TOOLCHAINS = ["1.19", "1.26", "1.27"]
READY_TIMEOUT = 30.0
RUN_TIMEOUT = 120.0 * fx.SLOW     # GOINSPECT_SLOW (tests/valgrind.sh)
MODULE = "goinspect.test/fixtures/ergo"
GROUP_HDR_RE = re.compile(r"^(\d+) goroutines? \[([^\]]*)\]: ids? ([\d ]+)")
CREATED_RE = re.compile(r"^created by (\S+?)(?: in goroutine \d+)?$")


class Skip(Exception):
    pass


class Fail(Exception):
    def __init__(self, *lines):
        super().__init__(lines[0] if lines else "failed")
        self.lines = list(lines)


def goinspect():
    return os.environ.get("GOINSPECT") or os.path.join(TOP, "src", "goinspect")


def bindir():
    return os.path.abspath(os.environ.get("FIXTURE_BIN") or os.path.join(HERE, "fixture-bin"))


def run(args, check=True, exe=None):
    """Run goinspect; returns (rc, stdout, stderr)."""
    cmd = [exe or goinspect()] + args
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise Fail("%s: timed out" % " ".join(cmd))
    out = p.stdout.decode(errors="replace")
    err = p.stderr.decode(errors="replace")
    if check and p.returncode != 0:
        if fx.EPERM_RE.search(err):
            raise Skip("ptrace not permitted: " + err.strip()[-200:])
        raise Fail("%s exited with %d" % (" ".join(cmd), p.returncode),
                   *fx.bounded(err.splitlines(), 10))
    return p.returncode, out, err


class Target:
    """A running fixture and its ground truth."""

    def __init__(self, binary, phases=False, argv=None, outdir=None):
        self.outdir = outdir or tempfile.mkdtemp(prefix="goinspect-ergo-")
        env = {k: v for k, v in os.environ.items() if k not in fx.SCRUB_ENV}
        env["GOINSPECT_OUT"] = self.outdir
        if phases:
            env["GOINSPECT_PHASES"] = "1"
        self.err = open(os.path.join(self.outdir, "fixture.stderr"), "wb")
        self.proc = subprocess.Popen(argv or [binary], cwd=self.outdir, env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                     stderr=self.err)
        self.wait_file("ready")
        self.info = self.load_json("info.json")
        self.pid = self.info["pid"]
        if self.info.get("warning"):
            raise Fail("fixture: " + self.info["warning"])
        self.truth = self.blocks("stack.txt", self.info["dumper_goid"])

    def wait_file(self, name):
        path = os.path.join(self.outdir, name)
        deadline = time.monotonic() + READY_TIMEOUT
        while not os.path.exists(path):
            if self.proc.poll() is not None:
                raise Fail("fixture exited with %d before %s" % (self.proc.returncode, name),
                           *self.stderr_lines())
            if time.monotonic() > deadline:
                raise Fail("fixture wrote no %s in %ds" % (name, READY_TIMEOUT),
                           *self.stderr_lines())
            time.sleep(0.02)

    def stderr_lines(self):
        with open(os.path.join(self.outdir, "fixture.stderr"), errors="replace") as f:
            return ["fixture: " + l for l in f.read().splitlines()[-10:]]

    def load_json(self, name):
        with open(os.path.join(self.outdir, name)) as f:
            return json.load(f)

    def blocks(self, name, skip_goid=None):
        """The blocks of a dump; without the first (its dumper) when
        skip_goid is None, else without goroutine skip_goid."""
        with open(os.path.join(self.outdir, name), errors="replace") as f:
            bl = fx.split_dump(f.read())
        if skip_goid is None:
            return bl[1:]
        return [b for b in bl if b.goid != skip_goid]

    def phase_two(self):
        self.proc.stdin.write(b"\n")
        self.proc.stdin.flush()
        self.wait_file("ready2")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
        for f in (self.proc.stdin, self.err):
            try:
                f.close()
            except OSError:
                pass

    def cleanup(self, keep):
        if not keep:
            shutil.rmtree(self.outdir, ignore_errors=True)


# ------------------------------------------------------------ ground truth

def block_group_key(b):
    """(status, frames, elided, creator) of a runtime.Stack block."""
    before, elided, after = b.frames()
    creator = None
    for i, line in enumerate(b.lines):
        m = CREATED_RE.match(line)
        if m and i + 1 < len(b.lines):
            pm = fx.POS_RE.match(b.lines[i + 1])
            if pm:
                creator = (m.group(1), pm.group(1), int(pm.group(2)))
    return (b.first_state(), tuple(before + after), elided, creator)


def truth_groups(blocks):
    groups = {}
    for b in blocks:
        groups.setdefault(block_group_key(b), []).append(b.goid)
    return {k: sorted(v) for k, v in groups.items()}


def json_group_key(g):
    frames = tuple((f["func"], f["file"], f["line"]) for f in g["frames"])
    c = g.get("created_by")
    creator = (c["func"], c["file"], c["line"]) if c else None
    elided = g.get("elided") or None
    return (g["status"], frames, elided, creator)


def ids_of(text):
    return sorted(b.goid for b in fx.split_dump(text) if b.goid is not None)


def set_diff(want, got, what):
    want, got = set(want), set(got)
    d = []
    if want - got:
        d.append("%s: missing %s" % (what, sorted(want - got)))
    if got - want:
        d.append("%s: unexpected %s" % (what, sorted(got - want)))
    return d


# ------------------------------------------------------------ the checks

def check_ps(t, tc):
    _, out, _ = run(["--json", "ps"])
    procs = {p["pid"]: p for p in json.loads(out)["processes"]}
    d = []
    p = procs.get(t.pid)
    if p is None:
        return ["pid %d not in --json ps: %s" % (t.pid, sorted(procs))]
    if p["go_version"] != t.info["go_version"]:
        d.append("go_version %r, the fixture says %r" % (p["go_version"], t.info["go_version"]))
    if p["main_module"] != MODULE:
        d.append("main_module %r, go.mod says %r" % (p["main_module"], MODULE))
    if p["stripped"]:
        d.append("default build reported stripped")
    if not isinstance(p["threads"], int) or p["threads"] < 1 or p["rss_bytes"] <= 0:
        d.append("threads %r, rss %r" % (p["threads"], p["rss_bytes"]))
    _, out, _ = run(["ps"])
    lines = [l for l in out.splitlines() if l.split()[:1] == [str(t.pid)]]
    if len(lines) != 1 or t.info["go_version"] not in lines[0].split():
        d.append("text ps: no line starting with %d naming %s" % (t.pid, t.info["go_version"]))
        d += fx.bounded(out.splitlines(), 10)
    return d


def check_group(t, tc):
    _, out, _ = run(["--json", "-p", str(t.pid), "goroutines", "-g"])
    doc = json.loads(out)
    got = {}
    d = []
    for g in doc["groups"]:
        if g["count"] != len(g["ids"]):
            d.append("group count %d but %d ids" % (g["count"], len(g["ids"])))
        wm = g["wait_minutes"]
        if wm["min"] > wm["max"]:
            d.append("wait_minutes %r" % wm)
        got[json_group_key(g)] = sorted(g["ids"])
    want = truth_groups(t.truth)
    for k in set(want) | set(got):
        if want.get(k) != got.get(k):
            d.append("group [%s] %s ...: runtime.Stack ids %s, goinspect ids %s"
                     % (k[0], k[1][:1], want.get(k), got.get(k)))
    counts = [g["count"] for g in doc["groups"]]
    if counts != sorted(counts, reverse=True):
        d.append("groups not largest first: %s" % counts)
    t.groups_json = doc["groups"]
    return fx.bounded(d, 40)


def check_gtext(t, tc):
    _, out, _ = run(["-p", str(t.pid), "goroutines", "-g"])
    heads = [GROUP_HDR_RE.match(b.split("\n")[0]) for b in out.split("\n\n") if b.strip()]
    if not all(heads):
        return ["a group does not start with 'N goroutines [status]: ids ...'"] + \
            fx.bounded(out.splitlines(), 10)
    got = [(int(m.group(1)), m.group(2), [int(x) for x in m.group(3).split()][:20])
           for m in heads]
    want = [(g["count"], g["status"], g["ids"][:20]) for g in t.groups_json]
    if got != want:
        return ["text groups differ from --json groups:"] + \
            ["  text %s / json %s" % (a, b) for a, b in zip(got, want) if a != b][:10]
    return []


def check_top(t, tc):
    _, out, _ = run(["--json", "-p", str(t.pid), "goroutines", "-g", "--top", "2"])
    got = [sorted(g["ids"]) for g in json.loads(out)["groups"]]
    sizes = sorted((len(v) for v in truth_groups(t.truth).values()), reverse=True)
    want = [sorted(g["ids"]) for g in t.groups_json[:2]]
    d = []
    if got != want:
        d.append("--top 2 gave %d groups %s, want the first two" % (len(got), got))
    if [len(g) for g in got] != sizes[:2]:
        d.append("--top 2 sizes %s, runtime.Stack's two largest %s"
                 % ([len(g) for g in got], sizes[:2]))
    return d


def filter_case(t, args, pred, what):
    _, out, _ = run(["-p", str(t.pid), "goroutines"] + args)
    want = [b.goid for b in t.truth if pred(b)]
    if not want:
        return ["test error: %s selects nothing in stack.txt" % what]
    d = set_diff(want, ids_of(out), what)
    # Each printed block is still the runtime's own text.
    if not d:
        d = fx.compare_blocks([b for b in t.truth if pred(b)], fx.split_dump(out))
    return d


def funcs(b):
    before, _, after = b.frames()
    return [f[0] for f in before + after]


def check_status(t, tc):
    return filter_case(t, ["--status", "select"], lambda b: b.first_state() == "select",
                       "--status select") + \
        filter_case(t, ["--status=chan receive"],
                    lambda b: b.first_state() == "chan receive", "--status='chan receive'")


def check_with(t, tc):
    rx = re.compile(r"main\.(leaker|poller)")
    return filter_case(t, ["--with", r"main\.(leaker|poller)"],
                       lambda b: any(rx.search(f) for f in funcs(b)), "--with") + \
        filter_case(t, ["--with", "main", "--status", "select"],
                    lambda b: b.first_state() == "select", "--with main --status select")


def check_without(t, tc):
    return filter_case(t, ["--without", "leaker", "--without=poller"],
                       lambda b: not any(("leaker" in f or "poller" in f) for f in funcs(b)),
                       "--without")


def check_label(t, tc):
    labels = {int(k): v for k, v in t.load_json("values.json")["labels"].items()}
    d = filter_case(t, ["--label", "worker=a"],
                    lambda b: labels.get(b.goid, {}).get("worker") == "a", "--label worker=a")
    d += filter_case(t, ["--label", "shard", "--label", "worker=c"],
                     lambda b: "shard" in labels.get(b.goid, {}) and
                     labels[b.goid].get("worker") == "c", "--label shard --label worker=c")
    _, out, _ = run(["--json", "-p", str(t.pid), "goroutines"])
    for g in json.loads(out)["goroutines"]:
        want = labels.get(g["id"])
        if (g.get("labels") or None) != want:
            d.append("goroutine %d: labels %r, the fixture set %r" % (g["id"], g.get("labels"), want))
    return d


def check_bt(t, tc):
    sel = [b for b in t.truth if b.first_state() == "select"][:1]
    other = [b for b in t.truth if b.first_state() != "select"][:1]
    ids = [str(b.goid) for b in sel + other]
    _, out, _ = run(["-p", str(t.pid), "bt"] + ids + ["--status", "select"])
    return set_diff([sel[0].goid], ids_of(out), "bt %s --status select" % " ".join(ids))


def check_verbose(t, tc):
    _, _, err = run(["-v", "-p", str(t.pid), "goroutines", "-g"])
    last = err.strip().splitlines()[-1:] or [""]
    if not re.match(r"^goinspect: \d+ goroutines, \d+ threads, paused \d+ us, "
                    r"read \d+ bytes$", last[0]):
        return ["last stderr line with -v: %r" % last[0]]
    return []


def check_diff(t, tc):
    _, old, _ = run(["--json", "-p", str(t.pid), "goroutines"])
    path = os.path.join(t.outdir, "old.json")
    with open(path, "w") as f:
        f.write(old)
    t.phase_two()
    t.truth2 = t.blocks("stack2.txt")
    _, out, _ = run(["--json", "-p", str(t.pid), "goroutines", "--diff", path])
    doc = json.loads(out)
    a = {b.goid: b for b in t.truth}
    b2 = {b.goid: b for b in t.truth2}
    d = set_diff(set(b2) - set(a), [x["id"] for x in doc["appeared"]], "appeared")
    d += set_diff(set(a) - set(b2), [x["id"] for x in doc["vanished"]], "vanished")
    changed = [i for i in set(a) & set(b2) if a[i].first_state() != b2[i].first_state()]
    if not changed:
        d.append("test error: nothing changed state between the dumps")
    d += set_diff(changed, [x["id"] for x in doc["changed"]], "changed")
    for x in doc["changed"]:
        if x["id"] in a and x.get("wait_reason") != b2[x["id"]].first_state():
            d.append("changed %d: now %r, runtime.Stack says %r"
                     % (x["id"], x.get("wait_reason"), b2[x["id"]].first_state()))
    _, text, _ = run(["-p", str(t.pid), "goroutines", "--diff", path])
    for kind in ("appeared", "vanished", "changed"):
        if "%s: %d" % (kind, len(doc[kind])) not in text.splitlines():
            d.append("text diff lacks '%s: %d'" % (kind, len(doc[kind])))
    return d


def check_minwait(t, tc):
    if not hasattr(t, "truth2"):
        raise Fail("needs the diff check's second phase")
    gc = {b.goid for b in t.blocks("stack_gc.txt")}
    want = [b.goid for b in t.truth2 if b.goid in gc]
    _, out, _ = run(["-p", str(t.pid), "goroutines", "--min-wait", "1s"])
    d = set_diff(want, ids_of(out), "--min-wait 1s")
    _, out, _ = run(["-p", str(t.pid), "goroutines", "--min-wait", "1h"])
    if ids_of(out):
        d.append("--min-wait 1h listed %s" % ids_of(out))
    return d


def check_after(t, tc):
    d = []
    if t.proc.poll() is not None:
        d.append("fixture exited with %d" % t.proc.returncode)
    d += fx.thread_problems(t.pid)
    return d


PER_TOOLCHAIN = [
    ("ps", "ps finds the fixture, its Go version and module", check_ps),
    ("group", "-g groups equal runtime.Stack's identical stacks", check_group),
    ("gtext", "-g text headers agree with --json, largest first", check_gtext),
    ("top", "-g --top 2 keeps the two largest groups", check_top),
    ("status", "--status selects by the header status", check_status),
    ("with", "--with REGEXP on function names", check_with),
    ("without", "--without REGEXP on function names", check_without),
    ("label", "--label and --json labels match the fixture's pprof labels", check_label),
    ("bt", "bt ID... takes filters too", check_bt),
    ("verbose", "-v ends stderr with the summary line", check_verbose),
    ("diff", "--diff: appeared, vanished, changed state", check_diff),
    ("minwait", "--min-wait by the runtime's own wait record", check_minwait),
    ("after", "fixture alive, no thread stopped or traced", check_after),
]


def toolchain_results(tc, keep):
    names = [(k, desc) for k, desc, _ in PER_TOOLCHAIN]
    skipped = os.path.join(bindir(), tc, "SKIPPED")
    binary = os.path.join(bindir(), tc, "default", "ergo")
    if os.path.exists(skipped):
        with open(skipped) as f:
            reason = f.read().strip()
        return [("skip", "%s: %s" % (tc, d), [reason]) for _, d in names]
    if not os.path.exists(binary):
        return [("not ok", "%s: %s" % (tc, d), ["%s was not built" % binary])
                for _, d in names]
    out, t = [], None
    try:
        t = Target(binary, phases=True)
        for key, desc, fn in PER_TOOLCHAIN:
            try:
                diag = fn(t, tc)
                out.append(("not ok" if diag else "ok", desc, diag))
            except Skip as e:
                out.append(("skip", desc, [str(e)]))
            except (Fail, ValueError, KeyError, TypeError) as e:
                out.append(("not ok", desc, getattr(e, "lines", [repr(e)])))
    except (Fail, Skip) as e:
        status = "skip" if isinstance(e, Skip) else "not ok"
        out += [(status, d, getattr(e, "lines", [str(e)])) for _, d in names[len(out):]]
    finally:
        if t:
            t.stop()
            failed = any(s == "not ok" for s, _, _ in out)
            if failed:
                out[-1][2].append("fixture output kept in %s" % t.outdir)
            t.cleanup(keep or failed)
    return [(s, "%s: %s" % (tc, d), diag) for s, d, diag in out]


# ------------------------------------------------------------ once

def check_stripped():
    binary = os.path.join(bindir(), "1.26", "stripped", "ergo")
    if not os.path.exists(binary):
        raise Fail("%s was not built" % binary)
    t = Target(binary)
    try:
        _, out, _ = run(["--json", "ps"])
        p = [x for x in json.loads(out)["processes"] if x["pid"] == t.pid]
        if not p or p[0]["stripped"] is not True or p[0]["go_version"] != t.info["go_version"]:
            return ["stripped fixture %d: ps says %r" % (t.pid, p)]
        return []
    finally:
        t.stop()
        t.cleanup(False)


def check_name():
    src = os.path.join(bindir(), "1.26", "default", "ergo")
    tmp = tempfile.mkdtemp(prefix="goinspect-name-")
    name = "ergo-%d" % (os.getpid() % 1000000)
    binary = os.path.join(tmp, name)
    shutil.copy(src, binary)
    ts = []
    try:
        ts.append(Target(binary))
        _, out, _ = run(["-p", name, "goroutines"])
        d = fx.compare_blocks(ts[0].truth, fx.split_dump(out))
        ts.append(Target(binary))
        rc, out, err = run(["-p", name, "goroutines"], check=False)
        if rc != 64:
            d.append("two processes named %s: exit %d, want 64" % (name, rc))
        for t in ts:
            if not re.search(r"^%d\s" % t.pid, err, re.M):
                d.append("refusal does not list pid %d: %r" % (t.pid, err[-300:]))
        return d
    finally:
        for t in ts:
            t.stop()
            t.cleanup(False)
        shutil.rmtree(tmp, ignore_errors=True)


def check_mntns():
    unshare = shutil.which("unshare")
    if not unshare:
        raise Skip("no unshare(1) (util-linux)")
    src = os.path.join(bindir(), "1.26", "default", "ergo")
    tmp = tempfile.mkdtemp(prefix="goinspect-mntns-")
    hidden = os.path.join(tmp, "hidden")
    out_dir = os.path.join(tmp, "out")
    os.mkdir(hidden)
    os.mkdir(out_dir)
    flags = ["-m"] if os.geteuid() == 0 else ["-r", "-m"]
    script = 'mount -t tmpfs tmpfs "$1" && cp "$2" "$1/ergo" && exec "$1/ergo"'
    argv = [unshare] + flags + ["--propagation", "private", "sh", "-c", script,
                                "sh", hidden, src]
    probe = subprocess.run([unshare] + flags + ["true"], stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE)
    if probe.returncode != 0:
        shutil.rmtree(tmp, ignore_errors=True)
        raise Skip("cannot make a mount namespace here: %s"
                   % probe.stderr.decode(errors="replace").strip()[:200])
    t = None
    try:
        t = Target(None, argv=argv, outdir=out_dir)
        exe = os.readlink("/proc/%d/exe" % t.pid)
        d = []
        if exe != os.path.join(hidden, "ergo") or os.path.exists(exe):
            d.append("test error: the target's executable %r is visible here" % exe)
        if not os.path.exists("/proc/%d/root%s" % (t.pid, exe)):
            d.append("test error: %r not under /proc/%d/root" % (exe, t.pid))
        _, out, _ = run(["-p", str(t.pid), "goroutines"])
        d += fx.compare_blocks(t.truth, fx.split_dump(out))
        _, out, _ = run(["--json", "ps"])
        if t.pid not in [p["pid"] for p in json.loads(out)["processes"]]:
            d.append("ps does not list the target in its own mount namespace")
        return d
    finally:
        if t:
            t.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def copy_build_tree(dest):
    """Copy what configuring and building goinspect needs into dest: the
    source tree may be configured in place already, and then configure
    refuses a separate build directory."""
    os.mkdir(dest)
    # Copies keep their times, so make sees the generated files as current.
    # (A release tarball has no m4/ directory: copy what exists.)
    for name in ("configure.ac", "Makefile.am", "aclocal.m4", "configure",
                 "Makefile.in", "config.h.in"):
        shutil.copy2(os.path.join(TOP, name), dest)
    for name in ("build-aux", "m4", "src", "man", "completion"):
        if not os.path.isdir(os.path.join(TOP, name)):
            continue
        shutil.copytree(os.path.join(TOP, name), os.path.join(dest, name),
                        ignore=shutil.ignore_patterns("*.o", ".deps", ".dirstamp", "goinspect"))


def check_static():
    if not os.path.exists(os.path.join(TOP, "configure")):
        raise Fail("no %s: run autoreconf -fi first" % os.path.join(TOP, "configure"))
    tmp = tempfile.mkdtemp(prefix="goinspect-static-")
    build = os.path.join(tmp, "tree")
    t = None
    try:
        copy_build_tree(build)
        for cmd in (["sh", "./configure", "-q", "--enable-static"],
                    ["make", "-j2", "src/goinspect"]):
            p = subprocess.run(cmd, cwd=build, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            if p.returncode != 0:
                raise Fail("%s failed:" % " ".join(cmd[:2]),
                           *fx.bounded(p.stdout.decode(errors="replace").splitlines()[-30:], 30))
        exe = os.path.join(build, "src", "goinspect")
        p = subprocess.run(["ldd", exe], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        text = p.stdout.decode(errors="replace")
        d = []
        if "not a dynamic executable" not in text:
            d.append("ldd %s: %s" % (exe, text.strip()[:300]))
        t = Target(os.path.join(bindir(), "1.26", "default", "ergo"))
        _, out, _ = run(["-p", str(t.pid), "goroutines"], exe=exe)
        return d + fx.compare_blocks(t.truth, fx.split_dump(out))
    finally:
        if t:
            t.stop()
            t.cleanup(False)
        shutil.rmtree(tmp, ignore_errors=True)


def check_completion():
    script = os.path.join(TOP, "completion", "goinspect.bash")
    _, helptext, _ = run(["--help"])
    cmds = re.findall(r"^  ([a-z]\S*)", helptext.split("Commands:")[1], re.M)
    env = dict(os.environ, PATH=os.path.dirname(os.path.abspath(goinspect())) +
               os.pathsep + os.environ.get("PATH", ""))
    d = []
    for words, want in ((["goinspect", "gor"], [c for c in cmds if c.startswith("gor")]),
                        (["goinspect", "-p", "1", "goroutines", "--wi"],
                         ["--with", "--without"])):
        prog = ('source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); '
                '_goinspect; printf "%s\\n" "${COMPREPLY[@]}"')
        p = subprocess.run(["bash", "-c", prog, "bash", script] + words, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        got = sorted(l for l in p.stdout.decode().splitlines() if l)
        if p.returncode != 0 or got != sorted(want) or not want:
            d.append("completing %r: %r, want %r %s" % (words, got, sorted(want),
                                                      p.stderr.decode()[-200:]))
    return d


ONCE = [
    ("bash completion: commands from --help, goroutines options", check_completion),
    ("ps says a stripped build is stripped", check_stripped),
    ("-p NAME: one process picked, two refused with their pids", check_name),
    ("a target in its own mount namespace (unshare -m)", check_mntns),
    ("configure --enable-static: no shared libraries, same dump", check_static),
]


def main():
    keep = "--keep" in sys.argv
    results = []
    for tc in TOOLCHAINS:
        results += toolchain_results(tc, keep)
    for desc, fn in ONCE:
        try:
            diag = fn()
            results.append(("not ok" if diag else "ok", desc, diag))
        except Skip as e:
            results.append(("skip", desc, [str(e)]))
        except (Fail, ValueError, KeyError, OSError) as e:
            results.append(("not ok", desc, getattr(e, "lines", [repr(e)])))
    print("1..%d" % len(results))
    counts = {"ok": 0, "not ok": 0, "skip": 0}
    for n, (status, desc, diag) in enumerate(results, 1):
        counts[status] += 1
        if status == "skip":
            print("ok %d - %s # SKIP %s" % (n, desc, "; ".join(diag)[:300]))
            continue
        print("%s %d - %s" % (status, n, desc))
        for line in fx.bounded(diag, 60):
            print("# " + line)
    print("# %d passed, %d failed, %d skipped" % (counts["ok"], counts["not ok"], counts["skip"]))
    return 1 if counts["not ok"] else 0


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(1))
    sys.exit(main())
