#!/usr/bin/env bash
# The README's first command: install what is missing, build goinspect,
# start a small Go program, and show goinspect dumping it.
set -eu
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
[ -x configure ] || autoreconf -fi >/dev/null
[ -f Makefile ] || ./configure >/dev/null
make -j"$(nproc)" >/dev/null
export PATH="/usr/local/go/bin:$PATH"
work=$(mktemp -d)
(cd examples/demo && GOTOOLCHAIN=local GOFLAGS=-mod=mod go build -o "$work/demo" .)
"$work/demo" >"$work/out" &
pid=$!
# The demo program dies by our kill: its status (143) must not become the
# script's, nor stop the clean-up under set -e.
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do grep -q ready "$work/out" && break; sleep 0.05; done
sleep 0.2
set -x
src/goinspect -p "$pid" info
src/goinspect -v -p "$pid" goroutines
src/goinspect -p "$pid" sched
