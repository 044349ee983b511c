//! The SDK clients and the calls: one async runtime and one HTTPS client, made on the first
//! call only, and one SDK configuration that the STS and IAM clients are both built from.

use super::endpoint::{self, LegacyGlobalEndpoint};
use super::errors::{Call, Failure, describe, hint, redact, secrets};
use super::{ATTEMPT_TIMEOUT, CONNECT_TIMEOUT, MAX_ATTEMPTS, OPERATION_TIMEOUT};
use super::{AssumeRole, Identity, Mfa, Sts, StsSettings, WebIdentity};
use crate::creds::Credentials;
use crate::{Error, Result};
use aws_sdk_sts::config::http::HttpResponse;
use aws_sdk_sts::config::retry::RetryConfig;
use aws_sdk_sts::config::timeout::TimeoutConfig;
use aws_sdk_sts::config::{AppName, BehaviorVersion, IdentityCache, Region, SharedHttpClient};
use aws_sdk_sts::error::{ProvideErrorMetadata, SdkError};
use aws_types::SdkConfig;
use std::future::Future;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The real STS client.
///
/// `new` does no I/O. The async runtime (current-thread) and the HTTPS client are made on the
/// first call, so a run served from the cache never builds them.
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

impl AwsSts {
    pub fn new(settings: StsSettings) -> AwsSts {
        AwsSts {
            settings,
            runtime: OnceLock::new(),
            http: OnceLock::new(),
        }
    }

    /// Whether the async runtime or the HTTPS client was made: a run served from the cache
    /// never makes them.
    #[cfg(test)]
    pub(super) fn runtime_started(&self) -> bool {
        self.runtime.get().is_some() || self.http.get().is_some()
    }

    /// The endpoint as shown in messages: the configured URL, or the host the SDK resolves
    /// for the region (`sts.eu-west-1.amazonaws.com`, `sts.amazonaws.com` in legacy mode).
    pub fn endpoint_shown(&self) -> String {
        endpoint::shown(&self.settings)
    }

