//! Which STS calls to make, in which order, through the cache (aws-runas semantics):
//!
//! - keys profile: GetSessionToken (with MFA when `mfa_serial` resolves), cached for
//!   `session_token_duration`;
//! - role profile with a role duration of 1h or less: the cached session token first, then
//!   AssumeRole with it and no MFA, so a code is typed once per session-token lifetime;
//! - role duration over 1h: AssumeRole directly with the long-term keys (and MFA), since AWS
//!   allows more than 1h only when the caller is not itself a role;
//! - chains: each role in turn with the previous role's credentials, clamped to 1h;
//! - source keys that are already temporary (`aws_session_token`): no GetSessionToken.

use crate::cache::{Cache, CacheKey};
use crate::config::duration::format_go_duration;
use crate::config::{CHAINED_ROLE_MAX, Resolved, Source};
use crate::creds::Credentials;
use crate::sts::{AssumeRole, Mfa, Sts, WebIdentity};
use crate::{Error, Result};
use std::time::Duration;

/// Where MFA codes come from: a flag or variable, or a prompt on the terminal.
pub trait MfaSource {
    /// A code for `serial`, asked for only when a call needs one.
    fn code(&self, serial: &str) -> Result<String>;
}

/// The code as typed, without the spaces people put in it (`123 456`, ` 123456 `).
pub fn normalize_mfa_code(code: &str) -> String {
    code.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Refuse anything but 6 digits (spaces aside) before it reaches STS.
pub fn check_mfa_code(code: &str, serial: &str) -> Result<()> {
    let code = normalize_mfa_code(code);
    if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(Error::BadMfaCode {
            serial: serial.to_string(),
            len: code.chars().count(),
        })
    }
}

/// How many times a code that is not 6 digits is asked for again at the terminal.
const MFA_ATTEMPTS: usize = 3;

/// An MFA code given up front (`-o`, `MFA_CODE`), else asked on `/dev/tty` when allowed.
pub struct TerminalMfa {
    pub given: Option<String>,
    pub may_prompt: bool,
}

impl MfaSource for TerminalMfa {
    fn code(&self, serial: &str) -> Result<String> {
        if let Some(code) = &self.given {
            check_mfa_code(code, serial)?;
            return Ok(normalize_mfa_code(code));
        }
        if !self.may_prompt {
            return Err(Error::MfaNoTerminal {
                serial: serial.to_string(),
            });
        }
        // The prompt and the answer go through /dev/tty, so this works inside `eval "$(…)"`
        // and with stdin piped; without a terminal it fails and we say so. A typo is asked
        // again, a few times, rather than ending the run.
        let mut attempt = 0;
        loop {
            attempt += 1;
            let answer = crate::prompt::secret(&format!("MFA code for {}: ", crate::one_line(serial)))
                .map_err(|_| Error::MfaNoTerminal {
                    serial: serial.to_string(),
                })?;
            let code = match answer {
                crate::prompt::Answer::Line(code) => normalize_mfa_code(&code),
                crate::prompt::Answer::Cancelled => {
                    return Err(Error::MfaCancelled {
                        serial: serial.to_string(),
                    });
                }
            };
            match check_mfa_code(&code, serial) {
                Ok(()) => return Ok(code),
                Err(e) if attempt >= MFA_ATTEMPTS => return Err(e),
                Err(_) => eprintln!("runas: an MFA code is 6 digits; try again"),
            }
        }
    }
}

/// What the command line asks of the provider.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// `-s`: the source profile's session-token credentials instead of the role's.
    pub session_only: bool,
    /// `-r`: ignore cached role credentials (and the session token when it is the result).
    pub refresh: bool,
}

/// Turns a resolved profile into credentials, with as few STS calls as the cache allows.
pub struct Provider<'a> {
    pub sts: &'a dyn Sts,
    pub cache: &'a Cache,
    pub mfa: &'a dyn MfaSource,
    /// The profiles whose `credential_process` runs above this runas (see
    /// `sources::process::CHAIN_VAR`).
    pub process_chain: Option<&'a str>,
    /// The IAM user's name, once looked up in this run (see `session_name`).
    pub user_name: std::cell::OnceCell<String>,
    /// IAM Identity Center's calls, and the environment its token cache is found from.
    pub sso: &'a dyn crate::sources::sso::SsoApi,
    pub env: &'a crate::EnvMap,
}

