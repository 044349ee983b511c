# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_runas_global_optspecs
    string join \n h/help V/version
end

function __fish_runas_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_runas_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_runas_using_subcommand
    set -l cmd (__fish_runas_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c runas -n "__fish_runas_needs_command" -s h -l help -d 'Print help'
complete -c runas -n "__fish_runas_needs_command" -s V -l version -d 'Print version'
complete -c runas -n "__fish_runas_needs_command" -f -a "env" -d 'Print the exports that give a shell PROFILE\'s credentials: eval "$(runas env PROFILE)"'
complete -c runas -n "__fish_runas_needs_command" -f -a "unset" -d 'Print what removes runas\'s variables and restores the ones the shell had before'
complete -c runas -n "__fish_runas_needs_command" -f -a "exec" -d 'Run a command with PROFILE\'s credentials in its environment'
complete -c runas -n "__fish_runas_needs_command" -f -a "list" -d 'List the profiles, one a line, with their kind (keys, role, chain, process, sso, …)'
complete -c runas -n "__fish_runas_needs_command" -f -a "ls" -d 'List the profiles, one a line, with their kind (keys, role, chain, process, sso, …)'
complete -c runas -n "__fish_runas_needs_command" -f -a "config" -d 'Show PROFILE\'s resolved settings and where each came from'
complete -c runas -n "__fish_runas_needs_command" -f -a "diagnose" -d 'Show PROFILE\'s resolved settings and where each came from'
complete -c runas -n "__fish_runas_needs_command" -f -a "whoami" -d 'Show the account, ARN and user id of PROFILE\'s credentials (GetCallerIdentity)'
complete -c runas -n "__fish_runas_needs_command" -f -a "cache" -d 'Manage the credential cache'
complete -c runas -n "__fish_runas_needs_command" -f -a "init" -d 'Print the shell hook for the rc file: eval "$(runas init bash)"'
complete -c runas -n "__fish_runas_needs_command" -f -a "completions" -d 'Print tab completions for a shell'
complete -c runas -n "__fish_runas_needs_command" -f -a "doctor" -d 'Check files, profiles, the shell hook, the clock and the cache, and say how to fix each problem'
complete -c runas -n "__fish_runas_needs_command" -f -a "use" -d 'Switch this shell to PROFILE (a function of the shell hook; see `runas init`)'
complete -c runas -n "__fish_runas_needs_command" -f -a "off" -d 'Restore this shell to how it was before `runas use` (a function of the shell hook)'
complete -c runas -n "__fish_runas_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c runas -n "__fish_runas_using_subcommand env" -s M -l mfa-serial -d 'MFA device serial (ARN) [env: MFA_SERIAL; config: mfa_serial]' -r
complete -c runas -n "__fish_runas_using_subcommand env" -s X -l external-id -d 'External ID for AssumeRole [env: EXTERNAL_ID; config: external_id]' -r
complete -c runas -n "__fish_runas_using_subcommand env" -s d -l duration -d 'Session token lifetime, Go syntax like 12h or 1h30m [env: SESSION_TOKEN_DURATION]' -r
complete -c runas -n "__fish_runas_using_subcommand env" -s a -l role-duration -d 'Role credentials lifetime, Go syntax like 1h [env: CREDENTIALS_DURATION]' -r
complete -c runas -n "__fish_runas_using_subcommand env" -s o -l otp -d 'MFA code, 6 digits [env: MFA_CODE; default: ask on the terminal]' -r
complete -c runas -n "__fish_runas_using_subcommand env" -l shell -d 'Shell to write for [default: the shell runas was started from; see README]' -r -f -a "sh\t'POSIX sh; dash, ash, ksh and mksh read the same'
bash\t''
zsh\t''
fish\t''
pwsh\t''"
complete -c runas -n "__fish_runas_using_subcommand env" -s O -l format -d 'What to print' -r -f -a "shell\t'Statements for the shell (--shell)'
json\t'The credential_process document (Version 1)'"
complete -c runas -n "__fish_runas_using_subcommand env" -s s -l session -d 'Give the source profile\'s session-token credentials instead of the role\'s'
complete -c runas -n "__fish_runas_using_subcommand env" -s r -l refresh -d 'Ignore cached role credentials and get new ones'
complete -c runas -n "__fish_runas_using_subcommand env" -s e -l expiration -d 'Print when the credentials expire, on stderr'
complete -c runas -n "__fish_runas_using_subcommand env" -l no-prompt -d 'Never ask for an MFA code; fail instead (what prompt hooks use)'
complete -c runas -n "__fish_runas_using_subcommand env" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c runas -n "__fish_runas_using_subcommand unset" -l shell -d 'Shell to write for [default: the shell runas was started from; see README]' -r -f -a "sh\t'POSIX sh; dash, ash, ksh and mksh read the same'
bash\t''
zsh\t''
fish\t''
pwsh\t''"
complete -c runas -n "__fish_runas_using_subcommand unset" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c runas -n "__fish_runas_using_subcommand exec" -s M -l mfa-serial -d 'MFA device serial (ARN) [env: MFA_SERIAL; config: mfa_serial]' -r
complete -c runas -n "__fish_runas_using_subcommand exec" -s X -l external-id -d 'External ID for AssumeRole [env: EXTERNAL_ID; config: external_id]' -r
complete -c runas -n "__fish_runas_using_subcommand exec" -s d -l duration -d 'Session token lifetime, Go syntax like 12h or 1h30m [env: SESSION_TOKEN_DURATION]' -r
complete -c runas -n "__fish_runas_using_subcommand exec" -s a -l role-duration -d 'Role credentials lifetime, Go syntax like 1h [env: CREDENTIALS_DURATION]' -r
complete -c runas -n "__fish_runas_using_subcommand exec" -s o -l otp -d 'MFA code, 6 digits [env: MFA_CODE; default: ask on the terminal]' -r
complete -c runas -n "__fish_runas_using_subcommand exec" -s s -l session -d 'Give the source profile\'s session-token credentials instead of the role\'s'
complete -c runas -n "__fish_runas_using_subcommand exec" -s r -l refresh -d 'Ignore cached role credentials and get new ones'
complete -c runas -n "__fish_runas_using_subcommand exec" -s e -l expiration -d 'Print when the credentials expire, on stderr'
complete -c runas -n "__fish_runas_using_subcommand exec" -l no-prompt -d 'Never ask for an MFA code; fail instead (what prompt hooks use)'
complete -c runas -n "__fish_runas_using_subcommand exec" -s h -l help -d 'Print help'
complete -c runas -n "__fish_runas_using_subcommand list; and not __fish_seen_subcommand_from mfa help" -l json -d 'Print JSON for tools'
complete -c runas -n "__fish_runas_using_subcommand list; and not __fish_seen_subcommand_from mfa help" -s n -l names -d 'Print only the names, one a line (what shell completion uses)'
complete -c runas -n "__fish_runas_using_subcommand list; and not __fish_seen_subcommand_from mfa help" -s h -l help -d 'Print help'
complete -c runas -n "__fish_runas_using_subcommand list; and not __fish_seen_subcommand_from mfa help" -f -a "mfa" -d 'List the MFA devices of the IAM user whose keys PROFILE uses (ListMFADevices)'
complete -c runas -n "__fish_runas_using_subcommand list; and not __fish_seen_subcommand_from mfa help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c runas -n "__fish_runas_using_subcommand list; and __fish_seen_subcommand_from mfa" -s M -l mfa-serial -d 'MFA device serial (ARN) [env: MFA_SERIAL; config: mfa_serial]' -r
complete -c runas -n "__fish_runas_using_subcommand list; and __fish_seen_subcommand_from mfa" -s X -l external-id -d 'External ID for AssumeRole [env: EXTERNAL_ID; config: external_id]' -r
complete -c runas -n "__fish_runas_using_subcommand list; and __fish_seen_subcommand_from mfa" -s d -l duration -d 'Session token lifetime, Go syntax like 12h or 1h30m [env: SESSION_TOKEN_DURATION]' -r
complete -c runas -n "__fish_runas_using_subcommand list; and __fish_seen_subcommand_from mfa" -s a -l role-duration -d 'Role credentials lifetime, Go syntax like 1h [env: CREDENTIALS_DURATION]' -r
complete -c runas -n "__fish_runas_using_subcommand list; and __fish_seen_subcommand_from mfa" -s o -l otp -d 'MFA code, 6 digits [env: MFA_CODE; default: ask on the terminal]' -r
complete -c runas -n "__fish_runas_using_subcommand list; and __fish_seen_subcommand_from mfa" -s s -l session -d 'Give the source profile\'s session-token credentials instead of the role\'s'
complete -c runas -n "__fish_runas_using_subcommand list; and __fish_seen_subcommand_from mfa" -s r -l refresh -d 'Ignore cached role credentials and get new ones'
complete -c runas -n "__fish_runas_using_subcommand list; and __fish_seen_subcommand_from mfa" -s e -l expiration -d 'Print when the credentials expire, on stderr'
complete -c runas -n "__fish_runas_using_subcommand list; and __fish_seen_subcommand_from mfa" -l no-prompt -d 'Never ask for an MFA code; fail instead (what prompt hooks use)'
complete -c runas -n "__fish_runas_using_subcommand list; and __fish_seen_subcommand_from mfa" -l json -d 'Print JSON for tools'
complete -c runas -n "__fish_runas_using_subcommand list; and __fish_seen_subcommand_from mfa" -s h -l help -d 'Print help'
complete -c runas -n "__fish_runas_using_subcommand list; and __fish_seen_subcommand_from help" -f -a "mfa" -d 'List the MFA devices of the IAM user whose keys PROFILE uses (ListMFADevices)'
complete -c runas -n "__fish_runas_using_subcommand list; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c runas -n "__fish_runas_using_subcommand ls; and not __fish_seen_subcommand_from mfa help" -l json -d 'Print JSON for tools'
complete -c runas -n "__fish_runas_using_subcommand ls; and not __fish_seen_subcommand_from mfa help" -s n -l names -d 'Print only the names, one a line (what shell completion uses)'
complete -c runas -n "__fish_runas_using_subcommand ls; and not __fish_seen_subcommand_from mfa help" -s h -l help -d 'Print help'
complete -c runas -n "__fish_runas_using_subcommand ls; and not __fish_seen_subcommand_from mfa help" -f -a "mfa" -d 'List the MFA devices of the IAM user whose keys PROFILE uses (ListMFADevices)'
complete -c runas -n "__fish_runas_using_subcommand ls; and not __fish_seen_subcommand_from mfa help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c runas -n "__fish_runas_using_subcommand ls; and __fish_seen_subcommand_from mfa" -s M -l mfa-serial -d 'MFA device serial (ARN) [env: MFA_SERIAL; config: mfa_serial]' -r
complete -c runas -n "__fish_runas_using_subcommand ls; and __fish_seen_subcommand_from mfa" -s X -l external-id -d 'External ID for AssumeRole [env: EXTERNAL_ID; config: external_id]' -r
complete -c runas -n "__fish_runas_using_subcommand ls; and __fish_seen_subcommand_from mfa" -s d -l duration -d 'Session token lifetime, Go syntax like 12h or 1h30m [env: SESSION_TOKEN_DURATION]' -r
complete -c runas -n "__fish_runas_using_subcommand ls; and __fish_seen_subcommand_from mfa" -s a -l role-duration -d 'Role credentials lifetime, Go syntax like 1h [env: CREDENTIALS_DURATION]' -r
complete -c runas -n "__fish_runas_using_subcommand ls; and __fish_seen_subcommand_from mfa" -s o -l otp -d 'MFA code, 6 digits [env: MFA_CODE; default: ask on the terminal]' -r
complete -c runas -n "__fish_runas_using_subcommand ls; and __fish_seen_subcommand_from mfa" -s s -l session -d 'Give the source profile\'s session-token credentials instead of the role\'s'
complete -c runas -n "__fish_runas_using_subcommand ls; and __fish_seen_subcommand_from mfa" -s r -l refresh -d 'Ignore cached role credentials and get new ones'
complete -c runas -n "__fish_runas_using_subcommand ls; and __fish_seen_subcommand_from mfa" -s e -l expiration -d 'Print when the credentials expire, on stderr'
complete -c runas -n "__fish_runas_using_subcommand ls; and __fish_seen_subcommand_from mfa" -l no-prompt -d 'Never ask for an MFA code; fail instead (what prompt hooks use)'
complete -c runas -n "__fish_runas_using_subcommand ls; and __fish_seen_subcommand_from mfa" -l json -d 'Print JSON for tools'
complete -c runas -n "__fish_runas_using_subcommand ls; and __fish_seen_subcommand_from mfa" -s h -l help -d 'Print help'
complete -c runas -n "__fish_runas_using_subcommand ls; and __fish_seen_subcommand_from help" -f -a "mfa" -d 'List the MFA devices of the IAM user whose keys PROFILE uses (ListMFADevices)'
complete -c runas -n "__fish_runas_using_subcommand ls; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c runas -n "__fish_runas_using_subcommand config" -s M -l mfa-serial -d 'MFA device serial (ARN) [env: MFA_SERIAL; config: mfa_serial]' -r
complete -c runas -n "__fish_runas_using_subcommand config" -s X -l external-id -d 'External ID for AssumeRole [env: EXTERNAL_ID; config: external_id]' -r
complete -c runas -n "__fish_runas_using_subcommand config" -s d -l duration -d 'Session token lifetime, Go syntax like 12h or 1h30m [env: SESSION_TOKEN_DURATION]' -r
complete -c runas -n "__fish_runas_using_subcommand config" -s a -l role-duration -d 'Role credentials lifetime, Go syntax like 1h [env: CREDENTIALS_DURATION]' -r
complete -c runas -n "__fish_runas_using_subcommand config" -s o -l otp -d 'MFA code, 6 digits [env: MFA_CODE; default: ask on the terminal]' -r
complete -c runas -n "__fish_runas_using_subcommand config" -s s -l session -d 'Give the source profile\'s session-token credentials instead of the role\'s'
complete -c runas -n "__fish_runas_using_subcommand config" -s r -l refresh -d 'Ignore cached role credentials and get new ones'
complete -c runas -n "__fish_runas_using_subcommand config" -s e -l expiration -d 'Print when the credentials expire, on stderr'
complete -c runas -n "__fish_runas_using_subcommand config" -l no-prompt -d 'Never ask for an MFA code; fail instead (what prompt hooks use)'
complete -c runas -n "__fish_runas_using_subcommand config" -s h -l help -d 'Print help'
complete -c runas -n "__fish_runas_using_subcommand diagnose" -s M -l mfa-serial -d 'MFA device serial (ARN) [env: MFA_SERIAL; config: mfa_serial]' -r
complete -c runas -n "__fish_runas_using_subcommand diagnose" -s X -l external-id -d 'External ID for AssumeRole [env: EXTERNAL_ID; config: external_id]' -r
complete -c runas -n "__fish_runas_using_subcommand diagnose" -s d -l duration -d 'Session token lifetime, Go syntax like 12h or 1h30m [env: SESSION_TOKEN_DURATION]' -r
complete -c runas -n "__fish_runas_using_subcommand diagnose" -s a -l role-duration -d 'Role credentials lifetime, Go syntax like 1h [env: CREDENTIALS_DURATION]' -r
complete -c runas -n "__fish_runas_using_subcommand diagnose" -s o -l otp -d 'MFA code, 6 digits [env: MFA_CODE; default: ask on the terminal]' -r
complete -c runas -n "__fish_runas_using_subcommand diagnose" -s s -l session -d 'Give the source profile\'s session-token credentials instead of the role\'s'
complete -c runas -n "__fish_runas_using_subcommand diagnose" -s r -l refresh -d 'Ignore cached role credentials and get new ones'
complete -c runas -n "__fish_runas_using_subcommand diagnose" -s e -l expiration -d 'Print when the credentials expire, on stderr'
complete -c runas -n "__fish_runas_using_subcommand diagnose" -l no-prompt -d 'Never ask for an MFA code; fail instead (what prompt hooks use)'
complete -c runas -n "__fish_runas_using_subcommand diagnose" -s h -l help -d 'Print help'
complete -c runas -n "__fish_runas_using_subcommand whoami" -s M -l mfa-serial -d 'MFA device serial (ARN) [env: MFA_SERIAL; config: mfa_serial]' -r
complete -c runas -n "__fish_runas_using_subcommand whoami" -s X -l external-id -d 'External ID for AssumeRole [env: EXTERNAL_ID; config: external_id]' -r
complete -c runas -n "__fish_runas_using_subcommand whoami" -s d -l duration -d 'Session token lifetime, Go syntax like 12h or 1h30m [env: SESSION_TOKEN_DURATION]' -r
complete -c runas -n "__fish_runas_using_subcommand whoami" -s a -l role-duration -d 'Role credentials lifetime, Go syntax like 1h [env: CREDENTIALS_DURATION]' -r
complete -c runas -n "__fish_runas_using_subcommand whoami" -s o -l otp -d 'MFA code, 6 digits [env: MFA_CODE; default: ask on the terminal]' -r
complete -c runas -n "__fish_runas_using_subcommand whoami" -s s -l session -d 'Give the source profile\'s session-token credentials instead of the role\'s'
complete -c runas -n "__fish_runas_using_subcommand whoami" -s r -l refresh -d 'Ignore cached role credentials and get new ones'
complete -c runas -n "__fish_runas_using_subcommand whoami" -s e -l expiration -d 'Print when the credentials expire, on stderr'
complete -c runas -n "__fish_runas_using_subcommand whoami" -l no-prompt -d 'Never ask for an MFA code; fail instead (what prompt hooks use)'
complete -c runas -n "__fish_runas_using_subcommand whoami" -l json -d 'Print JSON for tools'
complete -c runas -n "__fish_runas_using_subcommand whoami" -s h -l help -d 'Print help'
complete -c runas -n "__fish_runas_using_subcommand cache; and not __fish_seen_subcommand_from clear help" -s h -l help -d 'Print help'
complete -c runas -n "__fish_runas_using_subcommand cache; and not __fish_seen_subcommand_from clear help" -f -a "clear" -d 'Remove cached credentials: PROFILE\'s, or all of them'
complete -c runas -n "__fish_runas_using_subcommand cache; and not __fish_seen_subcommand_from clear help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c runas -n "__fish_runas_using_subcommand cache; and __fish_seen_subcommand_from clear" -s h -l help -d 'Print help'
complete -c runas -n "__fish_runas_using_subcommand cache; and __fish_seen_subcommand_from help" -f -a "clear" -d 'Remove cached credentials: PROFILE\'s, or all of them'
complete -c runas -n "__fish_runas_using_subcommand cache; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c runas -n "__fish_runas_using_subcommand init" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c runas -n "__fish_runas_using_subcommand completions" -s h -l help -d 'Print help'
complete -c runas -n "__fish_runas_using_subcommand doctor" -s h -l help -d 'Print help'
complete -c runas -n "__fish_runas_using_subcommand use" -s M -l mfa-serial -d 'MFA device serial (ARN) [env: MFA_SERIAL; config: mfa_serial]' -r
complete -c runas -n "__fish_runas_using_subcommand use" -s X -l external-id -d 'External ID for AssumeRole [env: EXTERNAL_ID; config: external_id]' -r
complete -c runas -n "__fish_runas_using_subcommand use" -s d -l duration -d 'Session token lifetime, Go syntax like 12h or 1h30m [env: SESSION_TOKEN_DURATION]' -r
complete -c runas -n "__fish_runas_using_subcommand use" -s a -l role-duration -d 'Role credentials lifetime, Go syntax like 1h [env: CREDENTIALS_DURATION]' -r
complete -c runas -n "__fish_runas_using_subcommand use" -s o -l otp -d 'MFA code, 6 digits [env: MFA_CODE; default: ask on the terminal]' -r
complete -c runas -n "__fish_runas_using_subcommand use" -s s -l session -d 'Give the source profile\'s session-token credentials instead of the role\'s'
complete -c runas -n "__fish_runas_using_subcommand use" -s r -l refresh -d 'Ignore cached role credentials and get new ones'
complete -c runas -n "__fish_runas_using_subcommand use" -s e -l expiration -d 'Print when the credentials expire, on stderr'
complete -c runas -n "__fish_runas_using_subcommand use" -l no-prompt -d 'Never ask for an MFA code; fail instead (what prompt hooks use)'
complete -c runas -n "__fish_runas_using_subcommand use" -s h -l help -d 'Print help'
complete -c runas -n "__fish_runas_using_subcommand off" -s h -l help -d 'Print help'
complete -c runas -n "__fish_runas_using_subcommand help; and not __fish_seen_subcommand_from env unset exec list config whoami cache init completions doctor use off help" -f -a "env" -d 'Print the exports that give a shell PROFILE\'s credentials: eval "$(runas env PROFILE)"'
complete -c runas -n "__fish_runas_using_subcommand help; and not __fish_seen_subcommand_from env unset exec list config whoami cache init completions doctor use off help" -f -a "unset" -d 'Print what removes runas\'s variables and restores the ones the shell had before'
complete -c runas -n "__fish_runas_using_subcommand help; and not __fish_seen_subcommand_from env unset exec list config whoami cache init completions doctor use off help" -f -a "exec" -d 'Run a command with PROFILE\'s credentials in its environment'
complete -c runas -n "__fish_runas_using_subcommand help; and not __fish_seen_subcommand_from env unset exec list config whoami cache init completions doctor use off help" -f -a "list" -d 'List the profiles, one a line, with their kind (keys, role, chain, process, sso, …)'
complete -c runas -n "__fish_runas_using_subcommand help; and not __fish_seen_subcommand_from env unset exec list config whoami cache init completions doctor use off help" -f -a "config" -d 'Show PROFILE\'s resolved settings and where each came from'
complete -c runas -n "__fish_runas_using_subcommand help; and not __fish_seen_subcommand_from env unset exec list config whoami cache init completions doctor use off help" -f -a "whoami" -d 'Show the account, ARN and user id of PROFILE\'s credentials (GetCallerIdentity)'
complete -c runas -n "__fish_runas_using_subcommand help; and not __fish_seen_subcommand_from env unset exec list config whoami cache init completions doctor use off help" -f -a "cache" -d 'Manage the credential cache'
complete -c runas -n "__fish_runas_using_subcommand help; and not __fish_seen_subcommand_from env unset exec list config whoami cache init completions doctor use off help" -f -a "init" -d 'Print the shell hook for the rc file: eval "$(runas init bash)"'
complete -c runas -n "__fish_runas_using_subcommand help; and not __fish_seen_subcommand_from env unset exec list config whoami cache init completions doctor use off help" -f -a "completions" -d 'Print tab completions for a shell'
complete -c runas -n "__fish_runas_using_subcommand help; and not __fish_seen_subcommand_from env unset exec list config whoami cache init completions doctor use off help" -f -a "doctor" -d 'Check files, profiles, the shell hook, the clock and the cache, and say how to fix each problem'
complete -c runas -n "__fish_runas_using_subcommand help; and not __fish_seen_subcommand_from env unset exec list config whoami cache init completions doctor use off help" -f -a "use" -d 'Switch this shell to PROFILE (a function of the shell hook; see `runas init`)'
complete -c runas -n "__fish_runas_using_subcommand help; and not __fish_seen_subcommand_from env unset exec list config whoami cache init completions doctor use off help" -f -a "off" -d 'Restore this shell to how it was before `runas use` (a function of the shell hook)'
complete -c runas -n "__fish_runas_using_subcommand help; and not __fish_seen_subcommand_from env unset exec list config whoami cache init completions doctor use off help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c runas -n "__fish_runas_using_subcommand help; and __fish_seen_subcommand_from list" -f -a "mfa" -d 'List the MFA devices of the IAM user whose keys PROFILE uses (ListMFADevices)'
complete -c runas -n "__fish_runas_using_subcommand help; and __fish_seen_subcommand_from cache" -f -a "clear" -d 'Remove cached credentials: PROFILE\'s, or all of them'
