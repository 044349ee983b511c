
use builtin;
use str;

set edit:completion:arg-completer[runas] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'runas'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'runas'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand env 'Print the exports that give a shell PROFILE''s credentials: eval "$(runas env PROFILE)"'
            cand unset 'Print what removes runas''s variables and restores the ones the shell had before'
            cand exec 'Run a command with PROFILE''s credentials in its environment'
            cand list 'List the profiles, one a line, with their kind (keys, role, chain, process, sso, …)'
            cand ls 'List the profiles, one a line, with their kind (keys, role, chain, process, sso, …)'
            cand config 'Show PROFILE''s resolved settings and where each came from'
            cand diagnose 'Show PROFILE''s resolved settings and where each came from'
            cand whoami 'Show the account, ARN and user id of PROFILE''s credentials (GetCallerIdentity)'
            cand cache 'Manage the credential cache'
            cand init 'Print the shell hook for the rc file: eval "$(runas init bash)"'
            cand completions 'Print tab completions for a shell'
            cand doctor 'Check files, profiles, the shell hook, the clock and the cache, and say how to fix each problem'
            cand use 'Switch this shell to PROFILE (a function of the shell hook; see `runas init`)'
            cand off 'Restore this shell to how it was before `runas use` (a function of the shell hook)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'runas;env'= {
            cand -M 'MFA device serial (ARN) [env: MFA_SERIAL; config: mfa_serial]'
            cand --mfa-serial 'MFA device serial (ARN) [env: MFA_SERIAL; config: mfa_serial]'
            cand -X 'External ID for AssumeRole [env: EXTERNAL_ID; config: external_id]'
            cand --external-id 'External ID for AssumeRole [env: EXTERNAL_ID; config: external_id]'
            cand -d 'Session token lifetime, Go syntax like 12h or 1h30m [env: SESSION_TOKEN_DURATION]'
            cand --duration 'Session token lifetime, Go syntax like 12h or 1h30m [env: SESSION_TOKEN_DURATION]'
            cand -a 'Role credentials lifetime, Go syntax like 1h [env: CREDENTIALS_DURATION]'
            cand --role-duration 'Role credentials lifetime, Go syntax like 1h [env: CREDENTIALS_DURATION]'
            cand -o 'MFA code, 6 digits [env: MFA_CODE; default: ask on the terminal]'
            cand --otp 'MFA code, 6 digits [env: MFA_CODE; default: ask on the terminal]'
            cand --shell 'Shell to write for [default: the shell runas was started from; see README]'
            cand -O 'What to print'
            cand --format 'What to print'
            cand -s 'Give the source profile''s session-token credentials instead of the role''s'
            cand --session 'Give the source profile''s session-token credentials instead of the role''s'
            cand -r 'Ignore cached role credentials and get new ones'
            cand --refresh 'Ignore cached role credentials and get new ones'
            cand -e 'Print when the credentials expire, on stderr'
            cand --expiration 'Print when the credentials expire, on stderr'
            cand --no-prompt 'Never ask for an MFA code; fail instead (what prompt hooks use)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'runas;unset'= {
            cand --shell 'Shell to write for [default: the shell runas was started from; see README]'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'runas;exec'= {
            cand -M 'MFA device serial (ARN) [env: MFA_SERIAL; config: mfa_serial]'
            cand --mfa-serial 'MFA device serial (ARN) [env: MFA_SERIAL; config: mfa_serial]'
            cand -X 'External ID for AssumeRole [env: EXTERNAL_ID; config: external_id]'
            cand --external-id 'External ID for AssumeRole [env: EXTERNAL_ID; config: external_id]'
            cand -d 'Session token lifetime, Go syntax like 12h or 1h30m [env: SESSION_TOKEN_DURATION]'
            cand --duration 'Session token lifetime, Go syntax like 12h or 1h30m [env: SESSION_TOKEN_DURATION]'
            cand -a 'Role credentials lifetime, Go syntax like 1h [env: CREDENTIALS_DURATION]'
            cand --role-duration 'Role credentials lifetime, Go syntax like 1h [env: CREDENTIALS_DURATION]'
            cand -o 'MFA code, 6 digits [env: MFA_CODE; default: ask on the terminal]'
            cand --otp 'MFA code, 6 digits [env: MFA_CODE; default: ask on the terminal]'
            cand -s 'Give the source profile''s session-token credentials instead of the role''s'
            cand --session 'Give the source profile''s session-token credentials instead of the role''s'
            cand -r 'Ignore cached role credentials and get new ones'
            cand --refresh 'Ignore cached role credentials and get new ones'
            cand -e 'Print when the credentials expire, on stderr'
            cand --expiration 'Print when the credentials expire, on stderr'
            cand --no-prompt 'Never ask for an MFA code; fail instead (what prompt hooks use)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'runas;list'= {
            cand --json 'Print JSON for tools'
            cand -n 'Print only the names, one a line (what shell completion uses)'
            cand --names 'Print only the names, one a line (what shell completion uses)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand mfa 'List the MFA devices of the IAM user whose keys PROFILE uses (ListMFADevices)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'runas;ls'= {
            cand --json 'Print JSON for tools'
            cand -n 'Print only the names, one a line (what shell completion uses)'
            cand --names 'Print only the names, one a line (what shell completion uses)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand mfa 'List the MFA devices of the IAM user whose keys PROFILE uses (ListMFADevices)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'runas;list;mfa'= {
            cand -M 'MFA device serial (ARN) [env: MFA_SERIAL; config: mfa_serial]'
            cand --mfa-serial 'MFA device serial (ARN) [env: MFA_SERIAL; config: mfa_serial]'
            cand -X 'External ID for AssumeRole [env: EXTERNAL_ID; config: external_id]'
            cand --external-id 'External ID for AssumeRole [env: EXTERNAL_ID; config: external_id]'
            cand -d 'Session token lifetime, Go syntax like 12h or 1h30m [env: SESSION_TOKEN_DURATION]'
            cand --duration 'Session token lifetime, Go syntax like 12h or 1h30m [env: SESSION_TOKEN_DURATION]'
            cand -a 'Role credentials lifetime, Go syntax like 1h [env: CREDENTIALS_DURATION]'
            cand --role-duration 'Role credentials lifetime, Go syntax like 1h [env: CREDENTIALS_DURATION]'
            cand -o 'MFA code, 6 digits [env: MFA_CODE; default: ask on the terminal]'
            cand --otp 'MFA code, 6 digits [env: MFA_CODE; default: ask on the terminal]'
            cand -s 'Give the source profile''s session-token credentials instead of the role''s'
            cand --session 'Give the source profile''s session-token credentials instead of the role''s'
            cand -r 'Ignore cached role credentials and get new ones'
            cand --refresh 'Ignore cached role credentials and get new ones'
            cand -e 'Print when the credentials expire, on stderr'
            cand --expiration 'Print when the credentials expire, on stderr'
            cand --no-prompt 'Never ask for an MFA code; fail instead (what prompt hooks use)'
            cand --json 'Print JSON for tools'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'runas;ls;mfa'= {
            cand -M 'MFA device serial (ARN) [env: MFA_SERIAL; config: mfa_serial]'
            cand --mfa-serial 'MFA device serial (ARN) [env: MFA_SERIAL; config: mfa_serial]'
            cand -X 'External ID for AssumeRole [env: EXTERNAL_ID; config: external_id]'
            cand --external-id 'External ID for AssumeRole [env: EXTERNAL_ID; config: external_id]'
            cand -d 'Session token lifetime, Go syntax like 12h or 1h30m [env: SESSION_TOKEN_DURATION]'
            cand --duration 'Session token lifetime, Go syntax like 12h or 1h30m [env: SESSION_TOKEN_DURATION]'
            cand -a 'Role credentials lifetime, Go syntax like 1h [env: CREDENTIALS_DURATION]'
            cand --role-duration 'Role credentials lifetime, Go syntax like 1h [env: CREDENTIALS_DURATION]'
            cand -o 'MFA code, 6 digits [env: MFA_CODE; default: ask on the terminal]'
            cand --otp 'MFA code, 6 digits [env: MFA_CODE; default: ask on the terminal]'
            cand -s 'Give the source profile''s session-token credentials instead of the role''s'
            cand --session 'Give the source profile''s session-token credentials instead of the role''s'
            cand -r 'Ignore cached role credentials and get new ones'
            cand --refresh 'Ignore cached role credentials and get new ones'
            cand -e 'Print when the credentials expire, on stderr'
            cand --expiration 'Print when the credentials expire, on stderr'
            cand --no-prompt 'Never ask for an MFA code; fail instead (what prompt hooks use)'
            cand --json 'Print JSON for tools'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'runas;list;help'= {
            cand mfa 'List the MFA devices of the IAM user whose keys PROFILE uses (ListMFADevices)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'runas;list;help;mfa'= {
        }
        &'runas;list;help;help'= {
        }
        &'runas;ls;help'= {
            cand mfa 'List the MFA devices of the IAM user whose keys PROFILE uses (ListMFADevices)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'runas;ls;help;mfa'= {
        }
        &'runas;ls;help;help'= {
        }
        &'runas;config'= {
            cand -M 'MFA device serial (ARN) [env: MFA_SERIAL; config: mfa_serial]'
            cand --mfa-serial 'MFA device serial (ARN) [env: MFA_SERIAL; config: mfa_serial]'
            cand -X 'External ID for AssumeRole [env: EXTERNAL_ID; config: external_id]'
            cand --external-id 'External ID for AssumeRole [env: EXTERNAL_ID; config: external_id]'
            cand -d 'Session token lifetime, Go syntax like 12h or 1h30m [env: SESSION_TOKEN_DURATION]'
            cand --duration 'Session token lifetime, Go syntax like 12h or 1h30m [env: SESSION_TOKEN_DURATION]'
            cand -a 'Role credentials lifetime, Go syntax like 1h [env: CREDENTIALS_DURATION]'
            cand --role-duration 'Role credentials lifetime, Go syntax like 1h [env: CREDENTIALS_DURATION]'
            cand -o 'MFA code, 6 digits [env: MFA_CODE; default: ask on the terminal]'
            cand --otp 'MFA code, 6 digits [env: MFA_CODE; default: ask on the terminal]'
            cand -s 'Give the source profile''s session-token credentials instead of the role''s'
            cand --session 'Give the source profile''s session-token credentials instead of the role''s'
            cand -r 'Ignore cached role credentials and get new ones'
            cand --refresh 'Ignore cached role credentials and get new ones'
            cand -e 'Print when the credentials expire, on stderr'
            cand --expiration 'Print when the credentials expire, on stderr'
            cand --no-prompt 'Never ask for an MFA code; fail instead (what prompt hooks use)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'runas;diagnose'= {
            cand -M 'MFA device serial (ARN) [env: MFA_SERIAL; config: mfa_serial]'
            cand --mfa-serial 'MFA device serial (ARN) [env: MFA_SERIAL; config: mfa_serial]'
            cand -X 'External ID for AssumeRole [env: EXTERNAL_ID; config: external_id]'
            cand --external-id 'External ID for AssumeRole [env: EXTERNAL_ID; config: external_id]'
            cand -d 'Session token lifetime, Go syntax like 12h or 1h30m [env: SESSION_TOKEN_DURATION]'
            cand --duration 'Session token lifetime, Go syntax like 12h or 1h30m [env: SESSION_TOKEN_DURATION]'
            cand -a 'Role credentials lifetime, Go syntax like 1h [env: CREDENTIALS_DURATION]'
            cand --role-duration 'Role credentials lifetime, Go syntax like 1h [env: CREDENTIALS_DURATION]'
            cand -o 'MFA code, 6 digits [env: MFA_CODE; default: ask on the terminal]'
            cand --otp 'MFA code, 6 digits [env: MFA_CODE; default: ask on the terminal]'
            cand -s 'Give the source profile''s session-token credentials instead of the role''s'
            cand --session 'Give the source profile''s session-token credentials instead of the role''s'
            cand -r 'Ignore cached role credentials and get new ones'
            cand --refresh 'Ignore cached role credentials and get new ones'
            cand -e 'Print when the credentials expire, on stderr'
            cand --expiration 'Print when the credentials expire, on stderr'
            cand --no-prompt 'Never ask for an MFA code; fail instead (what prompt hooks use)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'runas;whoami'= {
            cand -M 'MFA device serial (ARN) [env: MFA_SERIAL; config: mfa_serial]'
            cand --mfa-serial 'MFA device serial (ARN) [env: MFA_SERIAL; config: mfa_serial]'
            cand -X 'External ID for AssumeRole [env: EXTERNAL_ID; config: external_id]'
            cand --external-id 'External ID for AssumeRole [env: EXTERNAL_ID; config: external_id]'
            cand -d 'Session token lifetime, Go syntax like 12h or 1h30m [env: SESSION_TOKEN_DURATION]'
            cand --duration 'Session token lifetime, Go syntax like 12h or 1h30m [env: SESSION_TOKEN_DURATION]'
            cand -a 'Role credentials lifetime, Go syntax like 1h [env: CREDENTIALS_DURATION]'
            cand --role-duration 'Role credentials lifetime, Go syntax like 1h [env: CREDENTIALS_DURATION]'
            cand -o 'MFA code, 6 digits [env: MFA_CODE; default: ask on the terminal]'
            cand --otp 'MFA code, 6 digits [env: MFA_CODE; default: ask on the terminal]'
            cand -s 'Give the source profile''s session-token credentials instead of the role''s'
            cand --session 'Give the source profile''s session-token credentials instead of the role''s'
            cand -r 'Ignore cached role credentials and get new ones'
            cand --refresh 'Ignore cached role credentials and get new ones'
            cand -e 'Print when the credentials expire, on stderr'
            cand --expiration 'Print when the credentials expire, on stderr'
            cand --no-prompt 'Never ask for an MFA code; fail instead (what prompt hooks use)'
            cand --json 'Print JSON for tools'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'runas;cache'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand clear 'Remove cached credentials: PROFILE''s, or all of them'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'runas;cache;clear'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'runas;cache;help'= {
            cand clear 'Remove cached credentials: PROFILE''s, or all of them'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'runas;cache;help;clear'= {
        }
        &'runas;cache;help;help'= {
        }
        &'runas;init'= {
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'runas;completions'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'runas;doctor'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'runas;use'= {
            cand -M 'MFA device serial (ARN) [env: MFA_SERIAL; config: mfa_serial]'
            cand --mfa-serial 'MFA device serial (ARN) [env: MFA_SERIAL; config: mfa_serial]'
            cand -X 'External ID for AssumeRole [env: EXTERNAL_ID; config: external_id]'
            cand --external-id 'External ID for AssumeRole [env: EXTERNAL_ID; config: external_id]'
            cand -d 'Session token lifetime, Go syntax like 12h or 1h30m [env: SESSION_TOKEN_DURATION]'
            cand --duration 'Session token lifetime, Go syntax like 12h or 1h30m [env: SESSION_TOKEN_DURATION]'
            cand -a 'Role credentials lifetime, Go syntax like 1h [env: CREDENTIALS_DURATION]'
            cand --role-duration 'Role credentials lifetime, Go syntax like 1h [env: CREDENTIALS_DURATION]'
            cand -o 'MFA code, 6 digits [env: MFA_CODE; default: ask on the terminal]'
            cand --otp 'MFA code, 6 digits [env: MFA_CODE; default: ask on the terminal]'
            cand -s 'Give the source profile''s session-token credentials instead of the role''s'
            cand --session 'Give the source profile''s session-token credentials instead of the role''s'
            cand -r 'Ignore cached role credentials and get new ones'
            cand --refresh 'Ignore cached role credentials and get new ones'
            cand -e 'Print when the credentials expire, on stderr'
            cand --expiration 'Print when the credentials expire, on stderr'
            cand --no-prompt 'Never ask for an MFA code; fail instead (what prompt hooks use)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'runas;off'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'runas;help'= {
            cand env 'Print the exports that give a shell PROFILE''s credentials: eval "$(runas env PROFILE)"'
            cand unset 'Print what removes runas''s variables and restores the ones the shell had before'
            cand exec 'Run a command with PROFILE''s credentials in its environment'
            cand list 'List the profiles, one a line, with their kind (keys, role, chain, process, sso, …)'
            cand config 'Show PROFILE''s resolved settings and where each came from'
            cand whoami 'Show the account, ARN and user id of PROFILE''s credentials (GetCallerIdentity)'
            cand cache 'Manage the credential cache'
            cand init 'Print the shell hook for the rc file: eval "$(runas init bash)"'
            cand completions 'Print tab completions for a shell'
            cand doctor 'Check files, profiles, the shell hook, the clock and the cache, and say how to fix each problem'
            cand use 'Switch this shell to PROFILE (a function of the shell hook; see `runas init`)'
            cand off 'Restore this shell to how it was before `runas use` (a function of the shell hook)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'runas;help;env'= {
        }
        &'runas;help;unset'= {
        }
        &'runas;help;exec'= {
        }
        &'runas;help;list'= {
            cand mfa 'List the MFA devices of the IAM user whose keys PROFILE uses (ListMFADevices)'
        }
        &'runas;help;list;mfa'= {
        }
        &'runas;help;config'= {
        }
        &'runas;help;whoami'= {
        }
        &'runas;help;cache'= {
            cand clear 'Remove cached credentials: PROFILE''s, or all of them'
        }
        &'runas;help;cache;clear'= {
        }
        &'runas;help;init'= {
        }
        &'runas;help;completions'= {
        }
        &'runas;help;doctor'= {
        }
        &'runas;help;use'= {
        }
        &'runas;help;off'= {
        }
        &'runas;help;help'= {
        }
    ]
    $completions[$command]
}
