# runas shell integration for PowerShell 7+. Load it from your $PROFILE with:
#
#     Invoke-Expression (& runas init pwsh | Out-String)
#
# `runas init pwsh` prints a few assignments before this file: $_runas_bin (the binary's
# absolute path, quoted), $_runas_window (the refresh window in seconds, from RUNAS_MIN_TTL at
# that moment); and after it the tab completion of shell/complete.ps1.
#
# It defines:
#   runas          `runas use PROFILE [flags]` and `runas off` change this session; every other
#                  subcommand runs the binary
#   runas_prompt   returns 'prod 42m' (profile, time left) for your prompt, from variables only
#   _runas_hook    run by a wrapper around your prompt function: refreshes credentials that
#                  expire within the window
# Loading it twice changes nothing: the prompt is wrapped once.

# The hook sets no environment variable: one would reach every program started from this
# session, and a script in another shell must not take it for its own. The state a switch
# keeps ($_runas_saved, the variables this session had before) is a session variable.

function global:runas {
    $sub = if ($args.Count -gt 0) { [string]$args[0] } else { '' }
    if ($sub -ceq 'use' -or $sub -ceq 'off') {
        $rest = @($args | Select-Object -Skip 1)
        _runas_eval (@($sub, '--hook', 'pwsh') + $rest)
    } elseif ($sub -ceq 'doctor') {
        # Tell doctor whether the prompt still runs the hook, which only this session knows.
        $Env:RUNAS_HOOK = 'pwsh'
        $Env:RUNAS_HOOK_ACTIVE = if ("$function:prompt" -match '_runas_hook') { 'yes' } else { 'no' }
        try { _runas_call $args }
        finally {
            Remove-Item -LiteralPath 'Env:/RUNAS_HOOK' -ErrorAction SilentlyContinue
            Remove-Item -LiteralPath 'Env:/RUNAS_HOOK_ACTIVE' -ErrorAction SilentlyContinue
        }
    } else {
        _runas_call $args
    }
}

# Runs the binary; hands it this session's saved state, in the environment for that one call
# (PowerShell has no `NAME=value command`), so it resolves settings against the variables the
# session had before it switched.
function global:_runas_call([object[]]$arguments) {
    if ($null -eq $global:_runas_saved) {
        & $global:_runas_bin @arguments
        return
    }
    $Env:RUNAS_SAVED = $global:_runas_saved
    try { & $global:_runas_bin @arguments }
    finally { Remove-Item -LiteralPath 'Env:/RUNAS_SAVED' -ErrorAction SilentlyContinue }
}

# Runs the binary and evaluates its output in this session only if it succeeded (on failure
# runas prints nothing on stdout); keeps the status in $LASTEXITCODE, 1 when the evaluation
# itself failed. The output may span lines (a value with a newline): Out-String joins them.
function global:_runas_eval([object[]]$arguments) {
    $out = _runas_call $arguments
    $status = $LASTEXITCODE
    if ($status -eq 0) {
        try {
            $out | Out-String | Invoke-Expression -ErrorAction Stop
            $global:_runas_tried = $null
        } catch {
            [Console]::Error.WriteLine("runas: $_")
            $status = 1
        }
    }
    $global:LASTEXITCODE = $status
}

# The seconds until AWSRUNAS_EXPIRES, or $null when no profile with an expiry is active.
function global:_runas_time_left {
    if (-not $Env:AWSRUNAS_PROFILE -or $Env:AWSRUNAS_EXPIRES -notmatch '^[0-9]{1,18}$') {
        return $null
    }
    [long]$Env:AWSRUNAS_EXPIRES - [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
}

# SECONDS as the prompt shows it: 59s, 42m, 1h05m (rounded down), or expired.
function global:_runas_duration([long]$s) {
    if ($s -le 0) { 'expired' }
    elseif ($s -lt 60) { "${s}s" }
    elseif ($s -lt 3600) { '{0}m' -f [Math]::Floor($s / 60) }
    else { '{0}h{1:D2}m' -f [long][Math]::Floor($s / 3600), [long][Math]::Floor(($s % 3600) / 60) }
}

# 'prod 42m': the active profile and the time its credentials have left; just 'prod' for
# credentials that do not expire; 'prod (session)' for the source profile's session token
# (`runas use -s`); nothing when no profile is active.
function global:runas_prompt {
    if (-not $Env:AWSRUNAS_PROFILE) { return }
    $name = if ($Env:AWSRUNAS_SESSION) { "$Env:AWSRUNAS_PROFILE (session)" } else { $Env:AWSRUNAS_PROFILE }
    $left = _runas_time_left
    if ($null -eq $left) { return $name }
    '{0} {1}' -f $name, (_runas_duration $left)
}

# Runs before every prompt. When nothing is due it is arithmetic in this process: no process
# starts. It refreshes at most once per expiry: $_runas_tried holds the AWSRUNAS_EXPIRES it
# last tried, so a refresh that failed (or got the same credentials back) is not tried at every
# prompt.
function global:_runas_hook {
    $left = _runas_time_left
    if ($null -eq $left -or $left -gt $global:_runas_window -or $Env:AWSRUNAS_EXPIRES -eq $global:_runas_tried) {
        return
    }
    $global:_runas_tried = $Env:AWSRUNAS_EXPIRES
    # runas decides, and on failure prints the one line that says why (to stderr, which
    # reaches the terminal) and leaves the session as it was.
    $out = _runas_call @('use', '--hook', 'pwsh', '--due', $global:_runas_window)
    if ($LASTEXITCODE -eq 0) { $out | Out-String | Invoke-Expression }
}

# Wrap the prompt once: run the hook, put back $LASTEXITCODE and $? as the user's last command
# left them, then call the prompt that was there.
if ($null -eq $global:_runas_user_prompt) {
    $global:_runas_user_prompt = $function:prompt
    function global:prompt {
        $ok = $global:?
        $code = $global:LASTEXITCODE
        try { _runas_hook } catch { [Console]::Error.WriteLine("runas: prompt hook: $_") }
        $global:LASTEXITCODE = $code
        # $? cannot be assigned: this sets it to false, as a failed command would, without
        # adding to $Error. It must come right before the call.
        if (-not $ok) { Write-Error '' -ErrorAction Ignore }
        if ($global:_runas_user_prompt) { & $global:_runas_user_prompt } else { 'PS> ' }
    }
}