impl Provider<'_> {
    pub fn credentials(&self, r: &Resolved, opts: Options) -> Result<Credentials> {
        match self.attempt(r, opts) {
            // A cached session or role that STS no longer accepts (revoked, clock skew): drop
            // what this chain cached and try once more from the long-term keys.
            Err(e) if is_expired_token(&e) => {
                forget(self.cache, r);
                self.attempt(r, opts)
            }
            other => other,
        }
    }

    fn attempt(&self, r: &Resolved, opts: Options) -> Result<Credentials> {
        // A source that cannot give credentials is said before the cache is touched.
        if matches!(r.source, Source::Nothing | Source::Unsupported { .. }) {
            return self.source(r);
        }
        let plan = Plan::of(r);
        if r.roles.is_empty() || opts.session_only {
            if plan.first_hop == FirstHop::WithSource {
                return self.source(r);
            }
            return self.session_token(r, opts.refresh);
        }
        for (hop, duration) in r.roles.iter().zip(&plan.durations).skip(1) {
            if *duration < r.role_duration.value {
                crate::warn(format_args!(
                    "{} is reached by role chaining, which AWS limits to {}; using {} instead of {}",
                    hop.profile,
                    format_go_duration(CHAINED_ROLE_MAX),
                    format_go_duration(*duration),
                    format_go_duration(r.role_duration.value)
                ));
            }
        }
        self.role(r, &plan, r.roles.len() - 1, opts.refresh)
    }

    /// The credentials at the root of the chain: the keys, or what the profile's
    /// `credential_process` prints (cached when they expire, so a warm run starts no
    /// process). Only asked for when something has to be fetched with them.
    fn source(&self, r: &Resolved) -> Result<Credentials> {
        match &r.source {
            Source::Process(command) => {
                crate::sources::process::check_loop(&r.base, &command.value, self.process_chain)?;
                self.cache.get_or_fetch(&process_key(r), false, || {
                    crate::sources::process::run(
                        &r.base,
                        &command.value,
                        self.process_chain,
                        crate::creds::epoch_now(),
                    )
                })
            }
            Source::WebIdentity { token_file, role_arn } => {
                self.cache.get_or_fetch(&web_identity_key(r), false, || {
                    // Read on every fetch: the platform rotates the token in place.
                    let token = crate::sources::read_token(&r.base, &token_file.value)?;
                    let request = WebIdentity {
                        role_arn: &role_arn.value,
                        session_name: &r.session_name.value,
                        token: &token,
                        duration: r.role_duration.value,
                    };
                    let creds = self.sts.assume_role_with_web_identity(&request)?;
                    Ok(creds.clamped(request.duration, crate::creds::epoch_now()))
                })
            }
            Source::InstanceMetadata { endpoint, .. } => {
                let Some(endpoint) = endpoint else {
                    return Err(crate::Error::InstanceMetadata {
                        profile: r.base.clone(),
                        endpoint: crate::sources::imds::DEFAULT_ENDPOINT.into(),
                        problem: "AWS_EC2_METADATA_DISABLED is true".into(),
                    });
                };
                self.cache
                    .get_or_fetch(&endpoint_key(r, "imds", endpoint), false, || {
                        crate::sources::imds::credentials(&r.base, endpoint)
                    })
            }
            Source::Container {
                url,
                token_file,
                token,
                ..
            } => {
                let Some(url) = url else {
                    return Err(crate::Error::ContainerEndpoint {
                        profile: r.base.clone(),
                        url: "(none)".into(),
                        problem: "neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor _FULL_URI is set".into(),
                    });
                };
                self.cache.get_or_fetch(&endpoint_key(r, "ecs", url), false, || {
                    let token = match token_file {
                        // Read on each fetch: the agent may rotate it.
                        Some(path) => Some(crate::sources::read_token(&r.base, path)?),
                        None => token.clone(),
                    };
                    crate::sources::ecs::credentials(&r.base, url, token.as_deref())
                })
            }
            Source::Sso(sso) => {
                sso.account_and_role(&r.base)?;
                self.cache.get_or_fetch(&sso_key(r, sso), false, || {
                    let now = crate::creds::epoch_now();
                    let token = crate::sources::sso::access_token(
                        self.env,
                        r.display_name(),
                        sso,
                        self.cache.window(),
                        self.sso,
                        now,
                    )?;
                    // A token the portal no longer takes (signed out elsewhere) is a spent one.
                    self.sso.get_role_credentials(sso, &token).map_err(|e| match e {
                        crate::Error::Sts { code: Some(code), .. } if code == "UnauthorizedException" => {
                            crate::Error::SsoExpired {
                                described: sso.described(),
                                login: crate::sources::sso::login_hint(r.display_name()),
                            }
                        }
                        e => e,
                    })
                })
            }
            _ => {
                let keys = r.keys()?;
                Ok(Credentials {
                    access_key_id: keys.access_key_id.clone(),
                    secret_access_key: keys.secret_access_key.clone(),
                    session_token: keys.session_token.clone(),
                    expiration: None,
                })
            }
        }
    }

    /// The credentials of role `i` of the chain, from the cache or assumed with the
    /// credentials of role `i - 1` (or of the source, for the first). What a hop is assumed
    /// with is only worked out when the hop is not cached: a valid cached role is used even
    /// when the session token or an earlier role that made it has gone from the cache.
    fn role(&self, r: &Resolved, plan: &Plan, i: usize, refresh: bool) -> Result<Credentials> {
        let hop = &r.roles[i];
        let mfa_serial = (i == 0 && plan.first_hop == FirstHop::Direct)
            .then(|| r.mfa_serial.as_ref().map(|s| s.value.as_str()))
            .flatten();
        self.cache.get_or_fetch(&role_key(r, plan, i), refresh, || {
            let previous = match (i, plan.first_hop) {
                (0, FirstHop::WithSource | FirstHop::Direct) => self.source(r)?,
                (0, FirstHop::ViaSession) => self.session_token(r, false)?,
                _ => self.role(r, plan, i - 1, refresh)?,
            };
            let code = mfa_serial.map(|serial| self.mfa.code(serial)).transpose()?;
            let session_name = self.session_name(r, plan)?;
            let request = AssumeRole {
                role_arn: &hop.role_arn.value,
                session_name: &session_name,
                external_id: hop.external_id.as_ref().map(|x| x.value.as_str()),
                duration: plan.durations[i],
                mfa: mfa_serial
                    .zip(code.as_deref())
                    .map(|(serial, code)| Mfa { serial, code }),
            };
            let creds = self.sts.assume_role(&previous, &request)?;
            Ok(creds.clamped(request.duration, crate::creds::epoch_now()))
        })
    }

    /// The role session name. Configured, it is that. By default it is the IAM user's name when
    /// the chain starts from an IAM user's long-term keys, as aws-runas names sessions (so
    /// CloudTrail shows who), else this machine's user name (`r.session_name`). The IAM name
    /// costs one GetCallerIdentity (which needs no permission) on a cold role, and is then kept
    /// in the session token's cache entry, so the role fetched again while the session lasts
    /// needs no lookup; a warm role needs none at all (its cache key does not hold the name).
    /// Asked only when a role is about to be assumed.
    fn session_name(&self, r: &Resolved, plan: &Plan) -> Result<String> {
        if !named_after_iam_user(r) {
            return Ok(r.session_name.value.clone());
        }
        if let Some(name) = self.user_name.get() {
            return Ok(name.clone());
        }
        let remembered = (plan.first_hop == FirstHop::ViaSession)
            .then(|| self.cache.user_of(&session_key(r)))
            .flatten();
        let name = match remembered {
            Some(name) => name,
            None => {
                let source = self.source(r)?;
                let name = match self.sts.get_caller_identity(&source) {
                    Ok(identity) => iam_user_name(&identity.arn),
                    Err(e) => {
                        crate::verbose::say!(
                            "who the keys belong to is unknown ({e}); the session is named {}",
                            r.session_name.value
                        );
                        None
                    }
                }
                .unwrap_or_else(|| r.session_name.value.clone());
                if plan.first_hop == FirstHop::ViaSession {
                    self.cache.remember_user(&session_key(r), &name);
                }
                name
            }
        };
        crate::verbose::say!("session name {name} (the IAM user of the keys)");
        Ok(self.user_name.get_or_init(|| name).clone())
    }

    fn session_token(&self, r: &Resolved, refresh: bool) -> Result<Credentials> {
        let serial = r.mfa_serial.as_ref().map(|s| s.value.as_str());
        self.cache.get_or_fetch(&session_key(r), refresh, || {
            let source = self.source(r)?;
            let code = serial.map(|serial| self.mfa.code(serial)).transpose()?;
            let mfa = serial
                .zip(code.as_deref())
                .map(|(serial, code)| Mfa { serial, code });
            let creds = self
                .sts
                .get_session_token(&source, r.session_duration.value, mfa)?;
            Ok(creds.clamped(r.session_duration.value, crate::creds::epoch_now()))
        })
    }
}

