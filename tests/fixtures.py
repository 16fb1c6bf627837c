#!/usr/bin/env python3
"""Compare goinspect with the Go runtime's own goroutine dumps.

For every toolchain x mode x fixture built by tests/build-fixtures.sh, start
the fixture, wait until it has written its own runtime.Stack(buf, true) dump
(stack.txt) and left its dumper goroutine, run goinspect on it and compare:

  text   `goinspect -p PID goroutines` equals stack.txt without the dumper:
         same goroutine ids, each block byte-identical (", N minutes" in the
         header ignored);
  json   `goinspect --json -p PID goroutines` is valid JSON with pid,
         go_version, pause_us and goroutines[{id, status, wait_reason,
         frames[{func, file, line}]}], ids and frames as in stack.txt;
  bt     `goinspect -p PID bt ID ID` prints exactly those two blocks;
  after  the fixture is alive, none of its threads is stopped or traced;
  count  (gconly only) goinspect lists num_goroutine - 1 goroutines.

Output is TAP for automake's tap-driver, ending with a "# N passed, N failed,
N skipped" comment.  Exit status 1 when something failed.

Environment: GOINSPECT (default ../src/goinspect next to this script),
FIXTURE_BIN (build directory, default tests/fixture-bin), GOINSPECT_SLOW
(a factor for the timeouts on goinspect).  Standard library only.  Run a
subset with --toolchain 1.26 --mode default --fixture NAME.
"""

import argparse
import concurrent.futures
import difflib
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
FIXTURES_SRC = os.path.join(TOP, "fixtures")
BUILD_SCRIPT = os.path.join(HERE, "build-fixtures.sh")

TOOLCHAINS = ["1.19", "1.26", "1.27"]
MODES = ["default", "stripped", "pie", "cgo", "trimpath"]
# Modes whose fixtures run with GOMAXPROCS=3 (more Ps than this machine's
# cores; the rest run with the runtime's default).
GOMAXPROCS3_MODES = {"pie", "cgo"}

READY_TIMEOUT = 30.0     # seconds for a fixture to write its dump
# GOINSPECT_SLOW=N multiplies every timeout on goinspect (tests/valgrind.sh
# sets it: goinspect under valgrind is many times slower).
SLOW = float(os.environ.get("GOINSPECT_SLOW") or 1)
GOINSPECT_TIMEOUT = 60.0 * SLOW  # seconds for one goinspect run
MAX_DIFF_LINES = 40      # per mismatching block
MAX_DIAG_LINES = 150     # per test

# Environment variables that would change what runtime.Stack prints or how
# the fixture runs; the fixtures run without them.
SCRUB_ENV = ("GOTRACEBACK", "GODEBUG", "GOGC", "GOMEMLIMIT", "GOMAXPROCS",
             "GOINSPECT_OUT", "GOEXPERIMENT")

HEADER_RE = re.compile(r"^goroutine (\d+) \[(.*)\]:$")
MINUTES_RE = re.compile(r", \d+ minutes")
# A frame's function line: name, then the argument list (no parentheses in
# it: words, "?", "{", "}", ", ", "...").
FUNC_RE = re.compile(r"^(.*)\(([^()]*)\)$")
# A frame's position line: "\tfile:line" and, for physical frames, " +0x..".
POS_RE = re.compile(r"^\t(.*):(\d+)(?: \+0x[0-9a-f]+)?(?: .*)?$")
ELIDED_RE = re.compile(r"^\.\.\.(?:(\d+) frames|additional frames) elided\.\.\.$")
EPERM_RE = re.compile(r"(?i)(operation not permitted|EPERM|ptrace.*(denied|not permitted))")


# ---------------------------------------------------------------- parsing

