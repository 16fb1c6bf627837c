#!/bin/sh
# tests/valgrind.sh - the whole test suite with goinspect running under
# valgrind (memcheck): `make check-valgrind` runs it.
#
# Usage: tests/valgrind.sh [DRIVER...]  (default: TESTS of Makefile.am)
#
# Every test driver runs as in `make check`, but GOINSPECT is a wrapper
# that execs valgrind on a copy of goinspect (same pid, so the drivers'
# signals, TracerPid checks and pty sessions reach it).  Any invalid read
# or write, use of uninitialised memory, bad free or definite or indirect
# leak is an error: valgrind exits 99, which no driver accepts, and
# independently of that every run leaves a report that this script reads
# afterwards, so that errors of runs whose exit status a driver does not
# look at (a goinspect killed on purpose, labels.py) fail too.  Per driver
# it prints the driver's TAP, then one more test line "no valgrind error
# in N runs"; at the end a summary line.  Errors inside libraries that
# are not goinspect's misuse are suppressed in tests/valgrind.supp, one
# commented entry each.
#
# Where goinspect runs from elsewhere:
#   - safety.py copies GOINSPECT for `nobody` (world_copy): it copies the
#     wrapper, which runs the copy of goinspect in a world-readable
#     directory and reports into a world-writable one;
#   - repl.py execs GOINSPECT on a pty; the pager goinspect forks leaves
#     valgrind at its exec (a report without a summary, counted apart);
#   - layouts.sh runs tests/layout-check (src/layout.c's DWARF check):
#     LAYOUT_CHECK is a wrapper too.
#
# GOINSPECT_SLOW (default 10) multiplies the drivers' times on goinspect:
# hang detection, waits for it to hold the target, safety.py's SIGTSTP
# wait and the delay before the chaos fixture exits or execs (so that it
# still lands during goinspect's runs).  Under valgrind a goinspect run
# takes about 20 times as long (2 s for a small fixture, 6 s for 20,000
# goroutines); the snapshot's 30 s guard was never reached.
#
# Not under valgrind, and why:
#   - tests/banned.sh (greps src/) and tests/fuzz.sh (libFuzzer
#     harnesses built with ASan, which cannot run under valgrind): neither
#     runs goinspect; they are left out.
#   - ergonomics.py's static build ("configure --enable-static") runs
#     without valgrind: valgrind cannot replace malloc in a statically
#     linked program (no preload library: "total heap usage: 0 allocs",
#     even with --soname-synonyms=somalloc=NONE), so static glibc's
#     calloc on fresh brk memory and its start-up and string code give
#     thousands of false reports.  The same sources run under valgrind
#     dynamically linked everywhere else.
#   - safety.py "SIGTSTP (^Z) inside the stop" skips (after checking the
#     target and exit 0): valgrind ignores a stop signal left at its
#     default action (m_signals.c, default_action), so goinspect is never
#     suspended and the suspension after the release cannot be seen.
# Every other test runs; what the drivers skip anyway (a stripped build
# has no DWARF to complete from, no Yama) they say in their TAP.
#
# Environment: GOINSPECT (the real binary), LAYOUT_CHECK, FIXTURE_BIN,
# VALGRIND (default valgrind), VALGRIND_OUT (default ./valgrind-out: each
# driver's TAP and every valgrind report with errors are kept there),
# GOINSPECT_SLOW, srcdir.  Exit status 1 when something failed, 77
# without valgrind.
set -u
top=$(cd "${srcdir:-$(dirname "$0")/..}" && pwd)
: "${GOINSPECT:=$top/src/goinspect}"
: "${LAYOUT_CHECK:=$(dirname "$GOINSPECT")/../tests/layout-check}"
: "${VALGRIND:=valgrind}"
if ! command -v "$VALGRIND" >/dev/null 2>&1; then
    echo "valgrind.sh: $VALGRIND not found (Debian: apt-get install valgrind)" >&2
    exit 77