    pub(super) fn runtime(&self, operation: &'static str) -> Result<&tokio::runtime::Runtime> {
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

    pub(super) fn http(&self) -> &SharedHttpClient {
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

    /// What every SDK client runas makes shares: the keys, the HTTPS client (one connection
    /// pool), retries, timeouts, the region and the app name.
    pub(super) fn sdk_config(&self, source: &Credentials, region: &str) -> SdkConfig {
        let keys = aws_sdk_sts::config::Credentials::new(
            &source.access_key_id,
            &source.secret_access_key,
            source.session_token.clone(),
            // No expiry: STS itself says ExpiredToken, which maps to a clear message.
            None,
            "runas",
        );
        self.sdk_config_with(Some(keys), region)
    }

    /// The shared configuration, signed with `keys`, or unsigned (AssumeRoleWithWebIdentity
    /// needs no credentials).
    pub(super) fn sdk_config_with(
        &self,
        keys: Option<aws_sdk_sts::config::Credentials>,
        region: &str,
    ) -> SdkConfig {
        let mut config = SdkConfig::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(region.to_string()))
            // Static keys: nothing to cache, and one client is made per source.
            .identity_cache(IdentityCache::no_cache())
            .http_client(self.http().clone())
            .retry_config(retries())
            .timeout_config(timeouts());
        if let Ok(name) = AppName::new("runas") {
            config = config.app_name(name);
        }
        if let Some(keys) = keys {
            config = config.credentials_provider(aws_types::sdk_config::SharedCredentialsProvider::new(keys));
        }
        config.build()
    }

    fn client_with(&self, source: &Credentials, date: Option<DateHeader>) -> aws_sdk_sts::Client {
        self.client_from(&self.sdk_config(source, &self.settings.region), date)
    }

    fn client_from(&self, shared: &SdkConfig, date: Option<DateHeader>) -> aws_sdk_sts::Client {
        let mut config = aws_sdk_sts::config::Builder::from(shared)
            .use_fips(self.settings.use_fips)
            .use_dual_stack(self.settings.use_dual_stack);
        if let Some(url) = &self.settings.endpoint_url {
            config = config.endpoint_url(url);
        }
        config = config.interceptor(super::answer::Bounded::Xml);
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
        self.call_at(call, self.endpoint_shown(), future)
    }

    /// `call` for a service other than STS, whose endpoint is `endpoint` in messages.
    pub(super) fn call_at<T, E, F>(&self, call: &Call<'_>, endpoint: String, future: F) -> Result<T>
    where
        F: Future<Output = std::result::Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let runtime = self.runtime(call.operation)?;
        let started = Instant::now();
        let outcome = runtime.block_on(future);
        crate::verbose::say!(
            "{} {} at {endpoint}: {} in {} ms",
            crate::error::service_of(call.operation),
            call.operation,
            if outcome.is_ok() { "answered" } else { "failed" },
            started.elapsed().as_millis()
        );
        outcome.map_err(|err| {
            let mut e = self.error(call, describe(&err, started.elapsed()));
            if let Error::Sts { endpoint: shown, .. } = &mut e {
                *shown = endpoint.clone();
            }
            e
        })
    }

    pub(super) fn error(&self, call: &Call<'_>, failure: Failure) -> Error {
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

    /// GetFederationToken, signed with an IAM user's long-term keys: temporary credentials the
    /// console federation endpoint takes for that user, named `name` (2 to 32 characters), with
    /// `policy` as the session policy (what they may do is what both it and the user's own
    /// policies allow).
    pub fn get_federation_token(
        &self,
        source: &Credentials,
        name: &str,
        policy: &str,
        duration: Duration,
    ) -> Result<Credentials> {
        let call = Call {
            operation: "GetFederationToken",
            source,
            role_arn: None,
            mfa: None,
        };
        let client = self.client(source);
        let request = client
            .get_federation_token()
            .name(name)
            .policy(policy)
            .duration_seconds(seconds(duration));
        let output = self.call(&call, request.send())?;
        convert(output.credentials()).ok_or_else(|| self.no_credentials(call.operation))
    }

    fn no_credentials(&self, operation: &'static str) -> Error {
        Error::Sts {
            operation,
            endpoint: self.endpoint_shown(),
            code: None,
            message: "the answer has no complete credentials in it".into(),
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

    fn assume_role_with_web_identity(&self, request: &WebIdentity<'_>) -> Result<Credentials> {
        // Only for messages: the token is a secret, redacted like a session token.
        let placeholder = Credentials {
            access_key_id: "web-identity".into(),
            secret_access_key: String::new(),
            session_token: Some(request.token.to_string()),
            expiration: None,
        };
        let call = Call {
            operation: "AssumeRoleWithWebIdentity",
            source: &placeholder,
            role_arn: Some(request.role_arn),
            mfa: None,
        };
        let client = self.client_from(&self.sdk_config_with(None, &self.settings.region), None);
        let send = client
            .assume_role_with_web_identity()
            .role_arn(request.role_arn)
            .role_session_name(request.session_name)
            .web_identity_token(request.token)
            .duration_seconds(seconds(request.duration));
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
pub(super) fn seconds(duration: Duration) -> i32 {
    i32::try_from(duration.as_secs()).unwrap_or(i32::MAX)
}

/// The credentials of an answer, only when every field is there: the SDK fills a missing
/// field with an empty string or the epoch, which must never reach a shell as credentials.
fn convert(creds: Option<&aws_sdk_sts::types::Credentials>) -> Option<Credentials> {
    let creds = creds?;
    let expiration = u64::try_from(creds.expiration().secs()).ok().filter(|&e| e > 0)?;
    let text = |s: &str| Some(s.to_string()).filter(|s| !s.is_empty());
    Some(Credentials {
        access_key_id: text(creds.access_key_id())?,
        secret_access_key: text(creds.secret_access_key())?,
        session_token: Some(text(creds.session_token())?),
        expiration: Some(expiration),
    })
}
