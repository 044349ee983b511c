//! The one way every command turns its arguments into a resolved profile, and, for those
//! that need credentials, a cache and an STS client: which profile (the README's order, in
//! `config::requested_profile`), resolved against the environment as it was before runas
//! switched it, with the resolver's warnings said once.

use crate::cache::Cache;
use crate::cli::CredentialArgs;
use crate::config::{self, Files, Overrides, Paths, Resolved};
use crate::creds::Credentials;
use crate::env;
use crate::provider::{self, Options, Provider, TerminalMfa};
use crate::sts::{AwsSts, StsSettings};
use crate::{EnvMap, Result};
use std::time::Duration;

/// How long a run that may not ask for an MFA code waits for another runas's lock.
const NO_PROMPT_LOCK_WAIT: Duration = Duration::from_secs(2);

impl CredentialArgs {
    pub(crate) fn overrides(&self) -> Overrides {
        Overrides {
            mfa_serial: self.mfa_serial.clone(),
            external_id: self.external_id.clone(),
            session_duration: self.session_duration.clone(),
            role_duration: self.role_duration.clone(),
        }
    }
}

/// The profile `profile` (else the one the environment names) resolved with `overrides`.
///
/// The profile comes from the shell as it is now: after `runas use p`, AWS_PROFILE is gone
/// (the one the shell saved is the user's old choice, not the profile in use) and
/// AWSRUNAS_PROFILE names p. Its settings resolve against the shell as it was before runas
/// switched it, so the region runas set for one profile does not stick to the next.
pub(crate) fn resolve(profile: Option<&str>, overrides: &Overrides, env: &EnvMap) -> Result<Resolved> {
    resolve_in_files(profile, overrides, env, &env::original(env)).map(|(_, resolved)| resolved)
}

/// `resolve`, with the files it read; `original` is `env::original(env)`.
fn resolve_in_files(
    profile: Option<&str>,
    overrides: &Overrides,
    env: &EnvMap,
    original: &EnvMap,
) -> Result<(Files, Resolved)> {
    let requested = config::requested_profile_or_keys(profile, env, original)?;
    let paths = Paths::from_env(original);
    let named = |path: &std::path::Path| {
        let var = paths.named.iter().find(|(_, p)| p == path).map(|(var, _)| *var);
        format!("{} ({})", path.display(), var.unwrap_or("the default"))
    };
    crate::verbose::say!(
        "files: config {}, credentials {}",
        named(&paths.config),
        named(&paths.credentials)
    );
    crate::verbose::say!("profile {requested:?}, from {}", profile_reason(profile, env));
    let files = Files::load(&paths)?;
    let resolved = config::resolve(&files, original, overrides, &requested)?;
    for warning in &resolved.warnings {
        crate::warn(warning);
    }
    if crate::verbose::level() > 0 {
        say_resolved(&resolved);
    }
    Ok((files, resolved))
}

/// Where the profile name came from, in the order `config::requested_profile` looks.
fn profile_reason(profile: Option<&str>, env: &EnvMap) -> &'static str {
    if profile.is_some() {
        return "the command line";
    }
    ["AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWSRUNAS_PROFILE"]
        .into_iter()
        .find(|var| env.get(*var).is_some_and(|v| !v.is_empty()))
        .unwrap_or("the environment's keys (as default)")
}

/// `-v`: the chain from the source to the role asked for, and the settings that decide the
/// calls. Names, ARNs and durations only.
fn say_resolved(r: &Resolved) {
    let mut chain = format!("{} ({})", r.base, r.source.describe());
    for hop in &r.roles {
        chain.push_str(&format!(" → {} ({})", hop.profile, hop.role_arn.value));
    }
    crate::verbose::say!("chain: {chain}");
    let setting = |s: Option<&config::Setting<String>>| match s {
        Some(s) => format!("{} ({})", s.value, s.origin),
        None => "none".to_string(),
    };
    crate::verbose::say!(
        "mfa_serial {}; region {}; session {} ({}), role {} ({}); session name {} ({})",
        setting(r.mfa_serial.as_ref()),
        setting(r.region.as_ref()),
        config::duration::format_go_duration(r.session_duration.value),
        r.session_duration.origin,
        config::duration::format_go_duration(r.role_duration.value),
        r.role_duration.origin,
        r.session_name.value,
        r.session_name.origin
    );
}

/// `args`, naming `default` when no profile is named anywhere (the argument, `AWS_PROFILE`,
/// `AWS_DEFAULT_PROFILE`, `AWSRUNAS_PROFILE`): what `whoami` and `list mfa` ask about then, as
/// the AWS CLI does.
pub(crate) fn or_default(args: &CredentialArgs, env: &EnvMap) -> CredentialArgs {
    let mut args = args.clone();
    if matches!(
        config::requested_profile(args.profile(), env),
        Err(crate::Error::NoProfile { .. })
    ) {
        args.profile = Some("default".into());
    }
    args
}

