#!/usr/bin/env bash
# TAP: goinspect's layout table for each toolchain agrees with the DWARF of
# the fixture binaries that toolchain built (every mode that keeps DWARF).
set -u
here=$(cd "$(dirname "$0")" && pwd)
bin=${FIXTURE_BIN:-$here/fixture-bin}
check=${LAYOUT_CHECK:-$here/layout-check}
n=0; fail=0; skip=0
cases=()
for tc in 1.19 1.26 1.27; do
	for mode in default pie cgo trimpath; do
		f=$bin/$tc/$mode/gconly
		cases+=("$tc $mode $f")
	done
done
echo "1..${#cases[@]}"
for c in "${cases[@]}"; do
	set -- $c
	n=$((n + 1))
	if [ ! -x "$3" ]; then
		echo "ok $n - layout $1/$2 # SKIP no fixture binary (toolchain missing?)"
		skip=$((skip + 1)); continue
	fi
	ver=$(/usr/local/go/bin/go version "$3" | awk '{print $2}')
	if out=$("$check" "$3" "$ver" 2>&1); then
		echo "ok $n - layout table for $ver matches DWARF ($2)"
	else
		echo "not ok $n - layout table for $ver matches DWARF ($2)"
		echo "$out" | sed 's/^/# /'
		fail=$((fail + 1))
	fi
done
echo "# $((n - fail - skip)) passed, $fail failed, $skip skipped"
