//! Reading ~/.aws/config and ~/.aws/credentials and resolving a profile with aws-runas semantics.
//!
//! Resolution is hermetic: it takes the two parsed files, an environment map and the flags,
//! and never reads the process environment, so tests write INI files into temp dirs.

pub mod duration;
pub mod ini;

use crate::error::Origin;
use crate::{EnvMap, Error, Result};
use duration::{format_go_duration, parse_go_duration};
use ini::{IniFile, Section};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub const SESSION_DEFAULT: Duration = Duration::from_secs(12 * 3600);
pub const SESSION_MIN: Duration = Duration::from_secs(15 * 60);
pub const SESSION_MAX: Duration = Duration::from_secs(36 * 3600);
pub const ROLE_DEFAULT: Duration = Duration::from_secs(3600);
pub const ROLE_MIN: Duration = Duration::from_secs(15 * 60);
pub const ROLE_MAX: Duration = Duration::from_secs(12 * 3600);
/// AWS limits a role assumed with role credentials (role chaining) to one hour.
/// The most roles a chain may have: AWS caps role chaining in practice, and each role is an
/// STS call (a chain of thousands would also exhaust the stack assuming them one on another).
pub const MAX_ROLES: usize = 16;

pub const CHAINED_ROLE_MAX: Duration = Duration::from_secs(3600);

/// Where the two files are: `AWS_CONFIG_FILE`, else `~/.aws/config`;
/// `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    pub config: PathBuf,
    pub credentials: PathBuf,
    /// The files a variable named, with the variable: a missing one is worth saying.
    pub named: Vec<(&'static str, PathBuf)>,
}

impl Paths {
    pub fn from_env(env: &EnvMap) -> Paths {
        let home = env
            .get("HOME")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("/"));
        let mut named = Vec::new();
        let mut pick = |var: &'static str, default: &str| match env.get(var).filter(|v| !v.is_empty()) {
            Some(v) => {
                let path = expand_tilde(v, &home);
                named.push((var, path.clone()));
                path
            }
            None => home.join(".aws").join(default),
        };
        let config = pick("AWS_CONFIG_FILE", "config");
        let credentials = pick("AWS_SHARED_CREDENTIALS_FILE", "credentials");
        Paths {
            config,
            credentials,
            named,
        }
    }
}

/// `~/x` → `$HOME/x`, as the AWS CLI expands these variables.
fn expand_tilde(value: &str, home: &Path) -> PathBuf {
    match value.strip_prefix("~/") {
        Some(rest) => home.join(rest),
        None if value == "~" => home.to_path_buf(),
        None => PathBuf::from(value),
    }
}

/// Both files, parsed.
#[derive(Debug, Clone, Default)]
pub struct Files {
    pub config: IniFile,
    pub credentials: IniFile,
    /// Profile name → position of its section in `config`, so every lookup is O(1).
    profiles: HashMap<String, usize>,
    /// `AWS_CONFIG_FILE=/x: no such file` for a file a variable names that does not exist: an
    /// empty file to the resolver, as in every SDK, but said wherever a profile is not found.
    pub missing: Vec<String>,
}

impl Files {
    pub fn new(config: IniFile, credentials: IniFile) -> Files {
        let mut profiles = HashMap::new();
        for (i, section) in config.sections.iter().enumerate() {
            if let Some(name) = profile_name_of(&section.name) {
                // `[default]` wins over `[profile default]`; otherwise the first section wins.
                if section.name == "default" {
                    profiles.insert(name.to_string(), i);
                } else {
                    profiles.entry(name.to_string()).or_insert(i);
                }
            }
        }
        Files {
            config,
            credentials,
            profiles,
            missing: Vec::new(),
        }
    }

    pub fn load(paths: &Paths) -> Result<Files> {
        let mut files = Files::new(IniFile::load(&paths.config)?, IniFile::load(&paths.credentials)?);
        for (var, path) in &paths.named {
            if matches!(std::fs::metadata(path), Err(e) if e.kind() == std::io::ErrorKind::NotFound) {
                files
                    .missing
                    .push(format!("{var}={}: no such file", path.display()));
            }
        }
        Ok(files)
    }

    /// The config section of a profile: `[default]` (or `[profile default]`), else `[profile NAME]`.
    pub fn config_section(&self, name: &str) -> Option<&Section> {
        self.profiles.get(name).map(|&i| &self.config.sections[i])
    }

    pub fn credentials_section(&self, name: &str) -> Option<&Section> {
        self.credentials.section(name)
    }

    pub fn exists(&self, name: &str) -> bool {
        self.config_section(name).is_some() || self.credentials_section(name).is_some()
    }

    /// Every profile name in both files, sorted, without duplicates.
    pub fn profile_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .config
            .sections
            .iter()
            .filter_map(|s| profile_name_of(&s.name).map(str::to_string))
            .chain(self.credentials.sections.iter().map(|s| s.name.clone()))
            .collect();
        names.sort();
        names.dedup();
        names
    }

    /// A setting of one profile: the config section, except that for the key settings the
    /// credentials file wins, as in every AWS SDK.
    fn own(&self, name: &str, key: &str) -> Option<(String, Origin)> {
        let from = |file: &IniFile, section: Option<&Section>| {
            let section = section?;
            Some((
                section.get(key)?.to_string(),
                Origin::File {
                    path: file.path.clone(),
                    section: section.name.clone(),
                },
            ))
        };
        let in_credentials = || from(&self.credentials, self.credentials_section(name));
        let in_config = || from(&self.config, self.config_section(name));
        if key.starts_with("aws_") {
            in_credentials().or_else(in_config)
        } else {
            in_config()
        }
    }
}

/// The profile name a config section header names: `default`, or NAME in `profile NAME`.
/// Other sections (`services …`, `sso-session …`, a bare `[prod]`) name no profile.
fn profile_name_of(header: &str) -> Option<&str> {
    if header == "default" {
        return Some("default");
    }
    let rest = header.strip_prefix("profile")?;
    if !rest.starts_with([' ', '\t']) {
        return None;
    }
    let name = rest.trim_start();
    (!name.is_empty()).then_some(name)
}

/// Values given on the command line; they win over everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    pub mfa_serial: Option<String>,
    pub external_id: Option<String>,
    /// `-d/--duration`, Go syntax.
    pub session_duration: Option<String>,
    /// `-a/--role-duration`, Go syntax.
    pub role_duration: Option<String>,
}