fi
VALGRIND=$(command -v "$VALGRIND")
if [ $# = 0 ]; then
    # TESTS = a b \ (continued) c ...
    set -- $(sed -n '/^TESTS *=/,/[^\\]$/p' "$top/Makefile.am" |
             sed 's/^TESTS *=//; s/\\$//')
fi
out=${VALGRIND_OUT:-$(pwd)/valgrind-out}
rm -rf "$out"
mkdir -p "$out/reports" || exit 1
out=$(cd "$out" && pwd)

# The wrappers and the copies they run live in a directory anyone may
# read (safety.py runs goinspect as nobody); reports go to one anyone may
# write.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
mkdir "$tmp/bin" "$tmp/real" "$tmp/logs"
chmod 1777 "$tmp/logs"
cp "$GOINSPECT" "$tmp/real/goinspect" || exit 1
[ -x "$LAYOUT_CHECK" ] && cp "$LAYOUT_CHECK" "$tmp/real/layout-check"
supp=$top/tests/valgrind.supp
# A report names the driver (GOINSPECT_VG_TAG) and the pid; valgrind
# writes it even when a driver kills goinspect with a signal.
# VALGRIND_FLAGS adds options (--track-origins=yes: where an uninitialised
# value came from).
for prog in goinspect layout-check; do
    cat >"$tmp/bin/$prog" <<EOF
#!/bin/sh
exec "$VALGRIND" --error-exitcode=99 --leak-check=full \\
    --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \\
    --suppressions="$supp" \${VALGRIND_FLAGS:-} \\
    --log-file="$tmp/logs/\${GOINSPECT_VG_TAG:-run}.%p.log" \\
    "$tmp/real/$prog" "\$@"
EOF
    chmod 755 "$tmp/bin/$prog"
done

GOINSPECT=$tmp/bin/goinspect
LAYOUT_CHECK=$tmp/bin/layout-check
: "${FIXTURE_BIN:=$top/tests/fixture-bin}"
: "${GOINSPECT_SLOW:=10}"
export GOINSPECT LAYOUT_CHECK FIXTURE_BIN GOINSPECT_SLOW

pass=0 fail=0 skip=0 status=0
now() { date +%s; }
start=$(now)

# The reports of one driver's runs: clean ones are dropped, those with
# errors kept and shown.  Prints one TAP line.
reports() {
    name=$1 runs=0 bad=0 killed=0
    for log in "$tmp/logs/$name".*.log; do
        [ -e "$log" ] || continue
        runs=$((runs + 1))
        if grep -q 'ERROR SUMMARY: [1-9]' "$log"; then
            bad=$((bad + 1))
            cp "$log" "$out/reports/"
        elif ! grep -q 'ERROR SUMMARY:' "$log"; then
            # SIGKILL gives valgrind no say; nor does the child goinspect
            # forks for a pager, when it execs.
            killed=$((killed + 1))
        fi
        rm -f "$log"
    done
    if [ $bad = 0 ]; then
        echo "ok - $name: no valgrind error in $runs runs ($killed ended without a summary)"
        pass=$((pass + 1))
    else
        echo "not ok - $name: valgrind errors in $bad of $runs runs (reports in $out/reports)"
        for log in "$out/reports/$name".*.log; do
            grep -m1 'Command:' "$log" | cut -c1-300 | sed 's/^/# /'
            grep -E '^==[0-9]+== (Invalid|Conditional|Use of|Syscall param|Mismatched|[0-9,]+ .*bytes in|   (at|by) )' \
                "$log" | head -20 | sed 's/^/# /'
        done | head -200
        fail=$((fail + 1))
        status=1
    fi
}

for t in "$@"; do
    name=$(basename "$t")
    case $name in
    banned.sh|fuzz.sh)
        echo "== $t: left out (does not run goinspect)"
        continue ;;
    esac
    case $t in
    /*) path=$t ;;
    *) path=$top/$t ;;
    esac
    case $name in
    *.py) cmd="python3 $path" ;;
    *) cmd="bash $path" ;;
    esac
    case $name in
    fixtures.py) cmd="$cmd --no-build -j 2" ;;
    esac
    echo "== $t ($(date +%T))"
    t0=$(now)
    GOINSPECT_VG_TAG=$name $cmd </dev/null >"$out/$name.log" 2>&1
    rc=$?
    cat "$out/$name.log"
    p=$(grep -c '^ok ' "$out/$name.log")
    s=$(grep -c '^ok .*# SKIP' "$out/$name.log")
    f=$(grep -c '^not ok ' "$out/$name.log")
    if [ $rc != 0 ] && [ "$f" = 0 ]; then
        echo "not ok - $name: exited with status $rc, no failed test named"
        f=1
    fi
    pass=$((pass + p - s)) skip=$((skip + s)) fail=$((fail + f))
    [ "$f" = 0 ] || status=1
    reports "$name"
    echo "# $name: $((p - s)) passed, $f failed, $s skipped in $(($(now) - t0)) s"
done
echo "valgrind: $pass passed, $fail failed, $skip skipped in $(($(now) - start)) s"
exit $status