/// Whether the role session is named after the IAM user: no name is configured and the chain
/// starts from long-term keys (a session token in the files or the environment is already
/// someone's session, and its user is not worth a call).
pub(crate) fn named_after_iam_user(r: &Resolved) -> bool {
    r.session_name.origin == crate::Origin::Default
        && matches!(&r.source, Source::Keys(keys) if keys.session_token.is_none())
}

/// `alice` of `arn:aws:iam::123456789012:user/team/alice`, made a valid session name; `None`
/// for any other principal (the root user, a role).
pub fn iam_user_name(arn: &str) -> Option<String> {
    let (_, resource) = arn.split_once(":user/")?;
    if !arn.starts_with("arn:") || arn.split(':').nth(2) != Some("iam") {
        return None;
    }
    let name = resource.rsplit('/').next()?;
    crate::config::is_valid_session_name(name).then(|| name.to_string())
}

/// How the first role is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FirstHop {
    /// The source keys are already temporary: use them as they are.
    WithSource,
    /// Through a cached (MFA) session token, for role durations of 1h or less.
    ViaSession,
    /// With the long-term keys and MFA, for role durations over 1h.
    Direct,
}

struct Plan {
    first_hop: FirstHop,
    /// The duration asked for each role: chained roles are limited to 1h.
    durations: Vec<Duration>,
}

