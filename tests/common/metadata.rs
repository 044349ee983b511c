//! Stand-ins for the two credential endpoints moto does not serve, following their published
//! wire formats closely enough that the AWS CLI (botocore) takes credentials from them too:
//! IMDSv2 (a token PUT whose TTL header is echoed, every GET needing the token) and the ECS
//! container endpoint (a token in `Authorization`). Each hands out `creds`, credentials the
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
type Headers = Vec<(String, String)>;

/// Method, path and headers of one request (bodies are not needed here).
fn read_head(stream: &TcpStream) -> Option<(String, String, Headers)> {
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
    Some((method, path, headers))
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
