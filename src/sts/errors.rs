//! An SDK error in plain words: what failed, a hint that names the role and the masked key,
//! and never a secret.

use super::answer::{MAX_BODY, Refused};
use super::{CONNECT_TIMEOUT, Mfa};
use crate::creds::{Credentials, mask_key_id};
use aws_sdk_sts::config::http::HttpResponse;
use aws_sdk_sts::error::{ProvideErrorMetadata, SdkError};
use std::time::Duration;

/// Shorter strings are not redacted from messages (see `secrets`).
const MIN_SECRET_LEN: usize = 6;
/// How much of an error answer's own message is shown.
const MESSAGE_CHARS: usize = 300;

/// What an error message may need to know about the call, and what it must never show.
pub(super) struct Call<'a> {
    pub(super) operation: &'static str,
    pub(super) source: &'a Credentials,
    pub(super) role_arn: Option<&'a str>,
    pub(super) mfa: Option<Mfa<'a>>,
}

/// What kind of failure, before hints are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// STS (or something at the endpoint) answered with an error.
    Service { status: u16 },
    /// No usable connection: refused, reset, DNS, TLS.
    Connect,
    /// Connected (or tried to) but no answer in time.
    Timeout,
    /// An answer came but it was not STS's.
    Unreadable { status: u16 },
    /// The request could not be made at all.
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Failure {
    pub(super) kind: Kind,
    pub(super) code: Option<String>,
    pub(super) message: String,
}

/// Turns an SDK error into plain words; no hint, no redaction yet.
pub(super) fn describe<E>(err: &SdkError<E, HttpResponse>, elapsed: Duration) -> Failure
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    // An answer cut off at the size limit, or one `answer::Bounded` refused: its own words.
    if find_source::<http_body_util::LengthLimitError>(err).is_some() {
        return Failure {
            kind: Kind::Unreadable { status: 0 },
            code: None,
            message: format!(
                "the answer is larger than {} KiB, which no STS answer is",
                MAX_BODY >> 10
            ),
        };
    }
    if let Some(refused) = find_source::<Refused>(err) {
        return Failure {
            kind: Kind::Unreadable { status: 200 },
            code: None,
            message: refused.0.clone(),
        };
    }
    let waited = format!("timed out after {} s", elapsed.as_secs_f64().round() as u64);
    match err {
        SdkError::ServiceError(service) => {
            let status = service.raw().status().as_u16();
            let meta = service.err();
            match meta.code() {
                Some(code) => Failure {
                    kind: Kind::Service { status },
                    code: Some(code.to_string()),
                    message: meta.message().map_or_else(|| code.to_string(), str::to_string),
                },
                // Not an STS error document as the SDK reads one (moto's auth mode wraps it, a
                // proxy sends a page): its code and message if it has them, else the status.
                None => {
                    let (code, message) = raw_message(service.raw());
                    Failure {
                        kind: Kind::Service { status },
                        code,
                        message,
                    }
                }
            }
        }
        SdkError::ResponseError(response) => {
            let status = response.raw().status().as_u16();
            let (code, message) = raw_message(response.raw());
            Failure {
                kind: Kind::Unreadable { status },
                code,
                message,
            }
        }
        SdkError::TimeoutError(_) => Failure {
            kind: Kind::Timeout,
            code: None,
            message: waited,
        },
        SdkError::DispatchFailure(dispatch) => {
            if dispatch.is_timeout() {
                let message = format!(
                    "could not connect within {} s ({waited})",
                    CONNECT_TIMEOUT.as_secs()
                );
                return Failure {
                    kind: Kind::Timeout,
                    code: None,
                    message,
                };
            }
            Failure {
                kind: Kind::Connect,
                code: None,
                message: connect_reason(err),
            }
        }
        _ => Failure {
            kind: Kind::Other,
            code: None,
            message: chain_text(err),
        },
    }
}

/// The first error of type `T` in `err`'s chain of sources.
fn find_source<'e, T: std::error::Error + 'static>(
    err: &'e (dyn std::error::Error + 'static),
) -> Option<&'e T> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = source {
        if let Some(found) = e.downcast_ref::<T>() {
            return Some(found);
        }
        source = e.source();
    }
    None
}

