//! What each subcommand does, from parsed arguments and the environment to the text for stdout.
//! Nothing here prints to stdout: the caller writes the returned text once, so an error leaves
//! stdout empty and `eval "$(runas env x)"` changes nothing.

use crate::cache::Cache;
use crate::cli::{
    CacheAction, Cli, Command, ConfigArgs, CredentialArgs, EnvArgs, ExecArgs, ListArgs, ListWhat,
    OutputFormat, UseArgs, WhoamiArgs,
};
use crate::config::duration::{format_go_duration, parse_go_duration};
use crate::config::{self, Files, Overrides, Paths, Resolved};
use crate::credentials::provider::{self, Options, Provider, TerminalMfa};
use crate::credentials::{Credentials, mask_key_id};
use crate::env::{self, Op};
use crate::error::Origin;
use crate::shell::{self, ShellKind};
use crate::sts::{AwsSts, Sts, StsSettings};
use crate::{EnvMap, Error, Result};
use std::fmt::Write as _;
use std::time::Duration;

/// Run one command; the returned text is for stdout.
pub fn run(cli: Cli, env: EnvMap) -> Result<String> {
    match cli.command {
        Command::List(args) => list(&args, &env),
        Command::Config(args) => show_config(&args, &env),
        Command::Env(args) => env_command(&args, &env),
        Command::Unset(args) => unset(args.shell, &env),
        Command::Exec(args) => exec_command(&args, &env),
        Command::Whoami(args) => whoami(&args, &env),
        Command::Cache {
            action: CacheAction::Clear { profile },
        } => cache_clear(profile.as_deref(), &env),
        Command::Doctor => {
            let findings = crate::doctor::check(&env::original(&env), &|settings| {
                AwsSts::new(settings.clone()).server_date()
            });
            Ok(crate::doctor::report(&findings))
        }
        Command::Init { shell } => crate::init::script(shell),
        Command::Completions { shell } => Ok(crate::init::completions(shell)),
        Command::Use(args) => use_command(&args, &env),
        Command::Off(args) => match args.hook {
            Some(shell) => unset(Some(shell), &env),
            None => Err(no_hook("off")),
        },
    }
}

/// `runas unset`: the ops that undo the switches, for the shell that reads them. In a shell
/// runas never switched there is nothing to undo: nothing is printed (the user's own
/// `AWS_PROFILE` and `AWS_REGION` stay) and stderr says so.
fn unset(flag: Option<ShellKind>, env: &EnvMap) -> Result<String> {
    let bin = std::env::current_exe()
        .ok()
        .and_then(|p| p.to_str().map(str::to_string))
        .unwrap_or_else(|| "runas".into());
    match env::restore(env, &bin) {
        Some(ops) => Ok(shell::render(shell::detect::pick(flag)?, &ops)),
        None => {
            eprintln!("runas: nothing to undo: this shell has not switched to a profile");
            Ok(String::new())
        }
    }
}

/// `runas use`, as the hook's `runas` function calls it: `runas env` for the hook's shell, with
/// the flags that would make the hook evaluate something else refused.
fn use_command(args: &UseArgs, env: &EnvMap) -> Result<String> {
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
    let (resolved, creds) = credentials(&args.creds, env, refresh_window(env)?)?;
    let ops = switch_ops(&resolved, &creds, args.creds.session, env)?;
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
        return Err(Error::Usage(
            "no profile is active in this shell (AWSRUNAS_PROFILE is not set)".into(),
        ));
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
        .and_then(|(resolved, c)| switch_ops(&resolved, &c, session, env));
    crate::set_quiet(false);
    match result {
        Ok(ops) => Ok(shell::render(shell, &ops)),
        Err(e) => {
            let text = e.to_string();
            // The error's own remedy (after "; ") is replaced by the one that fits here: to
            // switch again, which may ask for an MFA code.
            let reason = text.split("; ").next().unwrap_or(&text);
            let left = env
                .get(env::EXPIRES)
                .and_then(|v| v.parse::<u64>().ok())
                .map(|exp| exp.saturating_sub(crate::credentials::epoch_now()));
            let when = match left {
                Some(0) | None => "has expired".to_string(),
                Some(secs) => format!("expires in {}", short_duration(secs)),
            };
            Err(Error::NotRefreshed(format!(
                "{profile} {when} and was not refreshed ({reason}); to switch again, type: runas use {}{}",
                if session { "-s " } else { "" },
                shell::quote_if_needed(shell, &profile)
            )))
        }
    }
}

/// `59s`, `42m`, `1h05m`, rounded down: how the prompt writes the time left.
fn short_duration(secs: u64) -> String {
    match secs {
        0..60 => format!("{secs}s"),
        60..3600 => format!("{}m", secs / 60),
        _ => format!("{}h{:02}m", secs / 3600, secs % 3600 / 60),
    }
}

