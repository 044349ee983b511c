//! The ECS container credential endpoint, as the SDKs read it through
//! `AWS_CONTAINER_CREDENTIALS_FULL_URI`: a GET with the token in `Authorization`, answered with
//! `{"AccessKeyId","SecretAccessKey","Token","Expiration"}`, `Expiration` in UTC ending in `Z`
//! (the Rust and JavaScript SDKs reject an offset).
//!
//! Paths: `/` and `/credentials` give the served profile; `/credentials/PROFILE` gives another
//! profile (as aws-runas serves them) only when that was allowed at start, and never asks for an
//! MFA code, since no SDK waits that long.

use super::Holder;
use super::http::{Request, Response, percent_decode, same_secret};
use crate::creds::{Credentials, rfc3339};
use std::sync::Arc;

/// Another profile's credentials, or the one-line reason there are none.
pub type Others = Box<dyn Fn(&str) -> Result<Credentials, String> + Send + Sync>;

pub struct Ecs {
    pub token: String,
    pub holder: Arc<Holder>,
    /// Set when other profiles may be asked for by name.
    pub others: Option<Others>,
}

impl Ecs {
    pub fn handle(&self, request: &Request) -> Response {
        let authorized = request.count("authorization") == 1
            && request
                .header("authorization")
                .is_some_and(|given| same_secret(given, &self.token));
        if !authorized {
            return error(
                403,
                "AccessDenied",
                "runas: the Authorization header must hold this endpoint's token",
            );
        }
        if request.method != "GET" {
            return error(405, "MethodNotAllowed", "runas: only GET is served here");
        }
        match request.path.as_str() {
            "/" | "/credentials" | "/credentials/" => match self.holder.current() {
                Ok((credentials, _)) => answer(&credentials),
                Err(problem) => error(503, "CredentialsUnavailable", &problem),
            },
            path => match path.strip_prefix("/credentials/").map(percent_decode) {
                None | Some(None) => error(404, "NotFound", "runas: no such path; use /credentials"),
                Some(Some(profile)) => self.other(&profile),
            },
        }
    }

    fn other(&self, profile: &str) -> Response {
        let Some(others) = &self.others else {
            return error(
                403,
                "AccessDenied",
                "runas: this endpoint serves one profile; start it with --allow-other-profiles to \
                 serve others by name",
            );
        };
        match others(profile) {
            Ok(credentials) => answer(&credentials),
            Err(problem) => error(503, "CredentialsUnavailable", &problem),
        }
    }
}

/// The credentials document.
pub fn answer(credentials: &Credentials) -> Response {
    let body = serde_json::json!({
        "AccessKeyId": credentials.access_key_id,
        "SecretAccessKey": credentials.secret_access_key,
        "Token": credentials.session_token,
        "Expiration": credentials.expiration.map(rfc3339),
    });
    Response::json(200, body.to_string())
}

/// An error in the shape the SDKs quote in their own message.
fn error(status: u16, code: &str, message: &str) -> Response {
    let body = serde_json::json!({ "code": code, "message": message });
    Response::json(status, body.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::creds::epoch_now;

    fn creds(id: &str) -> Credentials {
        Credentials {
            access_key_id: id.into(),
            secret_access_key: "secret".into(),
            session_token: Some("token".into()),
            expiration: Some(1_700_000_000),
        }
    }

    fn get(path: &str, token: Option<&str>) -> Request {
        let mut headers = vec![("Host".to_string(), "127.0.0.1:1".to_string())];
        if let Some(token) = token {
            headers.push(("Authorization".into(), token.into()));
        }
        Request {
            method: "GET".into(),
            path: path.into(),
            headers,
        }
    }

    fn endpoint(others: Option<Others>) -> Ecs {
        let mut live = creds("ASIALIVE");
        live.expiration = Some(epoch_now() + 3600);
        Ecs {
            token: "sesame".into(),
            holder: Holder::new(live),
            others,
        }
    }

    #[test]
    fn the_document_has_the_four_fields_and_a_utc_expiration() {
        let response = answer(&creds("ASIAX"));
        let doc: serde_json::Value = serde_json::from_str(&response.body).unwrap();
        assert_eq!(doc["AccessKeyId"], "ASIAX");
        assert_eq!(doc["SecretAccessKey"], "secret");
        assert_eq!(doc["Token"], "token");
        assert_eq!(doc["Expiration"], "2023-11-14T22:13:20Z");
        assert_eq!(response.content_type, "application/json");
    }

    #[test]
    fn no_token_or_a_wrong_one_is_refused_whatever_the_path() {
        let ecs = endpoint(None);
        for path in ["/", "/credentials", "/nothing"] {
            assert_eq!(ecs.handle(&get(path, None)).status, 403, "{path}");
            assert_eq!(ecs.handle(&get(path, Some("sesam"))).status, 403, "{path}");
            assert_eq!(
                ecs.handle(&get(path, Some("Bearer sesame"))).status,
                403,
                "{path}"
            );
        }
        let mut twice = get("/", Some("sesame"));
        twice.headers.push(("authorization".into(), "other".into()));
        assert_eq!(ecs.handle(&twice).status, 403);
    }

    #[test]
    fn the_served_profile_is_at_the_root_and_at_credentials() {
        let ecs = endpoint(None);
        for path in ["/", "/credentials"] {
            let response = ecs.handle(&get(path, Some("sesame")));
            assert_eq!(response.status, 200, "{path}");
            assert!(response.body.contains("ASIALIVE"));
        }
        assert_eq!(ecs.handle(&get("/other", Some("sesame"))).status, 404);
        let mut put = get("/", Some("sesame"));
        put.method = "PUT".into();
        assert_eq!(ecs.handle(&put).status, 405);
    }

    #[test]
    fn other_profiles_only_when_allowed() {
        let refused = endpoint(None).handle(&get("/credentials/dev", Some("sesame")));
        assert_eq!(refused.status, 403);
        assert!(
            refused.body.contains("--allow-other-profiles"),
            "{}",
            refused.body
        );
        let ecs = endpoint(Some(Box::new(|name: &str| match name {
            "it's dev" => Ok(creds("ASIADEV")),
            other => Err(format!("runas: no profile {other:?}")),
        })));
        let dev = ecs.handle(&get("/credentials/it%27s%20dev", Some("sesame")));
        assert_eq!(dev.status, 200);
        assert!(dev.body.contains("ASIADEV"));
        let missing = ecs.handle(&get("/credentials/nope", Some("sesame")));
        assert_eq!(missing.status, 503);
        assert!(missing.body.contains("no profile"), "{}", missing.body);
    }

    #[test]
    fn expired_credentials_are_an_error_the_sdk_can_quote() {
        let ecs = endpoint(None);
        ecs.holder.replace(creds("ASIAOLD"));
        let response = ecs.handle(&get("/", Some("sesame")));
        assert_eq!(response.status, 503);
        assert!(!response.body.contains("ASIAOLD") && !response.body.contains("secret"));
        assert!(response.body.contains("expired"), "{}", response.body);
    }
}
