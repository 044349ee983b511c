//! The one error type. Each variant is a failure a user can act on: its message names the
//! file, section, key, profile or endpoint involved and ends with the remedy.

use std::path::PathBuf;

/// Where a setting came from; used in error messages and by `runas config`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A key in a section of a file.
    File { path: PathBuf, section: String },
    /// An environment variable.
    Env(&'static str),
    /// A command-line flag.
    Flag(&'static str),
    /// Built into runas.
    Default,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::File { path, section } => write!(f, "{} [{}]", path.display(), section),
            Origin::Env(name) => write!(f, "env {name}"),
            Origin::Flag(flag) => write!(f, "flag {flag}"),
            Origin::Default => f.write_str("default"),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read {}: {source}; check that it is a readable file", path.display())]
    Read { path: PathBuf, source: std::io::Error },

    #[error("{}:{line}: {problem}; fix or remove that line", path.display())]
    Syntax {
        path: PathBuf,
        line: usize,
        problem: String,
    },

    #[error("{} is not a regular file; point the variable that names it at a file, or remove what is there", path.display())]
    NotAFile { path: PathBuf },

    #[error("{} is larger than {} MiB, which no config or credentials file is; check what it holds", path.display(), limit >> 20)]
    FileTooLarge { path: PathBuf, limit: u64 },

    #[error(
        "profile {profile:?}: its source_profile chain is longer than {limit} roles ({}, …); AWS limits role chaining, so shorten it",
        .first.join(" → ")
    )]
    ChainTooLong {
        profile: String,
        first: Vec<String>,
        limit: usize,
    },

    #[error("{} is not UTF-8 text (line {line}); save it as UTF-8", path.display())]
    NotUtf8 { path: PathBuf, line: usize },

    /// `command` is the subcommand that was run, for the line to type.
    #[error("no profile given; name one (runas {command} PROFILE) or set AWS_PROFILE")]
    NoProfile { command: &'static str },

    /// `missing`: the files a variable names that do not exist, said first (likely the cause).
    #[error("profile {profile:?} {problem}")]
    SsoConfig { profile: String, problem: String },

    /// A sign-in that did not end with a token; `problem` says why and what to do.
    #[error("{0}")]
    Login(String),

    /// `login` is the command that gets a new token.
    #[error("{described} has expired; run: {login}")]
    SsoExpired { described: String, login: String },

    #[error("no SSO token for {described} in {}; run: {login}", path.display())]
    SsoNoToken {
        described: String,
        path: PathBuf,
        login: String,
    },

    #[error("unknown profile {name:?}{}{}", missing_files(.missing), suggest(.suggestions))]
    UnknownProfile {
        name: String,
        suggestions: Vec<String>,
        missing: Vec<String>,
    },

    #[error("profile {profile:?}: source_profile loop {}; point one of them at a profile with keys", .chain.join(" → "))]
    SourceLoop { profile: String, chain: Vec<String> },

    #[error(
        "profile {profile:?}: source_profile {source_profile:?} does not exist; add [profile {source_profile}] or fix source_profile"
    )]
    MissingSource { profile: String, source_profile: String },

    #[error(
        "profile {profile:?}: no access keys in {base:?}; add aws_access_key_id and aws_secret_access_key to [{base}] in the credentials file"
    )]
    NoKeys { profile: String, base: String },

    #[error(
        "profile {profile:?}: its credentials come from {setting} ({origin}), which runas does not support yet; use the AWS CLI or aws-runas for this profile"
    )]
    UnsupportedSource {
        profile: String,
        setting: String,
        origin: Origin,
    },

    #[error(
        "profile {profile:?}: {base:?} gets its credentials from a {kind} source, which runas does not support yet; use the AWS CLI for this profile"
    )]
    SourceNotYet {
        profile: String,
        base: String,
        kind: &'static str,
    },

    #[error(
        "profile {profile:?}: no credentials from the instance metadata service at {endpoint}: {problem}; on EC2, check the instance's IAM role and that IMDSv2 is reachable (AWS_EC2_METADATA_SERVICE_ENDPOINT, AWS_EC2_METADATA_DISABLED)"
    )]
    InstanceMetadata {
        profile: String,
        endpoint: String,
        problem: String,
    },

    #[error(
        "profile {profile:?}: no credentials from the container endpoint {url}: {problem}; check AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or _FULL_URI and the authorization token"
    )]
    ContainerEndpoint {
        profile: String,
        url: String,
        problem: String,
    },

    #[error(
        "profile {profile:?}: cannot read the web identity token {path}: {problem}; check web_identity_token_file (or AWS_WEB_IDENTITY_TOKEN_FILE)"
    )]
    WebIdentityToken {
        profile: String,
        path: String,
        problem: String,
    },

    #[error(
        "profile {profile:?}: credential_process {program:?} failed: {problem}; run it yourself to see what it prints"
    )]
    Process {
        profile: String,
        program: String,
        problem: String,
    },

    #[error(
        "profile {profile:?}: {base:?} gets its credentials from a {kind} source, not from an IAM user's keys, which this needs; use a profile with keys"
    )]
    NotKeys {
        profile: String,
        base: String,
        kind: &'static str,
    },

    #[error(
        "profile {profile:?}: credential_source = Environment ({origin}) but AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set (runas's own do not count); export them, or use source_profile"
    )]
    NoEnvironmentKeys { profile: String, origin: Origin },

    #[error(
        "profile {profile:?}: web_identity_token_file ({origin}) needs a role_arn in the same profile; add the role to assume"
    )]
    WebIdentityWithoutRole { profile: String, origin: Origin },

    #[error(
        "profile {profile:?}: source_profile = {source_profile} and credential_source = {credential_source} ({origin}) cannot both be set; keep one"
    )]
    BothSources {
        profile: String,
        source_profile: String,
        credential_source: String,
        origin: Origin,
    },

    #[error("profile {profile:?}: {what} in [{base}] has no matching {missing}; add {missing} next to it")]
    HalfKeys {
        profile: String,
        base: String,
        what: &'static str,
        missing: &'static str,
    },

    #[error("{origin}: {key} = {value:?} is not a duration ({reason}); write it like 12h, 1h30m or 3600s")]
    BadDuration {
        origin: Origin,
        key: &'static str,
        value: String,
        reason: String,
    },

    #[error(
        "{origin}: {key} = {value:?} is not a role ARN; write it like arn:aws:iam::123456789012:role/name"
    )]
    BadArn {
        origin: Origin,
        key: &'static str,
        value: String,
    },

    #[error("{origin}: {key} = {value:?} is not valid: {reason}")]
    BadValue {
        origin: Origin,
        key: &'static str,
        value: String,
        reason: String,
    },

    #[error("MFA code must be 6 digits; got {len} characters; type the current code from {serial}")]
    BadMfaCode { serial: String, len: usize },

    #[error(
        "an MFA code is needed for {serial} and there is no terminal to ask on; pass -o CODE or set MFA_CODE"
    )]
    MfaNoTerminal { serial: String },

    #[error("the MFA prompt for {serial} was cancelled; run the command again to type a code")]
    MfaCancelled { serial: String },

    #[error(
        "another runas has held the lock of these credentials for over {} (it may be waiting for an MFA code); finish or stop that runas, then try again",
        humantime::format_duration(*.waited)
    )]
    LockHeld { waited: std::time::Duration },

    /// `code` is the AWS error code when STS sent one (`AccessDenied`, `ExpiredToken`, …).
    #[error("{} {operation} at {endpoint} failed: {}{message}{}", service_of(operation), code_prefix(.code, .message), hint_suffix(.hint))]
    Sts {
        operation: &'static str,
        endpoint: String,
        code: Option<String>,
        message: String,
        hint: Option<String>,
    },

    /// `runas console`: the federation endpoint (its address, never the query, which holds
    /// the keys) did not give a sign-in token; `problem` says how and what to do.
    #[error("the federation endpoint {endpoint} {problem}")]
    Federation { endpoint: String, problem: String },

    /// `runas console` cannot sign in with these credentials; the whole line says why and what
    /// to do instead.
    #[error("{0}")]
    Console(String),

    #[error("cache {}: {problem}", path.display())]
    Cache { path: PathBuf, problem: String },

    #[error(
        "the keys of {profile:?} belong to {arn}, not an IAM user; list MFA devices with a user's long-term keys"
    )]
    NotAUser { profile: String, arn: String },

    #[error("no folder for the cache: set RUNAS_CACHE_DIR, XDG_CACHE_HOME or HOME to an absolute path")]
    NoCacheDir,

    #[error("{0}")]
    Usage(String),

    #[error("{problem}; reinstall runas under a path it can name (cargo install --path .)")]
    BinaryPath { problem: String },

    #[error("{name} would contain a NUL byte, which no environment can hold; remove it from the setting")]
    NulInValue { name: &'static str },

    #[error(
        "no profile is active in this shell (AWSRUNAS_PROFILE is not set); switch with runas use PROFILE"
    )]
    NoActiveProfile,

    /// The prompt hook's refresh failed: the whole line, worded for the prompt.
    #[error("{0}")]
    NotRefreshed(String),

    /// `runas serve` cannot start: the whole line.
    #[error("{0}")]
    Serve(String),

    #[error("cannot run {program:?}: {problem}")]
    Exec {
        program: String,
        problem: String,
        code: u8,
    },
}

