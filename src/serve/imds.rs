//! EC2 instance metadata, version 2 only, as much of it as SDKs read for credentials and the
//! region: `PUT /latest/api/token` with `X-aws-ec2-metadata-token-ttl-seconds` (1–21600, echoed
//! back: the Rust SDK fails without the echo) issues a random token; every GET must carry a
//! valid one in `X-aws-ec2-metadata-token` (401 otherwise: there is no IMDSv1 here).
//!
//! Like the real service, a token PUT that carries `X-Forwarded-For` is refused: it came
//! through a proxy, which is how server-side request forgery reaches metadata services.

use super::Holder;
use super::http::{Request, Response, percent_decode, random_token};
use crate::creds::{Credentials, rfc3339};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The longest token lifetime IMDS allows.
const MAX_TTL: u64 = 21_600;

/// Tokens kept at once; SDKs take one per client and keep it for hours.
const MAX_TOKENS: usize = 1024;

const CREDENTIALS: &str = "/latest/meta-data/iam/security-credentials/";

pub struct Imds {
    pub holder: Arc<Holder>,
    /// The name credentials are listed under: the role's name.
    pub role: String,
    pub region: Option<String>,
    tokens: Mutex<HashMap<String, Instant>>,
}

impl Imds {
    pub fn new(holder: Arc<Holder>, role: String, region: Option<String>) -> Imds {
        Imds {
            holder,
            role,
            region,
            tokens: Mutex::new(HashMap::new()),
        }
    }

    pub fn handle(&self, request: &Request) -> Response {
        match request.method.as_str() {
            "PUT" if request.path == "/latest/api/token" => self.issue(request),
            "GET" => {
                if !self.valid(request.header("x-aws-ec2-metadata-token")) {
                    return Response::text(401, "");
                }
                self.get(&request.path)
            }
            "PUT" => Response::text(404, ""),
            _ => Response::text(405, ""),
        }
    }

    fn issue(&self, request: &Request) -> Response {
        if request.header("x-forwarded-for").is_some() {
            return Response::text(403, "");
        }
        let ttl = request
            .header("x-aws-ec2-metadata-token-ttl-seconds")
            .and_then(|v| v.parse::<u64>().ok())
            .filter(|ttl| (1..=MAX_TTL).contains(ttl));
        let Some(ttl) = ttl else {
            return Response::text(
                400,
                "X-aws-ec2-metadata-token-ttl-seconds must be a number of seconds from 1 to 21600",
            );
        };
        let Ok(token) = random_token() else {
            return Response::text(503, "");
        };
        let now = Instant::now();
        let mut tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        if tokens.len() >= MAX_TOKENS {
            tokens.retain(|_, expires| *expires > now);
        }
        if tokens.len() >= MAX_TOKENS {
            // Still full of live tokens: the one that expires first goes.
            if let Some(first) = tokens.iter().min_by_key(|(_, e)| **e).map(|(t, _)| t.clone()) {
                tokens.remove(&first);
            }
        }
        tokens.insert(token.clone(), now + Duration::from_secs(ttl));
        Response::text(200, token).with_header("X-aws-ec2-metadata-token-ttl-seconds", ttl.to_string())
    }

    fn valid(&self, token: Option<&str>) -> bool {
        let Some(token) = token else { return false };
        let tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        // A map lookup: the key is hashed, and 256 random bits cannot be guessed by timing.
        tokens.get(token).is_some_and(|expires| *expires > Instant::now())
    }

    fn get(&self, path: &str) -> Response {
        match path {
            "/latest/meta-data/iam/security-credentials" | CREDENTIALS => {
                Response::text(200, self.role.clone())
            }
            "/latest/meta-data/placement/region" => match &self.region {
                Some(region) => Response::text(200, region.clone()),
                None => Response::text(404, ""),
            },
            "/latest/meta-data/placement/availability-zone" => match &self.region {
                Some(region) => Response::text(200, format!("{region}a")),
                None => Response::text(404, ""),
            },
            _ => match path.strip_prefix(CREDENTIALS).and_then(percent_decode) {
                Some(name) if name == self.role => match self.holder.current() {
                    Ok((credentials, updated)) => answer(&credentials, updated),
                    Err(problem) => failure(&problem),
                },
                _ => Response::text(404, ""),
            },
        }
    }
}

/// The name credentials are listed under: the last part of a role ARN, else `name` with what
/// a role name cannot hold replaced, so the path an SDK builds from it needs no escaping.
pub fn role_name(role_arn: Option<&str>, name: &str) -> String {
    let base = role_arn
        .and_then(|arn| arn.rsplit('/').next())
        .filter(|n| !n.is_empty())
        .unwrap_or(name);
    let cleaned: String = base
        .chars()
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '+' | '=' | ',' | '.' | '@' | '_' | '-' => c,
            _ => '-',
        })
        .collect();
    if cleaned.is_empty() {
        "runas".into()
    } else {
        cleaned
    }
}

fn answer(credentials: &Credentials, updated: u64) -> Response {
    let body = serde_json::json!({
        "Code": "Success",
        "LastUpdated": rfc3339(updated),
        "Type": "AWS-HMAC",
        "AccessKeyId": credentials.access_key_id,
        "SecretAccessKey": credentials.secret_access_key,
        "Token": credentials.session_token,
        "Expiration": credentials.expiration.map(rfc3339),
    });
    Response::json(200, body.to_string())
}

