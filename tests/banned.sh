#!/bin/sh
# tests/banned.sh - calls that src/ must not make (TAP).
#
#  1. unsafe C library calls: unbounded copies and formats (strcpy, strcat,
#     sprintf, vsprintf, gets, ...), strtok, the static-buffer time
#     functions, tmpnam and friends, alloca;
#  2. no write path to the target: no PTRACE_POKE*, no register or option
#     setting (PTRACE_SET*, PTRACE_O_EXITKILL would kill the target with
#     goinspect), no PTRACE_ATTACH (it sends SIGSTOP), no resuming or
#     killing requests, no process_vm_writev, and no signal to anyone
#     (kill, tgkill, tkill, sigqueue, pidfd_send_signal);
#  3. ptrace() itself only in src/target.c;
#  4. the checker itself finds a planted call (so this test can fail).
#
# Comments and string literals are left out before matching (a comment may
# name a banned call to say why it is not used).  Environment: srcdir (set
# by automake), CC (used as the comment stripper; default cc).
set -u
top=$(cd "${srcdir:-$(dirname "$0")/..}" && pwd)
CC=${CC:-cc}

UNSAFE='strcpy|strcat|strncpy|strncat|sprintf|vsprintf|gets|strtok|strtok_r|gmtime|localtime|ctime|ctime_r|asctime|asctime_r|tmpnam|tempnam|mktemp|alloca'
WRITES='PTRACE_POKE[A-Z]*|PTRACE_SET[A-Z]*|PTRACE_O_[A-Z]*|PTRACE_ATTACH|PTRACE_CONT|PTRACE_SYSCALL|PTRACE_SINGLESTEP|PTRACE_KILL|PTRACE_LISTEN|process_vm_writev|SYS_kill|SYS_tgkill|SYS_tkill'
SIGNALS='kill|tgkill|tkill|sigqueue|pidfd_send_signal|killpg'

# code FILE: FILE without comments and string contents.
code() {
    { "$CC" -fpreprocessed -dD -E -P "$1" 2>/dev/null || cat "$1"; } |
        sed -E 's/"([^"\\]|\\.)*"/""/g'
}

# scan REGEX CALLS FILES...: print "file:line: text" for each use; CALLS=1
# wants a call (the name then a parenthesis), 0 any use of the name.
scan() {
    re=$1 calls=$2
    shift 2
    for f in "$@"; do
        if [ "$calls" = 1 ]; then
            code "$f" | grep -nE "(^|[^A-Za-z0-9_.>])($re)[[:space:]]*\(" |
                sed "s|^|${f#"$top"/}:|"
        else
            code "$f" | grep -nE "(^|[^A-Za-z0-9_])($re)([^A-Za-z0-9_]|$)" |
                sed "s|^|${f#"$top"/}:|"
        fi
    done
}

n=0
fails=0
result() {
    n=$((n + 1))
    if [ -z "$2" ]; then
        echo "ok $n - $1"
    else
        echo "not ok $n - $1"
        echo "$2" | sed 's/^/# /'
        fails=$((fails + 1))
    fi
}

echo "1..5"
set -- "$top"/src/*.c "$top"/src/*.h
result "no unsafe string, format or time calls in src/" \
    "$(scan "$UNSAFE" 1 "$@")"
result "no write, register or option request, no PTRACE_ATTACH in src/" \
    "$(scan "$WRITES" 0 "$@")"
result "no signal sent to any process from src/" \
    "$(scan "$SIGNALS" 1 "$@")"
others=$(for f in "$@"; do
    [ "$(basename "$f")" = target.c ] || scan ptrace 1 "$f"
done)
result "ptrace() is called only in src/target.c" "$others"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/planted.c" <<'EOF'
/* strcpy(a, b) in a comment is fine, and so is "kill(1)" in a string */
static void f(char *a, const char *b) { sprintf(a, "%s", b); }
static void g(int pid) { ptrace(PTRACE_POKEDATA, pid, 0, 0); kill(pid, 9); }
EOF
found=$({ scan "$UNSAFE" 1 "$tmp/planted.c"; scan "$WRITES" 0 "$tmp/planted.c"
          scan "$SIGNALS" 1 "$tmp/planted.c"; })
want=3
got=$(printf '%s\n' "$found" | grep -c 'planted.c:')
if [ "$got" = "$want" ]; then
    result "the checker finds sprintf, PTRACE_POKEDATA, kill in a planted file" ""
else
    result "the checker finds sprintf, PTRACE_POKEDATA, kill in a planted file" \
        "found $got of $want: $found"
fi
echo "# $((n - fails)) passed, $fails failed"
[ "$fails" = 0 ]