class Block:
    """One goroutine of a dump: "goroutine N [...]:" and its frame lines."""

    def __init__(self, text):
        self.text = text
        self.lines = text.split("\n")
        m = HEADER_RE.match(self.lines[0])
        self.goid = int(m.group(1)) if m else None
        self.state = m.group(2) if m else ""

    def normalized(self):
        """The block with ", N minutes" dropped from its header."""
        return "\n".join([MINUTES_RE.sub("", self.lines[0])] + self.lines[1:])

    def first_state(self):
        """'chan receive' of '[chan receive, 3 minutes, locked to thread]'."""
        return self.state.split(",")[0].strip()

    def frames(self):
        """(before, elided, after): the frames as (func, file, line) above
        and below an elision line; elided is None (no elision), -1 (Go 1.19's
        "additional frames", count unknown) or the count."""
        before, after, elided = [], [], None
        cur = before
        lines = self.lines[1:]
        i = 0
        while i < len(lines):
            line = lines[i]
            m = ELIDED_RE.match(line)
            if m:
                elided = int(m.group(1)) if m.group(1) else -1
                cur = after
                i += 1
                continue
            if line.startswith("created by ") or line.startswith("\t"):
                break
            fm = FUNC_RE.match(line)
            pm = POS_RE.match(lines[i + 1]) if i + 1 < len(lines) else None
            if not fm or not pm:
                raise ValueError("cannot parse frame at %r" % line)
            cur.append((fm.group(1), pm.group(1), int(pm.group(2))))
            i += 2
        return before, elided, after


def split_dump(text):
    """Blank-line separated goroutine blocks of a dump, in order."""
    return [Block(chunk.strip("\n"))
            for chunk in text.replace("\r\n", "\n").split("\n\n")
            if chunk.strip()]


def bounded(lines, limit):
    if len(lines) <= limit:
        return lines
    return lines[:limit] + ["... (%d more lines)" % (len(lines) - limit)]


def block_diff(want, got, label):
    diff = list(difflib.unified_diff(
        want.split("\n"), got.split("\n"),
        "runtime.Stack " + label, "goinspect " + label, lineterm="", n=2))
    return bounded(diff, MAX_DIFF_LINES)


def compare_blocks(truth, out):
    """Diagnostics (empty when equal) for goinspect's blocks out against the
    ground-truth blocks truth (the dumper already removed)."""
    diag = []
    bad = [b for b in out if b.goid is None]
    for b in bad[:3]:
        diag.append("goinspect printed a block without a goroutine header:")
        diag += ["  " + l for l in bounded(b.lines, 5)]
    got = {}
    for b in out:
        if b.goid is not None:
            if b.goid in got:
                diag.append("goinspect printed goroutine %d twice" % b.goid)
            got[b.goid] = b
    want = {b.goid: b for b in truth}
    missing = sorted(set(want) - set(got))
    extra = sorted(set(got) - set(want))
    if missing:
        diag.append("missing goroutines: %s" % " ".join(map(str, missing)))
    if extra:
        diag.append("extra goroutines: %s" % " ".join(map(str, extra)))
    for goid in [b.goid for b in truth if b.goid in got]:
        w, g = want[goid].normalized(), got[goid].normalized()
        if w != g:
            diag += block_diff(w, g, "goroutine %d" % goid)
    return diag


# ---------------------------------------------------------------- running

class Skip(Exception):
    pass


class Result:
    def __init__(self, status, desc, diag=(), reason=""):
        self.status, self.desc, self.diag, self.reason = status, desc, list(diag), reason


def goinspect_path():
    p = os.environ.get("GOINSPECT")
    if p:
        return p
    return os.path.normpath(os.path.join(HERE, "..", "src", "goinspect"))


def thread_problems(pid):
    """Threads of pid that are stopped or traced, as text lines."""
    problems = []
    try:
        tids = os.listdir("/proc/%d/task" % pid)
    except OSError as e:
        return ["cannot list threads: %s" % e]
    for tid in sorted(tids, key=int):
        try:
            with open("/proc/%d/task/%s/status" % (pid, tid)) as f:
                status = f.read()
        except OSError:
            continue    # the thread exited
        state = re.search(r"^State:\s*(.*)$", status, re.M)
        tracer = re.search(r"^TracerPid:\s*(\d+)", status, re.M)
        state = state.group(1) if state else "?"
        tracer = int(tracer.group(1)) if tracer else -1
        if state[:1] in ("t", "T") or tracer != 0:
            problems.append("thread %s: State %s, TracerPid %d" % (tid, state, tracer))
    return problems


