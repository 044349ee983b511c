//! The only file that touches aws-sdk-sts (and aws-sdk-iam, for `runas list mfa`). The rest of
//! runas talks to the small `Sts` trait, so it can be tested with a fake; integration tests use
//! a real local STS endpoint (moto).

use crate::credentials::{Credentials, mask_key_id};
use crate::{Error, Result};
use aws_sdk_sts::config::endpoint::{DefaultResolver, EndpointFuture, Params, ResolveEndpoint};
use aws_sdk_sts::config::http::HttpResponse;
use aws_sdk_sts::config::retry::RetryConfig;
use aws_sdk_sts::config::timeout::TimeoutConfig;
use aws_sdk_sts::config::{AppName, BehaviorVersion, IdentityCache, Region, SharedHttpClient};
use aws_sdk_sts::error::{ProvideErrorMetadata, SdkError};
use std::future::Future;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// An MFA device serial (ARN) and the code typed for it.
#[derive(Debug, Clone, Copy)]
pub struct Mfa<'a> {
    pub serial: &'a str,
    pub code: &'a str,
}

/// What AssumeRole is asked for.
#[derive(Debug, Clone)]
pub struct AssumeRole<'a> {
    pub role_arn: &'a str,
    pub session_name: &'a str,
    pub external_id: Option<&'a str>,
    pub duration: Duration,
    pub mfa: Option<Mfa<'a>>,
}

/// GetCallerIdentity's answer.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Identity {
    pub account: String,
    pub arn: String,
    pub user_id: String,
}

/// An MFA device of an IAM user, as ListMFADevices gives it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MfaDevice {
    pub serial_number: String,
    /// When it was enabled, seconds since the epoch.
    pub enabled: u64,
}

/// The STS calls runas makes, each signed with `source`.
pub trait Sts {
    fn get_session_token(
        &self,
        source: &Credentials,
        duration: Duration,
        mfa: Option<Mfa<'_>>,
    ) -> Result<Credentials>;
    fn assume_role(&self, source: &Credentials, request: &AssumeRole<'_>) -> Result<Credentials>;
    fn get_caller_identity(&self, creds: &Credentials) -> Result<Identity>;
}

/// Where STS is: region and, when configured, an explicit endpoint URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StsSettings {
    pub region: String,
    /// From `AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL`, the profile's `[services]` section or
    /// its `endpoint_url` (resolved by `config`).
    pub endpoint_url: Option<String>,
    /// `AWS_STS_REGIONAL_ENDPOINTS=legacy`: use the global endpoint for us-east-1 and friends.
    pub legacy_global_endpoint: bool,
}

/// How long one TCP (and TLS) connect may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// How long one attempt (connect, send, wait for the whole answer) may take.
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a whole call may take, retries included: a dead or hanging endpoint fails within
/// this, well before a user gives up on a prompt hook.
pub const OPERATION_TIMEOUT: Duration = Duration::from_secs(12);
/// Attempts per call (the first one included) for throttling, 5xx and connection errors.
pub const MAX_ATTEMPTS: u32 = 3;
/// Shorter strings are not redacted from messages (see `secrets`).
const MIN_SECRET_LEN: usize = 6;
/// How much of an unparseable error body is shown.
const BODY_EXCERPT_CHARS: usize = 200;

/// The real STS client.
///
/// `new` does no I/O. The async runtime (current-thread) and the HTTPS client are made on the
/// first call, so a run served from the cache never builds them (STYLE.md, habit 3).
pub struct AwsSts {
    settings: StsSettings,
    runtime: OnceLock<std::result::Result<tokio::runtime::Runtime, String>>,
    /// Shared by every SDK client this makes: it holds the connection pool, so a role chain
    /// reuses one connection. (The SDK caches its connector per timeout settings, which are
    /// the same for every call.)
    http: OnceLock<SharedHttpClient>,
}

impl std::fmt::Debug for AwsSts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AwsSts")
            .field("settings", &self.settings)
            .field("runtime_started", &self.runtime.get().is_some())
            .finish()
    }
}

/// What an error message may need to know about the call, and what it must never show.
struct Call<'a> {
    operation: &'static str,
    source: &'a Credentials,
    role_arn: Option<&'a str>,
    mfa: Option<Mfa<'a>>,
}

