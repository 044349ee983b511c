//! `runas use` and `runas off`, as the shell hook's `runas` function runs them
//! (`--hook SHELL`): `runas env` and `runas unset` for the hook's own shell, with everything
//! that would make the hook evaluate something else refused; and the prompt's refresh
//! (`--due WINDOW`).

use super::session::credentials;
use crate::cache;
use crate::cli::{CredentialArgs, OffArgs, UseArgs};
use crate::env;
use crate::shell::{self, ShellKind};
use crate::{EnvMap, Error, Result};
use std::time::Duration;

/// `runas off`: `runas unset` for the hook's shell.
pub(crate) fn off(args: &OffArgs, env: &EnvMap) -> Result<String> {
    match args.hook {
        Some(shell) => super::unset::run(Some(shell), env),
        None => Err(no_hook("off")),
    }
}

/// `runas use`, as the hook's `runas` function calls it: `runas env` for the hook's shell, with
/// the flags that would make the hook evaluate something else refused.
pub(crate) fn run_use(args: &UseArgs, env: &EnvMap) -> Result<String> {
    let Some(shell) = args.hook else {
        return Err(no_hook("use"));
    };
    if args.shell.is_some() {
        return Err(Error::Usage(
            "runas use writes for the shell it runs in: drop --shell (it is for runas env)".into(),
        ));
    }
    if args.format.is_some() {
        return Err(Error::Usage(
            "runas use evaluates shell code in this shell: drop --format (for JSON, run runas env \
             --format json PROFILE)"
                .into(),
        ));
    }
    if let Some(window) = args.due {
        return refresh_due(&args.creds, shell, Duration::from_secs(window), env);
    }
    let window = cache::refresh_window(env)?;
    let (resolved, creds) = match credentials(&args.creds, env, window) {
        // An SSO profile whose session has run out: sign in now, at the terminal, then switch.
        Err(Error::SsoExpired { .. } | Error::SsoNoToken { .. })
            if !args.creds.no_prompt && std::fs::File::open("/dev/tty").is_ok() =>
        {
            let login = crate::cli::LoginArgs {
                profile: args.creds.profile().map(str::to_string),
                sso_session: None,
                device_code: false,
                no_browser: false,
                force: true,
                json: false,
                verbosity: args.verbosity,
            };
            super::login::login(&login, env)?;
            credentials(&args.creds, env, window)?
        }
        other => other?,
    };
    let ops = super::env::switch_ops(&resolved, &creds, args.creds.session, env)?;
    Ok(shell::render(shell, &ops))
}

/// `runas use` or `runas off` typed where the hook is not loaded: the line that loads it.
fn no_hook(command: &str) -> Error {
    let line = match shell::detect::pick(None) {
        Ok(ShellKind::Fish) => "runas init fish | source",
        Ok(ShellKind::Pwsh) => "Invoke-Expression (& runas init pwsh | Out-String)",
        Ok(ShellKind::Zsh) => "eval \"$(runas init zsh)\"",
        _ => "eval \"$(runas init bash)\"",
    };
    Error::Usage(format!(
        "runas {command} works through the shell hook, which is not loaded in this shell; add \
         {line} to your shell's rc file (or run eval \"$(runas env PROFILE)\" instead)"
    ))
}

/// The prompt hook's refresh: new credentials for the active profile (and kind) when they are
/// due within `window`, plus a minute (the shell's clock and runas's may differ by a second,
/// and credentials the cache still found valid would come back unchanged). Never asks, waits
/// for another runas's lock only briefly, and on failure gives the whole line the prompt shows.
fn refresh_due(creds: &CredentialArgs, shell: ShellKind, window: Duration, env: &EnvMap) -> Result<String> {
    let Some(profile) = env.get(env::PROFILE).filter(|p| !p.is_empty()).cloned() else {
        return Err(Error::NoActiveProfile);
    };
    let session = env.get(env::SESSION).is_some_and(|v| !v.is_empty());
    let args = CredentialArgs {
        profile: Some(profile.clone()),
        session,
        no_prompt: true,
        ..creds.clone()
    };
    crate::set_quiet(true);
    let result = credentials(&args, env, window + Duration::from_secs(60))
        .and_then(|(resolved, c)| super::env::switch_ops(&resolved, &c, session, env));
    crate::set_quiet(false);
    match result {
        Ok(ops) => Ok(shell::render(shell, &ops)),
        Err(e) => {
            let left = env
                .get(env::EXPIRES)
                .and_then(|v| v.parse::<u64>().ok())
                .map(|exp| exp.saturating_sub(crate::creds::epoch_now()));
            Err(Error::NotRefreshed(not_refreshed(
                &profile, left, &e, session, shell,
            )))
        }
    }
}

/// The one line the prompt shows when a refresh failed: what, why (the error without its own
/// remedy, after "; "), and the remedy that fits here: to switch again, which may ask for an
/// MFA code.
fn not_refreshed(profile: &str, left: Option<u64>, e: &Error, session: bool, shell: ShellKind) -> String {
    let text = e.to_string();
    let reason = text.split("; ").next().unwrap_or(&text);
    let when = match left {
        Some(0) | None => "has expired".to_string(),
        Some(secs) => format!("expires in {}", crate::creds::short_duration(secs)),
    };
    format!(
        "{profile} {when} and was not refreshed ({reason}); to switch again, type: runas use {}{}",
        if session { "-s " } else { "" },
        shell::quote_if_needed(shell, profile)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A spent SSO session: the prompt says so once, and `runas use` (which signs in) is the
    /// remedy.
    #[test]
    fn a_refresh_of_a_spent_sso_session_says_so_and_to_switch_again() {
        let e = Error::SsoExpired {
            described: "the SSO session corp".into(),
            login: "runas login dev".into(),
        };
        assert_eq!(
            not_refreshed("dev", Some(120), &e, false, ShellKind::Zsh),
            "dev expires in 2m and was not refreshed (the SSO session corp has expired); to \
             switch again, type: runas use dev"
        );
    }

    #[test]
    fn a_failed_refresh_is_one_line_with_the_reason_and_the_command_for_this_shell() {
        let e = Error::MfaNoTerminal {
            serial: "arn:aws:iam::1:mfa/a".into(),
        };
        assert_eq!(
            not_refreshed("prod", Some(245), &e, false, ShellKind::Bash),
            "prod expires in 4m and was not refreshed (an MFA code is needed for \
             arn:aws:iam::1:mfa/a and there is no terminal to ask on); to switch again, type: \
             runas use prod"
        );
        let held = Error::LockHeld {
            waited: Duration::from_secs(2),
        };
        let line = not_refreshed("it's", None, &held, true, ShellKind::Fish);
        assert!(
            line.starts_with("it's has expired and was not refreshed (another runas has held"),
            "{line}"
        );
        assert!(line.ends_with(r"type: runas use -s 'it\'s'"), "{line}");
        assert!(!line.contains('\n'));
    }
}
