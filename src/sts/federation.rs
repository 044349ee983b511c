//! The console federation endpoint's `getSigninToken`: one GET outside the SDK, on the HTTP
//! stack the SDK clients use (aws-smithy-http-client's connector: hyper, rustls with ring and
//! the system's roots) and on their runtime. Like the STS client it reads no proxy variables:
//! `RUNAS_FEDERATION_URL` points it at a proxy instead.
//!
//! The request's address holds the secret key and the session token, and the answer a sign-in
//! token: neither is ever shown. Bounded like every other answer runas reads: its size, and
//! the time to the last byte.

use super::AwsSts;
use crate::creds::Credentials;
use crate::sources::http::percent_encode;
use crate::{Error, Result};
use aws_sdk_sts::config::http::HttpRequest;
use aws_smithy_runtime_api::client::http::HttpConnector;
use aws_smithy_types::body::SdkBody;
use http_body_util::BodyExt;
use std::time::{Duration, Instant};

/// The largest answer read: a sign-in token is a few KiB.
pub const MAX_ANSWER: usize = 64 << 10;
/// How long the whole exchange may take, connect to last byte.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// The request's query: `getSigninToken` with the credentials as the `Session` JSON document,
/// and `SessionDuration` in seconds when one is asked for.
pub fn signin_token_query(creds: &Credentials, duration: Option<Duration>) -> String {
    let session = serde_json::json!({
        "sessionId": creds.access_key_id,
        "sessionKey": creds.secret_access_key,
        "sessionToken": creds.session_token.as_deref().unwrap_or_default(),
    });
    let mut query = "Action=getSigninToken".to_string();
    if let Some(duration) = duration {
        query.push_str(&format!("&SessionDuration={}", duration.as_secs()));
    }
    query.push_str(&format!("&Session={}", percent_encode(&session.to_string())));
    query
}

impl AwsSts {
    /// A sign-in token for `creds` from the federation endpoint `endpoint` (its address without
    /// a query), for a console session of `duration` when given. `remedy` is what to do when
    /// the endpoint refuses the credentials: the caller knows how they were got.
    pub fn signin_token(
        &self,
        endpoint: &str,
        creds: &Credentials,
        duration: Option<Duration>,
        remedy: &str,
    ) -> Result<String> {
        let fail = |problem: String| Error::Federation {
            endpoint: endpoint.to_string(),
            problem,
        };
        let separator = if endpoint.contains('?') { '&' } else { '?' };
        let url = format!("{endpoint}{separator}{}", signin_token_query(creds, duration));
        let mut request = HttpRequest::new(SdkBody::empty());
        request.set_uri(url.as_str()).map_err(|_| {
            fail("is not an http(s) address; fix --federation-url or RUNAS_FEDERATION_URL".into())
        })?;
        let _ = request.set_method("GET");
        request.headers_mut().insert("Accept", "application/json");
        let runtime = self.runtime("getSigninToken")?;
        let started = Instant::now();
        let outcome = runtime.block_on(async {
            let connector = aws_smithy_http_client::Connector::builder()
                .tls_provider(aws_smithy_http_client::tls::Provider::Rustls(
                    aws_smithy_http_client::tls::rustls_provider::CryptoMode::Ring,
                ))
                .build();
            tokio::time::timeout(TIMEOUT, async {
                let answer = connector.call(request).await.map_err(Fetch::Connect)?;
                let status = answer.status().as_u16();
                let body = http_body_util::Limited::new(answer.into_body(), MAX_ANSWER)
                    .collect()
                    .await
                    .map_err(|e| {
                        if e.downcast_ref::<http_body_util::LengthLimitError>().is_some() {
                            Fetch::TooLarge
                        } else {
                            Fetch::Cut
                        }
                    })?
                    .to_bytes();
                Ok::<_, Fetch>((status, body))
            })
            .await
        });
        let secrets = super::errors::secrets(&super::errors::Call {
            operation: "getSigninToken",
            source: creds,
            role_arn: None,
            mfa: None,
        });
        let redacted = |text: String| super::errors::redact(&text, &secrets);
        let (status, body) = match outcome {
            Err(_) => {
                crate::verbose::say!(
                    "getSigninToken at {endpoint}: no answer in {} s",
                    TIMEOUT.as_secs()
                );
                return Err(fail(format!(
                    "did not answer within {} s; check the network, or set RUNAS_FEDERATION_URL",
                    TIMEOUT.as_secs()
                )));
            }
            Ok(Err(Fetch::Connect(e))) => {
                let reason = redacted(super::errors::connect_reason(&e));
                crate::verbose::say!("getSigninToken at {endpoint}: {reason}");
                return Err(fail(format!(
                    "cannot be reached ({reason}); check the network, or set RUNAS_FEDERATION_URL"
                )));
            }
            Ok(Err(Fetch::TooLarge)) => {
                return Err(fail(format!(
                    "sent an answer larger than {} KiB, which no sign-in token is; check that it is AWS's federation endpoint",
                    MAX_ANSWER >> 10
                )));
            }
            Ok(Err(Fetch::Cut)) => {
                return Err(fail(
                    "cut its answer short; try again, or check what is between you and it".into(),
                ));
            }
            Ok(Ok(answer)) => answer,
        };
        crate::verbose::say!(
            "getSigninToken at {endpoint}: HTTP {status} ({} bytes) in {} ms",
            body.len(),
            started.elapsed().as_millis()
        );
        match status {
            200 => {}
            // What AWS answers to credentials it does not take: expired, revoked, a session
            // token, a SessionDuration the role may not have.
            400 | 401 | 403 => {
                return Err(fail(format!("refused the credentials (HTTP {status}); {remedy}")));
            }
            _ => {
                return Err(fail(format!(
                    "answered HTTP {status} instead of a sign-in token; try again, or check what is between you and it"
                )));
            }
        }
        signin_token_of(&body).ok_or_else(|| {
            fail(format!(
                "answered HTTP 200 without a sign-in token ({} bytes that are not JSON with a SigninToken); check that it is AWS's federation endpoint",
                body.len()
            ))
        })
    }
}