fn whoami(args: &WhoamiArgs, env: &EnvMap) -> Result<String> {
    let session = Session::open(&args.creds, env, refresh_window(env)?)?;
    let creds = session.credentials(&args.creds)?;
    let id = match session.sts.get_caller_identity(&creds) {
        // Cached credentials that STS says expired: drop what this profile cached and try once
        // more, as `env` does when AssumeRole meets the same answer.
        Err(e) if provider::is_expired_token(&e) && creds.expiration.is_some() => {
            provider::forget(&session.cache, &session.resolved);
            let creds = session.credentials(&args.creds)?;
            session.sts.get_caller_identity(&creds)?
        }
        other => other?,
    };
    if args.json {
        return Ok(format!(
            "{}\n",
            serde_json::json!({"Account": id.account, "Arn": id.arn, "UserId": id.user_id})
        ));
    }
    Ok(format!(
        "account  {}\narn      {}\nuser_id  {}\n",
        id.account, id.arn, id.user_id
    ))
}

/// The MFA devices of the IAM user behind the profile's long-term keys: GetCallerIdentity
/// names the user, ListMFADevices lists its devices.
fn list_mfa(args: &CredentialArgs, json: bool, env: &EnvMap) -> Result<String> {
    let session = Session::open(args, env, refresh_window(env)?)?;
    let keys = session.resolved.keys()?;
    let creds = Credentials {
        access_key_id: keys.access_key_id.clone(),
        secret_access_key: keys.secret_access_key.clone(),
        session_token: keys.session_token.clone(),
        expiration: None,
    };
    let id = session.sts.get_caller_identity(&creds)?;
    let user = iam_user_name(&id.arn).ok_or_else(|| Error::NotAUser {
        profile: session.resolved.base.clone(),
        arn: id.arn.clone(),
    })?;
    let endpoint = session
        .resolved
        .iam_endpoint_url
        .as_ref()
        .map(|s| s.value.as_str());
    let devices = session.sts.list_mfa_devices(&creds, user, endpoint)?;
    if json {
        return Ok(format!(
            "{}\n",
            serde_json::to_string_pretty(&devices).expect("devices serialise")
        ));
    }
    Ok(devices.iter().map(|d| format!("{}\n", d.serial_number)).collect())
}

/// `alice` from `arn:aws:iam::123456789012:user/path/alice` (the user name is the last part).
fn iam_user_name(arn: &str) -> Option<&str> {
    let resource = arn.splitn(6, ':').nth(5)?;
    let path = resource.strip_prefix("user/")?;
    path.rsplit('/').next().filter(|name| !name.is_empty())
}

fn cache_clear(profile: Option<&str>, env: &EnvMap) -> Result<String> {
    let original = env::original(env);
    let cache = Cache::new(
        crate::cache::cache_dir(&original).ok_or(Error::NoCacheDir)?,
        Cache::DEFAULT_WINDOW,
    );
    let removed = match profile {
        None => cache.clear()?,
        Some(name) => {
            let files = Files::load(&Paths::from_env(&original))?;
            let resolved = config::resolve(&files, &original, &Overrides::default(), name)?;
            let mut removed = 0;
            for key in provider::cache_keys(&resolved) {
                removed += usize::from(cache.remove(&key)?);
            }
            removed
        }
    };
    let noun = if removed == 1 { "entry" } else { "entries" };
    Ok(format!("removed {removed} cache {noun}\n"))
}

/// How long a run that may not ask for an MFA code waits for another runas's lock.
const NO_PROMPT_LOCK_WAIT: Duration = Duration::from_secs(2);

/// SDKs keep credential_process output in memory and botocore runs the process again once
/// less than 15 minutes are left: JSON output must carry at least that.
const CREDENTIAL_PROCESS_MIN_TTL: Duration = Duration::from_secs(15 * 60);