impl Plan {
    fn of(r: &Resolved) -> Plan {
        // What a source other than keys gives is used as it is, as the AWS CLI uses it.
        let temporary_source = match &r.source {
            Source::Keys(k) => k.session_token.is_some(),
            Source::Nothing | Source::Unsupported { .. } => false,
            _ => true,
        };
        let first_hop = if temporary_source {
            FirstHop::WithSource
        } else if r.role_duration.value > CHAINED_ROLE_MAX {
            FirstHop::Direct
        } else {
            FirstHop::ViaSession
        };
        let durations = (0..r.roles.len())
            .map(|i| {
                if i == 0 {
                    r.role_duration.value
                } else {
                    r.role_duration.value.min(CHAINED_ROLE_MAX)
                }
            })
            .collect();
        Plan { first_hop, durations }
    }
}

/// Who the source is: its access key id, or for a command the command line (its output is
/// not known until it runs).
fn source_id(r: &Resolved) -> String {
    match &r.source {
        Source::Keys(k) => k.access_key_id.clone(),
        Source::Process(command) => format!("process {}", command.value),
        Source::WebIdentity { token_file, role_arn } => {
            format!("web identity {} {}", role_arn.value, token_file.value)
        }
        _ => String::new(),
    }
}

/// The key of what a metadata endpoint handed out: which kind, where, for which profile.
fn endpoint_key(r: &Resolved, kind: &str, endpoint: &str) -> CacheKey {
    CacheKey::new(kind, &[&issuer(r), &r.base, endpoint]).for_profile(&r.base)
}

/// The key of the role a web identity token was exchanged for.
fn web_identity_key(r: &Resolved) -> CacheKey {
    CacheKey::new(
        "web-identity",
        &[
            &issuer(r),
            &source_id(r),
            &r.session_name.value,
            &r.role_duration.value.as_secs().to_string(),
        ],
    )
    .for_profile(&r.base)
}

/// The key of the role credentials an SSO token bought: the session (or start URL), the
/// account and the role.
fn sso_key(r: &Resolved, sso: &crate::config::Sso) -> CacheKey {
    let (account, role) = sso.account_and_role(&r.base).unwrap_or(("", ""));
    CacheKey::new("sso", &[&issuer(r), sso.token_name(), account, role]).for_profile(&r.base)
}

/// The key of what a `credential_process` printed: the profile and its command.
fn process_key(r: &Resolved) -> CacheKey {
    CacheKey::new("process", &[&issuer(r), &r.base, &source_id(r)]).for_profile(&r.base)
}

/// Who issues the credentials: the configured STS endpoint, or AWS's own in the partition of
/// the region. Credentials from one issuer are never served for another: a planted
/// `endpoint_url` (or a local test endpoint) stops counting once the setting is gone.
fn issuer(r: &Resolved) -> String {
    let region = r.region.as_ref().map_or("", |s| s.value.as_str());
    let partition = if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else if region.starts_with("us-isob-") {
        "aws-iso-b"
    } else if region.starts_with("us-iso-") {
        "aws-iso"
    } else {
        "aws"
    };
    match &r.endpoint_url {
        Some(url) => format!("{partition} {}", url.value),
        None => partition.to_string(),
    }
}