/// Everything a command needs to get credentials: the resolved profile, the cache, STS.
/// Building it does no network I/O and starts no runtime: the warm path stays cheap.
pub(crate) struct Session {
    pub(crate) resolved: Resolved,
    /// The config and credentials files `resolved` came from.
    pub(crate) files: Files,
    pub(crate) cache: Cache,
    pub(crate) sts: AwsSts,
    mfa: TerminalMfa,
    /// See `sources::process::CHAIN_VAR`.
    process_chain: Option<String>,
    /// The environment as it was before runas switched it: where the SSO token cache is.
    env: EnvMap,
}

impl Session {
    /// The profile the arguments name (see `resolve`), with the cache's refresh window
    /// `min_ttl`.
    pub(crate) fn open(args: &CredentialArgs, env: &EnvMap, min_ttl: Duration) -> Result<Session> {
        // A given MFA code is checked before anything else, so a typo costs no STS call.
        let given_code = args
            .otp
            .clone()
            .or_else(|| env.get("MFA_CODE").filter(|c| !c.is_empty()).cloned());
        if let Some(code) = &given_code {
            provider::check_mfa_code(code, "your MFA device")?;
        }
        let original = env::original(env).into_owned();
        let (files, resolved) = resolve_in_files(args.profile(), &args.overrides(), env, &original)?;
        let mut cache = Cache::from_env(&original, min_ttl);
        if args.no_prompt {
            // Another runas may hold the lock while it waits for someone to type a code: a
            // run that may not ask (the prompt hook) must not wait for that.
            cache = cache.with_lock_wait(NO_PROMPT_LOCK_WAIT);
        }
        let sts = AwsSts::new(StsSettings::for_profile(&resolved));
        let mfa = TerminalMfa {
            given: given_code,
            may_prompt: !args.no_prompt,
        };
        Ok(Session {
            resolved,
            files,
            cache,
            sts,
            mfa,
            process_chain: env.get(crate::sources::process::CHAIN_VAR).cloned(),
            env: original,
        })
    }

    /// From now on an MFA code is asked for on the terminal: a code given with `-o` or
    /// `MFA_CODE` was for the first fetch, and a one-time code cannot serve a later one.
    pub(crate) fn forget_given_code(&mut self) {
        self.mfa.given = None;
    }

    pub(crate) fn credentials(&self, args: &CredentialArgs) -> Result<Credentials> {
        let provider = Provider {
            sts: &self.sts,
            cache: &self.cache,
            mfa: &self.mfa,
            process_chain: self.process_chain.as_deref(),
            user_name: Default::default(),
            sso: &self.sts,
            env: &self.env,
        };
        let options = Options {
            session_only: args.session,
            refresh: args.refresh,
        };
        let creds = provider.credentials(&self.resolved, options)?;
        if args.expiration {
            say_expiry(&creds);
        }
        Ok(creds)
    }
}

/// `-e`: when `creds` expire, on stderr.
pub(crate) fn say_expiry(creds: &Credentials) {
    match creds.expiration {
        Some(exp) => eprintln!("runas: {}", expires_line(exp, crate::creds::epoch_now())),
        None => eprintln!("runas: these credentials do not expire"),
    }
}

/// What `-e` says: when, and how long from now (as aws-runas said it).
fn expires_line(expiration: u64, now: u64) -> String {
    let when = crate::creds::rfc3339(expiration);
    match expiration.checked_sub(now).filter(|&left| left > 0) {
        Some(left) => format!(
            "credentials expire at {when} (in {})",
            crate::creds::short_duration(left)
        ),
        None => format!("credentials expired at {when}"),
    }
}

/// Credentials for the profile the arguments name; see `Session::open`.
pub(crate) fn credentials(
    args: &CredentialArgs,
    env: &EnvMap,
    min_ttl: Duration,
) -> Result<(Resolved, Credentials)> {
    let session = Session::open(args, env, min_ttl)?;
    let creds = session.credentials(args)?;
    Ok((session.resolved, creds))
}

#[cfg(test)]
mod tests {
    #[test]
    fn expiry_is_said_with_the_time_left() {
        assert_eq!(
            super::expires_line(1_700_003_599, 1_700_000_000),
            "credentials expire at 2023-11-14T23:13:19Z (in 59m)"
        );
        assert_eq!(
            super::expires_line(1_700_000_000, 1_700_000_000),
            "credentials expired at 2023-11-14T22:13:20Z"
        );
    }
}