fn env_command(args: &EnvArgs, env: &EnvMap) -> Result<String> {
    let min_ttl = match args.format {
        OutputFormat::Json => refresh_window(env)?.max(CREDENTIAL_PROCESS_MIN_TTL),
        OutputFormat::Shell => refresh_window(env)?,
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

fn exec_command(args: &ExecArgs, env: &EnvMap) -> Result<String> {
    let (resolved, creds) = credentials(&args.creds, env, refresh_window(env)?)?;
    let mut ops = switch_ops(&resolved, &creds, args.creds.session, env)?;
    ops.extend(env::EXEC_REMOVES.iter().map(|&name| Op::Unset(name)));
    let code = crate::exec::exec(&args.command, &ops)?;
    // Only where exec cannot replace the process: pass the child's status on.
    std::process::exit(i32::from(code))
}

fn switch_ops(resolved: &Resolved, creds: &Credentials, session_only: bool, env: &EnvMap) -> Result<Vec<Op>> {
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

/// Everything a command needs to get credentials: the resolved profile, the cache, STS.
/// Building it does no network I/O and starts no runtime: the warm path stays cheap.
struct Session {
    resolved: Resolved,
    cache: Cache,
    sts: AwsSts,
    mfa: TerminalMfa,
}

impl Session {
    /// Resolve the profile the arguments name, with the cache's refresh window `min_ttl`.
    /// Settings resolve against the environment as it was before runas switched it.
    fn open(args: &CredentialArgs, env: &EnvMap, min_ttl: Duration) -> Result<Session> {
        let original = env::original(env);
        // A given MFA code is checked before anything else, so a typo costs no STS call.
        let given_code = args
            .otp
            .clone()
            .or_else(|| env.get("MFA_CODE").filter(|c| !c.is_empty()).cloned());
        if let Some(code) = &given_code {
            provider::check_mfa_code(code, "your MFA device")?;
        }
        let files = Files::load(&Paths::from_env(&original))?;
        // The profile comes from the shell as it is now, not as it was: after `runas use p`
        // AWS_PROFILE is gone (the one saved in RUNAS_SAVED is the user's old choice, not the
        // profile in use) and AWSRUNAS_PROFILE names p.
        let requested = match config::requested_profile(args.profile.as_deref(), env) {
            Err(Error::NoProfile) => env
                .get(env::PROFILE)
                .filter(|p| !p.is_empty())
                .cloned()
                .ok_or(Error::NoProfile)?,
            other => other?,
        };
        let resolved = config::resolve(&files, &original, &args.overrides(), &requested)?;
        for warning in &resolved.warnings {
            crate::warn(warning);
        }
        let mut cache = Cache::new(
            crate::cache::cache_dir(&original).ok_or(Error::NoCacheDir)?,
            min_ttl,
        );
        if args.no_prompt {
            // Another runas may hold the lock while it waits for someone to type a code: a
            // run that may not ask (the prompt hook) must not wait for that.
            cache = cache.with_lock_wait(NO_PROMPT_LOCK_WAIT);
        }
        let sts = AwsSts::new(StsSettings {
            // STS needs a region to sign for; us-east-1 is where the global endpoint lives.
            region: resolved
                .region
                .as_ref()
                .map(|s| s.value.clone())
                .unwrap_or_else(|| "us-east-1".into()),
            endpoint_url: resolved.endpoint_url.as_ref().map(|s| s.value.clone()),
            legacy_global_endpoint: resolved.legacy_global_endpoint,
        });
        let mfa = TerminalMfa {
            given: given_code,
            may_prompt: !args.no_prompt,
        };
        Ok(Session {
            resolved,
            cache,
            sts,
            mfa,
        })
    }

    fn credentials(&self, args: &CredentialArgs) -> Result<Credentials> {
        let provider = Provider {
            sts: &self.sts,
            cache: &self.cache,
            mfa: &self.mfa,
        };
        let options = Options {
            session_only: args.session,
            refresh: args.refresh,
        };
        let creds = provider.credentials(&self.resolved, options)?;
        if args.expiration {
            match creds.expiration {
                Some(exp) => eprintln!("runas: credentials expire at {}", env::rfc3339(exp)),
                None => eprintln!("runas: these credentials do not expire"),
            }
        }
        Ok(creds)
    }
}

/// Credentials for the profile the arguments name; see `Session::open`.
fn credentials(args: &CredentialArgs, env: &EnvMap, min_ttl: Duration) -> Result<(Resolved, Credentials)> {
    let session = Session::open(args, env, min_ttl)?;
    let creds = session.credentials(args)?;
    Ok((session.resolved, creds))
}

/// The refresh window: `RUNAS_MIN_TTL` (Go syntax), else 5 minutes.
fn refresh_window(env: &EnvMap) -> Result<Duration> {
    match env.get("RUNAS_MIN_TTL").filter(|v| !v.is_empty()) {
        None => Ok(Cache::DEFAULT_WINDOW),
        Some(v) => parse_go_duration(v).map_err(|reason| Error::BadDuration {
            origin: Origin::Env("RUNAS_MIN_TTL"),
            key: "RUNAS_MIN_TTL",
            value: v.clone(),
            reason,
        }),
    }
}

fn load_files(env: &EnvMap) -> Result<Files> {
    Files::load(&Paths::from_env(env))
}

impl CredentialArgs {
    pub fn overrides(&self) -> Overrides {
        Overrides {
            mfa_serial: self.mfa_serial.clone(),
            external_id: self.external_id.clone(),
            session_duration: self.session_duration.clone(),
            role_duration: self.role_duration.clone(),
        }
    }
}

/// Resolve the profile the arguments name, and say the resolver's warnings on stderr.
pub fn resolve(args: &CredentialArgs, files: &Files, env: &EnvMap) -> Result<Resolved> {
    let requested = config::requested_profile(args.profile.as_deref(), env)?;
    let resolved = config::resolve(files, env, &args.overrides(), &requested)?;
    for warning in &resolved.warnings {
        crate::warn(warning);
    }
    Ok(resolved)
}

fn list(args: &ListArgs, env: &EnvMap) -> Result<String> {
    if let Some(ListWhat::Mfa { creds, json }) = &args.what {
        return list_mfa(creds, *json || args.json, env);
    }
    let profiles = config::list_profiles(&load_files(env)?);
    if args.json {
        let mut out = serde_json::to_string_pretty(&profiles).expect("profile summaries serialise");
        out.push('\n');
        return Ok(out);
    }
    if args.names {
        return Ok(profiles.iter().map(|p| format!("{}\n", p.name)).collect());
    }
    let width = profiles.iter().map(|p| p.name.chars().count()).max().unwrap_or(0);
    let mut out = String::new();
    for p in &profiles {
        let kind = match p.kind {
            "chain" => "role via chain",
            other => other,
        };
        let _ = write!(out, "{:<width$}  {kind}", p.name);
        if let Some(arn) = &p.role_arn {
            let _ = write!(out, "  {arn}");
        }
        out.push('\n');
    }
    Ok(out)
}

fn show_config(args: &ConfigArgs, env: &EnvMap) -> Result<String> {
    let files = load_files(env)?;
    let r = resolve(&args.creds, &files, env)?;
    let mut rows: Vec<(String, String, String)> = Vec::new();
    let mut row = |key: &str, value: String, origin: String| rows.push((key.to_string(), value, origin));
    row("profile", r.display_name().to_string(), String::new());
    match &r.base_keys {
        Some(k) => row(
            "keys",
            format!("{} ({})", mask_key_id(&k.access_key_id), r.base),
            k.origin.to_string(),
        ),
        None => row("keys", format!("none in {:?}", r.base), String::new()),
    }
    for hop in &r.roles {
        row(
            "role_arn",
            hop.role_arn.value.clone(),
            hop.role_arn.origin.to_string(),
        );
        if let Some(x) = &hop.external_id {
            row("external_id", x.value.clone(), x.origin.to_string());
        }
    }
    for (key, setting) in [
        ("mfa_serial", &r.mfa_serial),
        ("region", &r.region),
        ("endpoint_url", &r.endpoint_url),
    ] {
        match setting {
            Some(s) => row(key, s.value.clone(), s.origin.to_string()),
            None => row(key, "-".into(), String::new()),
        }
    }
    let d = &r.session_duration;
    row(
        "session_token_duration",
        format_go_duration(d.value),
        d.origin.to_string(),
    );
    let d = &r.role_duration;
    row(
        "credentials_duration",
        format_go_duration(d.value),
        d.origin.to_string(),
    );
    row(
        "role_session_name",
        r.session_name.value.clone(),
        r.session_name.origin.to_string(),
    );

    let kw = rows.iter().map(|(k, _, _)| k.len()).max().unwrap_or(0);
    let vw = rows.iter().map(|(_, v, _)| v.chars().count()).max().unwrap_or(0);
    let mut out = String::new();
    for (k, v, o) in rows {
        let line = format!("{k:<kw$}  {v:<vw$}  {o}");
        out.push_str(line.trim_end());
        out.push('\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iam_user_names_come_from_user_arns_only() {
        assert_eq!(
            iam_user_name("arn:aws:iam::123456789012:user/alice"),
            Some("alice")
        );
        assert_eq!(
            iam_user_name("arn:aws:iam::123456789012:user/team/a/bob"),
            Some("bob")
        );
        assert_eq!(iam_user_name("arn:aws:sts::123456789012:assumed-role/r/s"), None);
        assert_eq!(iam_user_name("arn:aws:iam::123456789012:root"), None);
        assert_eq!(iam_user_name("nonsense"), None);
    }

    #[test]
    fn the_prompt_writes_time_left_rounded_down() {
        assert_eq!(short_duration(59), "59s");
        assert_eq!(short_duration(60 * 42 + 59), "42m");
        assert_eq!(short_duration(3600 + 5 * 60 + 59), "1h05m");
    }
}
