//! EC2 instance metadata, IMDSv2 only: a session token (PUT), then the instance's role name and
//! that role's credentials, each GET carrying the token
//! (<https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instance-metadata-security-credentials.html>).

use super::http;
use crate::creds::Credentials;
use crate::{Error, Result};

/// Where the metadata service is, as the SDKs read it.
pub const DEFAULT_ENDPOINT: &str = "http://169.254.169.254";
/// The IPv6 address, for `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6`.
pub const DEFAULT_ENDPOINT_V6: &str = "http://[fd00:ec2::254]";

/// The instance role's credentials from the service at `endpoint`, for `profile`.
pub fn credentials(profile: &str, endpoint: &str) -> Result<Credentials> {
    let fail = |problem: String| Error::InstanceMetadata {
        profile: profile.to_string(),
        endpoint: endpoint.to_string(),
        problem,
    };
    let (host, port) = http::host_port(endpoint).ok_or_else(|| fail("it is not an http:// URL".into()))?;
    let call = |method: &str, path: &str, headers: &[(&str, &str)]| {
        http::request(&host, port, method, path, headers).map_err(|e| fail(e.to_string()))
    };
    let token = call(
        "PUT",
        "/latest/api/token",
        &[("X-aws-ec2-metadata-token-ttl-seconds", "21600")],
    )?;
    if token.status != 200 || token.body.trim().is_empty() {
        return Err(fail(format!("the token request was answered {}", token.status)));
    }
    let token = token.body.trim().to_string();
    let auth = [("X-aws-ec2-metadata-token", token.as_str())];
    let roles = call("GET", "/latest/meta-data/iam/security-credentials/", &auth)?;
    if roles.status == 404 {
        return Err(fail("the instance has no IAM role".into()));
    }
    if roles.status != 200 {
        return Err(fail(format!(
            "the role name request was answered {}",
            roles.status
        )));
    }
    let role = roles
        .body
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .filter(|r| {
            r.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c))
        })
        .ok_or_else(|| fail("it named no usable role".into()))?
        .to_string();
    let creds = call(
        "GET",
        &format!("/latest/meta-data/iam/security-credentials/{role}"),
        &auth,
    )?;
    if creds.status != 200 {
        return Err(fail(format!(
            "the credentials request was answered {}",
            creds.status
        )));
    }
    super::json_credentials(&creds.body, Some("Success")).map_err(|problem| fail(problem.into()))
}
