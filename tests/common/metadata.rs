//! Stand-ins for the credential endpoints moto does not serve, following their published wire
//! formats closely enough that the AWS CLI (botocore) takes credentials from them too: IMDSv2
//! (a token PUT whose TTL header is echoed, every GET needing the token), the ECS container
//! endpoint (a token in `Authorization`), and IAM Identity Center's portal (GetRoleCredentials)
//! and SSO-OIDC (CreateToken with a refresh token). Each hands out `creds`, credentials the
//! tests mint with moto, so the AWS CLI can confirm which role they are.

use super::server;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;

/// What the stub answers with: AccessKeyId, SecretAccessKey, Token, Expiration (ending in Z).
#[derive(Clone)]
pub struct Creds {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub token: String,
    pub expiration: String,
}

/// How the SSO stub's sign-in ends.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum SignIn {
    Works,
    /// The browser is sent back with another `state`.
    WrongState,
    /// The user says no (both flows).
    Denied,
    /// The device code expires before anyone enters it.
    ExpiredCode,
}

/// What a sign-in at the SSO stub gives.
pub const SSO_LOGIN_TOKEN: &str = "sso-access-token-login";

/// The SSO stub's tokens: the access token it takes at first, the refresh token it takes, and
/// what a refresh gives.
pub const SSO_TOKEN: &str = "sso-access-token-1";
pub const SSO_REFRESH_TOKEN: &str = "sso-refresh-token-1";
pub const SSO_REFRESHED_TOKEN: &str = "sso-access-token-2";
pub const SSO_ROTATED_REFRESH_TOKEN: &str = "sso-refresh-token-2";

/// The token the IMDS stub issues and the role name it reports.
pub const IMDS_TOKEN: &str = "AQAEAStubImdsSessionToken";
pub const IMDS_ROLE: &str = "stub-instance-role";

pub struct Server(server::Server);

