# shellcheck shell=bash
# runas shell integration for bash 4.2+ (5.0+ for a prompt hook that starts no process).
# Load it from ~/.bashrc with:
#
#     eval "$(runas init bash)"
#
# `runas init bash` prints a few assignments before this file: _runas_bin (the binary's
# absolute path, quoted), _runas_window (the refresh window in seconds, from RUNAS_MIN_TTL at
# that moment), and the names tab completion offers (_runas_commands, _runas_flags_SUB, …).
#
# It defines:
#   runas          `runas use PROFILE [flags]` and `runas off` change this shell; every other
#                  subcommand runs the binary
#   runas_prompt   prints `prod 42m` (profile, time left) for PS1, from variables only
#   _runas_hook    first in PROMPT_COMMAND: refreshes credentials that expire within the window
# Loading it twice changes nothing.

# The prelude sets the _runas_ variables this file reads: shellcheck checks them in the output
# of `runas init bash`, not here.
# shellcheck disable=SC2154
export RUNAS_SHELL=bash

function runas {
    case ${1-} in
    use)
        shift
        _runas_switch env "$@"
        ;;
    off)
        shift
        _runas_switch unset "$@"
        ;;
    doctor)
        # Tell doctor whether the hook is still in PROMPT_COMMAND, which only this shell knows.
        local _runas_active=no
        [[ ${PROMPT_COMMAND[*]-} == *_runas_hook* ]] && _runas_active=yes
        RUNAS_HOOK_ACTIVE=$_runas_active "$_runas_bin" "$@"
        ;;
    *)
        "$_runas_bin" "$@"
        ;;
    esac
}

# `runas SUBCOMMAND --shell bash ARGS...`, its output evaluated in this shell only if it
# succeeded (on failure runas prints nothing on stdout); returns its status. The output may
# span lines (a value with a newline), so it is evaluated as a whole.
function _runas_switch {
    local _runas_out _runas_status=0 _runas_arg
    for _runas_arg in "${@:2}"; do
        case $_runas_arg in
        # Help is for reading, not for eval.
        -h | --help)
            "$_runas_bin" "$@"
            return
            ;;
        esac
    done
    _runas_out=$("$_runas_bin" "$1" --shell bash "${@:2}") || _runas_status=$?
    if ((_runas_status == 0)); then
        eval "$_runas_out"
        _runas_tried=
    fi
    return "$_runas_status"
}