impl AwsSts {
    pub fn new(settings: StsSettings) -> AwsSts {
        AwsSts {
            settings,
            runtime: OnceLock::new(),
            http: OnceLock::new(),
        }
    }

    pub fn settings(&self) -> &StsSettings {
        &self.settings
    }

    /// The endpoint as shown in messages: the configured URL, or the host the SDK resolves
    /// for the region (`sts.eu-west-1.amazonaws.com`, `sts.amazonaws.com` in legacy mode).
    pub fn endpoint_shown(&self) -> String {
        if let Some(url) = &self.settings.endpoint_url {
            return url.clone();
        }
        let params = Params::builder()
            .region(self.settings.region.clone())
            .use_global_endpoint(self.settings.legacy_global_endpoint)
            .build();
        let resolved = params.ok().and_then(|p| {
            let resolver = DefaultResolver::new();
            now_or_never(ResolveEndpoint::resolve_endpoint(&resolver, &p)).and_then(|r| r.ok())
        });
        match resolved {
            Some(endpoint) => {
                let url = endpoint.url();
                url.strip_prefix("https://")
                    .unwrap_or(url)
                    .trim_end_matches('/')
                    .to_string()
            }
            None => format!("sts.{}.amazonaws.com", self.settings.region),
        }
    }

    fn runtime(&self, operation: &'static str) -> Result<&tokio::runtime::Runtime> {
        let runtime = self.runtime.get_or_init(|| {
            // enable_all: time for the SDK's timeouts and sleeps, I/O for hyper's sockets.
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())
        });
        runtime.as_ref().map_err(|problem| Error::Sts {
            operation,
            endpoint: self.endpoint_shown(),
            code: None,
            message: format!("cannot start the async runtime: {problem}"),
            hint: None,
        })
    }

    /// The MFA devices of IAM user `user_name` (ListMFADevices), signed with `creds`.
    /// `endpoint_url` is IAM's (`AWS_ENDPOINT_URL_IAM`, …), resolved by `config`; IAM is global,
    /// so requests are signed for us-east-1 when none is set.
    pub fn list_mfa_devices(
        &self,
        creds: &Credentials,
        user_name: &str,
        endpoint_url: Option<&str>,
    ) -> Result<Vec<MfaDevice>> {
        let call = Call {
            operation: "ListMFADevices",
            source: creds,
            role_arn: None,
            mfa: None,
        };
        let keys = aws_sdk_iam::config::Credentials::new(
            &creds.access_key_id,
            &creds.secret_access_key,
            creds.session_token.clone(),
            None,
            "runas",
        );
        let mut config = aws_sdk_iam::Config::builder()
            .behavior_version(aws_sdk_iam::config::BehaviorVersion::latest())
            .region(aws_sdk_iam::config::Region::new("us-east-1"))
            .credentials_provider(keys)
            .identity_cache(aws_sdk_iam::config::IdentityCache::no_cache())
            .http_client(self.http().clone())
            .retry_config(retries())
            .timeout_config(timeouts());
        if let Some(url) = endpoint_url {
            config = config.endpoint_url(url);
        }
        let client = aws_sdk_iam::Client::from_conf(config.build());
        let stream = client
            .list_mfa_devices()
            .user_name(user_name)
            .into_paginator()
            .items()
            .send();
        let runtime = self.runtime(call.operation)?;
        let started = Instant::now();
        let found = runtime
            .block_on(stream.collect::<std::result::Result<Vec<_>, _>>())
            .map_err(|err| {
                let mut e = self.error(&call, describe(&err, started.elapsed()));
                if let Error::Sts { endpoint, .. } = &mut e {
                    *endpoint = endpoint_url.unwrap_or("iam.amazonaws.com").to_string();
                }
                e
            })?;
        Ok(found
            .iter()
            .map(|device| MfaDevice {
                serial_number: device.serial_number().to_string(),
                enabled: u64::try_from(device.enable_date().secs()).unwrap_or(0),
            })
            .collect())
    }

    fn http(&self) -> &SharedHttpClient {
        self.http.get_or_init(|| {
            use aws_smithy_http_client::tls;
            aws_smithy_http_client::Builder::new()
                .tls_provider(tls::Provider::Rustls(tls::rustls_provider::CryptoMode::Ring))
                .build_https()
        })
    }

    /// The time the STS endpoint says it is (its `Date` header), for `runas doctor`'s clock
    /// check: SigV4 rejects requests more than 5 minutes off. The call is a GetCallerIdentity
    /// signed with placeholder keys: any answer, even InvalidClientTokenId, carries the header.
    pub fn server_date(&self) -> Result<std::time::SystemTime> {
        let placeholder = Credentials {
            access_key_id: "AKIARUNASDOCTOR00000".into(),
            secret_access_key: "runas-doctor-clock-check".into(),
            session_token: None,
            expiration: None,
        };
        let call = Call {
            operation: "GetCallerIdentity",
            source: &placeholder,
            role_arn: None,
            mfa: None,
        };
        let date = DateHeader::default();
        let client = self.client_with(&placeholder, Some(date.clone()));
        let runtime = self.runtime(call.operation)?;
        let started = Instant::now();
        let outcome = runtime.block_on(client.get_caller_identity().send());
        let header = date.0.lock().map(|d| d.clone()).unwrap_or_default();
        match (header, outcome) {
            (Some(header), _) => aws_sdk_sts::primitives::DateTime::from_str(
                &header,
                aws_sdk_sts::primitives::DateTimeFormat::HttpDate,
            )
            .ok()
            .and_then(|d| std::time::SystemTime::try_from(d).ok())
            .ok_or_else(|| Error::Sts {
                operation: call.operation,
                endpoint: self.endpoint_shown(),
                code: None,
                message: format!("the Date header {header:?} is not an HTTP date"),
                hint: None,
            }),
            (None, Err(err)) => Err(self.error(&call, describe(&err, started.elapsed()))),
            (None, Ok(_)) => Err(Error::Sts {
                operation: call.operation,
                endpoint: self.endpoint_shown(),
                code: None,
                message: "the answer has no Date header".into(),
                hint: None,
            }),
        }
    }

    fn client(&self, source: &Credentials) -> aws_sdk_sts::Client {
        self.client_with(source, None)
    }

    fn client_with(&self, source: &Credentials, date: Option<DateHeader>) -> aws_sdk_sts::Client {
        let http = self.http();
        let keys = aws_sdk_sts::config::Credentials::new(
            &source.access_key_id,
            &source.secret_access_key,
            source.session_token.clone(),
            // No expiry: STS itself says ExpiredToken, which maps to a clear message.
            None,
            "runas",
        );
        let mut config = aws_sdk_sts::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(self.settings.region.clone()))
            .credentials_provider(keys)
            // Static keys: nothing to cache, and one client is made per source.
            .identity_cache(IdentityCache::no_cache())
            .http_client(http.clone())
            .retry_config(retries())
            .timeout_config(timeouts());
        if let Ok(name) = AppName::new("runas") {
            config = config.app_name(name);
        }
        if let Some(url) = &self.settings.endpoint_url {
            config = config.endpoint_url(url);
        }
        if let Some(date) = date {
            config = config.interceptor(date);
        }
        if self.settings.legacy_global_endpoint {
            // The STS config has no `use_global_endpoint` setting and aws-config 1.13 does not
            // read AWS_STS_REGIONAL_ENDPOINTS; the endpoint rules do have the parameter, so a
            // resolver sets it.
            config = config.endpoint_resolver(LegacyGlobalEndpoint::default());
        }
        aws_sdk_sts::Client::from_conf(config.build())
    }

    /// Runs one SDK call on the runtime and maps its error.
    fn call<T, E, F>(&self, call: &Call<'_>, future: F) -> Result<T>
    where
        F: Future<Output = std::result::Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let runtime = self.runtime(call.operation)?;
        let started = Instant::now();
        runtime
            .block_on(future)
            .map_err(|err| self.error(call, describe(&err, started.elapsed())))
    }

    fn error(&self, call: &Call<'_>, failure: Failure) -> Error {
        let hint = hint(call, &failure, self.settings.endpoint_url.is_some());
        let secrets = secrets(call);
        Error::Sts {
            operation: call.operation,
            endpoint: self.endpoint_shown(),
            code: failure.code.clone(),
            message: redact(&failure.message, &secrets),
            hint: hint.map(|h| redact(&h, &secrets)),
        }
    }

    fn no_credentials(&self, operation: &'static str) -> Error {
        Error::Sts {
            operation,
            endpoint: self.endpoint_shown(),
            code: None,
            message: "the answer has no credentials in it".into(),
            hint: Some("check that the endpoint is an STS endpoint".into()),
        }
    }
}

