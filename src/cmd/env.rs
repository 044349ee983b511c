//! `runas env`: the exports that give a shell a profile's credentials, or the
//! `credential_process` document (`--format json`).

use super::session::credentials;
use crate::cache;
use crate::cli::{EnvArgs, OutputFormat};
use crate::config::Resolved;
use crate::creds::Credentials;
use crate::env::{self, Op};
use crate::shell;
use crate::{EnvMap, Result};
use std::time::Duration;

/// SDKs keep credential_process output in memory and botocore runs the process again once
/// less than 15 minutes are left: JSON output must carry at least that.
const CREDENTIAL_PROCESS_MIN_TTL: Duration = Duration::from_secs(15 * 60);

pub(crate) fn run(args: &EnvArgs, env: &EnvMap) -> Result<String> {
    let min_ttl = match args.format {
        OutputFormat::Json => cache::refresh_window(env)?.max(CREDENTIAL_PROCESS_MIN_TTL),
        OutputFormat::Shell => cache::refresh_window(env)?,
    };
    // Which shell reads the output is settled first: a run that cannot tell asks for nothing.
    let shell = match args.format {
        OutputFormat::Shell => Some(shell::detect::pick(args.shell)?),
        OutputFormat::Json => None,
    };
    let (resolved, creds) = credentials(&args.creds, env, min_ttl)?;
    if args.write_credentials {
        write_credentials(&resolved, &creds, env)?;
    }
    match shell {
        None => Ok(credential_process_json(&creds)),
        Some(shell) => {
            let ops = switch_ops(&resolved, &creds, args.creds.session, env)?;
            // Typed at a terminal without eval, the output would only be shown: say how it is
            // meant to be used (stderr, so an eval still gets nothing but the exports).
            // SAFETY: isatty only looks at the descriptor.
            if unsafe { libc::isatty(1) } == 1 {
                eprintln!("{}", crate::one_line(&use_hint(shell, resolved.display_name())));
            }
            Ok(shell::render(shell, &ops))
        }
    }
}

/// `-c`: the credentials also in the credentials file, as `[PROFILE-awsrunas]`.
pub(crate) fn write_credentials(resolved: &Resolved, creds: &Credentials, env: &EnvMap) -> Result<()> {
    let paths = crate::config::Paths::from_env(&env::original(env));
    crate::credfile::write(&paths.credentials, resolved.display_name(), creds)?;
    crate::verbose::say!(
        "wrote [{}] to {}",
        crate::credfile::section_name(resolved.display_name()),
        paths.credentials.display()
    );
    Ok(())
}

/// `# to use these: eval "$(runas env prod)"`, in the syntax of `shell`.
fn use_hint(shell: shell::ShellKind, profile: &str) -> String {
    let profile = shell::quote_if_needed(shell, profile);
    let line = match shell {
        shell::ShellKind::Fish => format!("runas env {profile} | source"),
        shell::ShellKind::Pwsh => format!("runas env {profile} | Out-String | Invoke-Expression"),
        _ => format!("eval \"$(runas env {profile})\""),
    };
    format!("# to use these: {line}")
}

pub(crate) fn switch_ops(
    resolved: &Resolved,
    creds: &Credentials,
    session_only: bool,
    env: &EnvMap,
) -> Result<Vec<Op>> {
    let target = env::Switch {
        credentials: creds,
        profile: resolved.name.as_deref(),
        region: resolved.region.as_ref().map(|s| s.value.as_str()),
        session_only: session_only && !resolved.roles.is_empty(),
    };
    env::switch(&target, env)
}

/// The `credential_process` document (Version 1) with an expiration in UTC ending in `Z`.
fn credential_process_json(creds: &Credentials) -> String {
    let mut doc = serde_json::json!({
        "Version": 1,
        "AccessKeyId": creds.access_key_id,
        "SecretAccessKey": creds.secret_access_key,
    });
    if let Some(token) = &creds.session_token {
        doc["SessionToken"] = token.clone().into();
    }
    if let Some(exp) = creds.expiration {
        doc["Expiration"] = crate::creds::rfc3339(exp).into();
    }
    format!("{doc}\n")
}

#[cfg(test)]
mod tests {
    use super::use_hint;
    use crate::shell::ShellKind;

    #[test]
    fn the_hint_shows_the_line_for_the_shell_at_hand() {
        assert_eq!(
            use_hint(ShellKind::Bash, "prod"),
            "# to use these: eval \"$(runas env prod)\""
        );
        assert_eq!(
            use_hint(ShellKind::Fish, "it's"),
            r"# to use these: runas env 'it\'s' | source"
        );
        assert!(use_hint(ShellKind::Pwsh, "prod").ends_with("| Out-String | Invoke-Expression"));
    }
}