/// What can go wrong before a whole answer is in.
enum Fetch {
    Connect(aws_smithy_runtime_api::client::result::ConnectorError),
    TooLarge,
    Cut,
}

/// The `SigninToken` of the endpoint's answer `{"SigninToken": "…"}`: a non-empty string of
/// printable ASCII, since it goes into an address.
pub fn signin_token_of(body: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Answer {
        #[serde(rename = "SigninToken")]
        signin_token: String,
    }
    let answer: Answer = serde_json::from_slice(body).ok()?;
    let token = answer.signin_token;
    (!token.is_empty() && token.bytes().all(|b| b.is_ascii_graphic())).then_some(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_document_is_json_then_percent_encoded() {
        let creds = Credentials {
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: "se/cr+et".into(),
            session_token: Some("to\"ken".into()),
            expiration: Some(1),
        };
        assert_eq!(
            signin_token_query(&creds, Some(Duration::from_secs(900))),
            "Action=getSigninToken&SessionDuration=900&Session=%7B%22sessionId%22%3A%22ASIAEXAMPLE%22%2C%22sessionKey%22%3A%22se%2Fcr%2Bet%22%2C%22sessionToken%22%3A%22to%5C%22ken%22%7D"
        );
        assert!(!signin_token_query(&creds, None).contains("SessionDuration"));
    }

    #[test]
    fn only_a_printable_token_is_taken() {
        assert_eq!(
            signin_token_of(br#"{"SigninToken":"abc-_"}"#).as_deref(),
            Some("abc-_")
        );
        assert_eq!(signin_token_of(br#"{"SigninToken":""}"#), None);
        assert_eq!(signin_token_of(br#"{"SigninToken":"a b"}"#), None);
        assert_eq!(signin_token_of(br#"{"Other":"x"}"#), None);
        assert_eq!(signin_token_of(b"<html>"), None);
    }
}