impl Sts for AwsSts {
    fn get_session_token(
        &self,
        source: &Credentials,
        duration: Duration,
        mfa: Option<Mfa<'_>>,
    ) -> Result<Credentials> {
        let call = Call {
            operation: "GetSessionToken",
            source,
            role_arn: None,
            mfa,
        };
        let client = self.client(source);
        let request = client
            .get_session_token()
            .duration_seconds(seconds(duration))
            .set_serial_number(mfa.map(|m| m.serial.to_string()))
            .set_token_code(mfa.map(|m| m.code.to_string()));
        let output = self.call(&call, request.send())?;
        convert(output.credentials()).ok_or_else(|| self.no_credentials(call.operation))
    }

    fn assume_role(&self, source: &Credentials, request: &AssumeRole<'_>) -> Result<Credentials> {
        let call = Call {
            operation: "AssumeRole",
            source,
            role_arn: Some(request.role_arn),
            mfa: request.mfa,
        };
        let client = self.client(source);
        let send = client
            .assume_role()
            .role_arn(request.role_arn)
            .role_session_name(request.session_name)
            .set_external_id(request.external_id.map(str::to_string))
            .duration_seconds(seconds(request.duration))
            .set_serial_number(request.mfa.map(|m| m.serial.to_string()))
            .set_token_code(request.mfa.map(|m| m.code.to_string()));
        let output = self.call(&call, send.send())?;
        convert(output.credentials()).ok_or_else(|| self.no_credentials(call.operation))
    }