/// A resolved value and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting<T> {
    pub value: T,
    pub origin: Origin,
}

impl<T> Setting<T> {
    fn new(value: T, origin: Origin) -> Self {
        Setting { value, origin }
    }
}

/// Long-term (or already temporary) keys of the profile at the root of the chain.
#[derive(Clone, PartialEq, Eq)]
pub struct Keys {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
    pub origin: Origin,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keys")
            .field("access_key_id", &crate::creds::mask_key_id(&self.access_key_id))
            .field("origin", &self.origin)
            .finish_non_exhaustive()
    }
}

/// Where the credentials at the root of a chain come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Keys in the files, long-term or already temporary (`aws_session_token`); or, for
    /// `credential_source = Environment`, the keys of the environment (`Keys::origin` says which).
    Keys(Keys),
    /// `credential_process`: a command that prints the credentials, as written.
    Process(Setting<String>),
    /// `web_identity_token_file` with the profile's `role_arn` (or `AWS_WEB_IDENTITY_TOKEN_FILE`
    /// with `AWS_ROLE_ARN`): AssumeRoleWithWebIdentity, which needs no credentials.
    WebIdentity {
        token_file: Setting<String>,
        role_arn: Setting<String>,
    },
    /// `credential_source = Ec2InstanceMetadata`: the instance's role, from IMDSv2 at
    /// `endpoint` (`None` when `AWS_EC2_METADATA_DISABLED=true`).
    InstanceMetadata {
        origin: Origin,
        endpoint: Option<String>,
    },
    /// `credential_source = EcsContainer`: the task's role, from the container endpoint.
    Container {
        origin: Origin,
        /// `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` on the agent, else `_FULL_URI`.
        url: Option<String>,
        /// `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` (read on each fetch), else the token itself.
        token_file: Option<String>,
        token: Option<String>,
    },
    /// IAM Identity Center: `sso_session` (with its `[sso-session NAME]` section) or the legacy
    /// `sso_start_url` in the profile.
    Sso(Box<Sso>),
    /// A setting runas recognises but cannot use yet (aws-runas's SAML and OIDC logins, an
    /// unknown `credential_source`): never a reason to take another profile's keys instead.
    Unsupported { setting: String, origin: Origin },
    /// Nothing: the profile at the root has no credentials at all.
    Nothing,
}

impl Source {
    /// What `runas config` and `runas list` call it.
    pub fn describe(&self) -> &'static str {
        match self {
            Source::Keys(k) if matches!(k.origin, Origin::Env(_)) => "environment",
            Source::Keys(_) => "keys",
            Source::Process(_) => "process",
            Source::WebIdentity { .. } => "web identity",
            Source::InstanceMetadata { .. } => "metadata",
            Source::Container { .. } => "container",
            Source::Sso(_) => "sso",
            Source::Unsupported { .. } => "unsupported",
            Source::Nothing => "none",
        }
    }
}

/// An IAM Identity Center profile: where to sign in, and which account and role to ask for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sso {
    /// The `[sso-session NAME]` it uses; `None` for the legacy form (`sso_start_url` in the
    /// profile itself).
    pub session: Option<String>,
    pub start_url: Setting<String>,
    pub region: Setting<String>,
    /// The account and role the credentials are for; a profile without them can sign in
    /// (`runas login`) but gives no credentials.
    pub account_id: Option<Setting<String>>,
    pub role_name: Option<Setting<String>>,
    /// The scopes a sign-in asks for (`sso_registration_scopes`, default `sso:account:access`).
    pub scopes: Vec<String>,
    /// The portal endpoint (GetRoleCredentials): `AWS_ENDPOINT_URL_SSO`, the `sso` entry of the
    /// profile's `[services]` section, …; `None` for AWS's own in `region`.
    pub portal_url: Option<Setting<String>>,
    /// The SSO-OIDC endpoint (CreateToken): `AWS_ENDPOINT_URL_SSO_OIDC`, the `sso_oidc` entry, ….
    pub oidc_url: Option<Setting<String>>,
}

impl Sso {
    /// The account and role, or the error that says the profile gives no credentials.
    pub fn account_and_role(&self, profile: &str) -> Result<(&str, &str)> {
        match (&self.account_id, &self.role_name) {
            (Some(account), Some(role)) => Ok((&account.value, &role.value)),
            _ => Err(Error::SsoConfig {
                profile: profile.to_string(),
                problem: "names no sso_account_id and sso_role_name, so it can sign in but gives \
                          no credentials; add both"
                    .into(),
            }),
        }
    }

    /// What names the token in the AWS CLI's cache: the session's name, else the start URL.
    pub fn token_name(&self) -> &str {
        self.session.as_deref().unwrap_or(&self.start_url.value)
    }

    /// `the SSO session NAME`, or `the SSO start URL URL` for the legacy form, for messages.
    pub fn described(&self) -> String {
        match &self.session {
            Some(name) => format!("the SSO session {name}"),
            None => format!("the SSO start URL {}", self.start_url.value),
        }
    }
}

/// The settings aws-runas reads for its own SAML and OIDC logins, which runas does not do yet.
const AWS_RUNAS_ONLY: [&str; 3] = ["saml_auth_url", "web_identity_auth_url", "jump_role_arn"];

/// One AssumeRole step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleHop {
    /// The profile that names this role, or the ARN itself when one was given instead of a name.
    pub profile: String,
    pub role_arn: Setting<String>,
    pub external_id: Option<Setting<String>>,
}

/// Everything needed to get credentials for one profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The profile asked for; `None` when a role ARN was given in its place.
    pub name: Option<String>,
    /// The profile whose credentials start the chain.
    pub base: String,
    /// Where `base` gets its credentials.
    pub source: Source,
    /// Roles to assume in order; the last is the one asked for. Empty for a keys profile.
    pub roles: Vec<RoleHop>,
    pub mfa_serial: Option<Setting<String>>,
    pub region: Option<Setting<String>>,
    pub endpoint_url: Option<Setting<String>>,
    /// IAM's endpoint, looked up the same way (for `runas list mfa`).
    pub iam_endpoint_url: Option<Setting<String>>,
    /// `AWS_STS_REGIONAL_ENDPOINTS` / `sts_regional_endpoints` = legacy.
    pub legacy_global_endpoint: bool,
    /// `use_fips_endpoint` / `AWS_USE_FIPS_ENDPOINT`: STS's FIPS endpoint.
    pub use_fips: bool,
    /// `use_dualstack_endpoint` / `AWS_USE_DUALSTACK_ENDPOINT`: STS's IPv4 and IPv6 endpoint.
    pub use_dual_stack: bool,
    pub session_duration: Setting<Duration>,
    pub role_duration: Setting<Duration>,
    pub session_name: Setting<String>,
    /// Clamped durations and similar: said on stderr by the caller.
    pub warnings: Vec<String>,
}

