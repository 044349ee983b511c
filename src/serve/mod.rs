//! Local credential endpoints, for commands that outlive their credentials: the ECS container
//! endpoint and EC2 instance metadata (IMDSv2), each on 127.0.0.1, handing out a profile's
//! credentials and refreshing them in the background before they expire, so every SDK that
//! polls the endpoint keeps working for as long as the endpoint runs.
//!
//! `Holder` keeps the current credentials; `keep_fresh` replaces them ahead of expiry (it may
//! ask for an MFA code on the terminal, while requests go on being answered from the holder);
//! `http` is the server; `ecs` and `imds` are the two wire formats; `signals` stops the
//! process cleanly.

pub mod ecs;
pub mod http;
pub mod imds;
pub mod signals;

use crate::creds::{Credentials, epoch_now, rfc3339};
use crate::env::Op;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How long after a failed refresh the next try comes.
pub const RETRY_AFTER: Duration = Duration::from_secs(30);

/// The shortest wait between two refreshes, whatever the refresh window says.
const MIN_GAP: Duration = Duration::from_secs(1);

/// The credentials an endpoint hands out, and why the last refresh failed, if it did.
pub struct Holder {
    held: Mutex<Held>,
}

struct Held {
    credentials: Credentials,
    /// When these credentials were fetched (IMDS reports it as `LastUpdated`).
    updated: u64,
    /// The last refresh's error, until one works.
    problem: Option<String>,
}

impl Holder {
    pub fn new(credentials: Credentials) -> Arc<Holder> {
        Arc::new(Holder {
            held: Mutex::new(Held {
                credentials,
                updated: epoch_now(),
                problem: None,
            }),
        })
    }

    /// The credentials and when they were fetched, while they have not expired; else what
    /// to tell the client.
    pub fn current(&self) -> Result<(Credentials, u64), String> {
        let held = self.lock();
        let now = epoch_now();
        match held.credentials.expiration {
            Some(exp) if exp <= now => Err(match &held.problem {
                Some(problem) => format!(
                    "runas: the credentials expired at {} and the refresh failed: {problem}",
                    rfc3339(exp)
                ),
                None => format!(
                    "runas: the credentials expired at {} and are being refreshed (an MFA code may be \
                     waiting to be typed on runas's terminal)",
                    rfc3339(exp)
                ),
            }),
            _ => Ok((held.credentials.clone(), held.updated)),
        }
    }

    fn expiration(&self) -> Option<u64> {
        self.lock().credentials.expiration
    }

    fn replace(&self, credentials: Credentials) {
        let mut held = self.lock();
        held.credentials = credentials;
        held.updated = epoch_now();
        held.problem = None;
    }