    fn get_caller_identity(&self, creds: &Credentials) -> Result<Identity> {
        let call = Call {
            operation: "GetCallerIdentity",
            source: creds,
            role_arn: None,
            mfa: None,
        };
        let client = self.client(creds);
        let output = self.call(&call, client.get_caller_identity().send())?;
        Ok(Identity {
            account: output.account().unwrap_or_default().to_string(),
            arn: output.arn().unwrap_or_default().to_string(),
            user_id: output.user_id().unwrap_or_default().to_string(),
        })
    }
}

/// Keeps the `Date` header of the last answer (see `AwsSts::server_date`).
#[derive(Debug, Default, Clone)]
struct DateHeader(Arc<Mutex<Option<String>>>);

impl aws_sdk_sts::config::Intercept for DateHeader {
    fn name(&self) -> &'static str {
        "runas-date-header"
    }

    fn read_after_transmit(
        &self,
        context: &aws_sdk_sts::config::interceptors::BeforeDeserializationInterceptorContextRef<'_>,
        _: &aws_sdk_sts::config::RuntimeComponents,
        _: &mut aws_sdk_sts::config::ConfigBag,
    ) -> std::result::Result<(), aws_sdk_sts::error::BoxError> {
        if let (Some(date), Ok(mut slot)) = (context.response().headers().get("date"), self.0.lock()) {
            *slot = Some(date.to_string());
        }
        Ok(())
    }
}

/// Standard retries (throttling, 5xx, connection errors), the same for STS and IAM.
fn retries() -> RetryConfig {
    RetryConfig::standard().with_max_attempts(MAX_ATTEMPTS)
}

/// The bounds that make a dead or hanging endpoint fail in seconds, for STS and IAM.
fn timeouts() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .operation_attempt_timeout(ATTEMPT_TIMEOUT)
        .operation_timeout(OPERATION_TIMEOUT)
        .build()
}

/// STS takes whole seconds as an i32; anything out of range is left for STS to reject.
fn seconds(duration: Duration) -> i32 {
    i32::try_from(duration.as_secs()).unwrap_or(i32::MAX)
}

fn convert(creds: Option<&aws_sdk_sts::types::Credentials>) -> Option<Credentials> {
    let creds = creds?;
    Some(Credentials {
        access_key_id: creds.access_key_id().to_string(),
        secret_access_key: creds.secret_access_key().to_string(),
        session_token: Some(creds.session_token().to_string()),
        expiration: Some(u64::try_from(creds.expiration().secs()).unwrap_or(0)),
    })
}

/// Resolves with `UseGlobalEndpoint` set, as the AWS CLI does for
/// `sts_regional_endpoints = legacy`: us-east-1 and the other legacy regions go to
/// `sts.amazonaws.com`; newer regions stay regional (the endpoint rules decide which).
#[derive(Debug, Default)]
struct LegacyGlobalEndpoint(DefaultResolver);

