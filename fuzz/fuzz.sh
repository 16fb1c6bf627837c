#!/usr/bin/env bash
# fuzz.sh - build and run goinspect's libFuzzer harnesses (see fuzz/README.md).
#
#   fuzz.sh build OUTDIR                  compile the harnesses into OUTDIR/bin
#   fuzz.sh run OUTDIR SECONDS [NAME...]  fuzz each harness for SECONDS
#   fuzz.sh regress OUTDIR [NAME...]      run every input of the corpus once
#
# The harnesses are built with clang -fsanitize=fuzzer,address,undefined
# (UBSan aborts on the first error, so it counts as a crash).  `run` reads
# the seed corpus fuzz/corpus/NAME (never written) and keeps what it finds
# in OUTDIR/corpus/NAME; a crash leaves its input in OUTDIR/crashes/NAME/
# and makes the script exit 1.  Copy such an input into fuzz/corpus/NAME/
# once the bug is fixed: `regress`, which `make check` runs, then keeps
# it fixed.  Each run appends "NAME SECONDS EXECS" to OUTDIR/fuzz-time.log.
#
# Environment: FUZZ_CC (default clang), FUZZ_CPPFLAGS (extra -I...), FUZZ_JOBS (harnesses run in
# parallel by `run`, default 2), FUZZ_MAX_LEN (default 8192), GO126 and
# GO119 (the go commands that build fixtures/values for fuzz_expr,
# fuzz_rtype and fuzz_value; defaults as in tests/build-fixtures.sh).
# Exit status: 0, 1 (a crash or a failed build), 77 (no clang with
# libFuzzer here: the caller skips).
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
NAMES="pclntab buildinfo unwind json elf expr rtype value"
# These read types from fixtures/values, built by build_gobin.
GO_NAMES="expr rtype value"
: "${GO119:=/usr/lib/go-1.19/bin/go}"
: "${GO126:=/usr/local/go/bin/go}"
: "${FUZZ_CC:=clang}"
: "${FUZZ_JOBS:=2}"
: "${FUZZ_MAX_LEN:=8192}"

# Every harness links against an archive of all of src/ but main.c, so the
# linker takes only the modules a harness needs (and what they call).
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined"

usage() {
    echo "usage: $0 build OUTDIR | run OUTDIR SECONDS [NAME...] |" \
         "regress OUTDIR [NAME...]" >&2
    exit 2
}

have_libfuzzer() {
    command -v "$FUZZ_CC" >/dev/null 2>&1 || return 1
    echo 'int LLVMFuzzerTestOneInput(const char *d, long n)
          { (void)d; (void)n; return 0; }' >"$1/probe.c"
    "$FUZZ_CC" -fsanitize=fuzzer "$1/probe.c" -o "$1/probe" >/dev/null 2>&1
}

# newer OUT FILE...: true when OUT is missing or older than a FILE.
newer() {
    local out=$1 f
    shift
    [ -e "$out" ] || return 0
    for f in "$@"; do
        [ "$f" -nt "$out" ] && return 0
    done
    return 1
}