# Sets _runas_left to the seconds until AWSRUNAS_EXPIRES; fails when no profile with an expiry
# is active. Builtins only: $EPOCHSECONDS (bash 5.0+), else printf's %(%s)T (bash 4.2+).
function _runas_time_left {
    local _runas_now
    [[ -n ${AWSRUNAS_PROFILE-} && ${AWSRUNAS_EXPIRES-} =~ ^[0-9]{1,18}$ ]] || return 1
    if [[ -n ${EPOCHSECONDS-} ]]; then
        _runas_now=$EPOCHSECONDS
    else
        printf -v _runas_now '%(%s)T' -1
    fi
    # 10#: a leading zero must not make it octal.
    _runas_left=$((10#$AWSRUNAS_EXPIRES - _runas_now))
}

# Sets _runas_text to SECONDS as the prompt shows it: 59s, 42m, 1h05m (rounded down), or
# expired.
function _runas_duration {
    if (($1 <= 0)); then
        _runas_text=expired
    elif (($1 < 60)); then
        _runas_text=$1s
    elif (($1 < 3600)); then
        _runas_text=$(($1 / 60))m
    else
        printf -v _runas_text '%dh%02dm' $(($1 / 3600)) $(($1 % 3600 / 60))
    fi
}

# `prod 42m`: the active profile and the time its credentials have left; just `prod` for
# credentials that do not expire; nothing when no profile is active. Keeps $?.
function runas_prompt {
    local _runas_status=$? _runas_left _runas_text
    if [[ -n ${AWSRUNAS_PROFILE-} ]]; then
        if _runas_time_left; then
            _runas_duration "$_runas_left"
            printf '%s %s' "$AWSRUNAS_PROFILE" "$_runas_text"
        else
            printf '%s' "$AWSRUNAS_PROFILE"
        fi
    fi
    return "$_runas_status"
}

# Runs before every prompt. When nothing is due it is arithmetic on variables: no process.
# It refreshes at most once per expiry: _runas_tried holds the AWSRUNAS_EXPIRES it last tried,
# so a refresh that failed (or got the same credentials back) is not tried at every prompt.
# It returns the status it was called with, so the user's PROMPT_COMMAND and PS1 see the $?
# of their last command.
function _runas_hook {
    local _runas_status=$? _runas_left
    if _runas_time_left && ((_runas_left <= _runas_window)) &&
        [[ $AWSRUNAS_EXPIRES != "${_runas_tried-}" ]]; then
        _runas_refresh "$_runas_left"
    fi
    return "$_runas_status"
}

# Re-runs `runas env` for the active profile without asking anything; evaluates its output if
# it succeeded, else prints one line and leaves the shell as it was.
function _runas_refresh {
    local _runas_out='' _runas_err='' _runas_status='' _runas_text _runas_name
    _runas_tried=$AWSRUNAS_EXPIRES
    # runas gets the window plus a minute: the shell's clock and runas's may differ by a
    # second, and cached credentials runas still found valid would come back unchanged and
    # never be tried again for this expiry.
    # stdout (to evaluate), stderr (for the message) and the status of one run, kept apart
    # without a temporary file: the process substitution writes stderr, then NUL-separated
    # the status and stdout. A process starts here only because a refresh is due.
    {
        IFS= read -r -d '' _runas_err
        IFS= read -r -d '' _runas_status
        IFS= read -r -d '' _runas_out
    } < <(
        {
            if _runas_out=$(RUNAS_MIN_TTL="$((_runas_window + 60))s" "$_runas_bin" env --no-prompt --shell bash \
                -- "$AWSRUNAS_PROFILE"); then
                _runas_status=0
            else
                _runas_status=$?
            fi
        } 2>&1
        printf '\0%s\0%s\0' "$_runas_status" "$_runas_out"
    )
    if [[ $_runas_status == 0 ]]; then
        eval "$_runas_out"
        return
    fi
    # runas's own message, first line, without its prefix and its remedy (after "; "): the
    # remedy here is to switch again, which may ask for an MFA code.
    _runas_err=${_runas_err#runas: }
    _runas_err=${_runas_err%%$'\n'*}
    _runas_err=${_runas_err%%; *}
    _runas_duration "$1"
    if [[ $_runas_text == expired ]]; then
        _runas_text='has expired'
    else
        _runas_text="expires in $_runas_text"
    fi
    printf -v _runas_name '%q' "$AWSRUNAS_PROFILE"
    printf 'runas: %s %s and was not refreshed (%s); to switch again, type: runas use %s\n' \
        "$AWSRUNAS_PROFILE" "$_runas_text" "${_runas_err:-exit status $_runas_status}" "$_runas_name" >&2
}

# The hook goes first in PROMPT_COMMAND, so a prompt that shows the credentials sees the
# refreshed ones; what was there stays. bash 5.1+ may hold PROMPT_COMMAND as an array.
if [[ ${PROMPT_COMMAND[*]-} != *_runas_hook* ]]; then
    case $(declare -p PROMPT_COMMAND 2>/dev/null) in
    'declare -a'*)
        PROMPT_COMMAND=(_runas_hook "${PROMPT_COMMAND[@]}")
        ;;
    *)
        # The string form (or unset): a newline keeps what was there a separate command.
        # shellcheck disable=SC2128,SC2178
        PROMPT_COMMAND=_runas_hook${PROMPT_COMMAND:+$'\n'$PROMPT_COMMAND}
        ;;
    esac
fi

# Tab completion: subcommands, then profile names (from `runas list --names`, run at
# completion time only), flags, and the values of --shell and --format.
function _runas_complete {
    local _runas_cur=${COMP_WORDS[COMP_CWORD]-} _runas_prev=${COMP_WORDS[COMP_CWORD - 1]-}
    local _runas_sub=${COMP_WORDS[1]-} _runas_word _runas_ref _runas_i
    COMPREPLY=()
    if ((COMP_CWORD == 1)); then
        _runas_offer "${_runas_commands[@]}"
        return
    fi
    if [[ $_runas_sub == exec ]]; then
        for ((_runas_i = 2; _runas_i < COMP_CWORD; _runas_i++)); do
            if [[ ${COMP_WORDS[_runas_i]} == -- ]]; then
                # The command to run: what bash completes by default.
                compopt -o bashdefault -o default 2>/dev/null
                return
            fi
        done
    fi
    for _runas_word in "${_runas_value_flags[@]}"; do
        if [[ $_runas_prev == "$_runas_word" ]]; then
            case $_runas_prev in
            --shell) _runas_offer sh bash zsh fish pwsh ;;
            -O | --format) _runas_offer shell json ;;
            esac
            return
        fi
    done
    case $_runas_sub in
    init)
        _runas_offer bash zsh fish pwsh
        return
        ;;
    completions)
        _runas_offer bash zsh fish powershell elvish
        return
        ;;
    cache)
        if ((COMP_CWORD == 2)); then
            _runas_offer clear
            return
        fi
        ;;
    *)
        [[ " ${_runas_profile_commands[*]} " == *" $_runas_sub "* ]] || return
        if [[ $_runas_cur == -* ]]; then
            _runas_ref="_runas_flags_${_runas_sub}[@]"
            _runas_offer "${!_runas_ref}"
            return
        fi
        ;;
    esac
    while IFS= read -r _runas_word; do
        if [[ $_runas_word == "$_runas_cur"* ]]; then
            printf -v _runas_word '%q' "$_runas_word"
            COMPREPLY+=("$_runas_word")
        fi
    done < <("$_runas_bin" list --names 2>/dev/null)
}

# Adds the words that start with the current one to COMPREPLY.
function _runas_offer {
    local _runas_word
    for _runas_word in "$@"; do
        if [[ $_runas_word == "${_runas_cur-}"* ]]; then
            COMPREPLY+=("$_runas_word")
        fi
    done
}

complete -F _runas_complete runas
