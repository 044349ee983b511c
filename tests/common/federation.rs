//! A stand-in for the console federation endpoint (`/federation`), following its published wire
//! format: `GET ?Action=getSigninToken&Session=<JSON>[&SessionDuration=N]` answers
//! `{"SigninToken": "…"}`. As AWS does, it refuses a Session without a session token
//! (long-term keys) and a SessionDuration outside 900–43200 seconds with HTTP 400. Every request
//! is kept, decoded, for the tests to read; the other answers (an error status, a page, an
//! endless body, silence) stand for a broken or hostile endpoint.

use super::metadata::{percent_decode, read_head};
use super::server::Server;
use std::collections::BTreeMap;
use std::io::Write;
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The sign-in token the stub hands out: a secret, which must never reach stderr.
pub const SIGNIN_TOKEN: &str = "StubSigninTokenAbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_";

/// How the stub answers a well-formed getSigninToken.
#[derive(Debug, Clone)]
pub enum Reply {
    /// `{"SigninToken": SIGNIN_TOKEN}`.
    Token,
    /// This status, with a short page.
    Status(u16),
    /// HTTP 200 with this body.
    Body(String),
    /// HTTP 200 and a body that does not end (until the client hangs up).
    Endless,
    /// Nothing at all: the connection stays open and silent.
    Silent,
}

/// One getSigninToken request as it reached the stub.
#[derive(Debug, Clone)]
pub struct SigninRequest {
    pub path: String,
    /// The query parameters, decoded.
    pub params: BTreeMap<String, String>,
}

impl SigninRequest {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.get(name).map(String::as_str)
    }

    /// The `Session` parameter as the JSON document it must be.
    pub fn session(&self) -> serde_json::Value {
        serde_json::from_str(self.param("Session").expect("a Session parameter")).expect("Session is JSON")
    }
}

pub struct Federation {
    server: Server,
    requests: Arc<Mutex<Vec<SigninRequest>>>,
}

impl Federation {
    pub fn start(reply: Reply) -> Federation {
        let requests = Arc::new(Mutex::new(Vec::new()));
        let server = {
            let requests = requests.clone();
            Server::start(move |stream, stop| {
                let Some((method, target, _)) = read_head(&stream) else {
                    return;
                };
                let (path, query) = target.split_once('?').unwrap_or((&target, ""));
                let params: BTreeMap<String, String> = query
                    .split('&')
                    .filter(|p| !p.is_empty())
                    .map(|p| {
                        let (k, v) = p.split_once('=').unwrap_or((p, ""));
                        (percent_decode(k), percent_decode(v))
                    })
                    .collect();
                let request = SigninRequest {
                    path: path.to_string(),
                    params,
                };
                requests.lock().unwrap().push(request.clone());
                let _ = answer(stream, &method, &request, &reply, stop);
            })
        };
        Federation { server, requests }
    }

    /// The address to give runas: `http://127.0.0.1:PORT/federation`.
    pub fn url(&self) -> String {
        format!("{}/federation", self.server.url())
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<SigninRequest> {
        self.requests.lock().unwrap().clone()
    }

    /// The one request made so far.
    pub fn only_request(&self) -> SigninRequest {
        let requests = self.requests();
        assert_eq!(requests.len(), 1, "{requests:?}");
        requests[0].clone()
    }
}

/// The published checks first (AWS's 400s), then the reply asked for.
fn answer(
    mut stream: TcpStream,
    method: &str,
    request: &SigninRequest,
    reply: &Reply,
    stop: &AtomicBool,
) -> std::io::Result<()> {
    let session = request
        .param("Session")
        .and_then(|s| serde_json::from_str::<serde_json::Value>(s).ok());
    let token_given = session
        .as_ref()
        .and_then(|s| s["sessionToken"].as_str())
        .is_some_and(|t| !t.is_empty());
    let keys_given = session.as_ref().is_some_and(|s| {
        s["sessionId"].as_str().is_some_and(|v| !v.is_empty())
            && s["sessionKey"].as_str().is_some_and(|v| !v.is_empty())
    });
    let duration_ok = request
        .param("SessionDuration")
        .is_none_or(|d| d.parse::<u64>().is_ok_and(|d| (900..=43200).contains(&d)));
    let well_formed = method == "GET"
        && request.path == "/federation"
        && request.param("Action") == Some("getSigninToken")
        && keys_given
        && token_given
        && duration_ok;
    if !well_formed {
        return write(&mut stream, 400, "text/html", "<html>Bad Request</html>");
    }
    match reply {
        Reply::Token => write(
            &mut stream,
            200,
            "application/json",
            &serde_json::json!({ "SigninToken": SIGNIN_TOKEN }).to_string(),
        ),
        Reply::Status(status) => write(&mut stream, *status, "text/html", "<html>Error</html>"),
        Reply::Body(body) => write(&mut stream, 200, "text/html", body),
        Reply::Endless => {
            stream.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n",
            )?;
            let chunk = [b'x'; 8192];
            while !stop.load(Ordering::SeqCst) {
                stream.write_all(&chunk)?;
            }
            Ok(())
        }
        Reply::Silent => {
            let until = Instant::now() + Duration::from_secs(60);
            while !stop.load(Ordering::SeqCst) && Instant::now() < until {
                std::thread::sleep(Duration::from_millis(50));
            }
            Ok(())
        }
    }
}

fn write(stream: &mut TcpStream, status: u16, content_type: &str, body: &str) -> std::io::Result<()> {
    write!(
        stream,
        "HTTP/1.1 {status} Stub\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    stream.flush()
}
