# runas shell integration for zsh 5.1+. Load it from ~/.zshrc with:
#
#     eval "$(runas init zsh)"
#
# `runas init zsh` prints a few assignments before this file: _runas_bin (the binary's
# absolute path, quoted), _runas_window (the refresh window in seconds, from RUNAS_MIN_TTL at
# that moment); and after it the tab completion of shell/complete.zsh.
#
# It defines:
#   runas          `runas use PROFILE [flags]` and `runas off` change this shell; every other
#                  subcommand runs the binary
#   runas_prompt   prints `prod 42m` (profile, time left) for PROMPT/RPROMPT, from variables only
#   _runas_hook    a precmd hook: refreshes credentials that expire within the window
# Loading it twice changes nothing. Every function starts with `emulate -L zsh`, so options the
# user set (no_unset, ksh_arrays, err_exit, sh_word_split, …) do not change how it runs.

# The hook exports nothing: an exported variable reaches every program started from this
# shell, and a script in another shell must not take it for its own. The state a switch keeps
# (_runas_saved, the variables this shell had before) is a plain shell variable.

# $EPOCHSECONDS without a process.
zmodload zsh/datetime

function runas {
    emulate -L zsh
    case ${1-} in
        (use) shift; _runas_eval use --hook zsh "$@" ;;
        (off) shift; _runas_eval off --hook zsh "$@" ;;
        (doctor)
            # Tell doctor whether the hook is still a precmd hook, which only this shell knows.
            local _runas_active=no
            (( ${precmd_functions[(Ie)_runas_hook]} )) && _runas_active=yes
            RUNAS_HOOK=zsh RUNAS_HOOK_ACTIVE=$_runas_active _runas_call "$@" ;;
        (*) _runas_call "$@" ;;
    esac
}

# Runs the binary; hands it this shell's saved state, in its own environment only, so it
# resolves settings against the variables the shell had before it switched.
function _runas_call {
    emulate -L zsh
    if (( ${+_runas_saved} )); then
        RUNAS_SAVED=$_runas_saved "$_runas_bin" "$@"
    else
        "$_runas_bin" "$@"
    fi
}

# Runs the binary and evaluates its output in this shell only if it succeeded (on failure
# runas prints nothing on stdout); returns the first failure's status, the binary's or the
# eval's. The output may span lines (a value with a newline), so it is evaluated as a whole.
# `export` in a function is global in zsh (typeset -gx), and so is a plain assignment to a
# variable that is not local.
function _runas_eval {
    emulate -L zsh
    local _runas_out
    _runas_out=$(_runas_call "$@") || return
    eval "$_runas_out" || return
    typeset -g _runas_tried=
}

# Sets _runas_left to the seconds until AWSRUNAS_EXPIRES; fails when no profile with an expiry
# is active.
function _runas_time_left {
    emulate -L zsh
    [[ -n ${AWSRUNAS_PROFILE-} && ${AWSRUNAS_EXPIRES-} == <-> && ${#AWSRUNAS_EXPIRES} -le 18 ]] || return 1
    # 10#: a leading zero must not make it octal (octal_zeroes is off under emulate zsh anyway).
    _runas_left=$(( 10#$AWSRUNAS_EXPIRES - EPOCHSECONDS ))
}

# Sets _runas_text to SECONDS as the prompt shows it: 59s, 42m, 1h05m (rounded down), or
# expired.
function _runas_duration {
    emulate -L zsh
    local -i s=$1
    if (( s <= 0 )); then
        _runas_text=expired
    elif (( s < 60 )); then
        _runas_text=${s}s
    elif (( s < 3600 )); then
        _runas_text=$(( s / 60 ))m
    else
        _runas_text=$(( s / 3600 ))h${(l:2::0:)$(( s % 3600 / 60 ))}m
    fi
}

# `prod 42m`: the active profile and the time its credentials have left; just `prod` for
# credentials that do not expire; `prod (session)` for the source profile's session token
# (`runas use -s`); nothing when no profile is active. Keeps $?. Every `%` is doubled: with
# prompt_subst, zsh reads the output of `$(runas_prompt)` for prompt escapes, and a profile
# named `%F{red}x` must show as written.
function runas_prompt {
    local -i _runas_status=$?
    emulate -L zsh
    local -i _runas_left
    local _runas_text _runas_name
    if [[ -n ${AWSRUNAS_PROFILE-} ]]; then
        _runas_name=$AWSRUNAS_PROFILE${AWSRUNAS_SESSION:+ (session)}
        _runas_name=${_runas_name//\%/%%}
        if _runas_time_left; then
            _runas_duration $_runas_left
            print -rn -- "$_runas_name $_runas_text"
        else
            print -rn -- "$_runas_name"
        fi
    fi
    return $_runas_status
}

# Runs before every prompt (precmd). When nothing is due it is arithmetic on variables: no
# process. It refreshes at most once per expiry: _runas_tried holds the AWSRUNAS_EXPIRES it
# last tried, so a refresh that failed (or got the same credentials back) is not tried at every
# prompt. It returns the status it was called with, for the precmd functions after it.
function _runas_hook {
    local -i _runas_status=$?
    emulate -L zsh
    local -i _runas_left
    # compinit may run after this file is loaded: register the completion once it can be.
    if (( ${+_runas_compdef_pending} && ${+functions[compdef]} )); then
        unset _runas_compdef_pending
        compdef _runas_complete runas
    fi
    if _runas_time_left && (( _runas_left <= _runas_window )) &&
        [[ $AWSRUNAS_EXPIRES != "${_runas_tried-}" ]]; then
        _runas_refresh
    fi
    return $_runas_status
}

# Refreshes the active profile without asking anything: runas decides, and on failure prints
# the one line that says why and leaves the shell as it was. A process starts here only
# because a refresh is due.
function _runas_refresh {
    emulate -L zsh
    local _runas_out
    typeset -g _runas_tried=$AWSRUNAS_EXPIRES
    _runas_out=$(_runas_call use --hook zsh --due $_runas_window) && eval "$_runas_out"
}

# add-zsh-hook adds a function once, so loading this file twice leaves one hook.
autoload -Uz add-zsh-hook
add-zsh-hook precmd _runas_hook