/// What IMDS says when it has no credentials to give: a `Code` other than `Success`, which SDKs
/// report with the message.
fn failure(problem: &str) -> Response {
    let body = serde_json::json!({
        "Code": "CredentialsUnavailable",
        "Message": problem,
        "LastUpdated": rfc3339(crate::creds::epoch_now()),
    });
    Response::json(503, body.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::creds::epoch_now;

    fn request(method: &str, path: &str, headers: &[(&str, &str)]) -> Request {
        Request {
            method: method.into(),
            path: path.into(),
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
        }
    }

    fn imds() -> Imds {
        let holder = Holder::new(Credentials {
            access_key_id: "ASIAIMDS".into(),
            secret_access_key: "secret".into(),
            session_token: Some("token".into()),
            expiration: Some(epoch_now() + 3600),
        });
        Imds::new(holder, "prod-role".into(), Some("eu-west-1".into()))
    }

    fn token(imds: &Imds) -> String {
        let response = imds.handle(&request(
            "PUT",
            "/latest/api/token",
            &[("X-aws-ec2-metadata-token-ttl-seconds", "21600")],
        ));
        assert_eq!(response.status, 200);
        assert_eq!(
            response.headers,
            [("X-aws-ec2-metadata-token-ttl-seconds", "21600".to_string())]
        );
        response.body
    }

    #[test]
    fn a_token_needs_a_ttl_in_range_and_no_proxy() {
        let imds = imds();
        for ttl in [None, Some("0"), Some("21601"), Some("-1"), Some("x")] {
            let headers: Vec<_> = ttl
                .map(|t| ("X-aws-ec2-metadata-token-ttl-seconds", t))
                .into_iter()
                .collect();
            assert_eq!(
                imds.handle(&request("PUT", "/latest/api/token", &headers)).status,
                400,
                "{ttl:?}"
            );
        }
        let proxied = request(
            "PUT",
            "/latest/api/token",
            &[
                ("X-aws-ec2-metadata-token-ttl-seconds", "60"),
                ("X-Forwarded-For", "1.2.3.4"),
            ],
        );
        assert_eq!(imds.handle(&proxied).status, 403);
        assert_ne!(token(&imds), token(&imds));
    }

    #[test]
    fn every_get_needs_a_live_token() {
        let imds = imds();
        let path = "/latest/meta-data/iam/security-credentials/";
        assert_eq!(imds.handle(&request("GET", path, &[])).status, 401);
        assert_eq!(
            imds.handle(&request("GET", path, &[("X-aws-ec2-metadata-token", "guess")]))
                .status,
            401
        );
        let token = token(&imds);
        let listed = imds.handle(&request("GET", path, &[("X-aws-ec2-metadata-token", &token)]));
        assert_eq!((listed.status, listed.body.as_str()), (200, "prod-role"));
        imds.tokens.lock().unwrap().insert("old".into(), Instant::now());
        assert_eq!(
            imds.handle(&request("GET", path, &[("X-aws-ec2-metadata-token", "old")]))
                .status,
            401
        );
    }

    #[test]
    fn credentials_region_and_zone_are_served_and_nothing_else() {
        let imds = imds();
        let token = token(&imds);
        let get = |path: &str| imds.handle(&request("GET", path, &[("X-aws-ec2-metadata-token", &token)]));
        let creds = get("/latest/meta-data/iam/security-credentials/prod-role");
        assert_eq!(creds.status, 200);
        let doc: serde_json::Value = serde_json::from_str(&creds.body).unwrap();
        assert_eq!(doc["Code"], "Success");
        assert_eq!(doc["Type"], "AWS-HMAC");
        assert_eq!(doc["AccessKeyId"], "ASIAIMDS");
        assert!(doc["Expiration"].as_str().unwrap().ends_with('Z'));
        assert!(doc["LastUpdated"].as_str().unwrap().ends_with('Z'));
        assert_eq!(get("/latest/meta-data/placement/region").body, "eu-west-1");
        assert_eq!(
            get("/latest/meta-data/placement/availability-zone").body,
            "eu-west-1a"
        );
        for missing in [
            "/latest/meta-data/iam/security-credentials/other",
            "/latest/meta-data/",
            "/latest/user-data",
            "/",
        ] {
            assert_eq!(get(missing).status, 404, "{missing}");
        }
    }

    #[test]
    fn expired_credentials_are_a_code_other_than_success() {
        let imds = imds();
        imds.holder.replace(Credentials {
            expiration: Some(10),
            ..imds.holder.current().unwrap().0
        });
        let token = token(&imds);
        let response = imds.handle(&request(
            "GET",
            "/latest/meta-data/iam/security-credentials/prod-role",
            &[("X-aws-ec2-metadata-token", &token)],
        ));
        let doc: serde_json::Value = serde_json::from_str(&response.body).unwrap();
        assert_ne!(doc["Code"], "Success");
        assert!(doc.get("SecretAccessKey").is_none());
    }

    #[test]
    fn the_listed_name_is_the_role_name_or_a_path_safe_profile_name() {
        assert_eq!(role_name(Some("arn:aws:iam::1:role/team/deploy"), "p"), "deploy");
        assert_eq!(role_name(None, "it's a/b"), "it-s-a-b");
        assert_eq!(role_name(None, ""), "runas");
    }
}
