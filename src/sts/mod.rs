//! The only code that touches the AWS SDK clients (aws-sdk-sts, and aws-sdk-iam for
//! `runas list mfa`). The rest of runas talks to the small `Sts` and `Iam` traits, so it can be
//! tested with a fake; integration tests use a real local STS endpoint (moto).
//!
//! - `client`: the SDK clients, built from one shared SDK configuration, and the calls;
//! - `iam`: ListMFADevices;
//! - `errors`: an SDK error in plain words, with a hint and every secret redacted;
//! - `endpoint`: which endpoint a region resolves to, and the legacy global one;
//! - `federation`: the console federation endpoint's sign-in token (`runas console`).

mod answer;
mod client;
mod endpoint;
mod errors;
mod federation;
mod iam;
mod sso;

pub use client::AwsSts;

use crate::Result;
use crate::config::Resolved;
use crate::creds::Credentials;
use std::time::Duration;

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

/// What AssumeRoleWithWebIdentity is asked for: no credentials, a token instead.
#[derive(Debug, Clone)]
pub struct WebIdentity<'a> {
    pub role_arn: &'a str,
    pub session_name: &'a str,
    /// The token as read from its file (a secret).
    pub token: &'a str,
    pub duration: Duration,
}

/// GetCallerIdentity's answer (`whoami --json`: AWS's field names, as everywhere in runas's JSON).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Identity {
    pub account: String,
    pub arn: String,
    pub user_id: String,
}

/// An MFA device of an IAM user, as ListMFADevices gives it (`list mfa --json`: AWS's field
/// names, the time in RFC 3339).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct MfaDevice {
    pub serial_number: String,
    /// When it was enabled, seconds since the epoch.
    #[serde(rename = "EnableDate", serialize_with = "crate::creds::serialize_rfc3339")]
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
    /// Unsigned: the token is the proof.
    fn assume_role_with_web_identity(&self, request: &WebIdentity<'_>) -> Result<Credentials>;
    fn get_caller_identity(&self, creds: &Credentials) -> Result<Identity>;
}

/// The IAM call runas makes (`runas list mfa`), signed with `creds`.
pub trait Iam {
    /// The MFA devices of IAM user `user_name`. `endpoint_url` is IAM's (`AWS_ENDPOINT_URL_IAM`,
    /// …), resolved by `config`; IAM is global, so requests are signed for us-east-1.
    fn list_mfa_devices(
        &self,
        creds: &Credentials,
        user_name: &str,
        endpoint_url: Option<&str>,
    ) -> Result<Vec<MfaDevice>>;

    /// Every policy document of IAM user `user_name`: its inline and attached (managed, the
    /// default version) policies, and those of each of its groups, as JSON text.
    fn policy_documents(
        &self,
        creds: &Credentials,
        user_name: &str,
        endpoint_url: Option<&str>,
    ) -> Result<Vec<String>>;
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
    /// The FIPS endpoint (`use_fips_endpoint`), as the SDKs choose it.
    pub use_fips: bool,
    /// The dual-stack endpoint (`use_dualstack_endpoint`).
    pub use_dual_stack: bool,
}

/// Where STS is called when no region resolves: the region of the global endpoint.
pub const DEFAULT_REGION: &str = "us-east-1";

impl StsSettings {
    /// Where to call STS for `profile`: its region (else us-east-1, where the global endpoint
    /// lives, since STS needs a region to sign for), its endpoint, its endpoint mode.
    pub fn for_profile(profile: &Resolved) -> StsSettings {
        StsSettings {
            region: profile
                .region
                .as_ref()
                .map_or_else(|| DEFAULT_REGION.to_string(), |s| s.value.clone()),
            endpoint_url: profile.endpoint_url.as_ref().map(|s| s.value.clone()),
            legacy_global_endpoint: profile.legacy_global_endpoint,
            use_fips: profile.use_fips,
            use_dual_stack: profile.use_dual_stack,
        }
    }
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
#[cfg(test)]
mod tests;