impl Resolved {
    /// The keys that start the chain, or the error that says why there are none: where to
    /// put them, or which source this is that runas cannot use.
    pub fn keys(&self) -> Result<&Keys> {
        let profile = self.display_name().to_string();
        let base = self.base.clone();
        match &self.source {
            Source::Keys(keys) => Ok(keys),
            Source::Nothing => Err(Error::NoKeys { profile, base }),
            Source::Unsupported { setting, origin } => Err(Error::UnsupportedSource {
                profile,
                setting: setting.clone(),
                origin: origin.clone(),
            }),
            other => Err(Error::NotKeys {
                profile,
                base,
                kind: other.describe(),
            }),
        }
    }

    /// The keys that start the chain when they are files' keys or the environment's.
    pub fn base_keys(&self) -> Option<&Keys> {
        match &self.source {
            Source::Keys(keys) => Some(keys),
            _ => None,
        }
    }

    /// The name shown in messages: the profile, or the ARN given in its place.
    pub fn display_name(&self) -> &str {
        match (&self.name, self.roles.last()) {
            (Some(name), _) => name,
            (None, Some(hop)) => &hop.profile,
            (None, None) => &self.base,
        }
    }
}

/// Which profile was asked for, in the README's order: the argument, else `AWS_PROFILE`, else
/// `AWS_DEFAULT_PROFILE`, else `AWSRUNAS_PROFILE` (the profile this shell switched to last),
/// else, when the environment holds keys, `default` (whose source they then are, as in the
/// SDKs' default chain). `env` is the environment as it is now: a switch removes `AWS_PROFILE`
/// (and a switched shell's keys are runas's: `original` is the shell as it was before).
pub fn requested_profile_or_keys(arg: Option<&str>, env: &EnvMap, original: &EnvMap) -> Result<String> {
    match requested_profile(arg, env) {
        Err(Error::NoProfile { .. }) if env_keys(original).is_some() => Ok("default".into()),
        other => other,
    }
}

/// Which profile was asked for: `requested_profile_or_keys` without the keys.
pub fn requested_profile(arg: Option<&str>, env: &EnvMap) -> Result<String> {
    let named = |name: &str| env.get(name).filter(|v| !v.is_empty()).cloned();
    arg.map(str::to_string)
        .or_else(|| named("AWS_PROFILE"))
        .or_else(|| named("AWS_DEFAULT_PROFILE"))
        .or_else(|| named("AWSRUNAS_PROFILE"))
        .ok_or(Error::NoProfile { command: "env" })
}

/// True for `arn:PARTITION:iam::ACCOUNT:role/[path/]name` in the aws, aws-cn and aws-us-gov
/// partitions.
pub fn is_role_arn(text: &str) -> bool {
    let Some(rest) = ["arn:aws:iam::", "arn:aws-cn:iam::", "arn:aws-us-gov:iam::"]
        .iter()
        .find_map(|p| text.strip_prefix(p))
    else {
        return false;
    };
    let Some((account, resource)) = rest.split_once(':') else {
        return false;
    };
    let Some(path_and_name) = resource.strip_prefix("role/") else {
        return false;
    };
    let name = path_and_name.rsplit('/').next().unwrap_or("");
    account.len() == 12
        && account.bytes().all(|b| b.is_ascii_digit())
        && !name.is_empty()
        && name.len() <= 64
        && path_and_name.len() <= 512
        && path_and_name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/+=,.@_-".contains(c))
        && path_and_name.split('/').all(|segment| !segment.is_empty())
}

