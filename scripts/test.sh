#!/usr/bin/env bash
# The README's test command: build goinspect and run the whole suite
# (make check).  Prints automake's summary and then one line
# "N passed, N failed" counted from the TAP results.
set -u
cd "$(dirname "$0")/.."
[ -x configure ] || autoreconf -fi >/dev/null
[ -f Makefile ] || ./configure --enable-werror >/dev/null
make -j"$(nproc)" >/dev/null || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }
make -j"$(nproc)" check
rc=$?
cat tests/*.log 2>/dev/null | grep -E '^(not )?ok ' | grep -E '^(not ok|ok)' >/tmp/goinspect-results.$$ || true
pass=$(grep -cE '^ok ' /tmp/goinspect-results.$$ | tr -d ' ')
skip=$(grep -cE '^ok .*# SKIP' /tmp/goinspect-results.$$ | tr -d ' ')
fail=$(grep -cE '^not ok ' /tmp/goinspect-results.$$ | tr -d ' ')
rm -f /tmp/goinspect-results.$$
[ "$rc" = 0 ] || [ "$fail" != 0 ] || fail=1
echo "$((pass - skip)) passed, $fail failed, $skip skipped"
exit $rc
