//! The ECS container credentials endpoint: `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` on the
//! agent's address, or `AWS_CONTAINER_CREDENTIALS_FULL_URI` on one of the hosts the SDKs allow,
//! with the token of `AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE)` when there is one.

use super::http;
use crate::creds::Credentials;
use crate::{Error, Result};

/// The ECS agent's address, for a relative URI.
pub const AGENT: &str = "http://169.254.170.2";

/// The hosts a full URI may name over plain http, as the SDKs allow them: this machine and the
/// container agents' link-local addresses.
pub fn allowed_host(host: &str) -> bool {
    if matches!(
        host,
        "localhost" | "169.254.170.2" | "169.254.170.23" | "fd00:ec2::23"
    ) {
        return true;
    }
    host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The task role's credentials from `url` (already checked), with `token` as Authorization.
pub fn credentials(profile: &str, url: &str, token: Option<&str>) -> Result<Credentials> {
    let fail = |problem: String| Error::ContainerEndpoint {
        profile: profile.to_string(),
        url: url.to_string(),
        problem,
    };
    let (host, port) = http::host_port(url).ok_or_else(|| fail("it is not an http:// URL".into()))?;
    if !allowed_host(&host) {
        return Err(fail(format!(
            "{host} is not this machine or an ECS agent address, which is all plain http may reach"
        )));
    }
    let path = url
        .strip_prefix("http://")
        .and_then(|rest| rest.find('/').map(|at| &rest[at..]))
        .unwrap_or("/");
    let headers: Vec<(&str, &str)> = token.map(|t| ("Authorization", t)).into_iter().collect();
    let answer = http::request(&host, port, "GET", path, &headers).map_err(|e| fail(e.to_string()))?;
    if answer.status != 200 {
        return Err(fail(format!("it answered {}", answer.status)));
    }
    super::json_credentials(&answer.body, None).map_err(|problem| fail(problem.into()))
}