/// Resolve `requested` (a profile name or a role ARN) into a chain of keys and roles, merging
/// every attribute as aws-runas does: `[default]` < the source profiles (farthest first) < the
/// profile's own section < environment < flags.
pub fn resolve(files: &Files, env: &EnvMap, flags: &Overrides, requested: &str) -> Result<Resolved> {
    let chain = chain_for(files, requested)?;
    // Sections to search for inherited settings, nearest first, `[default]` last.
    let mut lineage: Vec<&str> = chain.profiles.iter().map(String::as_str).collect();
    if !lineage.contains(&"default") {
        lineage.push("default");
    }
    let inherited = |key: &str| {
        lineage
            .iter()
            .find_map(|p| files.own(p, key))
            .map(|(v, o)| Setting::new(v, o))
    };
    let roles = role_hops(files, &chain, env, flags)?;

    let mut warnings = Vec::new();
    // An empty value (`mfa_serial =`) stops the inheritance: this profile has none.
    let non_empty = |s: &Setting<String>| !s.value.is_empty();
    let mfa_serial = pick(&flags.mfa_serial, "-M/--mfa-serial", env, "MFA_SERIAL")
        .or_else(|| inherited("mfa_serial"))
        .filter(non_empty);
    let region = pick(&None, "", env, "AWS_REGION")
        .or_else(|| pick(&None, "", env, "AWS_DEFAULT_REGION"))
        .or_else(|| inherited("region"))
        .filter(non_empty);
    let own = |key: &str| lineage.iter().find_map(|p| files.own(p, key));
    let iam_endpoint_url = endpoint_url(Service::Iam, files, env, &own).filter(non_empty);
    let endpoint_url = endpoint_url(Service::Sts, files, env, &own).filter(non_empty);
    for setting in [&endpoint_url, &iam_endpoint_url].into_iter().flatten() {
        check_endpoint(setting)?;
    }
    // The profile's `endpoint_url` is both services' endpoint: said once.
    let iam_own = (iam_endpoint_url != endpoint_url).then_some(&iam_endpoint_url);
    for (service, setting) in [(Service::Sts, Some(&endpoint_url)), (Service::Iam, iam_own)] {
        if let Some(warning) = plain_http_warning(files, service, setting.and_then(Option::as_ref)) {
            warnings.push(warning);
        }
    }
    let flag = |var: &'static str, key: &str| {
        pick(&None, "", env, var)
            .or_else(|| inherited(key))
            .is_some_and(|s| s.value.eq_ignore_ascii_case("true"))
    };
    let use_fips = flag("AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint");
    let use_dual_stack = flag("AWS_USE_DUALSTACK_ENDPOINT", "use_dualstack_endpoint");
    let legacy_global_endpoint = pick(&None, "", env, "AWS_STS_REGIONAL_ENDPOINTS")
        .or_else(|| inherited("sts_regional_endpoints"))
        .is_some_and(|s| s.value.eq_ignore_ascii_case("legacy"));
    let session_duration = duration_setting(
        pick(
            &flags.session_duration,
            "-d/--duration",
            env,
            "SESSION_TOKEN_DURATION",
        )
        .or_else(|| inherited("session_token_duration")),
        "session_token_duration",
        SESSION_DEFAULT,
        (SESSION_MIN, SESSION_MAX),
        &mut warnings,
    )?;
    let role_duration = duration_setting(
        role_duration_of(files, &lineage, env, flags)?,
        "credentials_duration",
        ROLE_DEFAULT,
        (ROLE_MIN, ROLE_MAX),
        &mut warnings,
    )?;
    let session_name = session_name_of(env, inherited("role_session_name"))?;
    let mut source = source_of(files, &chain, env, requested)?;
    if let Source::Sso(sso) = &mut source {
        // The SSO profile's own endpoints (the base's, where the token is used).
        let base_own = |key: &str| files.own(&chain.base, key);
        sso.portal_url = self::endpoint_url(Service::Sso, files, env, &base_own).filter(non_empty);
        sso.oidc_url = self::endpoint_url(Service::SsoOidc, files, env, &base_own).filter(non_empty);
        for setting in [&sso.portal_url, &sso.oidc_url].into_iter().flatten() {
            check_endpoint(setting)?;
        }
    }
    let roles = match &source {
        // The base's own role is assumed with the web identity token: part of the source.
        Source::WebIdentity { role_arn, .. } if matches!(role_arn.origin, Origin::File { .. }) => roles
            .into_iter()
            .filter(|hop| hop.profile != chain.base)
            .collect(),
        _ => roles,
    };

    Ok(Resolved {
        name: chain.arn.is_none().then(|| requested.to_string()),
        base: chain.base,
        source,
        roles,
        mfa_serial,
        region,
        endpoint_url,
        iam_endpoint_url,
        legacy_global_endpoint,
        use_fips,
        use_dual_stack,
        session_duration,
        role_duration,
        session_name,
        warnings,
    })
}

/// The chain of `requested`: a profile's, or for a role ARN given in place of a name, the
/// default profile's with that role on top.
fn chain_for(files: &Files, requested: &str) -> Result<Chain> {
    if files.exists(requested) {
        return walk_chain(files, requested);
    }
    if requested == "default" {
        // No [default] in the files: the environment may still hold keys (see `source_of`).
        return Ok(Chain {
            profiles: vec!["default".into()],
            base: "default".into(),
            arn: None,
        });
    }
    if !requested.starts_with("arn:") {
        return Err(unknown_profile(files, requested));
    }
    if !is_role_arn(requested) {
        return Err(Error::BadArn {
            origin: Origin::Flag("PROFILE"),
            key: "profile",
            value: requested.into(),
        });
    }
    let mut chain = if files.exists("default") {
        walk_chain(files, "default")?
    } else {
        Chain {
            profiles: vec!["default".into()],
            base: "default".into(),
            arn: None,
        }
    };
    chain.arn = Some(requested.into());
    Ok(chain)
}

/// The roles of the chain, from the one nearest the keys to the one asked for; flags and
/// environment (`-X`, `EXTERNAL_ID`) apply to the last.
fn role_hops(files: &Files, chain: &Chain, env: &EnvMap, flags: &Overrides) -> Result<Vec<RoleHop>> {
    let mut roles = Vec::new();
    for profile in chain.profiles.iter().rev() {
        let Some((arn, origin)) = files.own(profile, "role_arn") else {
            continue;
        };
        if !is_role_arn(&arn) {
            return Err(Error::BadArn {
                origin,
                key: "role_arn",
                value: arn,
            });
        }
        let external_id = files.own(profile, "external_id").map(|(v, o)| Setting::new(v, o));
        roles.push(RoleHop {
            profile: profile.clone(),
            role_arn: Setting::new(arn, origin),
            external_id,
        });
    }
    if let Some(arn) = &chain.arn {
        roles.push(RoleHop {
            profile: arn.clone(),
            role_arn: Setting::new(arn.clone(), Origin::Flag("PROFILE")),
            external_id: None,
        });
    }
    if let Some(last) = roles.last_mut()
        && let Some(v) = pick(&flags.external_id, "-X/--external-id", env, "EXTERNAL_ID")
    {
        last.external_id = Some(v);
    }
    Ok(roles)
}

/// The role duration as written: the flag, the environment, else the nearest section's
/// `credentials_duration` or, in that same section, `duration_seconds` (whole seconds).
fn role_duration_of(
    files: &Files,
    lineage: &[&str],
    env: &EnvMap,
    flags: &Overrides,
) -> Result<Option<Setting<String>>> {
    if let Some(s) = pick(
        &flags.role_duration,
        "-a/--role-duration",
        env,
        "CREDENTIALS_DURATION",
    ) {
        return Ok(Some(s));
    }
    lineage
        .iter()
        .find_map(|p| {
            files
                .own(p, "credentials_duration")
                .map(|(v, o)| Ok(Setting::new(v, o)))
                .or_else(|| {
                    files
                        .own(p, "duration_seconds")
                        .map(|(v, origin)| match v.parse::<u64>() {
                            Ok(secs) => Ok(Setting::new(format!("{secs}s"), origin)),
                            Err(_) => Err(Error::BadDuration {
                                origin,
                                key: "duration_seconds",
                                value: v,
                                reason: "not a whole number of seconds".into(),
                            }),
                        })
                })
        })
        .transpose()
}

/// `AWS_ROLE_SESSION_NAME`, else the inherited `role_session_name`, else the user's name made
/// valid for STS; a given name STS would refuse is an error.
fn session_name_of(env: &EnvMap, inherited: Option<Setting<String>>) -> Result<Setting<String>> {
    match pick(&None, "", env, "AWS_ROLE_SESSION_NAME").or(inherited) {
        Some(s) if is_valid_session_name(&s.value) => Ok(s),
        Some(s) => Err(Error::BadValue {
            origin: s.origin,
            key: "role_session_name",
            value: s.value,
            reason: "use 2 to 64 of the characters A-Z a-z 0-9 _ + = , . @ -".into(),
        }),
        None => Ok(Setting::new(default_session_name(env), Origin::Default)),
    }
}

