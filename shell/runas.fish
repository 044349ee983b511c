# runas shell integration for fish 3.2+. Load it from ~/.config/fish/config.fish with:
#
#     runas init fish | source
#
# `runas init fish` prints a few assignments before this file: _runas_bin (the binary's
# absolute path, quoted), _runas_window (the refresh window in seconds, from RUNAS_MIN_TTL at
# that moment) and _runas_epoch_at_init (the time then, for the clock below); and after it the
# tab completion of shell/complete.fish.
#
# It defines:
#   runas          `runas use PROFILE [flags]` and `runas off` change this shell; every other
#                  subcommand runs the binary
#   runas_prompt   prints `prod 42m` (profile, time left) for fish_prompt or fish_right_prompt
#   _runas_hook    on the fish_prompt event: refreshes credentials that expire within the window
# Loading it twice changes nothing: a function defined again replaces the first one, and its
# event handler with it.

# The hook exports nothing: an exported variable reaches every program started from this
# shell, and a script in another shell must not take it for its own. The state a switch keeps
# (_runas_saved, the variables this shell had before) is an unexported global.

function runas --description 'Assume AWS roles; `runas use PROFILE` and `runas off` change this shell'
    switch "$argv[1]"
        case use
            _runas_eval use --hook fish $argv[2..]
        case off
            _runas_eval off --hook fish $argv[2..]
        case doctor
            # Tell doctor whether the hook still handles fish_prompt, which only this shell knows.
            set -l active no
            if functions --handlers-type generic 2>/dev/null | string match -q -r '^fish_prompt\s+_runas_hook$'
                set active yes
            end
            RUNAS_HOOK=fish RUNAS_HOOK_ACTIVE=$active _runas_call $argv
        case '*'
            _runas_call $argv
    end
end

# Runs the binary; hands it this shell's saved state, in its own environment only, so it
# resolves settings against the variables the shell had before it switched.
function _runas_call
    if set -q _runas_saved
        RUNAS_SAVED=$_runas_saved $_runas_bin $argv
    else
        $_runas_bin $argv
    end
end

# Runs the binary and sources its output in this shell only if it succeeded (on failure runas
# prints nothing on stdout); returns the first failure's status, the binary's or the source's.
# The output may span lines (a value with a newline): `string collect` keeps it whole. runas
# writes `set -g`, so the variables are global although they are set inside a function.
function _runas_eval
    set -l out (_runas_call $argv | string collect)
    set -l st $pipestatus[1]
    test $st -eq 0; or return $st
    printf '%s\n' $out | source; or return
    set -g _runas_tried
end

# The time in seconds since the epoch, without a process where it can. fish 3.6 has no
# builtin clock (no $EPOCHSECONDS, no date builtin). On Linux /proc/uptime gives the seconds
# since boot, suspended time included (CLOCK_BOOTTIME), and `read` from a file is a builtin: so
# `runas init fish` prints the epoch time it ran at, this file reads the uptime right after, and
# from then on now = uptime + (epoch at init - uptime at init), to the second. That offset only
# goes wrong when the wall clock is stepped (a manual change; NTP slews); loading the init line
# again takes a new reference. Elsewhere (macOS, BSD) it runs `date +%s`: a process, but only on
# prompts where a profile is active, never when none is.
function _runas_now
    if set -q _runas_clock_offset; and read -l up _ </proc/uptime 2>/dev/null
        math (string split -f1 . -- $up) + $_runas_clock_offset
    else
        date +%s
    end
end

function _runas_clock_setup
    if read -l up _ </proc/uptime 2>/dev/null; and set -q _runas_epoch_at_init
        set -g _runas_clock_offset (math $_runas_epoch_at_init - (string split -f1 . -- $up))
    else
        set -e -g _runas_clock_offset
    end
end
_runas_clock_setup
functions -e _runas_clock_setup

# The seconds until AWSRUNAS_EXPIRES; fails when no profile with an expiry is active.
function _runas_time_left
    set -q AWSRUNAS_PROFILE[1]; and test -n "$AWSRUNAS_PROFILE"; or return 1
    string match -qr '^[0-9]{1,18}$' -- "$AWSRUNAS_EXPIRES"; or return 1
    math $AWSRUNAS_EXPIRES - (_runas_now)
end

# SECONDS as the prompt shows it: 59s, 42m, 1h05m (rounded down), or expired.
function _runas_duration
    set -l s $argv[1]
    if test $s -le 0
        echo expired
    else if test $s -lt 60
        echo {$s}s
    else if test $s -lt 3600
        echo (math --scale=0 $s / 60)m
    else
        printf '%dh%02dm\n' (math --scale=0 $s / 3600) (math --scale=0 $s % 3600 / 60)
    end
end

# `prod 42m`: the active profile and the time its credentials have left; just `prod` for
# credentials that do not expire; `prod (session)` for the source profile's session token
# (`runas use -s`); nothing when no profile is active. Keeps $status.
function runas_prompt --description 'The active runas profile and the time it has left'
    set -l st $status
    if set -q AWSRUNAS_PROFILE[1]; and test -n "$AWSRUNAS_PROFILE"
        set -l name $AWSRUNAS_PROFILE
        set -q AWSRUNAS_SESSION[1]; and test -n "$AWSRUNAS_SESSION"; and set name "$name (session)"
        if set -l left (_runas_time_left)
            printf '%s %s' $name (_runas_duration $left)
        else
            printf '%s' $name
        end
    end
    return $st
end

# Runs on every fish_prompt event, before fish_prompt draws. When nothing is due it is builtins
# on variables: no process (on Linux; see _runas_now). It refreshes at most once per expiry:
# _runas_tried holds the AWSRUNAS_EXPIRES it last tried, so a refresh that failed (or got the
# same credentials back) is not tried at every prompt. fish keeps $status for fish_prompt
# across event handlers.
function _runas_hook --on-event fish_prompt
    set -l left (_runas_time_left); or return
    test $left -le $_runas_window; or return
    test "$AWSRUNAS_EXPIRES" != "$_runas_tried"; or return
    _runas_refresh
end

# Refreshes the active profile without asking anything: runas decides, and on failure prints
# the one line that says why and leaves the shell as it was. A process starts here only
# because a refresh is due.
function _runas_refresh
    set -g _runas_tried $AWSRUNAS_EXPIRES
    set -l out (_runas_call use --hook fish --due $_runas_window | string collect)
    test $pipestatus[1] -eq 0; and printf '%s\n' $out | source
end
