#!/bin/sh
# tests/fuzz.sh - the short fuzz run of `make check` (TAP).
#
# Builds the libFuzzer harnesses of fuzz/ (fuzz/fuzz.sh build), then for
# each: runs every input of its corpus fuzz/corpus/NAME once (the seeds and
# the regression inputs of crashes found and fixed), and fuzzes it for
# FUZZ_CHECK_SECONDS (default 5).  `make fuzz` is the long run.  Without
# clang and libFuzzer every test is skipped (scripts/install-deps.sh
# installs clang).
#
# Environment: GOINSPECT (its build directory holds fuzz-out/), FUZZ_OUT (the
# harnesses' directory instead), FUZZ_CHECK_SECONDS, srcdir.
set -u
top=$(cd "${srcdir:-$(dirname "$0")/..}" && pwd)
if [ -n "${FUZZ_OUT:-}" ]; then
    out=$FUZZ_OUT
elif [ -n "${GOINSPECT:-}" ]; then
    out=$(dirname "$(dirname "$GOINSPECT")")/fuzz-out
else
    out=$top/fuzz-out
fi
secs=${FUZZ_CHECK_SECONDS:-5}
names="pclntab buildinfo unwind json elf expr rtype value"
ntests=$((1 + 2 * $(echo "$names" | wc -w)))

echo "1..$ntests"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
bash "$top/fuzz/fuzz.sh" build "$out" >"$log" 2>&1
rc=$?
if [ $rc = 77 ]; then
    why=$(tail -1 "$log")
    echo "ok 1 - build the fuzz harnesses # SKIP $why"
    n=1
    for name in $names; do
        for what in "its corpus" "${secs}s of fuzzing"; do
            n=$((n + 1))
            echo "ok $n - fuzz_$name: $what # SKIP no libFuzzer"
        done
    done
    exit 0
fi
n=1
fails=0
if [ $rc = 0 ]; then
    echo "ok 1 - build the fuzz harnesses"
else
    echo "not ok 1 - build the fuzz harnesses"
    sed 's/^/# /' "$log" | tail -30
    fails=1
fi
for name in $names; do
    n=$((n + 1))
    if bash "$top/fuzz/fuzz.sh" regress "$out" "$name" >"$log" 2>&1; then
        echo "ok $n - fuzz_$name: every input of fuzz/corpus/$name"
    else
        echo "not ok $n - fuzz_$name: every input of fuzz/corpus/$name"
        sed 's/^/# /' "$log" | tail -20
        fails=$((fails + 1))
    fi
    n=$((n + 1))
    if FUZZ_JOBS=1 bash "$top/fuzz/fuzz.sh" run "$out" "$secs" "$name" >"$log" 2>&1; then
        echo "ok $n - fuzz_$name: ${secs}s of fuzzing, no crash"
        sed 's/^/# /' "$log"
    else
        echo "not ok $n - fuzz_$name: ${secs}s of fuzzing, no crash"
        sed 's/^/# /' "$log" | tail -20
        fails=$((fails + 1))
    fi
done
echo "# $((ntests - fails)) passed, $fails failed"
[ $fails = 0 ]