/// The profiles from the one asked for to the one with the keys.
struct Chain {
    profiles: Vec<String>,
    base: String,
    /// A role ARN given in place of a profile name.
    arn: Option<String>,
}

/// Whether profile `name` gets its own credentials although it is a role: `credential_source`,
/// a web identity, or a login of aws-runas's. Such a role ends the chain; it never falls back
/// to `[default]`.
fn has_own_source(files: &Files, name: &str) -> bool {
    ["credential_source", "web_identity_token_file"]
        .iter()
        .chain(AWS_RUNAS_ONLY.iter())
        .any(|key| files.own(name, key).is_some())
}

fn walk_chain(files: &Files, requested: &str) -> Result<Chain> {
    let mut profiles = vec![requested.to_string()];
    // The same names as `profiles`, for a loop check that stays O(1) on long chains.
    let mut seen: std::collections::HashSet<String> = profiles.iter().cloned().collect();
    loop {
        let current = profiles.last().expect("chain starts non-empty").clone();
        if files.own(&current, "role_arn").is_none() {
            return Ok(Chain {
                base: current,
                profiles,
                arn: None,
            });
        }
        if has_own_source(files, &current) {
            if let (Some((source, origin)), Some((cs, _))) = (
                files.own(&current, "source_profile"),
                files.own(&current, "credential_source"),
            ) {
                return Err(Error::BothSources {
                    profile: current,
                    source_profile: source,
                    credential_source: cs,
                    origin,
                });
            }
            return Ok(Chain {
                base: current,
                profiles,
                arn: None,
            });
        }
        let source = match files.own(&current, "source_profile") {
            Some((source, _)) => source,
            // aws-runas: a role without source_profile is assumed with the default profile's keys.
            None => "default".to_string(),
        };
        if source == current {
            // `[profile x] source_profile = x` with keys in the credentials file: a common idiom.
            // Without keys it is a loop of length one.
            if files.own(&current, "aws_access_key_id").is_none() {
                profiles.push(source);
                return Err(Error::SourceLoop {
                    profile: requested.to_string(),
                    chain: profiles,
                });
            }
            return Ok(Chain {
                base: current,
                profiles,
                arn: None,
            });
        }
        if !seen.insert(source.clone()) {
            profiles.push(source);
            return Err(Error::SourceLoop {
                profile: requested.to_string(),
                chain: profiles,
            });
        }
        if !files.exists(&source) {
            return Err(Error::MissingSource {
                profile: current,
                source_profile: source,
            });
        }
        // Every profile so far is a role: one more would make the chain too long to be real,
        // and each role is one STS call.
        if profiles.len() >= MAX_ROLES {
            return Err(Error::ChainTooLong {
                profile: requested.to_string(),
                first: profiles.iter().take(4).cloned().collect(),
                limit: MAX_ROLES,
            });
        }
        profiles.push(source);
    }
}

/// Where the chain's base gets its credentials. A profile's own setting decides, never another
/// profile: a role with `credential_source` or a web identity, or a profile with keys, a
/// `credential_process` or an SSO session. `[default]` with nothing of its own (or none at all),
/// and so a role ARN given in place of a name, takes the keys of the environment, as the SDKs'
/// default chain does.
fn source_of(files: &Files, chain: &Chain, env: &EnvMap, requested: &str) -> Result<Source> {
    let base = chain.base.as_str();
    // aws-runas's own logins, anywhere in the chain: not supported yet, and nothing else is
    // used in their place.
    for profile in &chain.profiles {
        for key in AWS_RUNAS_ONLY {
            if let Some((_, origin)) = files.own(profile, key) {
                return Ok(Source::Unsupported {
                    setting: key.to_string(),
                    origin,
                });
            }
        }
    }
    if let Some((value, origin)) = files.own(base, "credential_source") {
        return Ok(match value.as_str() {
            "Environment" => match env_keys(env) {
                Some(keys) => Source::Keys(keys),
                None => {
                    return Err(Error::NoEnvironmentKeys {
                        profile: requested.to_string(),
                        origin,
                    });
                }
            },
            "Ec2InstanceMetadata" => {
                let var = |name: &str| env.get(name).filter(|v| !v.is_empty());
                let disabled =
                    var("AWS_EC2_METADATA_DISABLED").is_some_and(|v| v.eq_ignore_ascii_case("true"));
                let endpoint = match var("AWS_EC2_METADATA_SERVICE_ENDPOINT") {
                    Some(endpoint) => endpoint.clone(),
                    None if var("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE")
                        .is_some_and(|m| m.eq_ignore_ascii_case("IPv6")) =>
                    {
                        crate::sources::imds::DEFAULT_ENDPOINT_V6.to_string()
                    }
                    None => crate::sources::imds::DEFAULT_ENDPOINT.to_string(),
                };
                Source::InstanceMetadata {
                    origin,
                    endpoint: (!disabled).then_some(endpoint),
                }
            }
            "EcsContainer" => {
                let var = |name: &str| env.get(name).filter(|v| !v.is_empty()).cloned();
                let url = match var("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") {
                    Some(relative) => Some(format!("{}{relative}", crate::sources::ecs::AGENT)),
                    None => var("AWS_CONTAINER_CREDENTIALS_FULL_URI"),
                };
                Source::Container {
                    origin,
                    url,
                    token_file: var("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"),
                    token: var("AWS_CONTAINER_AUTHORIZATION_TOKEN"),
                }
            }
            _ => Source::Unsupported {
                setting: format!("credential_source = {value}"),
                origin,
            },
        });
    }
    if let Some((token_file, origin)) = files.own(base, "web_identity_token_file") {
        let Some((role_arn, role_origin)) = files.own(base, "role_arn") else {
            return Err(Error::WebIdentityWithoutRole {
                profile: base.to_string(),
                origin,
            });
        };
        return Ok(Source::WebIdentity {
            token_file: Setting::new(token_file, origin),
            role_arn: Setting::new(role_arn, role_origin),
        });
    }
    if let Some(keys) = keys_of(files, base, requested)? {
        return Ok(Source::Keys(keys));
    }
    if let Some((command, origin)) = files.own(base, "credential_process") {
        return Ok(Source::Process(Setting::new(command, origin)));
    }
    if let Some(sso) = sso_of(files, base)? {
        return Ok(Source::Sso(Box::new(sso)));
    }
    if chain.arn.is_some() || base == "default" {
        if let Some(keys) = env_keys(env) {
            return Ok(Source::Keys(keys));
        }
        if let (Some(file), Some(role)) = (
            env.get("AWS_WEB_IDENTITY_TOKEN_FILE").filter(|v| !v.is_empty()),
            env.get("AWS_ROLE_ARN").filter(|v| !v.is_empty()),
        ) {
            return Ok(Source::WebIdentity {
                token_file: Setting::new(file.clone(), Origin::Env("AWS_WEB_IDENTITY_TOKEN_FILE")),
                role_arn: Setting::new(role.clone(), Origin::Env("AWS_ROLE_ARN")),
            });
        }
    }
    Ok(Source::Nothing)
}

