#!/usr/bin/env bash
# Installs everything goinspect needs to build and test on a fresh Debian machine:
# the C libraries (their -dev packages also hold the .a files that
# `configure --enable-static` links: libtinfo from libncurses-dev, zlib,
# bzip2 and xz for libdw) and autotools, Debian's Go 1.19, and Go 1.27.3 from the module proxy.
# clang (libFuzzer, for fuzz/), strace (tests/safety.py) and valgrind
# (make check-valgrind) are for the tests.
# Safe to run again: it only installs what is missing.
set -eu

need_apt=""
for pkg in build-essential autoconf automake pkg-config libelf-dev libdw-dev \
           libunwind-dev libreadline-dev golang-1.19-go python3 procps \
           libncurses-dev zlib1g-dev libbz2-dev liblzma-dev util-linux \
           clang strace valgrind; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" \
        || need_apt="$need_apt $pkg"
done
if [ -n "$need_apt" ]; then
    echo "install-deps: apt-get install$need_apt"
    SUDO=""
    [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $need_apt >/dev/null
fi

# Go 1.27.3 comes as a toolchain module; `go version` under GOTOOLCHAIN fetches it once.
if command -v go >/dev/null 2>&1; then
    GOTOOLCHAIN=go1.27.3 go version >/dev/null
fi
echo "install-deps: ok"