/// The session token's key: who issues it, who asks, with which MFA device, for how long.
fn session_key(r: &Resolved) -> CacheKey {
    let serial = r.mfa_serial.as_ref().map(|s| s.value.as_str()).unwrap_or("");
    CacheKey::new(
        "session",
        &[
            &issuer(r),
            &source_id(r),
            serial,
            &r.session_duration.value.as_secs().to_string(),
        ],
    )
    .for_profile(&r.base)
}

/// The key of role `i` of the chain: the issuer, the source identity, how the first role is
/// reached, and every role, external id and duration up to `i`, with the session name.
fn role_key(r: &Resolved, plan: &Plan, i: usize) -> CacheKey {
    let serial = r.mfa_serial.as_ref().map(|s| s.value.clone()).unwrap_or_default();
    let via = match plan.first_hop {
        FirstHop::WithSource => "source".to_string(),
        FirstHop::ViaSession => format!("session:{}", r.session_duration.value.as_secs()),
        FirstHop::Direct => "direct".to_string(),
    };
    // Named after the IAM user, the name follows from the source keys, which the key holds
    // already: a fixed word keeps the warm path free of the lookup.
    let session_name = if named_after_iam_user(r) {
        "(the IAM user)".to_string()
    } else {
        r.session_name.value.clone()
    };
    let mut parts = vec![issuer(r), source_id(r), serial, via, session_name];
    for (hop, duration) in r.roles.iter().zip(&plan.durations).take(i + 1) {
        parts.push(hop.role_arn.value.clone());
        parts.push(
            hop.external_id
                .as_ref()
                .map(|x| x.value.clone())
                .unwrap_or_default(),
        );
        parts.push(duration.as_secs().to_string());
    }
    let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
    CacheKey::new("role", &parts).for_profile(&r.roles[i].profile)
}

/// Every cache entry this profile can use: what `runas cache clear PROFILE` removes.
pub fn cache_keys(r: &Resolved) -> Vec<CacheKey> {
    let plan = Plan::of(r);
    let mut keys = vec![session_key(r)];
    keys.extend((0..r.roles.len()).map(|i| role_key(r, &plan, i)));
    keys.push(process_key(r));
    if let Source::Sso(sso) = &r.source {
        keys.push(sso_key(r, sso));
    }
    keys.push(web_identity_key(r));
    keys
}

/// Drops every cache entry of `r`'s chain: what STS called expired. Best effort: if an entry
/// cannot be removed, a retry meets it again and the user sees STS's own ExpiredToken, which
/// is the more useful message.
pub fn forget(cache: &Cache, r: &Resolved) {
    for key in cache_keys(r) {
        let _ = cache.remove(&key);
    }
}

/// STS's answer to credentials it no longer accepts (expired or revoked, or a skewed clock).
pub fn is_expired_token(e: &Error) -> bool {
    matches!(e, Error::Sts { code: Some(code), .. } if code == "ExpiredToken")
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod code_tests {
    use super::*;

    #[test]
    fn a_code_typed_with_spaces_is_taken() {
        assert_eq!(normalize_mfa_code(" 123 456 "), "123456");
        assert!(check_mfa_code("123 456", "s").is_ok());
        assert!(check_mfa_code("12345", "s").is_err());
        let given = TerminalMfa {
            given: Some("123 456".into()),
            may_prompt: false,
        };
        assert_eq!(given.code("s").unwrap(), "123456");
    }
}

#[cfg(test)]
mod session_name_tests {
    use super::iam_user_name;

    #[test]
    fn only_an_iam_users_arn_names_the_session() {
        assert_eq!(
            iam_user_name("arn:aws:iam::123456789012:user/alice").as_deref(),
            Some("alice")
        );
        assert_eq!(
            iam_user_name("arn:aws:iam::123456789012:user/team/x/bob.smith").as_deref(),
            Some("bob.smith")
        );
        assert_eq!(
            iam_user_name("arn:aws-cn:iam::123456789012:user/li").as_deref(),
            Some("li")
        );
        for other in [
            "arn:aws:iam::123456789012:root",
            "arn:aws:sts::123456789012:assumed-role/prod/alice",
            "arn:aws:sts::123456789012:federated-user/carol",
            "arn:aws:sts::123456789012:user/moto",
            "arn:aws:iam::123456789012:user/x",
            "not an arn :user/alice",
        ] {
            assert_eq!(iam_user_name(other), None, "{other}");
        }
    }
}