fn missing_files(notes: &[String]) -> String {
    if notes.is_empty() {
        return String::new();
    }
    format!(" ({})", notes.join("; "))
}

fn suggest(names: &[String]) -> String {
    match names {
        [] => "; run runas list to see the profiles".to_string(),
        [one] => format!("; did you mean {one:?}?"),
        many => {
            let quoted: Vec<String> = many.iter().map(|n| format!("{n:?}")).collect();
            format!("; did you mean one of {}?", quoted.join(", "))
        }
    }
}

/// The service an operation belongs to: runas calls IAM once (`runas list mfa`), STS otherwise.
pub(crate) fn service_of(operation: &str) -> &'static str {
    match operation {
        "ListMFADevices" => "IAM",
        "GetRoleCredentials" => "SSO",
        "CreateToken" | "RegisterClient" | "StartDeviceAuthorization" => "SSO-OIDC",
        _ => "STS",
    }
}

/// `AccessDenied: ` before the message, unless the message already starts with the code.
fn code_prefix(code: &Option<String>, message: &str) -> String {
    match code {
        Some(code) if !message.starts_with(code.as_str()) => format!("{code}: "),
        _ => String::new(),
    }
}

fn hint_suffix(hint: &Option<String>) -> String {
    hint.as_ref().map(|h| format!("; {h}")).unwrap_or_default()
}

impl Error {
    /// Exit status for this error: 1 for every failure, except exec, which reports 126/127
    /// as shells do. (clap's own usage errors exit 2 before we get here.)
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Exec { code, .. } => *code,
            Error::Usage(_) => 2,
            _ => 1,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
