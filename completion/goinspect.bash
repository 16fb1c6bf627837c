# bash completion for goinspect                             -*- shell-script -*-
#
# Installed by `make install` as $(datadir)/bash-completion/completions/goinspect.
# Completion never stops a target: -p completes from `goinspect ps`, which
# only reads /proc, and nothing here runs a command against a process.

_goinspect_commands()
{
    # The command table, as --help prints it (two-space indent, name first).
    goinspect --help 2>/dev/null |
        awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { exit }'
}

_goinspect()
{
    local cur prev words cword
    if declare -F _init_completion >/dev/null; then
        _init_completion || return
    else    # sourced without the bash-completion library
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
        cur=${COMP_WORDS[COMP_CWORD]}
        prev=${COMP_WORDS[COMP_CWORD - 1]}
    fi

    # The command word: the first word after the global options.
    local i cmd="" skip=0
    for ((i = 1; i < cword; i++)); do
        if ((skip)); then
            skip=0
            continue
        fi
        case ${words[i]} in
        -p | --pid | --force-version) skip=1 ;;
        -*) ;;
        *) cmd=${words[i]}; break ;;
        esac
    done

    case $prev in
    -p | --pid)
        # pids and command names of the Go processes this user may inspect
        COMPREPLY=($(compgen -W "$(goinspect ps 2>/dev/null | awk '{ print $1; print $2 }')" -- "$cur"))
        return ;;
    --force-version)
        COMPREPLY=($(compgen -W "go1.19 go1.20 go1.21 go1.22 go1.23 go1.24 go1.25 go1.26 go1.27" -- "$cur"))
        return ;;
    --diff)
        if declare -F _filedir >/dev/null; then
            _filedir json
        else
            COMPREPLY=($(compgen -f -- "$cur"))
        fi
        return ;;
    --status)
        local IFS=$'\n'
        COMPREPLY=($(compgen -W $'waiting\nrunning\nrunnable\nsyscall\nchan receive\nchan send\nselect\nsleep\nIO wait\nsync.Mutex.Lock\nsync.WaitGroup.Wait\nsync.Cond.Wait\nsemacquire' -- "$cur"))
        COMPREPLY=("${COMPREPLY[@]// /\\ }")
        return ;;
    --with | --without | --min-wait | --label | --top)
        return ;;
    esac

    if [[ -z $cmd ]]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "-p --pid -j --json -a --all -v --verbose --force-version -h --help --version" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$(_goinspect_commands)" -- "$cur"))
        fi
        return
    fi

    case $cmd in
    goroutines | bt)
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "-a -g --status --with --without --min-wait --label --top --diff" -- "$cur"))
        fi ;;
    help)
        COMPREPLY=($(compgen -W "$(_goinspect_commands)" -- "$cur")) ;;
    esac
} &&
    complete -F _goinspect goinspect

# ex: filetype=sh