class Case:
    def __init__(self, tc, mode, fixture, bindir, skip_reason=None):
        self.tc, self.mode, self.fixture = tc, mode, fixture
        self.binary = os.path.join(bindir, tc, mode, fixture)
        self.skip_reason = skip_reason
        self.name = "%s/%s/%s" % (tc, mode, fixture)
        self.env_extra = {"GOMAXPROCS": "3"} if mode in GOMAXPROCS3_MODES else {}

    def test_names(self):
        suffix = " (GOMAXPROCS=3)" if self.env_extra else ""
        names = [
            ("text", "%s: goroutines text equals runtime.Stack%s" % (self.name, suffix)),
            ("json", "%s: --json goroutines matches runtime.Stack" % self.name),
            ("bt", "%s: bt ID ID prints those goroutines" % self.name),
            ("after", "%s: fixture alive, no thread stopped or traced afterwards" % self.name),
        ]
        if self.fixture == "gconly":
            names.append(("count", "%s: goroutine count is num_goroutine - 1" % self.name))
        return names

    # -- helpers run inside run()

    def goinspect(self, args):
        """Run goinspect with args; return stdout; raise Skip on EPERM."""
        cmd = [goinspect_path()] + args
        try:
            p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=GOINSPECT_TIMEOUT)
        except subprocess.TimeoutExpired as e:
            raise CaseFail("%s: timed out after %ds" % (" ".join(cmd), GOINSPECT_TIMEOUT),
                           (e.stderr or b"").decode(errors="replace").splitlines()[-10:])
        except OSError as e:
            raise CaseFail("cannot run %s: %s" % (cmd[0], e))
        stderr = p.stderr.decode(errors="replace")
        problems = thread_problems(self.proc.pid)
        self.after_checks.append((" ".join(args), problems))
        if problems:    # let the next goinspect run find it running
            try:
                os.kill(self.proc.pid, signal.SIGCONT)
            except OSError:
                pass
        if p.returncode != 0:
            if EPERM_RE.search(stderr):
                raise Skip("ptrace not permitted: " + stderr.strip().splitlines()[-1][:200])
            raise CaseFail("%s exited with status %d" % (" ".join(cmd), p.returncode),
                           bounded(stderr.splitlines(), 20))
        return p.stdout.decode(errors="replace"), stderr

    def start_fixture(self, outdir):
        env = {k: v for k, v in os.environ.items() if k not in SCRUB_ENV}
        env.update(self.env_extra)
        env["GOINSPECT_OUT"] = outdir
        self.stdout = open(os.path.join(outdir, "fixture.stdout"), "wb")
        self.stderr = open(os.path.join(outdir, "fixture.stderr"), "wb")
        self.proc = subprocess.Popen([self.binary], cwd=outdir, env=env,
                                     stdin=subprocess.DEVNULL,
                                     stdout=self.stdout, stderr=self.stderr)
        ready = os.path.join(outdir, "ready")
        deadline = time.monotonic() + READY_TIMEOUT
        while not os.path.exists(ready):
            if self.proc.poll() is not None:
                raise CaseFail("fixture exited with status %d before it was ready"
                               % self.proc.returncode, self.fixture_stderr(outdir))
            if time.monotonic() > deadline:
                raise CaseFail("fixture not ready after %ds" % READY_TIMEOUT,
                               self.fixture_stderr(outdir))
            time.sleep(0.02)

    def fixture_stderr(self, outdir):
        try:
            with open(os.path.join(outdir, "fixture.stderr"), errors="replace") as f:
                return ["fixture stderr: " + l for l in bounded(f.read().splitlines(), 20)]
        except OSError:
            return []

    def stop_fixture(self):
        proc = getattr(self, "proc", None)
        if proc is not None:
            if proc.poll() is None:
                try:
                    proc.kill()     # SIGKILL also ends a stopped or traced process
                except OSError:
                    pass
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
        for f in (getattr(self, "stdout", None), getattr(self, "stderr", None)):
            if f:
                f.close()

    # -- the case

    def run(self, keep):
        names = self.test_names()
        if self.skip_reason:
            return [Result("skip", d, reason=self.skip_reason) for _, d in names]
        if not os.path.exists(self.binary):
            return [Result("not ok", d, ["fixture binary %s was not built" % self.binary])
                    for _, d in names]
        outdir = tempfile.mkdtemp(prefix="goinspect-fixture-%s-%s-%s-" %
                                  (self.tc, self.mode, self.fixture))
        results = {}
        self.after_checks = []
        try:
            self.start_fixture(outdir)
            with open(os.path.join(outdir, "stack.txt"), errors="replace") as f:
                truth_text = f.read()
            with open(os.path.join(outdir, "info.json")) as f:
                info = json.load(f)
            pid = self.proc.pid
            if info.get("warning"):
                raise CaseFail("fixture: " + info["warning"])
            truth_all = split_dump(truth_text)
            truth = [b for b in truth_all if b.goid != info["dumper_goid"]]
            if len(truth) != len(truth_all) - 1:
                raise CaseFail("dumper goroutine %s not found in stack.txt" % info["dumper_goid"])

            for key, desc in names:
                if key == "after":
                    continue
                try:
                    diag = getattr(self, "check_" + key)(pid, info, truth)
                except CaseFail as e:
                    diag = e.diag()
                except ValueError as e:
                    diag = [str(e)]
                results[key] = Result("not ok" if diag else "ok", desc, diag)

            diag = []
            if self.proc.poll() is not None:
                diag.append("fixture exited with status %d" % self.proc.returncode)
            for what, problems in self.after_checks:
                diag += ["after `goinspect %s`: %s" % (what, p) for p in problems]
            results["after"] = Result("not ok" if diag else "ok", dict(names)["after"], diag)
        except Skip as e:
            for key, desc in names:
                if key not in results:
                    results[key] = Result("skip", desc, reason=str(e))
        except CaseFail as e:
            for key, desc in names:
                if key not in results:
                    results[key] = Result("not ok", desc, e.diag())
        except Exception as e:  # a bug here must not leave the fixture running
            for key, desc in names:
                if key not in results:
                    results[key] = Result("not ok", desc, ["driver error: %r" % e])
        finally:
            self.stop_fixture()
        failed = any(r.status == "not ok" for r in results.values())
        if failed or keep:
            for r in results.values():
                if r.status == "not ok":
                    r.diag.append("fixture output kept in %s" % outdir)
        else:
            shutil.rmtree(outdir, ignore_errors=True)
        out = []
        for key, desc in names:
            r = results[key]
            r.diag = bounded(r.diag, MAX_DIAG_LINES)
            out.append(r)
        return out

    # -- the checks; each returns diagnostics, empty when the check passed

    def check_text(self, pid, info, truth):
        out, _ = self.goinspect(["-p", str(pid), "goroutines"])
        self.text_blocks = split_dump(out)
        if not out.strip():
            return ["goinspect printed nothing"]
        return compare_blocks(truth, self.text_blocks)

    def check_json(self, pid, info, truth):
        out, _ = self.goinspect(["--json", "-p", str(pid), "goroutines"])
        try:
            doc = json.loads(out)
        except ValueError as e:
            return ["not valid JSON: %s" % e] + bounded(out.splitlines(), 10)
        diag = []
        if not isinstance(doc, dict):
            return ["top level is %s, not an object" % type(doc).__name__]
        for k in ("pid", "go_version", "pause_us", "goroutines"):
            if k not in doc:
                diag.append("missing key %r" % k)
        if diag:
            return diag
        if doc["pid"] != pid:
            diag.append("pid %r, want %d" % (doc["pid"], pid))
        if doc["go_version"] != info["go_version"]:
            diag.append("go_version %r, want %r" % (doc["go_version"], info["go_version"]))
        if isinstance(doc["pause_us"], bool) or not isinstance(doc["pause_us"], (int, float)) \
                or doc["pause_us"] < 0:
            diag.append("pause_us %r is not a non-negative number" % (doc["pause_us"],))
        gs = doc["goroutines"]
        if not isinstance(gs, list):
            return diag + ["goroutines is not a list"]
        got = {}
        for g in gs:
            if not isinstance(g, dict) or not isinstance(g.get("id"), int):
                diag.append("goroutine entry without an integer id: %s" % json.dumps(g)[:120])
                continue
            if g["id"] in got:
                diag.append("goroutine %d listed twice" % g["id"])
            got[g["id"]] = g
        want = {b.goid: b for b in truth}
        missing = sorted(set(want) - set(got))
        extra = sorted(set(got) - set(want))
        if missing:
            diag.append("missing goroutines: %s" % " ".join(map(str, missing)))
        if extra:
            diag.append("extra goroutines: %s" % " ".join(map(str, extra)))
        for b in truth:
            g = got.get(b.goid)
            if g is None:
                continue
            for k in ("status", "wait_reason", "frames"):
                if k not in g:
                    diag.append("goroutine %d: missing key %r" % (b.goid, k))
            if "frames" not in g:
                continue
            state = b.first_state()
            if state not in (g.get("status"), g.get("wait_reason")):
                diag.append("goroutine %d: header says [%s], json status %r wait_reason %r"
                            % (b.goid, b.state, g.get("status"), g.get("wait_reason")))
            diag += self.compare_frames(b, g["frames"])
        return diag

    @staticmethod
    def compare_frames(block, jframes):
        before, elided, after = block.frames()
        got = []
        for f in jframes if isinstance(jframes, list) else []:
            if not isinstance(f, dict):
                return ["goroutine %d: frame %r is not an object" % (block.goid, f)]
            got.append((f.get("func"), f.get("file"), f.get("line")))
        want = before + after
        if got == want:
            return []
        if elided is not None and got[:len(before)] == before and \
                (not after or got[-len(after):] == after) and \
                (elided < 0 or len(got) == len(before) + elided + len(after)):
            return []   # all frames, where the text elides some
        fmt = lambda fr: "%s %s:%s" % fr
        diff = list(difflib.unified_diff(
            [fmt(f) for f in want], [fmt(f) for f in got],
            "runtime.Stack goroutine %d" % block.goid, "json goroutine %d" % block.goid,
            lineterm="", n=2))
        return bounded(diff, MAX_DIFF_LINES)

    def check_bt(self, pid, info, truth):
        # main, and the goroutine with the longest block besides it.
        ids = [1] if any(b.goid == 1 for b in truth) else []
        rest = sorted((b for b in truth if b.goid not in ids),
                      key=lambda b: (-len(b.lines), b.goid))
        ids += [b.goid for b in rest[:2 - len(ids)]]
        out, _ = self.goinspect(["-p", str(pid), "bt"] + [str(i) for i in ids])
        got = split_dump(out)
        want = {b.goid: b for b in truth}
        diag = []
        if [b.goid for b in got] != ids:
            diag.append("bt %s printed goroutines %s" % (
                " ".join(map(str, ids)), [b.goid for b in got]))
        for i, b in zip(ids, got):
            if b.goid == i and b.normalized() != want[i].normalized():
                diag += block_diff(want[i].normalized(), b.normalized(), "goroutine %d" % i)
        return diag

    def check_count(self, pid, info, truth):
        blocks = getattr(self, "text_blocks", None)
        if blocks is None:
            out, _ = self.goinspect(["-p", str(pid), "goroutines"])
            blocks = split_dump(out)
        want = info["num_goroutine"] - 1
        if len(blocks) != want:
            return ["goinspect listed %d goroutines, runtime.NumGoroutine() was %d "
                    "at the dump, minus the dumper: %d" % (len(blocks), info["num_goroutine"], want)]
        return []


