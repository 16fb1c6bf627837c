#!/usr/bin/env python3
"""Compare `goinspect print` with the values a Go program holds.

For every toolchain (1.19, 1.26, 1.27) and mode (default, stripped), start
fixtures/values, which fills globals of every kind and writes values.json
at dump time: for each global its expression, type, %p address and the
value in goinspect's JSON form, made by the fixture with reflect and
encoding/json.  Then, for each case:

  json   `goinspect --json print EXPR` has the same value (maps compared
         as multisets of entries; float32 compared as float32);
  text   `goinspect print EXPR` prints what the fixture formatted with
         fmt (for the cases that have a text form).

EXPR is the global's name in default builds and `*(*TYPE)(ADDR)` in
stripped ones (no DWARF, no symbols: types from the runtime's own
descriptors).  A few more checks per build: selectors and map lookups,
`(map[K]V)(HDR)`, `x`, garbage addresses, the text limits, and on Go 1.19
that the growing map really is caught in the middle of growing.

TAP for automake's tap-driver.  Environment: GOINSPECT, FIXTURE_BIN.
Standard library only.
"""

import concurrent.futures
import json
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOOLCHAINS = ["1.19", "1.26", "1.27"]
MODES = ["default", "stripped"]
READY_TIMEOUT = 30.0
# GOINSPECT_SLOW=N multiplies the timeouts on goinspect (tests/valgrind.sh).
RUN_TIMEOUT = 60.0 * float(os.environ.get("GOINSPECT_SLOW") or 1)
SCRUB_ENV = ("GOTRACEBACK", "GODEBUG", "GOGC", "GOMEMLIMIT", "GOMAXPROCS",
             "GOINSPECT_OUT", "GOEXPERIMENT")


def goinspect_path():
    return os.environ.get("GOINSPECT") or os.path.normpath(
        os.path.join(HERE, "..", "src", "goinspect"))


def fixture_bin():
    return os.environ.get("FIXTURE_BIN") or os.path.join(HERE, "fixture-bin")


class Results:
    def __init__(self):
        self.n = 0
        self.failed = self.passed = self.skipped = 0

    def emit(self, ok, desc, diag=(), skip=None):
        self.n += 1
        if skip is not None:
            print("ok %d - %s # SKIP %s" % (self.n, desc, skip))
            self.skipped += 1
        else:
            print("%s %d - %s" % ("ok" if ok else "not ok", self.n, desc))
            if ok:
                self.passed += 1
            else:
                self.failed += 1
        for d in list(diag)[:30]:
            print("# " + str(d)[:300])
        sys.stdout.flush()


def run(args):
    p = subprocess.run([goinspect_path()] + args, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=RUN_TIMEOUT)
    return (p.returncode, p.stdout.decode("utf-8", "replace"),
            p.stderr.decode("utf-8", "replace"))


# ---------------------------------------------------------------- comparing

def is_entries(x):
    return isinstance(x, list) and x and all(
        isinstance(e, dict) and list(e) == ["key", "value"] for e in x)


def canon(x):
    """A hashable canonical text of a JSON value (maps sorted)."""
    if is_entries(x):
        return "M" + "|".join(sorted(canon(e["key"]) + "=" + canon(e["value"])
                                     for e in x))
    if isinstance(x, list):
        return "[" + ",".join(canon(e) for e in x) + "]"
    if isinstance(x, dict):
        return "{" + ",".join("%s:%s" % (k, canon(v)) for k, v in x.items()) + "}"
    if isinstance(x, float) and x == int(x) and abs(x) < 2**53:
        return repr(int(x))
    if isinstance(x, float):
        return repr(struct.unpack("f", struct.pack("f", x))[0])
    return json.dumps(x)


def same_number(a, b):
    if a == b:
        return True
    try:
        return struct.pack("f", a) == struct.pack("f", b)
    except (struct.error, OverflowError):
        return False


def compare(want, got, path="value"):
    """Differences between two JSON values, as text lines."""
    if isinstance(want, bool) or isinstance(got, bool):
        return [] if want is got else ["%s: want %r, got %r" % (path, want, got)]
    if isinstance(want, (int, float)) and isinstance(got, (int, float)):
        return [] if same_number(want, got) else [
            "%s: want %r, got %r" % (path, want, got)]
    if is_entries(want) or (isinstance(want, list) and want == [] and
                            isinstance(got, list)):
        if not isinstance(got, list):
            return ["%s: want map entries, got %r" % (path, got)]
        w = sorted(canon(e) for e in want)
        g = sorted(canon(e) for e in got)
        if w == g:
            return []
        diff = ["%s: %d entries wanted, %d got" % (path, len(w), len(g))]
        missing = sorted(set(w) - set(g))[:5]
        extra = sorted(set(g) - set(w))[:5]
        return diff + ["  missing " + m for m in missing] + \
            ["  unexpected " + e for e in extra]
    if isinstance(want, list):
        if not isinstance(got, list) or len(got) != len(want):
            return ["%s: want %d elements, got %s" % (
                path, len(want), len(got) if isinstance(got, list) else repr(got)[:80])]
        out = []
        for i, (a, b) in enumerate(zip(want, got)):
            out += compare(a, b, "%s[%d]" % (path, i))
        return out
    if isinstance(want, dict):
        if not isinstance(got, dict):
            return ["%s: want object, got %r" % (path, got)]
        if list(want) != list(got):
            return ["%s: keys %s, got %s" % (path, list(want), list(got))]
        out = []
        for k in want:
            out += compare(want[k], got[k], "%s.%s" % (path, k))
        return out
    if isinstance(want, str) and isinstance(got, str) and want.startswith("0x"):
        return [] if want.lower() == got.lower() else [
            "%s: want %s, got %s" % (path, want, got)]
    return [] if want == got else ["%s: want %r, got %r" % (path, want, got)]