/// What an answer the SDK could not read says. A 2xx answer is never shown: it holds the new
/// secret key and token. An error answer shows only its `<Code>` and `<Message>`, when it has
/// them where the SDK does not look (moto's auth mode wraps them in `<Errors>`); anything else
/// (a proxy's page, an echo of the request) only as its status and size.
pub(super) fn raw_message(raw: &HttpResponse) -> (Option<String>, String) {
    let status = raw.status().as_u16();
    let body = raw.body().bytes().unwrap_or_default();
    if (200..300).contains(&status) {
        return (
            None,
            format!(
                "HTTP {status}, but the answer ({} bytes) is not an STS answer",
                body.len()
            ),
        );
    }
    let text = String::from_utf8_lossy(body);
    let element = |name: &str| -> Option<String> {
        let open = format!("<{name}>");
        let start = text.find(&open)? + open.len();
        let end = start + text[start..].find(&format!("</{name}>"))?;
        let value: String = text[start..end]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .chars()
            .filter(|c| !c.is_control())
            .take(MESSAGE_CHARS)
            .collect();
        Some(value).filter(|v| !v.is_empty())
    };
    let code =
        element("Code").filter(|c| c.len() <= 64 && c.chars().all(|c| c.is_ascii_alphanumeric() || c == '.'));
    match (code, element("Message")) {
        (Some(code), Some(message)) => (Some(code), message),
        (Some(code), None) => (Some(code.clone()), format!("HTTP {status}: {code}")),
        (None, _) if body.is_empty() => (None, format!("HTTP {status} with an empty body")),
        (None, _) => (
            None,
            format!(
                "HTTP {status} with an answer that is not an STS error ({} bytes)",
                body.len()
            ),
        ),
    }
}

/// Why a connection failed, in plain words: "connection refused", "dns error: …".
pub(super) fn connect_reason(err: &(dyn std::error::Error + 'static)) -> String {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = source {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind::*;
            let plain = match io.kind() {
                ConnectionRefused => Some("connection refused"),
                ConnectionReset => Some("connection reset by the server"),
                ConnectionAborted => Some("connection aborted"),
                NetworkUnreachable => Some("network unreachable"),
                HostUnreachable => Some("host unreachable"),
                AddrNotAvailable => Some("address not available"),
                TimedOut => Some("connection timed out"),
                _ => None,
            };
            if let Some(plain) = plain {
                return plain.to_string();
            }
        }
        source = e.source();
    }
    chain_text(err)
}