/// The IAM Identity Center settings of `base`, checked as the AWS CLI checks them: a named
/// session must exist and have a start URL and region; the profile's own `sso_start_url` and
/// `sso_region` must agree with its session's; the account and role must be there.
fn sso_of(files: &Files, base: &str) -> Result<Option<Sso>> {
    let own = |key: &str| files.own(base, key).map(|(v, o)| Setting::new(v, o));
    let session = own("sso_session");
    let legacy_url = own("sso_start_url");
    let legacy_region = own("sso_region");
    if session.is_none() && legacy_url.is_none() {
        return Ok(None);
    }
    let problem = |problem: String| Error::SsoConfig {
        profile: base.to_string(),
        problem,
    };
    let (start_url, region, scopes) = match &session {
        Some(session) => {
            let name = &session.value;
            let missing = format!(
                "sso_session = {name} ({}), but the config has no [sso-session {name}] section; add it with sso_start_url and sso_region",
                session.origin
            );
            let (url, region, scopes) = session_settings(files, name, missing, &problem)?;
            for (own, theirs, key) in [
                (&legacy_url, &url, "sso_start_url"),
                (&legacy_region, &region, "sso_region"),
            ] {
                if let Some(own) = own
                    && own.value != theirs.value
                {
                    return Err(problem(format!(
                        "{key} = {} ({}) disagrees with [sso-session {name}]'s {}; remove it from the profile",
                        own.value, own.origin, theirs.value
                    )));
                }
            }
            (url, region, scopes)
        }
        None => {
            let url = legacy_url.expect("checked above");
            let region =
                legacy_region.ok_or_else(|| problem("has sso_start_url but no sso_region; add it".into()))?;
            (url, region, default_scopes())
        }
    };
    Ok(Some(Sso {
        session: session.map(|s| s.value),
        start_url,
        region,
        account_id: own("sso_account_id"),
        role_name: own("sso_role_name"),
        scopes,
        portal_url: None,
        oidc_url: None,
    }))
}

/// The scopes a sign-in asks for when the session names none.
fn default_scopes() -> Vec<String> {
    vec!["sso:account:access".to_string()]
}