# ---------------------------------------------------------------- one build

class Fixture:
    def __init__(self, binary):
        self.binary = binary
        self.proc = None

    def __enter__(self):
        self.dir = tempfile.mkdtemp(prefix="goinspect-values-")
        env = {k: v for k, v in os.environ.items() if k not in SCRUB_ENV}
        env["GOINSPECT_OUT"] = self.dir
        self.err = open(os.path.join(self.dir, "stderr"), "wb")
        self.proc = subprocess.Popen([self.binary], cwd=self.dir, env=env,
                                     stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=self.err)
        deadline = time.monotonic() + READY_TIMEOUT
        while not os.path.exists(os.path.join(self.dir, "ready")):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("fixture %s not ready" % self.binary)
            time.sleep(0.02)
        with open(os.path.join(self.dir, "values.json")) as f:
            self.values = json.load(f)
        return self

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
        if self.proc:
            self.proc.wait(timeout=30)
        self.err.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def expected(case, extra):
    """The fixture's value plus what reflect cannot see (chan queues)."""
    v = case["value"]
    name = case["expr"]
    if case["type"].startswith("chan ") and v is not None:
        # In goinspect's order: len, cap, closed, buf (the fixture's own
        # record of what it left buffered), recvq, sendq.
        v = {"len": v["len"], "cap": v["cap"],
             "closed": name == "main.gClosed", "buf": v["buf"],
             "recvq": sorted(extra["recvq"] or []) if name == "main.gRecvChan" else [],
             "sendq": sorted(extra["sendq"] or []) if name == "main.gChan" else []}
    return v


def normalize_got(case, got):
    if case["type"].startswith("chan ") and isinstance(got, dict):
        got = dict(got)
        for k in ("recvq", "sendq"):
            if isinstance(got.get(k), list):
                got[k] = sorted(got[k])
    return got


def expr_of(case, mode):
    if mode == "default":
        return case["expr"]
    return "*(*%s)(%s)" % (case["type"], case["addr"])


def check_json(pid, case, mode, extra):
    e = expr_of(case, mode)
    rc, out, err = run(["--json", "-p", str(pid), "print", e])
    if rc != 0:
        return ["print %s: exit %d: %s" % (e, rc, err.strip()[:200])]
    try:
        doc = json.loads(out)
    except ValueError as ex:
        return ["not JSON: %s: %s" % (ex, out[:200])]
    diag = []
    for k in ("expr", "type", "addr", "value"):
        if k not in doc:
            diag.append("missing %r" % k)
    if diag:
        return diag
    if doc["addr"] is None or doc["addr"].lower() != case["addr"].lower():
        diag.append("addr %s, want %s" % (doc["addr"], case["addr"]))
    return diag + compare(expected(case, extra),
                          normalize_got(case, doc["value"]))


def check_text(pid, case, mode):
    e = expr_of(case, mode)
    rc, out, err = run(["-p", str(pid), "print", e])
    if rc != 0:
        return ["print %s: exit %d: %s" % (e, rc, err.strip()[:200])]
    got = out.rstrip("\n")
    want = case["text"]
    # Scalars print bare; composites start with their type.
    return [] if got == want else ["want %s" % want, "got  %s" % got]


def find(cases, name):
    for c in cases:
        if c["expr"] == "main." + name:
            return c
    raise KeyError(name)


