#!/bin/sh
# tests/valgrind.sh - a representative part of the suite with goinspect
# running under valgrind (memcheck): `make check-valgrind` runs it.
#
# goinspect is replaced by a wrapper that runs it under valgrind, which
# makes any invalid read or write, use of uninitialized memory, or definite
# or indirect leak end it with status 99; the test drivers treat that as a
# failure (it is not a documented exit status).  Run:
#   - tests/fixtures.py: Go 1.26 and 1.19, default, stripped and pie
#     builds of the stacks and blocking fixtures (goroutines, --json, bt);
#   - tests/sched.py (threads, procs, sched);
#   - tests/safety.py groups input, process, binary and writes (bad input,
#     a zombie, other namespaces, foreign and damaged binaries, strace).
# The kill and chaos tests are left out: they time goinspect from outside.
#
# Environment: GOINSPECT (the real binary), FIXTURE_BIN, VALGRIND (default
# valgrind), srcdir.  Prints each driver's TAP and ends with a summary line;
# exit status 1 when something failed, 77 without valgrind.
set -u
top=$(cd "${srcdir:-$(dirname "$0")/..}" && pwd)
: "${GOINSPECT:=$top/src/goinspect}"
: "${VALGRIND:=valgrind}"
if ! command -v "$VALGRIND" >/dev/null 2>&1; then
    echo "valgrind.sh: $VALGRIND not found (Debian: apt-get install valgrind)" >&2
    exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/goinspect" <<EOF
#!/bin/sh
exec "$VALGRIND" -q --error-exitcode=99 --leak-check=full \\
    --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \\
    "$GOINSPECT" "\$@"
EOF
chmod +x "$tmp/goinspect"
export FIXTURE_BIN="${FIXTURE_BIN:-$top/tests/fixture-bin}"

status=0
run() {
    echo "== $*"
    GOINSPECT=$tmp/goinspect "$@" | tee "$tmp/out"
    [ "$(grep -c '^not ok' "$tmp/out")" = 0 ] || status=1
    cat "$tmp/out" >>"$tmp/all"
}
: >"$tmp/all"
run python3 "$top/tests/fixtures.py" --no-build -j 2 --toolchain 1.26 \
    --toolchain 1.19 --mode default --mode stripped --mode pie \
    --fixture stacks --fixture blocking
run python3 "$top/tests/sched.py"
SAFETY_TRIALS=3; export SAFETY_TRIALS
run python3 "$top/tests/safety.py" input process binary writes
pass=$(grep -c '^ok ' "$tmp/all")
skip=$(grep -c '^ok .*# SKIP' "$tmp/all")
fail=$(grep -c '^not ok ' "$tmp/all")
echo "valgrind: $((pass - skip)) passed, $fail failed, $skip skipped"
exit $status