class CaseFail(Exception):
    def __init__(self, msg, extra=()):
        super().__init__(msg)
        self.extra = list(extra)

    def diag(self):
        return [str(self)] + self.extra


# ---------------------------------------------------------------- main

def fixture_names():
    names = []
    for d in sorted(os.listdir(FIXTURES_SRC)):
        if os.path.isfile(os.path.join(FIXTURES_SRC, d, "go.mod")):
            names.append(d)
    return names


def needs_cgo(fixture):
    d = os.path.join(FIXTURES_SRC, fixture)
    for f in os.listdir(d):
        if f.endswith(".go"):
            with open(os.path.join(d, f), errors="replace") as fh:
                if re.search(r'^import "C"', fh.read(), re.M):
                    return True
    return False


def tap_line(n, r):
    lines = []
    if r.status == "skip":
        lines.append("ok %d - %s # SKIP %s" % (n, r.desc, r.reason))
    else:
        lines.append("%s %d - %s" % (r.status, n, r.desc))
    lines += ["# " + d for d in r.diag]
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--toolchain", action="append", choices=TOOLCHAINS,
                    help="only this toolchain (repeatable)")
    ap.add_argument("--mode", action="append", choices=MODES, help="only this mode (repeatable)")
    ap.add_argument("--fixture", action="append", help="only this fixture (repeatable)")
    ap.add_argument("--build-dir", default=os.environ.get("FIXTURE_BIN")
                    or os.environ.get("FIXTURES_BIN") or os.path.join(HERE, "fixture-bin"),
                    help="where build-fixtures.sh puts the binaries (env FIXTURE_BIN, "
                    "default tests/fixture-bin)")
    ap.add_argument("--no-build", action="store_true",
                    help="do not run build-fixtures.sh first")
    ap.add_argument("--jobs", "-j", type=int, default=2, help="cases run in parallel")
    ap.add_argument("--keep", action="store_true",
                    help="keep every case's temp dir (failing ones are always kept)")
    args = ap.parse_args()

    all_fixtures = fixture_names()
    fixtures = args.fixture or all_fixtures
    for f in fixtures:
        if f not in all_fixtures:
            ap.error("unknown fixture %r (have: %s)" % (f, ", ".join(all_fixtures)))
    toolchains = args.toolchain or TOOLCHAINS
    modes = args.mode or MODES
    bindir = os.path.abspath(args.build_dir)

    results_pre = []
    if not args.no_build:
        env = dict(os.environ, TOOLCHAINS=" ".join(toolchains), MODES=" ".join(modes),
                   FIXTURES=" ".join(fixtures))
        p = subprocess.run(["bash", BUILD_SCRIPT, bindir], env=env, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        log = p.stdout.decode(errors="replace").splitlines()
        summary = [l for l in log if "to build" in l or "skipping" in l]
        if p.returncode == 0:
            results_pre.append(Result("ok", "build fixtures", []))
            results_pre[-1].comment = summary
        else:
            results_pre.append(Result("not ok", "build fixtures",
                                      bounded([l for l in log if "built " not in l], 60)))

    cases = []
    for tc in toolchains:
        skip = None
        marker = os.path.join(bindir, tc, "SKIPPED")
        if os.path.exists(marker):
            with open(marker) as f:
                skip = f.read().strip() or ("Go %s not installed" % tc)
        for mode in modes:
            for fx in fixtures:
                if needs_cgo(fx) and mode != "cgo":
                    continue
                cases.append(Case(tc, mode, fx, bindir, skip))

    total = len(results_pre) + sum(len(c.test_names()) for c in cases)
    print("1..%d" % total, flush=True)
    counts = {"ok": 0, "not ok": 0, "skip": 0}
    n = 0
    for r in results_pre:
        n += 1
        counts[r.status] += 1
        print(tap_line(n, r), flush=True)
        for l in getattr(r, "comment", []):
            print("# " + l, flush=True)

    if not os.path.exists(goinspect_path()):
        print("# note: goinspect not found at %s (set GOINSPECT)" % goinspect_path(), flush=True)

    # On ^C or SIGTERM, cases still running finish and kill their fixtures
    # (in Case.run's finally) before the driver exits.
    def on_signal(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_signal)

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [pool.submit(c.run, args.keep) for c in cases]
        try:
            for fut in futures:
                for r in fut.result():
                    n += 1
                    counts[r.status] += 1
                    print(tap_line(n, r), flush=True)
        except KeyboardInterrupt:
            for f in futures:
                f.cancel()
            print("Bail out! interrupted", flush=True)
            raise
    print("# %d passed, %d failed, %d skipped" % (counts["ok"], counts["not ok"], counts["skip"]),
          flush=True)
    return 1 if counts["not ok"] else 0


if __name__ == "__main__":
    sys.exit(main())