impl Server {
    /// IMDSv2 on a free loopback port.
    pub fn imds(creds: Creds) -> Server {
        Server::start(move |method, path, headers| {
            let header = |name: &str| {
                headers
                    .iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v.as_str())
            };
            if method == "PUT" && path == "/latest/api/token" {
                return match header("x-aws-ec2-metadata-token-ttl-seconds") {
                    Some(ttl) => (
                        200,
                        vec![("X-aws-ec2-metadata-token-ttl-seconds".into(), ttl.into())],
                        IMDS_TOKEN.into(),
                    ),
                    None => (400, vec![], String::new()),
                };
            }
            if header("x-aws-ec2-metadata-token") != Some(IMDS_TOKEN) {
                return (401, vec![], String::new());
            }
            match path {
                "/latest/meta-data/iam/security-credentials/" => (200, vec![], IMDS_ROLE.into()),
                p if p == format!("/latest/meta-data/iam/security-credentials/{IMDS_ROLE}") => {
                    (200, vec![], json(&creds, true))
                }
                _ => (404, vec![], String::new()),
            }
        })
    }

    /// An ECS container endpoint at `/creds` that wants `token` in `Authorization`.
    pub fn ecs(creds: Creds, token: &'static str) -> Server {
        Server::start(move |_, path, headers| {
            let auth = headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case("authorization"))
                .map(|(_, v)| v.as_str());
            match (path, auth) {
                ("/creds", Some(t)) if t == token => (200, vec![], json(&creds, false)),
                ("/creds", _) => (403, vec![], String::new()),
                _ => (404, vec![], String::new()),
            }
        })
    }

    pub fn url(&self) -> String {
        self.0.url()
    }

    fn start(
        answer: impl Fn(&str, &str, &[(String, String)]) -> (u16, Headers, String) + Send + 'static,
    ) -> Server {
        Server(server::Server::start(move |stream, _| {
            if let Some((method, path, headers)) = read_head(&stream) {
                let (status, extra, body) = answer(&method, &path, &headers);
                let _ = write_answer(stream, status, &extra, &body);
            }
        }))
    }

    /// IAM Identity Center on a free loopback port, serving both its APIs (point
    /// AWS_ENDPOINT_URL_SSO and AWS_ENDPOINT_URL_SSO_OIDC here):
    /// - the portal's `GET /federation/credentials?account_id=&role_name=` answers `creds` for
    ///   `account` and `role` to the access token in `x-amz-sso_bearer_token` while it is the
    ///   current one (at first `SSO_TOKEN`), else 401 as the service does;
    /// - SSO-OIDC's `POST /token` with `grantType` `refresh_token` and `SSO_REFRESH_TOKEN`
    ///   makes `SSO_REFRESHED_TOKEN` the current token (the old one stops working) and answers
    ///   it, with `SSO_ROTATED_REFRESH_TOKEN`.
    pub fn sso(creds: Creds, account: &'static str, role: &'static str) -> Server {
        Server::sso_signing_in(creds, account, role, SignIn::Works)
    }

    /// `sso`, with sign-in too: RegisterClient (`POST /client/register`), the device flow
    /// (`POST /device_authorization`, then `/token` pending once before it answers) and the
    /// authorization code flow (`GET /authorize` sends the browser back to its `redirect_uri`
    /// with a code and the `state`; `/token` checks the verifier against the S256 challenge).
    /// Either gives `SSO_LOGIN_TOKEN`, which becomes the current token. `sign_in` says how the
    /// sign-in ends.
    pub fn sso_signing_in(
        creds: Creds,
        account: &'static str,
        role: &'static str,
        sign_in: SignIn,
    ) -> Server {
        let current = std::sync::Mutex::new(SSO_TOKEN.to_string());
        let challenge = std::sync::Mutex::new(String::new());
        let polls = std::sync::atomic::AtomicUsize::new(0);
        Server(server::Server::start(move |stream, _| {
            let Some((method, path, headers, body)) = read_request(&stream) else {
                return;
            };
            let header = |name: &str| {
                headers
                    .iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v.clone())
            };
            let error = |status: u16, kind: &str, message: &str| {
                let extra = vec![("x-amzn-ErrorType".to_string(), kind.to_string())];
                (
                    status,
                    extra,
                    serde_json::json!({ "message": message }).to_string(),
                )
            };
            let (status, extra, body) = if method == "GET" && path.starts_with("/federation/credentials?") {
                let query = &path["/federation/credentials?".len()..];
                let wants =
                    |key: &str, value: &str| query.split('&').any(|kv| kv == format!("{key}={value}"));
                let token = header("x-amz-sso_bearer_token");
                if token.as_deref() != Some(current.lock().unwrap().as_str()) {
                    error(401, "UnauthorizedException", "Session token not found or invalid")
                } else if !wants("account_id", account) || !wants("role_name", role) {
                    error(403, "ForbiddenException", "No access")
                } else {
                    let expiration = humantime::parse_rfc3339(&creds.expiration)
                        .unwrap()
                        .duration_since(std::time::UNIX_EPOCH)
                        .unwrap()
                        .as_millis() as u64;
                    let doc = serde_json::json!({ "roleCredentials": {
                        "accessKeyId": creds.access_key_id,
                        "secretAccessKey": creds.secret_access_key,
                        "sessionToken": creds.token,
                        "expiration": expiration,
                    }});
                    (200, Vec::new(), doc.to_string())
                }
            } else if method == "POST" && path == "/token" {
                let request: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
                let login = |current: &std::sync::Mutex<String>| {
                    *current.lock().unwrap() = SSO_LOGIN_TOKEN.to_string();
                    let doc = serde_json::json!({
                        "accessToken": SSO_LOGIN_TOKEN,
                        "tokenType": "Bearer",
                        "expiresIn": 28800,
                        "refreshToken": SSO_REFRESH_TOKEN,
                    });
                    (200, Vec::new(), doc.to_string())
                };
                let oidc_error = |kind: &str, error: &str| {
                    let extra = vec![("x-amzn-ErrorType".to_string(), kind.to_string())];
                    (400, extra, serde_json::json!({ "error": error }).to_string())
                };
                if request["grantType"] == "urn:ietf:params:oauth:grant-type:device_code" {
                    let poll = polls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    match sign_in {
                        SignIn::ExpiredCode => oidc_error("ExpiredTokenException", "expired_token"),
                        SignIn::Denied => oidc_error("AccessDeniedException", "access_denied"),
                        _ if poll == 0 => {
                            oidc_error("AuthorizationPendingException", "authorization_pending")
                        }
                        _ => login(&current),
                    }
                } else if request["grantType"] == "authorization_code" {
                    use sha2::Digest;
                    let verifier = request["codeVerifier"].as_str().unwrap_or_default();
                    let digest = sha2::Sha256::digest(verifier.as_bytes());
                    let expected = challenge.lock().unwrap().clone();
                    if request["code"] == "stub-code"
                        && !expected.is_empty()
                        && base64url(&digest) == expected
                    {
                        login(&current)
                    } else {
                        oidc_error("InvalidGrantException", "invalid_grant")
                    }
                } else if request["grantType"] == "refresh_token"
                    && request["refreshToken"] == SSO_REFRESH_TOKEN
                {
                    *current.lock().unwrap() = SSO_REFRESHED_TOKEN.to_string();
                    let doc = serde_json::json!({
                        "accessToken": SSO_REFRESHED_TOKEN,
                        "tokenType": "Bearer",
                        "expiresIn": 3600,
                        "refreshToken": SSO_ROTATED_REFRESH_TOKEN,
                    });
                    (200, Vec::new(), doc.to_string())
                } else {
                    let extra = vec![(
                        "x-amzn-ErrorType".to_string(),
                        "InvalidGrantException".to_string(),
                    )];
                    (
                        400,
                        extra,
                        serde_json::json!({ "error": "invalid_grant" }).to_string(),
                    )
                }
            } else if method == "POST" && path == "/client/register" {
                let request: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
                let doc = serde_json::json!({
                    "clientId": format!("stub-client-{}", request["grantTypes"].as_array().map_or(0, Vec::len)),
                    "clientSecret": "stub-client-secret",
                    "clientIdIssuedAt": 1_700_000_000,
                    "clientSecretExpiresAt": 4_000_000_000u64,
                });
                (200, Vec::new(), doc.to_string())
            } else if method == "POST" && path == "/device_authorization" {
                let doc = serde_json::json!({
                    "deviceCode": "stub-device-code",
                    "userCode": "ABCD-EFGH",
                    "verificationUri": "https://device.sso.example/",
                    "verificationUriComplete": "https://device.sso.example/?user_code=ABCD-EFGH",
                    "expiresIn": 600,
                    "interval": 1,
                });
                (200, Vec::new(), doc.to_string())
            } else if method == "GET" && path.starts_with("/authorize?") {
                let query = &path["/authorize?".len()..];
                let param = |key: &str| {
                    query
                        .split('&')
                        .filter_map(|kv| kv.split_once('='))
                        .find(|(k, _)| *k == key)
                        .map(|(_, v)| percent_decode(v))
                        .unwrap_or_default()
                };
                *challenge.lock().unwrap() = param("code_challenge");
                let redirect = param("redirect_uri");
                let location = match sign_in {
                    SignIn::Denied => format!("{redirect}?error=access_denied&state={}", param("state")),
                    SignIn::WrongState => format!("{redirect}?code=stub-code&state=not-yours"),
                    _ => format!("{redirect}?code=stub-code&state={}", param("state")),
                };
                (302, vec![("Location".to_string(), location)], String::new())
            } else {
                (404, Vec::new(), String::new())
            };
            let _ = write_answer(stream, status, &extra, &body);
        }))
    }
}

