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
    match shell {
        None => Ok(credential_process_json(&creds)),
        Some(shell) => {
            let ops = switch_ops(&resolved, &creds, args.creds.session, env)?;
            Ok(shell::render(shell, &ops))
        }
    }
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
        doc["Expiration"] = env::rfc3339(exp).into();
    }
    format!("{doc}\n")
}