# build_gobin OUT: fixtures/values built with a swiss-map Go (values-new)
# and a bucket-map Go (values-old) in OUT/gobin, for the harnesses that
# need a real type set.  Returns 1 when even the new one cannot be built.
build_gobin() {
    local out=$1 go which src bin
    mkdir -p "$out/gobin"
    for which in new old; do
        go=$GO126
        [ $which = old ] && go=$GO119
        bin=$out/gobin/values-$which
        newer "$bin" "$top"/fixtures/values/* "$top/fixtures/harness.go" \
            "$0" || continue
        src=$out/gobin/src-$which
        rm -rf "$src"
        mkdir -p "$src"
        cp "$top"/fixtures/values/* "$top/fixtures/harness.go" "$src/"
        if [ -x "$go" ] && (cd "$src" && env GOTOOLCHAIN=local GOWORK=off \
            GOFLAGS="-mod=mod -buildvcs=false" GO111MODULE=on \
            CGO_ENABLED=0 "$go" build -o "$bin" .) >"$bin.log" 2>&1; then
            rm -f "$bin.log"
        elif [ $which = old ] && [ -e "$out/gobin/values-new" ]; then
            echo "fuzz: warning: no Go 1.19 ($go): fuzzing bucket maps" \
                 "with the swiss-map binary" >&2
            cp "$out/gobin/values-new" "$bin"
        else
            echo "fuzz: cannot build fixtures/values with $go:" >&2
            tail -3 "$bin.log" 2>/dev/null | sed 's/^/    /' >&2
            return 1
        fi
    done
}

build() {
    local out=$1 cflags libs s o name objs=() gobin=1
    mkdir -p "$out/obj" "$out/bin"
    if ! have_libfuzzer "$out"; then
        echo "fuzz: $FUZZ_CC with -fsanitize=fuzzer is not available" \
             "(Debian: apt-get install clang)" >&2
        return 77
    fi
    cflags="-std=gnu11 -g -O1 -Wall -Wextra $SAN ${FUZZ_CPPFLAGS:-}
            $(pkg-config --cflags libelf libdw 2>/dev/null)
            -I$top/src -I$top/fuzz"
    libs="$(pkg-config --libs libdw libelf 2>/dev/null || echo -ldw -lelf)"
    for s in "$top"/src/*.c; do
        name=$(basename "$s" .c)
        [ "$name" = main ] && continue
        o=$out/obj/$name.o
        if newer "$o" "$s" "$top"/src/*.h "$0"; then
            # A module that does not compile is left out; the link
            # below fails if a harness needs it.
            # shellcheck disable=SC2086
            "$FUZZ_CC" $cflags -fsanitize=fuzzer-no-link -c "$s" \
                -o "$o" 2>"$o.err" || {
                echo "fuzz: warning: src/$name.c does not compile; left out:" >&2
                head -3 "$o.err" | sed 's/^/    /' >&2
                rm -f "$o"
                continue
            }
        fi
        objs+=("$o")
    done
    # Objects of modules that no longer exist must not linger.
    for o in "$out"/obj/*.o; do
        [ -e "$top/src/$(basename "$o" .o).c" ] || rm -f "$o"
    done
    rm -f "$out/libgoinspect.a"
    ar rcs "$out/libgoinspect.a" "${objs[@]}" || return 1
    build_gobin "$out" || gobin=0
    for name in $NAMES; do
        if [ $gobin = 0 ] && [[ " $GO_NAMES " = *" $name "* ]]; then
            rm -f "$out/bin/fuzz_$name"
            return 1
        fi
        newer "$out/bin/fuzz_$name" "$top/fuzz/fuzz_$name.c" \
            "$top"/fuzz/*.h "${objs[@]}" || continue
        # shellcheck disable=SC2086
        "$FUZZ_CC" $cflags -DFUZZ_GOBIN_DIR="\"$out/gobin\"" \
            -fsanitize=fuzzer "$top/fuzz/fuzz_$name.c" \
            "$out/libgoinspect.a" $libs -o "$out/bin/fuzz_$name" || return 1
        echo "fuzz: built fuzz_$name"
    done
}

# run_one OUT SECONDS NAME: one harness, new inputs kept in OUT/corpus.
# The timeout catches hangs; it is far above the slowest bounded input of
# the corpus (value/regress-nested-map-walks.bin: about 7 s here, twice
# that on a loaded machine), so that a busy CI machine does not fail it.
run_one() {
    local out=$1 secs=$2 name=$3 log start end execs rc
    mkdir -p "$out/corpus/$name" "$out/crashes/$name"
    log=$out/fuzz-$name.log
    start=$(date +%s)
    "$out/bin/fuzz_$name" -max_total_time="$secs" -max_len="$FUZZ_MAX_LEN" \
        -timeout=60 -rss_limit_mb=4096 -print_final_stats=1 \
        -artifact_prefix="$out/crashes/$name/" \
        "$out/corpus/$name" "$top/fuzz/corpus/$name" >"$log" 2>&1
    rc=$?
    end=$(date +%s)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    echo "$name $((end - start)) ${execs:-0}" >>"$out/fuzz-time.log"
    if [ $rc != 0 ]; then
        echo "fuzz: fuzz_$name FOUND A CRASH (exit $rc); input in" \
             "$out/crashes/$name/, log $log:" >&2
        grep -E 'ERROR|runtime error|SUMMARY|Test unit written' "$log" |
            head -5 | sed 's/^/    /' >&2
        return 1
    fi
    echo "fuzz: fuzz_$name ran $((end - start))s, ${execs:-?} inputs, no crash"
}

run() {
    local out=$1 secs=$2 name status=0 pids=() running=0
    shift 2
    for name in ${@:-$NAMES}; do
        [ -x "$out/bin/fuzz_$name" ] || { echo "fuzz: no fuzz_$name" >&2; return 1; }
    done
    for name in ${@:-$NAMES}; do
        run_one "$out" "$secs" "$name" &
        pids+=($!)
        running=$((running + 1))
        if [ "$running" -ge "$FUZZ_JOBS" ]; then
            wait "${pids[0]}" || status=1
            pids=("${pids[@]:1}")
            running=$((running - 1))
        fi
    done
    for p in "${pids[@]}"; do
        wait "$p" || status=1
    done
    return $status
}

# regress OUT [NAME...]: every seed and regression input, once.
regress() {
    local out=$1 name status=0 files
    shift
    for name in ${@:-$NAMES}; do
        files=("$top/fuzz/corpus/$name"/*)
        [ -e "${files[0]}" ] || continue
        if ! "$out/bin/fuzz_$name" -runs=1 "${files[@]}" \
            >"$out/regress-$name.log" 2>&1; then
            echo "fuzz: fuzz_$name fails on its corpus; see" \
                 "$out/regress-$name.log" >&2
            grep -E 'ERROR|runtime error|SUMMARY|Running:' \
                "$out/regress-$name.log" | tail -5 | sed 's/^/    /' >&2
            status=1
        fi
    done
    return $status
}

[ $# -ge 2 ] || usage
cmd=$1
out=$2
mkdir -p "$out"
out=$(cd "$out" && pwd)
case $cmd in
build) build "$out" ;;
run) [ $# -ge 3 ] || usage; shift 2; secs=$1; shift
     run "$out" "$secs" "$@" ;;
regress) shift 2; regress "$out" "$@" ;;
*) usage ;;
esac