fn json(c: &Creds, imds: bool) -> String {
    let mut doc = serde_json::json!({
        "AccessKeyId": c.access_key_id,
        "SecretAccessKey": c.secret_access_key,
        "Token": c.token,
        "Expiration": c.expiration,
    });
    if imds {
        doc["Code"] = "Success".into();
        doc["Type"] = "AWS-HMAC".into();
        doc["LastUpdated"] = "2026-11-30T00:00:00Z".into();
    }
    doc.to_string()
}

/// A request's headers, by name and value.
pub(super) type Headers = Vec<(String, String)>;

/// `%XX` escapes (and `+`) of a query value, as a browser writes them.
pub(super) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                out.push(b'%');
            }
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Base64url without padding.
fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

/// Method, path and headers of one request (bodies are not needed here).
pub(super) fn read_head(stream: &TcpStream) -> Option<(String, String, Headers)> {
    read_request(stream).map(|(method, path, headers, _)| (method, path, headers))
}

/// Method, path, headers and body (as long as its Content-Length) of one request.
fn read_request(stream: &TcpStream) -> Option<(String, String, Headers, Vec<u8>)> {
    use std::io::Read;
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .ok()?;
    let mut reader = BufReader::new(stream);
    let mut first = String::new();
    reader.read_line(&mut first).ok()?;
    let mut words = first.split_whitespace();
    let (method, path) = (words.next()?.to_string(), words.next()?.to_string());
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 || line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_string(), value.trim().to_string()));
        }
    }
    let length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length.min(1 << 20)];
    reader.read_exact(&mut body).ok()?;
    Some((method, path, headers, body))
}

fn write_answer(
    mut stream: TcpStream,
    status: u16,
    extra: &[(String, String)],
    body: &str,
) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {status} Stub\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in extra {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(body.as_bytes())?;
    stream.flush()
}