    fn failed(&self, problem: String) {
        self.lock().problem = Some(problem);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Held> {
        // A panic elsewhere cannot leave Held half-written: every change is one assignment.
        self.held.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// How long from `now` until credentials expiring at `expiration` are due for a refresh:
/// when less than `window` is left, as everywhere in runas, and never sooner than `MIN_GAP`.
pub fn until_due(expiration: u64, now: SystemTime, window: Duration) -> Duration {
    let due = UNIX_EPOCH + Duration::from_secs(expiration).saturating_sub(window);
    due.duration_since(now).unwrap_or_default().max(MIN_GAP)
}

/// Replaces `holder`'s credentials with `fetch`'s ahead of expiry, forever. `fetch` goes
/// through the cache with the refresh window `window`, so at the due time it fetches new
/// credentials (another runas may already have: then they come from the cache). Each refresh,
/// and each failure with the time of the next try, is one line on stderr.
pub fn keep_fresh(
    holder: &Holder,
    window: Duration,
    profile: &str,
    mut fetch: impl FnMut() -> crate::Result<Credentials>,
) -> ! {
    let mut said_short = false;
    let mut wait = match holder.expiration() {
        Some(exp) => until_due(exp, SystemTime::now(), window),
        None => Duration::MAX,
    };
    loop {
        std::thread::sleep(wait);
        let old = holder.expiration();
        wait = match fetch() {
            Ok(new) => {
                let exp = new.expiration.unwrap_or(u64::MAX);
                if new.expiration > old {
                    eprintln!(
                        "runas: refreshed {}'s credentials; they expire at {}",
                        crate::one_line(profile),
                        rfc3339(exp)
                    );
                }
                holder.replace(new);
                let next = until_due(exp, SystemTime::now(), window);
                if next == MIN_GAP && exp.saturating_sub(epoch_now()) <= window.as_secs() {
                    // A refresh window as long as the credentials last: refreshing at once
                    // again would call STS in a loop.
                    if !said_short {
                        said_short = true;
                        crate::warn(format_args!(
                            "the refresh window ({}) is not shorter than the credentials last; \
                             refreshing every minute (set RUNAS_MIN_TTL lower)",
                            crate::config::duration::format_go_duration(window)
                        ));
                    }
                    Duration::from_secs(60)
                } else {
                    next
                }
            }
            Err(e) => {
                let problem = e.to_string();
                eprintln!(
                    "runas: cannot refresh {}'s credentials: {}; trying again in {}s",
                    crate::one_line(profile),
                    crate::one_line(&problem),
                    RETRY_AFTER.as_secs()
                );
                holder.failed(problem);
                RETRY_AFTER
            }
        };
    }
}

/// The variables that would win over an endpoint in an SDK's credential chain, or point it at
/// another one: a shell or command given an endpoint has none of them.
const SHADOWING: [&str; 13] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    // runas's own markers: with them, the prompt hook would put static keys back.
    crate::env::PROFILE,
    crate::env::EXPIRES,
    crate::env::SESSION,
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
];

/// How a command is pointed at an endpoint.
pub enum Pointer<'a> {
    /// The ECS container endpoint at `url`, its token in a file or in the environment.
    Ecs { url: &'a str, token: EcsToken<'a> },
    /// IMDS at `url`.
    Imds { url: &'a str },
}

pub enum EcsToken<'a> {
    File(&'a str),
    Value(&'a str),
}

/// The ops that point a shell or a command at an endpoint: its variables set, the ones that
/// would shadow it removed, the profile's region set when it has one.
pub fn pointer_ops(pointer: &Pointer<'_>, region: Option<&str>) -> Vec<Op> {
    let mut ops: Vec<Op> = Vec::new();
    let mut unset: Vec<&'static str> = SHADOWING.to_vec();
    match pointer {
        Pointer::Ecs { url, token } => {
            ops.push(Op::Set("AWS_CONTAINER_CREDENTIALS_FULL_URI", url.to_string()));
            match token {
                EcsToken::File(path) => {
                    ops.push(Op::Set(
                        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                        path.to_string(),
                    ));
                }
                EcsToken::Value(token) => {
                    unset.retain(|&n| n != "AWS_CONTAINER_AUTHORIZATION_TOKEN");
                    unset.push("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
                    ops.push(Op::Set("AWS_CONTAINER_AUTHORIZATION_TOKEN", token.to_string()));
                }
            }
            unset.push("AWS_EC2_METADATA_SERVICE_ENDPOINT");
        }
        Pointer::Imds { url } => {
            ops.push(Op::Set("AWS_EC2_METADATA_SERVICE_ENDPOINT", url.to_string()));
            unset.extend([
                "AWS_EC2_METADATA_DISABLED",
                "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
                "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
            ]);
        }
    }
    if let Some(region) = region {
        ops.extend([
            Op::Set("AWS_REGION", region.to_string()),
            Op::Set("AWS_DEFAULT_REGION", region.to_string()),
        ]);
    }
    ops.extend(unset.into_iter().map(Op::Unset));
    ops
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds(expiration: u64) -> Credentials {
        Credentials {
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: "secret".into(),
            session_token: Some("token".into()),
            expiration: Some(expiration),
        }
    }

    #[test]
    fn a_refresh_is_due_when_the_window_is_reached_and_never_in_a_busy_loop() {
        let now = UNIX_EPOCH + Duration::from_secs(1_000_000);
        let window = Duration::from_secs(300);
        assert_eq!(until_due(1_003_600, now, window), Duration::from_secs(3300));
        assert_eq!(until_due(1_000_301, now, window), Duration::from_secs(1));
        // Already due, or past expiry: the shortest gap, not zero.
        assert_eq!(until_due(1_000_100, now, window), MIN_GAP);
        assert_eq!(until_due(5, now, window), MIN_GAP);
    }

    #[test]
    fn expired_credentials_are_not_handed_out_and_the_reason_is_said() {
        let holder = Holder::new(creds(epoch_now() + 3600));
        assert!(holder.current().is_ok());
        holder.replace(creds(epoch_now() - 1));
        let waiting = holder.current().unwrap_err();
        assert!(waiting.contains("being refreshed"), "{waiting}");
        holder.failed("STS said no".into());
        let failed = holder.current().unwrap_err();
        assert!(
            failed.contains("STS said no") && failed.starts_with("runas: "),
            "{failed}"
        );
        holder.replace(creds(epoch_now() + 60));
        assert!(holder.current().is_ok());
    }

    #[test]
    fn an_endpoint_pointer_removes_what_would_win_over_it() {
        let ops = pointer_ops(
            &Pointer::Ecs {
                url: "http://127.0.0.1:1/",
                token: EcsToken::File("/t"),
            },
            Some("eu-west-1"),
        );
        let set: Vec<_> = ops
            .iter()
            .filter_map(|op| match op {
                Op::Set(n, _) => Some(*n),
                _ => None,
            })
            .collect();
        assert_eq!(
            set,
            [
                "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                "AWS_REGION",
                "AWS_DEFAULT_REGION"
            ]
        );
        for name in [
            "AWS_ACCESS_KEY_ID",
            "AWS_PROFILE",
            "AWSRUNAS_PROFILE",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN",
        ] {
            assert!(ops.contains(&Op::Unset(name)), "{name}");
        }
        let imds = pointer_ops(
            &Pointer::Imds {
                url: "http://127.0.0.1:1/",
            },
            None,
        );
        assert!(imds.contains(&Op::Unset("AWS_CONTAINER_CREDENTIALS_FULL_URI")));
        assert!(!imds.iter().any(|op| matches!(op, Op::Set("AWS_REGION", _))));
        // Each name once: a set and an unset of the same variable would depend on their order.
        for ops in [&ops, &imds] {
            let mut names: Vec<_> = ops.iter().filter_map(Op::name).collect();
            let count = names.len();
            names.sort();
            names.dedup();
            assert_eq!(names.len(), count);
        }
    }
}
