#!/usr/bin/env bash
# build-fixtures.sh OUTDIR - build the Go fixture programs in fixtures/ with
# every Go toolchain in every link mode, for tests/fixtures.py.
#
# Binaries go to OUTDIR/<toolchain>/<mode>/<fixture>, toolchain being 1.19,
# 1.26 or 1.27 and mode one of:
#   default   CGO_ENABLED=0, plain go build (a static, internally linked binary)
#   stripped  CGO_ENABLED=0, -ldflags='-s -w' (no symbol table, no DWARF)
#   pie       CGO_ENABLED=0, -buildmode=pie
#   cgo       CGO_ENABLED=1, -ldflags=-linkmode=external (runtime/cgo linked
#             into every fixture; the fixtures that import "C" are built in
#             this mode only)
#   trimpath  CGO_ENABLED=0, -trimpath
# A toolchain that is not installed is skipped with a message, and
# OUTDIR/<toolchain>/SKIPPED says why (fixtures.py reports its cases as SKIP).
# Incremental: a binary newer than its fixture's sources and this script is
# kept.  Builds run in parallel ($JOBS, default 2) with one shared GOCACHE.
#
# Environment: GO119, GO126 (go commands; defaults /usr/lib/go-1.19/bin/go
# and /usr/local/go/bin/go), GO127_TOOLCHAIN (default go1.27.3, run through
# $GO126 with GOTOOLCHAIN set, fetched from the module proxy once),
# TOOLCHAINS, MODES, FIXTURES (space-separated subsets), JOBS, GOCACHE.
set -eu

self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
top=$(cd "$(dirname "$0")/.." && pwd)
fixtures_dir=$top/fixtures

: "${GO119:=/usr/lib/go-1.19/bin/go}"
: "${GO126:=/usr/local/go/bin/go}"
: "${GO127_TOOLCHAIN:=go1.27.3}"
: "${TOOLCHAINS:=1.19 1.26 1.27}"
: "${MODES:=default stripped pie cgo trimpath}"
: "${JOBS:=2}"

# toolchain_env TC: print "GO GOTOOLCHAIN" for toolchain TC.
toolchain_env() {
    case $1 in
    1.19) echo "$GO119 local" ;;
    1.26) echo "$GO126 local" ;;
    1.27) echo "$GO126 $GO127_TOOLCHAIN" ;;
    *) echo "build-fixtures: unknown toolchain $1" >&2; return 1 ;;
    esac
}

# build_one TC MODE FIXTURE OUTDIR: build one binary (run by xargs).
build_one() {
    local tc=$1 mode=$2 fx=$3 outdir=$4 go gotc
    read -r go gotc <<<"$(toolchain_env "$tc")"
    local bin=$outdir/$tc/$mode/$fx
    local cgo=0 flags=()
    case $mode in
    default) ;;
    stripped) flags=(-ldflags=-s\ -w) ;;
    pie) flags=(-buildmode=pie) ;;
    cgo) cgo=1; flags=(-ldflags=-linkmode=external) ;;
    trimpath) flags=(-trimpath) ;;
    *) echo "build-fixtures: unknown mode $mode" >&2; return 1 ;;
    esac
    mkdir -p "$outdir/$tc/$mode"
    local log=$bin.log
    # Build from a copy of the fixture joined with the one shared
    # fixtures/harness.go, so the harness exists once in the tree.
    local src=$outdir/$tc/$mode/.src/$fx
    rm -rf "$src"
    mkdir -p "$src"
    cp "$fixtures_dir/$fx"/* "$src"/
    cp "$fixtures_dir/harness.go" "$src/harness.go"
    if (cd "$src" &&
        env GOTOOLCHAIN="$gotc" GOFLAGS="-mod=mod -buildvcs=false" GOWORK=off \
            GO111MODULE=on CGO_ENABLED=$cgo GOOS=linux GOARCH=amd64 \
            "$go" build "${flags[@]}" -o "$bin.tmp" . ) >"$log" 2>&1; then
        mv -f "$bin.tmp" "$bin"
        rm -f "$log"
        echo "build-fixtures: built $tc/$mode/$fx"
    else
        rm -f "$bin.tmp"
        echo "build-fixtures: FAILED $tc/$mode/$fx:" >&2
        sed 's/^/    /' "$log" >&2
        return 1
    fi
}

if [ "${1:-}" = --build-one ]; then
    shift
    build_one "$@"
    exit
fi

if [ $# -ne 1 ] || [ "${1#-}" != "$1" ]; then
    echo "usage: $0 OUTDIR" >&2
    exit 2
fi
mkdir -p "$1"
outdir=$(cd "$1" && pwd)
start=$(date +%s.%N)

# Every fixture directory with a go.mod; fixtures/harness.go joins each
# one at build time (build_one).
fixture_list=()
for d in "$fixtures_dir"/*/; do
    fx=$(basename "$d")
    [ -f "$d/go.mod" ] || continue
    if [ -n "${FIXTURES:-}" ] && [[ " $FIXTURES " != *" $fx "* ]]; then
        continue
    fi
    fixture_list+=("$fx")
done

export GOCACHE="${GOCACHE:-$("$GO126" env GOCACHE 2>/dev/null || echo "$HOME/.cache/go-build")}"

jobs_file=$outdir/.jobs
: >"$jobs_file"
uptodate=0
for tc in $TOOLCHAINS; do
    read -r go gotc <<<"$(toolchain_env "$tc")"
    ver=""
    if [ -x "$go" ]; then
        ver=$(env GOTOOLCHAIN="$gotc" GOFLAGS= "$go" env GOVERSION 2>&1) || ver=""
    fi
    mkdir -p "$outdir/$tc"
    case $ver in
    go$tc|go$tc.*) rm -f "$outdir/$tc/SKIPPED" ;;
    *)
        msg="Go $tc not available ($go with GOTOOLCHAIN=$gotc${ver:+: $ver})"
        echo "build-fixtures: skipping toolchain $tc: $msg" >&2
        echo "$msg" >"$outdir/$tc/SKIPPED"
        continue ;;
    esac
    for mode in $MODES; do
        for fx in "${fixture_list[@]}"; do
            if grep -qs '^import "C"' "$fixtures_dir/$fx"/*.go && [ "$mode" != cgo ]; then
                continue
            fi
            bin=$outdir/$tc/$mode/$fx
            if [ -f "$bin" ] && [ ! "$self" -nt "$bin" ] &&
               [ ! "$fixtures_dir/harness.go" -nt "$bin" ] &&
               [ -z "$(find "$fixtures_dir/$fx" -newer "$bin" -print -quit)" ]; then
                uptodate=$((uptodate + 1))
                continue
            fi
            echo "$tc $mode $fx $outdir" >>"$jobs_file"
        done
    done
done

nbuild=$(wc -l <"$jobs_file")
status=0
if [ "$nbuild" -gt 0 ]; then
    xargs -P "$JOBS" -L 1 "$self" --build-one <"$jobs_file" || status=1
fi
rm -f "$jobs_file"
end=$(date +%s.%N)
secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
echo "build-fixtures: $nbuild to build, $uptodate up to date, ${secs}s$([ $status = 0 ] || echo ', SOME BUILDS FAILED')"
exit $status
