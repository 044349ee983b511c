
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'runas' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'runas'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'runas' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('env', 'env', [CompletionResultType]::ParameterValue, 'Print the exports that give a shell PROFILE''s credentials: eval "$(runas env PROFILE)"')
            [CompletionResult]::new('unset', 'unset', [CompletionResultType]::ParameterValue, 'Print what removes runas''s variables and restores the ones the shell had before')
            [CompletionResult]::new('exec', 'exec', [CompletionResultType]::ParameterValue, 'Run a command with PROFILE''s credentials in its environment')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the profiles, one a line, with their kind (keys, role, chain, process, sso, …)')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List the profiles, one a line, with their kind (keys, role, chain, process, sso, …)')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show PROFILE''s resolved settings and where each came from')
            [CompletionResult]::new('diagnose', 'diagnose', [CompletionResultType]::ParameterValue, 'Show PROFILE''s resolved settings and where each came from')
            [CompletionResult]::new('whoami', 'whoami', [CompletionResultType]::ParameterValue, 'Show the account, ARN and user id of PROFILE''s credentials (GetCallerIdentity)')
            [CompletionResult]::new('cache', 'cache', [CompletionResultType]::ParameterValue, 'Manage the credential cache')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Print the shell hook for the rc file: eval "$(runas init bash)"')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print tab completions for a shell')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check files, profiles, the shell hook, the clock and the cache, and say how to fix each problem')
            [CompletionResult]::new('use', 'use', [CompletionResultType]::ParameterValue, 'Switch this shell to PROFILE (a function of the shell hook; see `runas init`)')
            [CompletionResult]::new('off', 'off', [CompletionResultType]::ParameterValue, 'Restore this shell to how it was before `runas use` (a function of the shell hook)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'runas;env' {
            [CompletionResult]::new('-M', '-M ', [CompletionResultType]::ParameterName, 'MFA device serial (ARN) [env: MFA_SERIAL; config: mfa_serial]')
            [CompletionResult]::new('--mfa-serial', '--mfa-serial', [CompletionResultType]::ParameterName, 'MFA device serial (ARN) [env: MFA_SERIAL; config: mfa_serial]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'External ID for AssumeRole [env: EXTERNAL_ID; config: external_id]')
            [CompletionResult]::new('--external-id', '--external-id', [CompletionResultType]::ParameterName, 'External ID for AssumeRole [env: EXTERNAL_ID; config: external_id]')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Session token lifetime, Go syntax like 12h or 1h30m [env: SESSION_TOKEN_DURATION]')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Session token lifetime, Go syntax like 12h or 1h30m [env: SESSION_TOKEN_DURATION]')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Role credentials lifetime, Go syntax like 1h [env: CREDENTIALS_DURATION]')
            [CompletionResult]::new('--role-duration', '--role-duration', [CompletionResultType]::ParameterName, 'Role credentials lifetime, Go syntax like 1h [env: CREDENTIALS_DURATION]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'MFA code, 6 digits [env: MFA_CODE; default: ask on the terminal]')
            [CompletionResult]::new('--otp', '--otp', [CompletionResultType]::ParameterName, 'MFA code, 6 digits [env: MFA_CODE; default: ask on the terminal]')
            [CompletionResult]::new('--shell', '--shell', [CompletionResultType]::ParameterName, 'Shell to write for [default: the shell runas was started from; see README]')
            [CompletionResult]::new('-O', '-O ', [CompletionResultType]::ParameterName, 'What to print')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'What to print')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Give the source profile''s session-token credentials instead of the role''s')
            [CompletionResult]::new('--session', '--session', [CompletionResultType]::ParameterName, 'Give the source profile''s session-token credentials instead of the role''s')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Ignore cached role credentials and get new ones')
            [CompletionResult]::new('--refresh', '--refresh', [CompletionResultType]::ParameterName, 'Ignore cached role credentials and get new ones')
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Print when the credentials expire, on stderr')
            [CompletionResult]::new('--expiration', '--expiration', [CompletionResultType]::ParameterName, 'Print when the credentials expire, on stderr')
            [CompletionResult]::new('--no-prompt', '--no-prompt', [CompletionResultType]::ParameterName, 'Never ask for an MFA code; fail instead (what prompt hooks use)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'runas;unset' {
            [CompletionResult]::new('--shell', '--shell', [CompletionResultType]::ParameterName, 'Shell to write for [default: the shell runas was started from; see README]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'runas;exec' {
            [CompletionResult]::new('-M', '-M ', [CompletionResultType]::ParameterName, 'MFA device serial (ARN) [env: MFA_SERIAL; config: mfa_serial]')
            [CompletionResult]::new('--mfa-serial', '--mfa-serial', [CompletionResultType]::ParameterName, 'MFA device serial (ARN) [env: MFA_SERIAL; config: mfa_serial]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'External ID for AssumeRole [env: EXTERNAL_ID; config: external_id]')
            [CompletionResult]::new('--external-id', '--external-id', [CompletionResultType]::ParameterName, 'External ID for AssumeRole [env: EXTERNAL_ID; config: external_id]')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Session token lifetime, Go syntax like 12h or 1h30m [env: SESSION_TOKEN_DURATION]')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Session token lifetime, Go syntax like 12h or 1h30m [env: SESSION_TOKEN_DURATION]')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Role credentials lifetime, Go syntax like 1h [env: CREDENTIALS_DURATION]')
            [CompletionResult]::new('--role-duration', '--role-duration', [CompletionResultType]::ParameterName, 'Role credentials lifetime, Go syntax like 1h [env: CREDENTIALS_DURATION]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'MFA code, 6 digits [env: MFA_CODE; default: ask on the terminal]')
            [CompletionResult]::new('--otp', '--otp', [CompletionResultType]::ParameterName, 'MFA code, 6 digits [env: MFA_CODE; default: ask on the terminal]')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Give the source profile''s session-token credentials instead of the role''s')
            [CompletionResult]::new('--session', '--session', [CompletionResultType]::ParameterName, 'Give the source profile''s session-token credentials instead of the role''s')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Ignore cached role credentials and get new ones')
            [CompletionResult]::new('--refresh', '--refresh', [CompletionResultType]::ParameterName, 'Ignore cached role credentials and get new ones')
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Print when the credentials expire, on stderr')
            [CompletionResult]::new('--expiration', '--expiration', [CompletionResultType]::ParameterName, 'Print when the credentials expire, on stderr')
            [CompletionResult]::new('--no-prompt', '--no-prompt', [CompletionResultType]::ParameterName, 'Never ask for an MFA code; fail instead (what prompt hooks use)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'runas;list' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON for tools')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Print only the names, one a line (what shell completion uses)')
            [CompletionResult]::new('--names', '--names', [CompletionResultType]::ParameterName, 'Print only the names, one a line (what shell completion uses)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('mfa', 'mfa', [CompletionResultType]::ParameterValue, 'List the MFA devices of the IAM user whose keys PROFILE uses (ListMFADevices)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'runas;ls' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON for tools')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Print only the names, one a line (what shell completion uses)')
            [CompletionResult]::new('--names', '--names', [CompletionResultType]::ParameterName, 'Print only the names, one a line (what shell completion uses)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('mfa', 'mfa', [CompletionResultType]::ParameterValue, 'List the MFA devices of the IAM user whose keys PROFILE uses (ListMFADevices)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'runas;list;mfa' {
            [CompletionResult]::new('-M', '-M ', [CompletionResultType]::ParameterName, 'MFA device serial (ARN) [env: MFA_SERIAL; config: mfa_serial]')
            [CompletionResult]::new('--mfa-serial', '--mfa-serial', [CompletionResultType]::ParameterName, 'MFA device serial (ARN) [env: MFA_SERIAL; config: mfa_serial]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'External ID for AssumeRole [env: EXTERNAL_ID; config: external_id]')
            [CompletionResult]::new('--external-id', '--external-id', [CompletionResultType]::ParameterName, 'External ID for AssumeRole [env: EXTERNAL_ID; config: external_id]')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Session token lifetime, Go syntax like 12h or 1h30m [env: SESSION_TOKEN_DURATION]')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Session token lifetime, Go syntax like 12h or 1h30m [env: SESSION_TOKEN_DURATION]')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Role credentials lifetime, Go syntax like 1h [env: CREDENTIALS_DURATION]')
            [CompletionResult]::new('--role-duration', '--role-duration', [CompletionResultType]::ParameterName, 'Role credentials lifetime, Go syntax like 1h [env: CREDENTIALS_DURATION]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'MFA code, 6 digits [env: MFA_CODE; default: ask on the terminal]')
            [CompletionResult]::new('--otp', '--otp', [CompletionResultType]::ParameterName, 'MFA code, 6 digits [env: MFA_CODE; default: ask on the terminal]')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Give the source profile''s session-token credentials instead of the role''s')
            [CompletionResult]::new('--session', '--session', [CompletionResultType]::ParameterName, 'Give the source profile''s session-token credentials instead of the role''s')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Ignore cached role credentials and get new ones')
            [CompletionResult]::new('--refresh', '--refresh', [CompletionResultType]::ParameterName, 'Ignore cached role credentials and get new ones')
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Print when the credentials expire, on stderr')
            [CompletionResult]::new('--expiration', '--expiration', [CompletionResultType]::ParameterName, 'Print when the credentials expire, on stderr')
            [CompletionResult]::new('--no-prompt', '--no-prompt', [CompletionResultType]::ParameterName, 'Never ask for an MFA code; fail instead (what prompt hooks use)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON for tools')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'runas;ls;mfa' {
            [CompletionResult]::new('-M', '-M ', [CompletionResultType]::ParameterName, 'MFA device serial (ARN) [env: MFA_SERIAL; config: mfa_serial]')
            [CompletionResult]::new('--mfa-serial', '--mfa-serial', [CompletionResultType]::ParameterName, 'MFA device serial (ARN) [env: MFA_SERIAL; config: mfa_serial]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'External ID for AssumeRole [env: EXTERNAL_ID; config: external_id]')
            [CompletionResult]::new('--external-id', '--external-id', [CompletionResultType]::ParameterName, 'External ID for AssumeRole [env: EXTERNAL_ID; config: external_id]')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Session token lifetime, Go syntax like 12h or 1h30m [env: SESSION_TOKEN_DURATION]')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Session token lifetime, Go syntax like 12h or 1h30m [env: SESSION_TOKEN_DURATION]')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Role credentials lifetime, Go syntax like 1h [env: CREDENTIALS_DURATION]')
            [CompletionResult]::new('--role-duration', '--role-duration', [CompletionResultType]::ParameterName, 'Role credentials lifetime, Go syntax like 1h [env: CREDENTIALS_DURATION]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'MFA code, 6 digits [env: MFA_CODE; default: ask on the terminal]')
            [CompletionResult]::new('--otp', '--otp', [CompletionResultType]::ParameterName, 'MFA code, 6 digits [env: MFA_CODE; default: ask on the terminal]')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Give the source profile''s session-token credentials instead of the role''s')
            [CompletionResult]::new('--session', '--session', [CompletionResultType]::ParameterName, 'Give the source profile''s session-token credentials instead of the role''s')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Ignore cached role credentials and get new ones')
            [CompletionResult]::new('--refresh', '--refresh', [CompletionResultType]::ParameterName, 'Ignore cached role credentials and get new ones')
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Print when the credentials expire, on stderr')
            [CompletionResult]::new('--expiration', '--expiration', [CompletionResultType]::ParameterName, 'Print when the credentials expire, on stderr')
            [CompletionResult]::new('--no-prompt', '--no-prompt', [CompletionResultType]::ParameterName, 'Never ask for an MFA code; fail instead (what prompt hooks use)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON for tools')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'runas;list;help' {
            [CompletionResult]::new('mfa', 'mfa', [CompletionResultType]::ParameterValue, 'List the MFA devices of the IAM user whose keys PROFILE uses (ListMFADevices)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'runas;list;help;mfa' {
            break
        }
        'runas;list;help;help' {
            break
        }
        'runas;ls;help' {
            [CompletionResult]::new('mfa', 'mfa', [CompletionResultType]::ParameterValue, 'List the MFA devices of the IAM user whose keys PROFILE uses (ListMFADevices)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'runas;ls;help;mfa' {
            break
        }
        'runas;ls;help;help' {
            break
        }
        'runas;config' {
            [CompletionResult]::new('-M', '-M ', [CompletionResultType]::ParameterName, 'MFA device serial (ARN) [env: MFA_SERIAL; config: mfa_serial]')
            [CompletionResult]::new('--mfa-serial', '--mfa-serial', [CompletionResultType]::ParameterName, 'MFA device serial (ARN) [env: MFA_SERIAL; config: mfa_serial]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'External ID for AssumeRole [env: EXTERNAL_ID; config: external_id]')
            [CompletionResult]::new('--external-id', '--external-id', [CompletionResultType]::ParameterName, 'External ID for AssumeRole [env: EXTERNAL_ID; config: external_id]')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Session token lifetime, Go syntax like 12h or 1h30m [env: SESSION_TOKEN_DURATION]')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Session token lifetime, Go syntax like 12h or 1h30m [env: SESSION_TOKEN_DURATION]')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Role credentials lifetime, Go syntax like 1h [env: CREDENTIALS_DURATION]')
            [CompletionResult]::new('--role-duration', '--role-duration', [CompletionResultType]::ParameterName, 'Role credentials lifetime, Go syntax like 1h [env: CREDENTIALS_DURATION]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'MFA code, 6 digits [env: MFA_CODE; default: ask on the terminal]')
            [CompletionResult]::new('--otp', '--otp', [CompletionResultType]::ParameterName, 'MFA code, 6 digits [env: MFA_CODE; default: ask on the terminal]')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Give the source profile''s session-token credentials instead of the role''s')
            [CompletionResult]::new('--session', '--session', [CompletionResultType]::ParameterName, 'Give the source profile''s session-token credentials instead of the role''s')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Ignore cached role credentials and get new ones')
            [CompletionResult]::new('--refresh', '--refresh', [CompletionResultType]::ParameterName, 'Ignore cached role credentials and get new ones')
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Print when the credentials expire, on stderr')
            [CompletionResult]::new('--expiration', '--expiration', [CompletionResultType]::ParameterName, 'Print when the credentials expire, on stderr')
            [CompletionResult]::new('--no-prompt', '--no-prompt', [CompletionResultType]::ParameterName, 'Never ask for an MFA code; fail instead (what prompt hooks use)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'runas;diagnose' {
            [CompletionResult]::new('-M', '-M ', [CompletionResultType]::ParameterName, 'MFA device serial (ARN) [env: MFA_SERIAL; config: mfa_serial]')
            [CompletionResult]::new('--mfa-serial', '--mfa-serial', [CompletionResultType]::ParameterName, 'MFA device serial (ARN) [env: MFA_SERIAL; config: mfa_serial]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'External ID for AssumeRole [env: EXTERNAL_ID; config: external_id]')
            [CompletionResult]::new('--external-id', '--external-id', [CompletionResultType]::ParameterName, 'External ID for AssumeRole [env: EXTERNAL_ID; config: external_id]')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Session token lifetime, Go syntax like 12h or 1h30m [env: SESSION_TOKEN_DURATION]')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Session token lifetime, Go syntax like 12h or 1h30m [env: SESSION_TOKEN_DURATION]')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Role credentials lifetime, Go syntax like 1h [env: CREDENTIALS_DURATION]')
            [CompletionResult]::new('--role-duration', '--role-duration', [CompletionResultType]::ParameterName, 'Role credentials lifetime, Go syntax like 1h [env: CREDENTIALS_DURATION]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'MFA code, 6 digits [env: MFA_CODE; default: ask on the terminal]')
            [CompletionResult]::new('--otp', '--otp', [CompletionResultType]::ParameterName, 'MFA code, 6 digits [env: MFA_CODE; default: ask on the terminal]')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Give the source profile''s session-token credentials instead of the role''s')
            [CompletionResult]::new('--session', '--session', [CompletionResultType]::ParameterName, 'Give the source profile''s session-token credentials instead of the role''s')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Ignore cached role credentials and get new ones')
            [CompletionResult]::new('--refresh', '--refresh', [CompletionResultType]::ParameterName, 'Ignore cached role credentials and get new ones')
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Print when the credentials expire, on stderr')
            [CompletionResult]::new('--expiration', '--expiration', [CompletionResultType]::ParameterName, 'Print when the credentials expire, on stderr')
            [CompletionResult]::new('--no-prompt', '--no-prompt', [CompletionResultType]::ParameterName, 'Never ask for an MFA code; fail instead (what prompt hooks use)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'runas;whoami' {
            [CompletionResult]::new('-M', '-M ', [CompletionResultType]::ParameterName, 'MFA device serial (ARN) [env: MFA_SERIAL; config: mfa_serial]')
            [CompletionResult]::new('--mfa-serial', '--mfa-serial', [CompletionResultType]::ParameterName, 'MFA device serial (ARN) [env: MFA_SERIAL; config: mfa_serial]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'External ID for AssumeRole [env: EXTERNAL_ID; config: external_id]')
            [CompletionResult]::new('--external-id', '--external-id', [CompletionResultType]::ParameterName, 'External ID for AssumeRole [env: EXTERNAL_ID; config: external_id]')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Session token lifetime, Go syntax like 12h or 1h30m [env: SESSION_TOKEN_DURATION]')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Session token lifetime, Go syntax like 12h or 1h30m [env: SESSION_TOKEN_DURATION]')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Role credentials lifetime, Go syntax like 1h [env: CREDENTIALS_DURATION]')
            [CompletionResult]::new('--role-duration', '--role-duration', [CompletionResultType]::ParameterName, 'Role credentials lifetime, Go syntax like 1h [env: CREDENTIALS_DURATION]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'MFA code, 6 digits [env: MFA_CODE; default: ask on the terminal]')
            [CompletionResult]::new('--otp', '--otp', [CompletionResultType]::ParameterName, 'MFA code, 6 digits [env: MFA_CODE; default: ask on the terminal]')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Give the source profile''s session-token credentials instead of the role''s')
            [CompletionResult]::new('--session', '--session', [CompletionResultType]::ParameterName, 'Give the source profile''s session-token credentials instead of the role''s')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Ignore cached role credentials and get new ones')
            [CompletionResult]::new('--refresh', '--refresh', [CompletionResultType]::ParameterName, 'Ignore cached role credentials and get new ones')
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Print when the credentials expire, on stderr')
            [CompletionResult]::new('--expiration', '--expiration', [CompletionResultType]::ParameterName, 'Print when the credentials expire, on stderr')
            [CompletionResult]::new('--no-prompt', '--no-prompt', [CompletionResultType]::ParameterName, 'Never ask for an MFA code; fail instead (what prompt hooks use)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON for tools')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'runas;cache' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('clear', 'clear', [CompletionResultType]::ParameterValue, 'Remove cached credentials: PROFILE''s, or all of them')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'runas;cache;clear' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'runas;cache;help' {
            [CompletionResult]::new('clear', 'clear', [CompletionResultType]::ParameterValue, 'Remove cached credentials: PROFILE''s, or all of them')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'runas;cache;help;clear' {
            break
        }
        'runas;cache;help;help' {
            break
        }
        'runas;init' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'runas;completions' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'runas;doctor' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'runas;use' {
            [CompletionResult]::new('-M', '-M ', [CompletionResultType]::ParameterName, 'MFA device serial (ARN) [env: MFA_SERIAL; config: mfa_serial]')
            [CompletionResult]::new('--mfa-serial', '--mfa-serial', [CompletionResultType]::ParameterName, 'MFA device serial (ARN) [env: MFA_SERIAL; config: mfa_serial]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'External ID for AssumeRole [env: EXTERNAL_ID; config: external_id]')
            [CompletionResult]::new('--external-id', '--external-id', [CompletionResultType]::ParameterName, 'External ID for AssumeRole [env: EXTERNAL_ID; config: external_id]')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Session token lifetime, Go syntax like 12h or 1h30m [env: SESSION_TOKEN_DURATION]')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Session token lifetime, Go syntax like 12h or 1h30m [env: SESSION_TOKEN_DURATION]')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Role credentials lifetime, Go syntax like 1h [env: CREDENTIALS_DURATION]')
            [CompletionResult]::new('--role-duration', '--role-duration', [CompletionResultType]::ParameterName, 'Role credentials lifetime, Go syntax like 1h [env: CREDENTIALS_DURATION]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'MFA code, 6 digits [env: MFA_CODE; default: ask on the terminal]')
            [CompletionResult]::new('--otp', '--otp', [CompletionResultType]::ParameterName, 'MFA code, 6 digits [env: MFA_CODE; default: ask on the terminal]')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Give the source profile''s session-token credentials instead of the role''s')
            [CompletionResult]::new('--session', '--session', [CompletionResultType]::ParameterName, 'Give the source profile''s session-token credentials instead of the role''s')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Ignore cached role credentials and get new ones')
            [CompletionResult]::new('--refresh', '--refresh', [CompletionResultType]::ParameterName, 'Ignore cached role credentials and get new ones')
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Print when the credentials expire, on stderr')
            [CompletionResult]::new('--expiration', '--expiration', [CompletionResultType]::ParameterName, 'Print when the credentials expire, on stderr')
            [CompletionResult]::new('--no-prompt', '--no-prompt', [CompletionResultType]::ParameterName, 'Never ask for an MFA code; fail instead (what prompt hooks use)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'runas;off' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'runas;help' {
            [CompletionResult]::new('env', 'env', [CompletionResultType]::ParameterValue, 'Print the exports that give a shell PROFILE''s credentials: eval "$(runas env PROFILE)"')
            [CompletionResult]::new('unset', 'unset', [CompletionResultType]::ParameterValue, 'Print what removes runas''s variables and restores the ones the shell had before')
            [CompletionResult]::new('exec', 'exec', [CompletionResultType]::ParameterValue, 'Run a command with PROFILE''s credentials in its environment')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the profiles, one a line, with their kind (keys, role, chain, process, sso, …)')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show PROFILE''s resolved settings and where each came from')
            [CompletionResult]::new('whoami', 'whoami', [CompletionResultType]::ParameterValue, 'Show the account, ARN and user id of PROFILE''s credentials (GetCallerIdentity)')
            [CompletionResult]::new('cache', 'cache', [CompletionResultType]::ParameterValue, 'Manage the credential cache')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Print the shell hook for the rc file: eval "$(runas init bash)"')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print tab completions for a shell')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check files, profiles, the shell hook, the clock and the cache, and say how to fix each problem')
            [CompletionResult]::new('use', 'use', [CompletionResultType]::ParameterValue, 'Switch this shell to PROFILE (a function of the shell hook; see `runas init`)')
            [CompletionResult]::new('off', 'off', [CompletionResultType]::ParameterValue, 'Restore this shell to how it was before `runas use` (a function of the shell hook)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'runas;help;env' {
            break
        }
        'runas;help;unset' {
            break
        }
        'runas;help;exec' {
            break
        }
        'runas;help;list' {
            [CompletionResult]::new('mfa', 'mfa', [CompletionResultType]::ParameterValue, 'List the MFA devices of the IAM user whose keys PROFILE uses (ListMFADevices)')
            break
        }
        'runas;help;list;mfa' {
            break
        }
        'runas;help;config' {
            break
        }
        'runas;help;whoami' {
            break
        }
        'runas;help;cache' {
            [CompletionResult]::new('clear', 'clear', [CompletionResultType]::ParameterValue, 'Remove cached credentials: PROFILE''s, or all of them')
            break
        }
        'runas;help;cache;clear' {
            break
        }
        'runas;help;init' {
            break
        }
        'runas;help;completions' {
            break
        }
        'runas;help;doctor' {
            break
        }
        'runas;help;use' {
            break
        }
        'runas;help;off' {
            break
        }
        'runas;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