def extra_checks(pid, cases, mode, extra, tc):
    """(desc, diag) of the checks beyond one value per global."""
    out = []
    cfg, cities, arr = find(cases, "gCfg"), find(cases, "gCities"), find(cases, "gArr")
    if mode == "default":
        sel = [("main.gCfg.Ports[2]", 8080), ("main.gCfg.ID", 99),
               ('main.gCities["Perú"]', 33), ('main.gCfg.Limits["rps"]', 5000),
               ("main.gPtr.X", 7), ("main.gMapNaN[1.5]", "one and a half"),
               ('main.gNested["a"][1].Y', 4), ("main.gArr[3]", 4)]
    else:
        ports = "(*(*main.Config)(%s))" % cfg["addr"]
        sel = [(ports + ".Ports[2]", 8080), (ports + ".ID", 99),
               ("(*main.Config)(%s).Name" % cfg["addr"], "server"),
               ('(map[string]int)(%s)["Perú"]' % cities["hdr"], 33)]
    for e, want in sel:
        rc, o, err = run(["--json", "-p", str(pid), "print", e])
        try:
            got = json.loads(o)["value"] if rc == 0 else None
        except ValueError:
            got = None
        out.append(("print %s is %r" % (e, want),
                    [] if got == want else ["exit %d, got %r %s" % (rc, got, err.strip()[:200])]))
    # A map header given as the address.
    e = "(map[string]int)(%s)" % cities["hdr"]
    rc, o, err = run(["--json", "-p", str(pid), "print", e])
    try:
        diag = compare(cities["value"], json.loads(o)["value"]) if rc == 0 else [err]
    except ValueError:
        diag = ["not JSON: " + o[:200]]
    out.append(("print (map[string]int)(HDR) equals gCities", diag))
    # x: the bytes of [4]int{1, 2, 3, 4}.
    rc, o, err = run(["--json", "-p", str(pid), "x", arr["addr"], "32"])
    want = struct.pack("<4q", 1, 2, 3, 4).hex()
    try:
        got = json.loads(o)["bytes"]
    except (ValueError, KeyError):
        got = o[:100]
    out.append(("x ADDR 32 shows [4]int{1, 2, 3, 4}",
                [] if got == want else ["got %s" % got]))
    # Garbage: an unmapped string header must give a marked error.
    rc, o, err = run(["--json", "-p", str(pid), "print", "*(*string)(0x10)"])
    try:
        v = json.loads(o)["value"]
        diag = [] if rc == 1 and isinstance(v, dict) and "error" in v else \
            ["exit %d, value %r" % (rc, v)]
    except ValueError:
        diag = ["exit %d, not JSON: %s %s" % (rc, o[:100], err[:100])]
    out.append(("*(*string)(0x10) is a marked error, exit 1", diag))
    # A wrong type over real memory (string bytes read as a huge slice).
    e = "*(*[]main.Config)(%s)" % find(cases, "gStrLong")["addr"]
    rc, o, err = run(["-p", str(pid), "print", e])
    out.append(("a wrong type over real memory is bounded",
                [] if rc in (0, 1) and len(o) < 1 << 20 else
                ["exit %d, %d bytes: %s" % (rc, len(o), err[:200])]))
    # Text limits say what they left out.
    big = find(cases, "gMapBig")
    rc, o, err = run(["-p", str(pid), "print", expr_of(big, mode)])
    out.append(("text of a 100000-entry map stops at 100 and says so",
                [] if o.rstrip().endswith("...+99900 more]") else [o[-200:]]))
    rc, o, err = run(["-p", str(pid), "print", expr_of(big, mode),
                      "--max-elems", "3"])
    out.append(("--max-elems 3 after the expression",
                [] if o.rstrip().endswith("...+99997 more]") and o.count(":") == 3
                else [o[-200:]]))
    if tc == "1.19":
        out.append(("gMapGrow is caught in the middle of growing (Go 1.19)",
                    [] if extra.get("growing") else
                    ["the fixture's map finished growing: the case is hollow"]))
    return out


def run_build(res, tc, mode, binary):
    prefix = "%s/%s" % (tc, mode)
    with Fixture(binary) as fx:
        pid = fx.proc.pid
        cases = fx.values["cases"]
        extra = fx.values["extra"]
        jobs = []
        # one at a time: a process has only one tracer
        with concurrent.futures.ThreadPoolExecutor(1) as ex:
            for c in cases:
                jobs.append(("%s: json %s" % (prefix, expr_of(c, mode)),
                             ex.submit(check_json, pid, c, mode, extra)))
                if c.get("text") is not None:
                    jobs.append(("%s: text %s" % (prefix, expr_of(c, mode)),
                                 ex.submit(check_text, pid, c, mode)))
            for desc, fut in jobs:
                try:
                    diag = fut.result()
                except Exception as e:      # a driver error fails the test
                    diag = ["driver error: %r" % e]
                res.emit(not diag, desc, diag)
        for desc, diag in extra_checks(pid, cases, mode, extra, tc):
            res.emit(not diag, "%s: %s" % (prefix, desc), diag)
        alive = fx.proc.poll() is None
        res.emit(alive, "%s: fixture still running afterwards" % prefix)


def main():
    res = Results()
    builds = []
    for tc in TOOLCHAINS:
        for mode in MODES:
            builds.append((tc, mode, os.path.join(fixture_bin(), tc, mode, "values")))
    for tc, mode, binary in builds:
        skipped = os.path.join(fixture_bin(), tc, "SKIPPED")
        if os.path.exists(skipped):
            with open(skipped) as f:
                res.emit(True, "%s/%s: values" % (tc, mode), skip=f.read().strip())
            continue
        if not os.path.exists(binary):
            res.emit(False, "%s/%s: fixture binary %s exists" % (tc, mode, binary))
            continue
        try:
            run_build(res, tc, mode, binary)
        except Exception as e:
            res.emit(False, "%s/%s: ran the fixture" % (tc, mode), [repr(e)])
    print("1..%d" % res.n)
    print("# %d passed, %d failed, %d skipped" % (res.passed, res.failed, res.skipped))
    return 1 if res.failed else 0


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.exit(main())