/// The start URL, region and scopes of `[sso-session NAME]`; `missing` is the problem when
/// there is no such section, and every problem goes through `problem`.
fn session_settings(
    files: &Files,
    name: &str,
    missing: String,
    problem: &dyn Fn(String) -> Error,
) -> Result<(Setting<String>, Setting<String>, Vec<String>)> {
    let header = format!("sso-session {name}");
    let section = files.config.section(&header).ok_or_else(|| problem(missing))?;
    let origin = Origin::File {
        path: files.config.path.clone(),
        section: header.clone(),
    };
    let get = |key: &str| {
        section
            .get(key)
            .filter(|v| !v.is_empty())
            .map(|v| Setting::new(v.to_string(), origin.clone()))
            .ok_or_else(|| problem(format!("[sso-session {name}] has no {key}; add it")))
    };
    let scopes: Vec<String> = section
        .get("sso_registration_scopes")
        .map(|v| {
            v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let scopes = if scopes.is_empty() {
        default_scopes()
    } else {
        scopes
    };
    Ok((get("sso_start_url")?, get("sso_region")?, scopes))
}

/// The `[sso-session NAME]` section on its own, for `runas login --sso-session NAME`: where to
/// sign in (no account or role), with SSO-OIDC's endpoint from the environment.
pub fn sso_session(files: &Files, env: &EnvMap, name: &str) -> Result<Sso> {
    let problem = |problem: String| Error::SsoConfig {
        profile: name.to_string(),
        problem,
    };
    let missing = format!(
        "is not a session: the config has no [sso-session {name}] section; add it with sso_start_url and sso_region"
    );
    let (start_url, region, scopes) = session_settings(files, name, missing, &problem)?;
    let var = |name: &'static str| pick(&None, "", env, name);
    let oidc_url = var("AWS_ENDPOINT_URL_SSO_OIDC").or_else(|| var("AWS_ENDPOINT_URL"));
    if let Some(url) = &oidc_url {
        check_endpoint(url)?;
    }
    Ok(Sso {
        session: Some(name.to_string()),
        start_url,
        region,
        account_id: None,
        role_name: None,
        scopes,
        portal_url: None,
        oidc_url,
    })
}

/// The keys of the environment (as it was before runas switched it: runas's own are not
/// counted), when both halves are set.
fn env_keys(env: &EnvMap) -> Option<Keys> {
    let var = |name: &str| env.get(name).filter(|v| !v.is_empty()).cloned();
    Some(Keys {
        access_key_id: var("AWS_ACCESS_KEY_ID")?,
        secret_access_key: var("AWS_SECRET_ACCESS_KEY")?,
        session_token: var("AWS_SESSION_TOKEN"),
        origin: Origin::Env("AWS_ACCESS_KEY_ID"),
    })
}

/// The keys of `base`: both halves or neither.
fn keys_of(files: &Files, base: &str, requested: &str) -> Result<Option<Keys>> {
    let id = files.own(base, "aws_access_key_id");
    let secret = files.own(base, "aws_secret_access_key");
    match (id, secret) {
        (Some((access_key_id, origin)), Some((secret_access_key, _))) => Ok(Some(Keys {
            access_key_id,
            secret_access_key,
            session_token: files
                .own(base, "aws_session_token")
                .map(|(v, _)| v)
                .filter(|v| !v.is_empty()),
            origin,
        })),
        (None, None) => Ok(None),
        (Some(_), None) => Err(Error::HalfKeys {
            profile: requested.to_string(),
            base: base.to_string(),
            what: "aws_access_key_id",
            missing: "aws_secret_access_key",
        }),
        (None, Some(_)) => Err(Error::HalfKeys {
            profile: requested.to_string(),
            base: base.to_string(),
            what: "aws_secret_access_key",
            missing: "aws_access_key_id",
        }),
    }
}

/// A flag value, else a non-empty environment variable.
fn pick(
    flag: &Option<String>,
    flag_name: &'static str,
    env: &EnvMap,
    var: &'static str,
) -> Option<Setting<String>> {
    if let Some(v) = flag {
        return Some(Setting::new(v.clone(), Origin::Flag(flag_name)));
    }
    env.get(var)
        .filter(|v| !v.is_empty())
        .map(|v| Setting::new(v.clone(), Origin::Env(var)))
}

/// The AWS services runas calls.
#[derive(Debug, Clone, Copy)]
enum Service {
    Sts,
    Iam,
    Sso,
    SsoOidc,
}

impl Service {
    /// The service's key in a `[services NAME]` section and its endpoint variable.
    fn names(self) -> (&'static str, &'static str) {
        match self {
            Service::Sts => ("sts", "AWS_ENDPOINT_URL_STS"),
            Service::Iam => ("iam", "AWS_ENDPOINT_URL_IAM"),
            Service::Sso => ("sso", "AWS_ENDPOINT_URL_SSO"),
            Service::SsoOidc => ("sso_oidc", "AWS_ENDPOINT_URL_SSO_OIDC"),
        }
    }
}

/// A service's endpoint, in the order every AWS SDK uses: `AWS_ENDPOINT_URL_<SERVICE>`,
/// `AWS_ENDPOINT_URL`, the service's entry in the profile's `[services NAME]` section, the
/// profile's `endpoint_url`; none of them when `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`.
fn endpoint_url(
    service: Service,
    files: &Files,
    env: &EnvMap,
    inherited: &dyn Fn(&str) -> Option<(String, Origin)>,
) -> Option<Setting<String>> {
    let ignore = pick(&None, "", env, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
        .or_else(|| inherited("ignore_configured_endpoint_urls").map(|(v, o)| Setting::new(v, o)))
        .is_some_and(|s| s.value.eq_ignore_ascii_case("true"));
    if ignore {
        return None;
    }
    let (key, var) = service.names();
    pick(&None, "", env, var)
        .or_else(|| pick(&None, "", env, "AWS_ENDPOINT_URL"))
        .or_else(|| {
            let (services, _) = inherited("services")?;
            let section = files.config.section(&format!("services {services}"))?;
            let url = section.entry(key)?.sub.iter().find(|e| e.key == "endpoint_url")?;
            Some(Setting::new(
                url.value.clone(),
                Origin::File {
                    path: files.config.path.clone(),
                    section: section.name.clone(),
                },
            ))
        })
        .or_else(|| inherited("endpoint_url").map(|(v, o)| Setting::new(v, o)))
}

/// An endpoint URL names its scheme: the SDK cannot use `localhost:4566` (and would say so by
/// dumping the whole request).
fn check_endpoint(setting: &Setting<String>) -> Result<()> {
    let value = setting.value.trim();
    let scheme = |s: &str| value.get(..s.len()).is_some_and(|p| p.eq_ignore_ascii_case(s));
    if scheme("https://") || scheme("http://") {
        return Ok(());
    }
    Err(Error::BadValue {
        origin: setting.origin.clone(),
        key: "endpoint_url",
        value: setting.value.clone(),
        reason: format!(
            "an endpoint URL starts with its scheme: write https://{value} (or http:// for a \
             local server)"
        ),
    })
}

/// A warning for an `http://` endpoint that a file set: MFA codes and session tokens would
/// cross the network in clear, and a line planted in a file should not do that unnoticed. One
/// from the environment stays silent: that is a deliberate choice of the moment (a local test
/// endpoint, say).
fn plain_http_warning(files: &Files, service: Service, setting: Option<&Setting<String>>) -> Option<String> {
    let setting = setting?;
    let Origin::File { path, section } = &setting.origin else {
        return None;
    };
    let scheme = setting.value.get(..7)?;
    if !scheme.eq_ignore_ascii_case("http://") {
        return None;
    }
    let file = if *path == files.credentials.path {
        &files.credentials
    } else {
        &files.config
    };
    let section = file.section(section)?;
    let (service_key, _) = service.names();
    let line = match section.entry("endpoint_url") {
        Some(entry) if !section.name.starts_with("services ") => entry.line,
        _ => {
            section
                .entry(service_key)?
                .sub
                .iter()
                .find(|e| e.key == "endpoint_url")?
                .line
        }
    };
    Some(format!(
        "{}:{line}: the {} endpoint {} is plain http, so MFA codes and session tokens would \
         cross the network unencrypted; use https:// (set in [{}])",
        path.display(),
        service_key.to_uppercase(),
        setting.value,
        section.name
    ))
}

/// Parse and clamp a duration setting; `None` gives the default.
fn duration_setting(
    raw: Option<Setting<String>>,
    key: &'static str,
    default: Duration,
    (min, max): (Duration, Duration),
    warnings: &mut Vec<String>,
) -> Result<Setting<Duration>> {
    let Some(raw) = raw else {
        return Ok(Setting::new(default, Origin::Default));
    };
    let parsed = parse_go_duration(&raw.value).map_err(|reason| Error::BadDuration {
        origin: raw.origin.clone(),
        key,
        value: raw.value.clone(),
        reason,
    })?;
    let clamped = parsed.clamp(min, max);
    if clamped != parsed {
        warnings.push(format!(
            "{key} {} ({}) is outside {}–{}; using {}",
            format_go_duration(parsed),
            raw.origin,
            format_go_duration(min),
            format_go_duration(max),
            format_go_duration(clamped)
        ));
    }
    Ok(Setting::new(clamped, raw.origin))
}

/// `[\w+=,.@-]{2,64}`: what STS accepts as a RoleSessionName.
pub fn is_valid_session_name(name: &str) -> bool {
    (2..=64).contains(&name.len()) && name.chars().all(is_session_name_char)
}

fn is_session_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_+=,.@-".contains(c)
}

/// The local user name made valid for STS: other characters become `-`, padded to 2, cut to 64.
pub fn default_session_name(env: &EnvMap) -> String {
    let user = ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|v| env.get(*v).filter(|v| !v.is_empty()).cloned())
        .or_else(login_name)
        .unwrap_or_else(|| "runas".to_string());
    let mut name: String = user
        .chars()
        .map(|c| if is_session_name_char(c) { c } else { '-' })
        .take(64)
        .collect();
    while name.len() < 2 {
        name.push('-');
    }
    name
}

/// The name of the effective user from the password database, for when no variable names it.
fn login_name() -> Option<String> {
    // SAFETY: getpwuid returns a pointer into static storage or null; we copy the name out
    // before any other call could overwrite it.
    unsafe {
        let pw = libc::getpwuid(libc::geteuid());
        if pw.is_null() || (*pw).pw_name.is_null() {
            return None;
        }
        std::ffi::CStr::from_ptr((*pw).pw_name)
            .to_str()
            .ok()
            .map(str::to_string)
    }
}

/// The unknown-profile error, with the nearest names by edit distance.
pub fn unknown_profile(files: &Files, requested: &str) -> Error {
    // The edit distance costs the product of the two lengths: a typo is short, and a name of
    // hundreds of characters is no typo of anything worth suggesting.
    const LONGEST_COMPARED: usize = 128;
    if requested.chars().count() > LONGEST_COMPARED {
        return Error::UnknownProfile {
            name: requested.to_string(),
            suggestions: Vec::new(),
            missing: files.missing.clone(),
        };
    }
    let wanted = requested.to_lowercase();
    let mut scored: Vec<(usize, String)> = files
        .profile_names()
        .into_iter()
        .filter(|name| name.chars().count() <= LONGEST_COMPARED)
        .map(|name| (strsim::damerau_levenshtein(&wanted, &name.to_lowercase()), name))
        .filter(|(distance, name)| *distance <= (name.chars().count() / 3).max(1))
        .collect();
    scored.sort();
    let suggestions = scored.into_iter().take(3).map(|(_, n)| n).collect();
    Error::UnknownProfile {
        name: requested.to_string(),
        suggestions,
        missing: files.missing.clone(),
    }
}

/// What `runas list` shows for each profile (`--json`: AWS's PascalCase field names, as
/// everywhere in runas's JSON; the kind's value in snake_case).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProfileSummary {
    pub name: String,
    pub kind: ProfileKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_profile: Option<String>,
}