impl ResolveEndpoint for LegacyGlobalEndpoint {
    fn resolve_endpoint<'a>(&'a self, params: &'a Params) -> EndpointFuture<'a> {
        let global = Params::builder()
            .set_region(params.region().map(str::to_string))
            .set_use_dual_stack(params.use_dual_stack())
            .set_use_fips(params.use_fips())
            .set_endpoint(params.endpoint().map(str::to_string))
            .use_global_endpoint(true)
            .build();
        match global {
            Ok(global) => {
                EndpointFuture::new(async move { ResolveEndpoint::resolve_endpoint(&self.0, &global).await })
            }
            Err(e) => EndpointFuture::ready(Err(e.into())),
        }
    }
}

/// Polls a future once; the endpoint resolver's futures are always ready.
fn now_or_never<F: Future>(future: F) -> Option<F::Output> {
    let mut context = std::task::Context::from_waker(std::task::Waker::noop());
    match std::pin::pin!(future).poll(&mut context) {
        std::task::Poll::Ready(out) => Some(out),
        std::task::Poll::Pending => None,
    }
}

/// What kind of failure, before hints are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
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
struct Failure {
    kind: Kind,
    code: Option<String>,
    message: String,
}

/// Turns an SDK error into plain words; no hint, no redaction yet.
fn describe<E>(err: &SdkError<E, HttpResponse>, elapsed: Duration) -> Failure
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
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
                // Not an STS error document (moto's auth mode, a proxy, a load balancer): the
                // status and the start of the body are all there is to show.
                None => Failure {
                    kind: Kind::Service { status },
                    code: None,
                    message: raw_message(service.raw()),
                },
            }
        }
        SdkError::ResponseError(response) => {
            let status = response.raw().status().as_u16();
            Failure {
                kind: Kind::Unreadable { status },
                code: None,
                message: raw_message(response.raw()),
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

/// "HTTP 403: <start of the body>", the body flattened to one line and capped.
fn raw_message(raw: &HttpResponse) -> String {
    let status = raw.status().as_u16();
    let body = raw
        .body()
        .bytes()
        .map(String::from_utf8_lossy)
        .unwrap_or_default();
    // The XML declaration says nothing; skip it so the excerpt starts with the error.
    let body = match body.trim_start().strip_prefix("<?xml") {
        Some(rest) => rest.split_once("?>").map_or(rest, |(_, after)| after),
        None => &body,
    };
    let flat: String = body
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .filter(|c| !c.is_control())
        .collect();
    if flat.is_empty() {
        return format!("HTTP {status} with an empty body");
    }
    let mut excerpt: String = flat.chars().take(BODY_EXCERPT_CHARS).collect();
    if flat.chars().count() > BODY_EXCERPT_CHARS {
        excerpt.push('…');
    }
    format!("HTTP {status}: {excerpt}")
}

/// Why a connection failed, in plain words: "connection refused", "dns error: …".
fn connect_reason(err: &(dyn std::error::Error + 'static)) -> String {
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
fn hint(call: &Call<'_>, failure: &Failure, endpoint_configured: bool) -> Option<String> {
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
    let Some(code) = failure.code.as_deref() else {
        return match failure.kind {
            Kind::Service { status: 401 | 403 } => Some(rejected_keys()),
            Kind::Service { status } if status >= 500 => Some(format!(
                "the endpoint failed without an STS answer; try again later, or {network}"
            )),
            _ => Some(format!("the endpoint did not answer like STS; {network}")),
        };
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
        _ => return None,
    };
    Some(hint)
}

/// Everything in this call that must never be shown.
fn secrets<'a>(call: &Call<'a>) -> Vec<&'a str> {
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
fn redact(text: &str, secrets: &[&str]) -> String {
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

/// The endpoint a resolver picks; only used by tests, to check the legacy setting.
#[cfg(test)]
fn resolve(resolver: &dyn ResolveEndpoint, region: &str) -> Option<aws_sdk_sts::config::endpoint::Endpoint> {
    let params = Params::builder().region(region).build().ok()?;
    now_or_never(resolver.resolve_endpoint(&params))?.ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_sts::error::{ConnectorError, ErrorMetadata};
    use aws_sdk_sts::operation::assume_role::AssumeRoleError;
    use aws_smithy_types::body::SdkBody;

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    const TOKEN: &str = "FwoGZXIvYXdzEXAMPLETOKEN";

    fn long_term() -> Credentials {
        Credentials {
            access_key_id: "AKIAIOSFODNN7EXAMPLE".into(),
            secret_access_key: SECRET.into(),
            session_token: None,
            expiration: None,
        }
    }

    fn session() -> Credentials {
        Credentials {
            access_key_id: "ASIAIOSFODNN7EXAMPLE".into(),
            session_token: Some(TOKEN.into()),
            ..long_term()
        }
    }

    fn sts(endpoint_url: Option<&str>) -> AwsSts {
        AwsSts::new(StsSettings {
            region: "eu-west-1".into(),
            endpoint_url: endpoint_url.map(str::to_string),
            legacy_global_endpoint: false,
        })
    }

    fn service_error(
        status: u16,
        code: Option<&str>,
        message: &str,
        body: &str,
    ) -> SdkError<AssumeRoleError, HttpResponse> {
        let mut meta = ErrorMetadata::builder().message(message);
        if let Some(code) = code {
            meta = meta.code(code);
        }
        let raw = HttpResponse::new(status.try_into().unwrap(), SdkBody::from(body));
        SdkError::service_error(AssumeRoleError::generic(meta.build()), raw)
    }

    fn map(sts: &AwsSts, call: &Call<'_>, err: SdkError<AssumeRoleError, HttpResponse>) -> Error {
        sts.error(call, describe(&err, Duration::from_millis(12_300)))
    }

    fn parts(err: &Error) -> (Option<String>, String, String) {
        match err {
            Error::Sts {
                code, message, hint, ..
            } => (code.clone(), message.clone(), hint.clone().unwrap_or_default()),
            other => panic!("not Error::Sts: {other:?}"),
        }
    }

    #[test]
    fn access_denied_names_the_role_and_the_masked_key() {
        let source = long_term();
        let call = Call {
            operation: "AssumeRole",
            source: &source,
            role_arn: Some("arn:aws:iam::123456789012:role/admin"),
            mfa: None,
        };
        let err = map(
            &sts(None),
            &call,
            service_error(403, Some("AccessDenied"), "not authorized", ""),
        );
        let (code, message, hint) = parts(&err);
        assert_eq!(code.as_deref(), Some("AccessDenied"));
        assert_eq!(message, "not authorized");
        assert!(
            hint.contains("AKIA…MPLE may not assume arn:aws:iam::123456789012:role/admin"),
            "{hint}"
        );
        assert!(
            hint.contains("trust policy") && hint.contains("external_id") && hint.contains("MFA"),
            "{hint}"
        );
        let shown = err.to_string();
        assert!(
            shown.starts_with(
                "STS AssumeRole at sts.eu-west-1.amazonaws.com failed: AccessDenied: not authorized; "
            ),
            "{shown}"
        );
        assert!(!shown.contains("AKIAIOSFODNN7EXAMPLE"), "{shown}");
    }

    #[test]
    fn expired_token_says_refresh() {
        let source = session();
        let call = Call {
            operation: "AssumeRole",
            source: &source,
            role_arn: Some("arn:r"),
            mfa: None,
        };
        let err = map(
            &sts(None),
            &call,
            service_error(400, Some("ExpiredToken"), "expired", ""),
        );
        let (code, _, hint) = parts(&err);
        assert_eq!(code.as_deref(), Some("ExpiredToken"));
        assert!(hint.contains("--refresh"), "{hint}");
    }

    #[test]
    fn rejected_long_term_keys_point_at_the_credentials_file() {
        let source = long_term();
        let call = Call {
            operation: "GetSessionToken",
            source: &source,
            role_arn: None,
            mfa: None,
        };
        for code in ["InvalidClientTokenId", "SignatureDoesNotMatch"] {
            let err = map(&sts(None), &call, service_error(403, Some(code), "bad", ""));
            let (got, _, hint) = parts(&err);
            assert_eq!(got.as_deref(), Some(code));
            assert!(
                hint.contains("credentials file") && hint.contains("AKIA…MPLE"),
                "{hint}"
            );
        }
    }

    #[test]
    fn unparsed_errors_show_the_status_and_a_capped_body_without_secrets() {
        let source = session();
        let mfa = Mfa {
            serial: "arn:aws:iam::123456789012:mfa/me",
            code: "123456",
        };
        let call = Call {
            operation: "AssumeRole",
            source: &source,
            role_arn: Some("arn:r"),
            mfa: Some(mfa),
        };
        let body = format!(
            "<?xml version=\"1.0\"?>\n<Error>\n  <Code>Odd</Code> echo {SECRET} {TOKEN} code 123456 account 91234567890 {}</Error>",
            "x".repeat(500)
        );
        let err = map(
            &sts(Some("http://127.0.0.1:9")),
            &call,
            service_error(403, None, "", &body),
        );
        let (code, message, hint) = parts(&err);
        assert_eq!(code, None);
        assert!(
            message
                .starts_with("HTTP 403: <Error> <Code>Odd</Code> echo <redacted> <redacted> code <redacted>"),
            "{message}"
        );
        assert!(message.contains("account 91234567890"), "{message}");
        assert!(message.chars().count() < 260, "{message}");
        assert!(message.ends_with('…'), "{message}");
        assert!(hint.contains("--refresh"), "{hint}");
        let shown = err.to_string();
        assert!(shown.contains("at http://127.0.0.1:9 failed"), "{shown}");
        assert!(!shown.contains(SECRET) && !shown.contains(TOKEN), "{shown}");
    }

    #[test]
    fn refused_connections_say_so_in_plain_words() {
        let source = long_term();
        let call = Call {
            operation: "AssumeRole",
            source: &source,
            role_arn: Some("arn:r"),
            mfa: None,
        };
        let io = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        let err = SdkError::dispatch_failure(ConnectorError::io(io.into()));
        let (code, message, hint) = parts(&map(&sts(Some("http://127.0.0.1:9")), &call, err));
        assert_eq!(code, None);
        assert_eq!(message, "connection refused");
        assert!(hint.contains("AWS_ENDPOINT_URL_STS"), "{hint}");
    }

    #[test]
    fn timeouts_say_how_long_was_waited() {
        let source = long_term();
        let call = Call {
            operation: "AssumeRole",
            source: &source,
            role_arn: Some("arn:r"),
            mfa: None,
        };
        let err = SdkError::timeout_error("operation timeout");
        let (_, message, hint) = parts(&map(&sts(None), &call, err));
        assert_eq!(message, "timed out after 12 s");
        assert!(hint.contains("network"), "{hint}");
    }

    #[test]
    fn the_shown_endpoint_is_the_url_or_the_regional_host() {
        assert_eq!(
            sts(Some("http://localhost:5000")).endpoint_shown(),
            "http://localhost:5000"
        );
        assert_eq!(sts(None).endpoint_shown(), "sts.eu-west-1.amazonaws.com");
        let legacy = |region: &str| {
            AwsSts::new(StsSettings {
                region: region.into(),
                endpoint_url: None,
                legacy_global_endpoint: true,
            })
            .endpoint_shown()
        };
        assert_eq!(legacy("us-east-1"), "sts.amazonaws.com");
        assert_eq!(legacy("eu-west-1"), "sts.amazonaws.com");
        // Regions opened after 2019 never had the global endpoint.
        assert_eq!(legacy("ap-east-1"), "sts.ap-east-1.amazonaws.com");
    }

    #[test]
    fn legacy_resolver_sends_old_regions_to_the_global_endpoint() {
        let legacy = LegacyGlobalEndpoint::default();
        let global = resolve(&legacy, "us-east-1").unwrap();
        assert_eq!(global.url(), "https://sts.amazonaws.com");
        let regional = resolve(&DefaultResolver::new(), "us-east-1").unwrap();
        assert_eq!(regional.url(), "https://sts.us-east-1.amazonaws.com");
    }

    #[test]
    fn new_starts_no_runtime() {
        let sts = sts(None);
        assert!(sts.runtime.get().is_none());
        assert!(sts.http.get().is_none());
    }

    #[test]
    fn redaction_keeps_digits_inside_longer_numbers() {
        assert_eq!(
            redact("a 123456 b 91234567 c", &["123456"]),
            "a <redacted> b 91234567 c"
        );
        assert_eq!(redact("k=SECRET;", &["SECRET"]), "k=<redacted>;");
    }

    #[test]
    fn durations_out_of_range_are_left_for_sts_to_reject() {
        assert_eq!(seconds(Duration::from_secs(3600)), 3600);
        assert_eq!(seconds(Duration::from_secs(u64::MAX)), i32::MAX);
    }
}
