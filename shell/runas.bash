# shellcheck shell=bash
# runas shell integration for bash 4.2+ (5.0+ for a prompt hook that starts no process).
# Load it from ~/.bashrc with:
#
#     eval "$(runas init bash)"
#
# `runas init bash` prints a few assignments before this file: _runas_bin (the binary's
# absolute path, quoted), _runas_window (the refresh window in seconds, from RUNAS_MIN_TTL at
# that moment); and after it the tab completion of shell/complete.bash.
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

# The hook exports nothing: an exported variable reaches every program started from this
# shell, and a script in another shell must not take it for its own. The state a switch keeps
# (_runas_saved, the variables this shell had before) is a plain shell variable.

function runas {
    case ${1-} in
    use)
        shift
        _runas_eval use --hook bash "$@"
        ;;
    off)
        shift
        _runas_eval off --hook bash "$@"
        ;;
    doctor)
        # Tell doctor whether the hook is still in PROMPT_COMMAND, which only this shell knows.
        local _runas_active=no
        [[ ${PROMPT_COMMAND[*]-} == *_runas_hook* ]] && _runas_active=yes
        RUNAS_HOOK=bash RUNAS_HOOK_ACTIVE=$_runas_active _runas_call "$@"
        ;;
    *)
        _runas_call "$@"
        ;;
    esac
}

# Runs the binary; hands it this shell's saved state, in its own environment only, so it
# resolves settings against the variables the shell had before it switched.
function _runas_call {
    if [[ -n ${_runas_saved+x} ]]; then
        RUNAS_SAVED=$_runas_saved "$_runas_bin" "$@"
    else
        "$_runas_bin" "$@"
    fi
}

# Runs the binary and evaluates its output in this shell only if it succeeded (on failure
# runas prints nothing on stdout); returns the first failure's status, the binary's or the
# eval's. The output may span lines (a value with a newline), so it is evaluated as a whole.
function _runas_eval {
    local _runas_out
    _runas_out=$(_runas_call "$@") || return
    eval "$_runas_out" || return
    _runas_tried=
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
# credentials that do not expire; `prod (session)` for the source profile's session token
# (`runas use -s`); nothing when no profile is active. Keeps $?.
function runas_prompt {
    local _runas_status=$? _runas_left _runas_text _runas_name
    if [[ -n ${AWSRUNAS_PROFILE-} ]]; then
        _runas_name=$AWSRUNAS_PROFILE${AWSRUNAS_SESSION:+ (session)}
        if _runas_time_left; then
            _runas_duration "$_runas_left"
            printf '%s %s' "$_runas_name" "$_runas_text"
        else
            printf '%s' "$_runas_name"
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
        _runas_refresh
    fi
    return "$_runas_status"
}

# Refreshes the active profile without asking anything: runas decides, and on failure prints
# the one line that says why and leaves the shell as it was. A process starts here only
# because a refresh is due.
function _runas_refresh {
    local _runas_out
    _runas_tried=$AWSRUNAS_EXPIRES
    _runas_out=$(_runas_call use --hook bash --due "$_runas_window") && eval "$_runas_out"
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