/// What a profile is, as `runas list` shows it (`--json`: the snake_case name): a role and how
/// it is reached, or where a profile's own credentials come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProfileKind {
    /// Keys in the files, no role.
    Keys,
    /// A role assumed with a source profile's credentials.
    Role,
    /// A role whose source profile is itself a role.
    Chain,
    /// `credential_process`.
    Process,
    /// A role assumed with a web identity token.
    WebIdentity,
    /// A role assumed with the environment's keys (`credential_source = Environment`).
    Environment,
    /// A role assumed with the EC2 instance's credentials.
    Metadata,
    /// A role assumed with the ECS task's credentials.
    Container,
    /// IAM Identity Center.
    Sso,
    /// A login runas does not support yet (aws-runas's SAML or OIDC, an unknown source).
    Unsupported,
    /// No credentials at all (a profile of settings only).
    None,
}

impl ProfileKind {
    /// How the table of `runas list` says it.
    pub fn describe(self) -> &'static str {
        match self {
            ProfileKind::Keys => "keys",
            ProfileKind::Role => "role",
            ProfileKind::Chain => "role via chain",
            ProfileKind::Process => "process",
            ProfileKind::WebIdentity => "web identity",
            ProfileKind::Environment => "role from environment",
            ProfileKind::Metadata => "role from instance metadata",
            ProfileKind::Container => "role from container",
            ProfileKind::Sso => "sso",
            ProfileKind::Unsupported => "unsupported",
            ProfileKind::None => "none",
        }
    }

    /// The kind of profile `name`, from its own settings (and whether its source is a role).
    fn of(files: &Files, name: &str) -> ProfileKind {
        let own = |key: &str| files.own(name, key).map(|(v, _)| v);
        if AWS_RUNAS_ONLY.iter().any(|key| own(key).is_some()) {
            return ProfileKind::Unsupported;
        }
        if own("role_arn").is_some() {
            if let Some(source) = own("credential_source") {
                return match source.as_str() {
                    "Environment" => ProfileKind::Environment,
                    "Ec2InstanceMetadata" => ProfileKind::Metadata,
                    "EcsContainer" => ProfileKind::Container,
                    _ => ProfileKind::Unsupported,
                };
            }
            if own("web_identity_token_file").is_some() {
                return ProfileKind::WebIdentity;
            }
            let source = own("source_profile").unwrap_or_else(|| "default".into());
            return if source != name && files.own(&source, "role_arn").is_some() {
                ProfileKind::Chain
            } else {
                ProfileKind::Role
            };
        }
        if own("aws_access_key_id").is_some() {
            ProfileKind::Keys
        } else if own("credential_process").is_some() {
            ProfileKind::Process
        } else if own("sso_session").is_some() || own("sso_start_url").is_some() {
            ProfileKind::Sso
        } else {
            ProfileKind::None
        }
    }
}

/// How `[default]` gets credentials of its own (`keys`, `process`, …), if it does: SDKs take
/// those before a credential endpoint, so a command pointed at one would not use it.
pub fn default_credentials(files: &Files) -> Option<&'static str> {
    if !files.exists("default") {
        return None;
    }
    match ProfileKind::of(files, "default") {
        ProfileKind::None => None,
        kind => Some(kind.describe()),
    }
}

/// Every profile, sorted by name.
pub fn list_profiles(files: &Files) -> Vec<ProfileSummary> {
    files
        .profile_names()
        .into_iter()
        .map(|name| {
            let role_arn = files.own(&name, "role_arn").map(|(v, _)| v);
            let source_profile = role_arn.as_ref().map(|_| {
                files
                    .own(&name, "source_profile")
                    .map(|(v, _)| v)
                    .unwrap_or_else(|| "default".into())
            });
            let kind = ProfileKind::of(files, &name);
            ProfileSummary {
                name,
                kind,
                role_arn,
                source_profile,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