/// The error's chain without the SDK's generic layers ("dispatch failure", "io error", …).
fn chain_text(err: &(dyn std::error::Error + 'static)) -> String {
    const GENERIC: &[&str] = &[
        "dispatch failure",
        "io error",
        "other",
        "timeout",
        "user error",
        "client error (Connect)",
    ];
    let mut parts: Vec<String> = Vec::new();
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = source {
        let text = e.to_string();
        if !GENERIC.contains(&text.as_str()) && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = e.source();
    }
    if parts.is_empty() {
        "request failed".to_string()
    } else {
        parts.join(": ")
    }
}

/// What to do about it: names the role and the (masked) key, never a secret.
pub(super) fn hint(call: &Call<'_>, failure: &Failure, endpoint_configured: bool) -> Option<String> {
    // IAM Identity Center's calls have hints of their own: no keys, a token instead.
    if let service @ ("SSO" | "SSO-OIDC") = crate::error::service_of(call.operation) {
        let var = if service == "SSO" {
            "AWS_ENDPOINT_URL_SSO"
        } else {
            "AWS_ENDPOINT_URL_SSO_OIDC"
        };
        return match failure.kind {
            Kind::Connect | Kind::Timeout => Some(format!("check the network, or set {var}")),
            Kind::Unreadable { .. } => Some(format!(
                "the endpoint did not answer like IAM Identity Center; check {var} and that it is up"
            )),
            Kind::Service {
                status: 400 | 401 | 403,
            } => Some("sign in again".into()),
            _ => None,
        };
    }
    let key = mask_key_id(&call.source.access_key_id);
    let session = call.source.session_token.is_some();
    let network = if endpoint_configured {
        "check the endpoint URL (AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL or endpoint_url in the profile) \
         and that it is up"
    } else {
        "check the network, proxy settings and the region, or set AWS_ENDPOINT_URL_STS"
    };
    let rejected_keys = || {
        if session {
            format!("the session credentials {key} were rejected; run again with --refresh")
        } else {
            format!(
                "the access key {key} in the credentials file is wrong or deactivated; check \
                 aws_access_key_id and aws_secret_access_key"
            )
        }
    };
    match failure.kind {
        Kind::Connect | Kind::Timeout => return Some(network.to_string()),
        Kind::Unreadable { .. } => {
            return Some(format!("the endpoint did not answer like STS; {network}"));
        }
        Kind::Other => return None,
        Kind::Service { .. } => {}
    }
    let by_status = || match failure.kind {
        Kind::Service { status: 401 | 403 } => Some(rejected_keys()),
        Kind::Service { status } if status >= 500 => Some(format!(
            "the endpoint failed without an STS answer; try again later, or {network}"
        )),
        _ => Some(format!("the endpoint did not answer like STS; {network}")),
    };
    let Some(code) = failure.code.as_deref() else {
        return by_status();
    };
    let hint = match code {
        "AccessDenied" | "AccessDeniedException" => match (call.role_arn, call.mfa) {
            (Some(role), mfa) => format!(
                "{key} may not assume {role}; check the role's trust policy, the external_id{}",
                if mfa.is_some() {
                    " and the MFA code and mfa_serial"
                } else {
                    " and whether MFA is required"
                }
            ),
            // AWS refuses GetSessionToken to session credentials outright.
            (None, _) if session && call.operation == "GetSessionToken" => {
                format!("{key} is a session; GetSessionToken needs the long-term keys (AKIA…) of a user")
            }
            (None, Some(mfa)) => format!(
                "check the MFA code and that {} is the MFA device of {key}",
                mfa.serial
            ),
            (None, None) => format!("{key} may not call {}; check its IAM policy", call.operation),
        },
        "ExpiredToken" | "ExpiredTokenException" => {
            "the session credentials expired; run again with --refresh".to_string()
        }
        "InvalidClientTokenId"
        | "SignatureDoesNotMatch"
        | "IncompleteSignature"
        | "UnrecognizedClientException" => rejected_keys(),
        "RegionDisabledException" => format!(
            "STS is not active in this region for the account; activate it in the IAM console \
             (account settings) or use another region; {key} was used"
        ),
        "ValidationError" => {
            "check role_session_name (at most 64 characters), duration_seconds and the ARNs".to_string()
        }
        "InternalFailure" | "InternalError" | "ServiceUnavailable" => {
            "STS kept failing; try again in a moment".to_string()
        }
        "Throttling" | "ThrottlingException" | "RequestLimitExceeded" => {
            "STS is throttling requests; wait a moment and try again".to_string()
        }
        // A code STS does not send: what the status says.
        _ => return by_status(),
    };
    Some(hint)
}

/// Everything in this call that must never be shown.
pub(super) fn secrets<'a>(call: &Call<'a>) -> Vec<&'a str> {
    let mut secrets = vec![call.source.secret_access_key.as_str()];
    secrets.extend(call.source.session_token.as_deref());
    secrets.extend(call.mfa.map(|m| m.code));
    // Real secrets are long (40-character keys, 6-digit codes); replacing a one-letter test
    // secret would garble every word that contains the letter.
    secrets.retain(|s| s.len() >= MIN_SECRET_LEN);
    secrets
}

/// Replaces every secret in `text` by `<redacted>`. Server text should never echo one, but a
/// raw body excerpt is shown as is (SignatureDoesNotMatch answers echo the signed request).
/// An MFA code is only replaced where it stands alone, so account ids stay readable.
pub(super) fn redact(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_string();
    for secret in secrets {
        let all_digits = secret.chars().all(|c| c.is_ascii_digit());
        if !all_digits {
            out = out.replace(secret, "<redacted>");
            continue;
        }
        let mut result = String::with_capacity(out.len());
        let mut rest = out.as_str();
        while let Some(at) = rest.find(secret) {
            let before = rest[..at].chars().next_back();
            let after = rest[at + secret.len()..].chars().next();
            let alone =
                !before.is_some_and(|c| c.is_ascii_digit()) && !after.is_some_and(|c| c.is_ascii_digit());
            result.push_str(&rest[..at]);
            result.push_str(if alone { "<redacted>" } else { secret });
            rest = &rest[at + secret.len()..];
        }
        result.push_str(rest);
        out = result;
    }
    out
}
